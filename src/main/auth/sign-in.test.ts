import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext, signedInContext, testAdminPassword, testContext, testOperatorPassword } from '../../../test/support/backend';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  backend = await createTestBackend({ clock });
});
afterEach(async () => backend.cleanup());

function from(source: string): CallContext & { token: string | null } {
  return { ...testContext(), source };
}

function signIn(username: string, password: string, source = 'desk-1') {
  return backend.router.call('auth:sign-in', { username, password }, from(source));
}

function auditCount(action: string): number {
  return (backend.db.$client.prepare('SELECT count(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;
}

describe('sign-in throttle', () => {
  it('counts parallel guesses one by one: 20 at once check only five passwords', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => signIn('admin', 'wrong-password-x')));
    const codes = answers.map((answer) => (answer.ok ? 'OK' : answer.error.code));
    expect(codes.filter((code) => code === 'UNAUTHORIZED')).toHaveLength(5);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(15);
    expect(auditCount('auth.sign-in-failed')).toBe(5);
  });

  it('does not let the right password through in a batch of 60 wrong ones', async () => {
    const batch = [...Array.from({ length: 60 }, () => signIn('admin', 'wrong-password-x')), signIn('admin', testAdminPassword)];
    const answers = await Promise.all(batch);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(answers.filter((answer) => answer.ok)).toHaveLength(0);
  });

  it('keeps the wait bounded: after it passes the right password works, and one more wrong guess does not lock again for long', async () => {
    for (let attempt = 0; attempt < 5; attempt++) await signIn('admin', 'wrong-password-x');
    clock.advance(30_000);
    await signIn('admin', 'wrong-password-x');
    // The sixth failure doubles the wait to a minute; it does not start a fresh 15-minute lock.
    const waiting = await signIn('admin', testAdminPassword);
    expect(waiting).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterMs: 60_000 } } });
    clock.advance(60_000);
    expect((await signIn('admin', testAdminPassword)).ok).toBe(true);
  });

  it('lets the operator in from their own desk within a minute while another source keeps guessing', async () => {
    // The guesser tries as soon as each of its own waits ends, for an hour.
    let guesserReadyAt = clock.now();
    const start = clock.now();
    let refusedForOperator = 0;
    let operatorIn = false;
    while (clock.now() - start < 3_600_000 && !operatorIn) {
      if (clock.now() >= guesserReadyAt) {
        const answer = await signIn('admin', 'wrong-password-x', 'attacker');
        if (!answer.ok && answer.error.code === 'RATE_LIMITED') {
          guesserReadyAt = clock.now() + (answer.error.details as { retryAfterMs: number }).retryAfterMs;
        }
      }
      if (clock.now() - start >= 10 * 60_000) {
        // The operator arrives after ten minutes of guessing and retries every 10 s.
        const answer = await signIn('admin', testAdminPassword, 'desk-7');
        operatorIn = answer.ok;
        if (!answer.ok) refusedForOperator += 1;
      }
      clock.advance(10_000);
    }
    expect(operatorIn).toBe(true);
    expect(refusedForOperator).toBeLessThanOrEqual(6);
  });

  it('refuses attempts on a waiting account without checking or recording each one, and sums them in the audit log', async () => {
    for (let attempt = 0; attempt < 5; attempt++) await signIn('admin', 'wrong-password-x');
    for (let attempt = 0; attempt < 25; attempt++) {
      expect(await signIn('admin', 'wrong-password-x')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    }
    backend.services.auth.flushRefusals();
    clock.advance(60_000);
    backend.services.auth.flushRefusals();
    expect(auditCount('auth.sign-in-failed')).toBe(5);
    const rows = backend.db.$client.prepare("SELECT details FROM audit_log WHERE action = 'auth.sign-in-refused'").all() as Array<{ details: string }>;
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.details ?? '{}')).toMatchObject({ username: 'admin', source: 'desk-1', rule: 'account', count: 25 });
  });

  it('throttles one source spraying many usernames', async () => {
    const answers = [];
    for (let index = 0; index < 35; index++) answers.push(await signIn(`user${index}`, 'wrong-password-x', 'sprayer'));
    expect(answers.slice(0, 20).every((answer) => !answer.ok && answer.error.code === 'UNAUTHORIZED')).toBe(true);
    expect(answers.slice(20).every((answer) => !answer.ok && answer.error.code === 'RATE_LIMITED')).toBe(true);
    // Another source is not affected.
    expect((await signIn('admin', testAdminPassword, 'desk-2')).ok).toBe(true);
  });

  it('lets 50 operators behind one address (an office NAT) sign in at the same moment', { timeout: 120_000 }, async () => {
    for (let index = 1; index <= 50; index++) {
      await backend.services.operators.create(null, { username: `shift${index}`, displayName: `shift${index}`, role: 'reviewer', password: testOperatorPassword, mustChangePassword: false });
    }
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => signIn(`shift${index + 1}`, testOperatorPassword, 'office-nat')));
    expect(answers.filter((answer) => !answer.ok)).toEqual([]);
  });

  it('still slows guessing from one source when the guesses arrive all at once', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, (_, index) => signIn(`user${index}`, 'wrong-password-x', 'sprayer')));
    const codes = answers.map((answer) => (answer.ok ? 'OK' : answer.error.code));
    const checked = codes.filter((code) => code === 'UNAUTHORIZED').length;
    // Twenty free failures, and at most the few checks already running when the twentieth failed.
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(checked).toBeLessThanOrEqual(20 + 4);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(60 - checked);
    expect(auditCount('auth.sign-in-failed')).toBe(checked);
    // Right passwords from that source wait too, like everyone's behind it; another source is not affected.
    expect(await signIn('admin', testAdminPassword, 'sprayer')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect((await signIn('admin', testAdminPassword, 'desk-2')).ok).toBe(true);
  });

  it('answers an unknown username exactly like a known one that waits', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const known = await signIn('admin', 'wrong-password-x');
      const unknown = await signIn('nobody-here', 'wrong-password-x');
      expect(unknown).toEqual(known);
    }
    const known = await signIn('admin', testAdminPassword);
    const unknown = await signIn('nobody-here', 'wrong-password-x');
    expect(known).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(unknown).toEqual(known);
  });

  it('answers a disabled account with the right password like a wrong password', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const reviewer = await operatorContext(backend, 'bo', 'reviewer');
    await backend.router.call('users:update', { id: reviewer.actor?.id, disabled: true }, admin);
    const right = await signIn('bo', testOperatorPassword);
    const wrong = await signIn('bo', 'wrong-password-x');
    const unknown = await signIn('nobody-here', 'wrong-password-x');
    expect(right).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(right).toEqual(wrong);
    expect(right).toEqual(unknown);
  });

  it('spends a password hash on unknown usernames too (no timing difference)', async () => {
    async function timeOf(username: string): Promise<number> {
      const started = performance.now();
      await signIn(username, 'wrong-password-x', `timing-${username}-${started}`);
      return performance.now() - started;
    }
    await timeOf('warm-up');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 3; round++) {
      known.push(await timeOf('admin'));
      unknown.push(await timeOf('nobody-here'));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] as number;
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('lets an administrator unlock a waiting account from every source at once', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    await operatorContext(backend, 'lily', 'reviewer');
    for (let attempt = 0; attempt < 8; attempt++) await signIn('lily', 'wrong-password-x', 'attacker');
    const users = await backend.router.call('users:list', {}, admin);
    const lily = users.ok ? (users.data as Array<{ id: number; username: string }>).find((user) => user.username === 'lily') : undefined;
    expect(lily).toMatchObject({ locked: true });
    await backend.router.call('users:update', { id: lily?.id, unlock: true }, admin);
    expect((await signIn('lily', testOperatorPassword, 'attacker')).ok).toBe(true);
  });
});

describe('changing one’s own password', () => {
  it('counts wrong current passwords toward the sign-in throttle', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const change = (currentPassword: string) =>
      backend.router.call('auth:change-password', { currentPassword, newPassword: 'amber-valley-orchard-4' }, admin);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await change('wrong-password-x')).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await change(testAdminPassword)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // The same account's sign-in waits too.
    expect(await signIn('admin', testAdminPassword, 'test')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('refuses an administrator resetting their own password, and points to change-password', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const reset = await backend.router.call('users:reset-password', { id: admin.actor?.id, password: 'amber-valley-orchard-4' }, admin);
    expect(reset).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'own-password' } } });
    expect((await signIn('admin', testAdminPassword)).ok).toBe(true);
  });

  it('ends the operator’s other sessions and keeps this one', async () => {
    const here = await signedInContext(backend, 'admin', testAdminPassword);
    const elsewhere = testContext();
    await backend.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, elsewhere);
    expect(backend.services.auth.resolveSession(elsewhere.token)).not.toBeNull();
    const changed = await backend.router.call('auth:change-password', { currentPassword: testAdminPassword, newPassword: 'amber-valley-orchard-4' }, here);
    expect(changed.ok).toBe(true);
    expect(backend.services.auth.resolveSession(elsewhere.token)).toBeNull();
    expect(await backend.router.call('users:list', {}, here)).toMatchObject({ ok: true });
    const live = backend.db.$client.prepare('SELECT id FROM sessions WHERE ended_at IS NULL').all() as Array<{ id: number }>;
    expect(live.map((row) => row.id)).toEqual([here.actor?.sessionId]);
  });
});

describe('sessions', () => {
  it('a new sign-in leaves the operator’s sessions on other desktops alone', async () => {
    const first = testContext();
    await backend.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, first);
    await signIn('admin', testAdminPassword, 'desk-2');
    expect(backend.services.auth.resolveSession(first.token)).not.toBeNull();
  });

  it('ends a session at its lifetime even while it is in use', async () => {
    const context = testContext();
    await backend.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, context);
    for (let hour = 1; hour < 12; hour++) {
      clock.advance(3_600_000);
      expect(backend.services.auth.resolveSession(context.token)).not.toBeNull();
    }
    clock.advance(3_600_000);
    expect(backend.services.auth.resolveSession(context.token)).toBeNull();
  });

  it('follows the session settings an administrator saves, for sessions already open', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const reviewer = await operatorContext(backend, 'bo', 'reviewer');
    expect(await backend.router.call('auth:set-session-settings', { idleTimeoutMinutes: 30, lifetimeHours: 1 }, reviewer)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const open = testContext();
    await backend.router.call('auth:sign-in', { username: 'bo', password: testOperatorPassword }, open);
    const saved = await backend.router.call('auth:set-session-settings', { idleTimeoutMinutes: 30, lifetimeHours: 1 }, admin);
    expect(saved).toEqual({ ok: true, data: { idleTimeoutMinutes: 30, lifetimeHours: 1 } });
    clock.advance(25 * 60_000);
    expect(backend.services.auth.resolveSession(open.token)).not.toBeNull();
    clock.advance(25 * 60_000);
    expect(backend.services.auth.resolveSession(open.token)).not.toBeNull();
    clock.advance(10 * 60_000);
    expect(backend.services.auth.resolveSession(open.token)).toBeNull();
    expect(await backend.router.call('auth:session-settings', {}, admin)).toEqual({ ok: true, data: { idleTimeoutMinutes: 30, lifetimeHours: 1 } });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext, signedInContext, testAdminPassword, testContext, testOperatorPassword } from '../../../test/support/backend';
import type { Backend } from '../runtime/backend';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  backend = await createTestBackend({ clock });
});
afterEach(async () => backend.cleanup());

function auditActions(): string[] {
  return (backend.db.$client.prepare('SELECT action FROM audit_log ORDER BY id').all() as Array<{ action: string }>).map((row) => row.action);
}

describe('sign-in', () => {
  it('creates the first admin from CREDITDESK_ADMIN_PASSWORD and signs in with it', async () => {
    const context = testContext();
    const result = await backend.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, context);
    expect(result).toMatchObject({ ok: true, data: { operator: { username: 'admin', role: 'admin', mustChangePassword: false } } });
    expect(context.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // The token is stored only as a hash.
    const stored = backend.db.$client.prepare('SELECT token_hash FROM sessions').get() as { token_hash: string };
    expect(stored.token_hash).not.toBe(context.token);
    expect(auditActions()).toContain('auth.sign-in');
  });

  it('generates a first admin password when none is given, and forces a change', async () => {
    const generated: Array<string | null> = [];
    const other = await createTestBackend({ adminPassword: undefined, onFirstAdmin: (info) => generated.push(info.generatedPassword) });
    try {
      expect(generated).toHaveLength(1);
      expect(generated[0]).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
      const context = await signedInContext(other, 'admin', generated[0] as string);
      expect(context.actor?.mustChangePassword).toBe(true);
      expect(await other.router.call('users:list', {}, context)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      await other.cleanup();
    }
  });

  it('answers the same for an unknown user and a wrong password', async () => {
    const unknown = await backend.router.call('auth:sign-in', { username: 'nobody', password: 'whatever-123' }, testContext());
    const wrong = await backend.router.call('auth:sign-in', { username: 'admin', password: 'whatever-123' }, testContext());
    expect(unknown).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Wrong username or password, or the account is disabled.' } });
    expect(wrong).toEqual(unknown);
  });

  it('slows down repeated failures, then admits the right password once the wait has passed', async () => {
    const delays: number[] = [];
    const other = await createTestBackend({ clock, authDelay: async (ms) => void delays.push(ms) });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        await other.router.call('auth:sign-in', { username: 'admin', password: 'wrong-password' }, testContext());
      }
      expect(delays).toEqual([250, 500, 1000, 2000, 4000]);
      const waiting = await other.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, testContext());
      expect(waiting).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterMs: 30_000 } } });
      clock.advance(30_000);
      const after = await other.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, testContext());
      expect(after.ok).toBe(true);
    } finally {
      await other.cleanup();
    }
  });

  it('lets an administrator unlock a locked account at once', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    await operatorContext(backend, 'lily', 'reviewer');
    for (let attempt = 0; attempt < 5; attempt++) {
      await backend.router.call('auth:sign-in', { username: 'lily', password: 'wrong-password' }, testContext());
    }
    const users = await backend.router.call('users:list', {}, admin);
    const lily = users.ok ? (users.data as Array<{ id: number; username: string; locked: boolean }>).find((user) => user.username === 'lily') : undefined;
    expect(lily?.locked).toBe(true);
    await backend.router.call('users:update', { id: lily?.id, unlock: true }, admin);
    const signIn = await backend.router.call('auth:sign-in', { username: 'lily', password: testOperatorPassword }, testContext());
    expect(signIn.ok).toBe(true);
  });

  it('refuses a disabled account and ends its live sessions', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const reviewer = await operatorContext(backend, 'bo', 'reviewer');
    await backend.router.call('users:update', { id: reviewer.actor?.id, disabled: true }, admin);
    const session = backend.db.$client.prepare('SELECT ended_at FROM sessions WHERE id = ?').get(reviewer.actor?.sessionId) as { ended_at: number | null };
    expect(session.ended_at).not.toBeNull();
    const again = await backend.router.call('auth:sign-in', { username: 'bo', password: testOperatorPassword }, testContext());
    expect(again).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('expires a session after the idle timeout, and slides it while in use up to its lifetime', async () => {
    const context = testContext();
    await backend.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, context);
    clock.advance(119 * 60_000);
    expect(backend.services.auth.resolveSession(context.token)).not.toBeNull();
    clock.advance(119 * 60_000);
    expect(backend.services.auth.resolveSession(context.token)).not.toBeNull();
    clock.advance(120 * 60_000 + 1);
    expect(backend.services.auth.resolveSession(context.token)).toBeNull();
  });

  it('ends the session at sign-out', async () => {
    const context = testContext();
    await backend.router.call('auth:sign-in', { username: 'admin', password: testAdminPassword }, context);
    const token = context.token;
    const session = backend.services.auth.resolveSession(token);
    await backend.router.call('auth:sign-out', {}, { ...context, actor: session?.actor ?? null });
    expect(backend.services.auth.resolveSession(token)).toBeNull();
  });

  it('changes the own password only with the right current one', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const wrong = await backend.router.call('auth:change-password', { currentPassword: 'nope', newPassword: 'brand-new-password' }, admin);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'The current password is wrong.' } });
    const right = await backend.router.call('auth:change-password', { currentPassword: testAdminPassword, newPassword: 'brand-new-password' }, admin);
    expect(right.ok).toBe(true);
    await expect(signedInContext(backend, 'admin', 'brand-new-password')).resolves.toBeTruthy();
  });
});

describe('operator accounts', () => {
  it('refuse a duplicate username and keep at least one active admin', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const input = { username: 'mei', displayName: 'Mei', role: 'support', password: 'plum-blossom-river-1' };
    expect((await backend.router.call('users:create', input, admin)).ok).toBe(true);
    expect(await backend.router.call('users:create', input, admin)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await backend.router.call('users:update', { id: admin.actor?.id, disabled: true }, admin)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('record who created and changed accounts in the audit log', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const created = await backend.router.call('users:create', { username: 'qi', displayName: 'Qi', role: 'reviewer', password: 'qi-password-12' }, admin);
    const id = created.ok ? (created.data as { id: number }).id : 0;
    await backend.router.call('users:update', { id, role: 'supervisor' }, admin);
    const rows = backend.db.$client
      .prepare("SELECT action, operator_name AS who, details FROM audit_log WHERE action LIKE 'users.%' ORDER BY id")
      .all() as Array<{ action: string; who: string; details: string }>;
    expect(rows.map((row) => [row.action, row.who])).toEqual([
      ['users.created', null],
      ['users.created', 'admin'],
      ['users.updated', 'admin'],
    ]);
    expect(JSON.parse(rows[2]?.details ?? '{}')).toEqual({ role: 'supervisor' });
    expect(rows.map((row) => row.details).join()).not.toMatch(/password-12/);
  });
});

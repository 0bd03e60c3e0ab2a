import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, signedInContext, testAdminPassword, testContext, testOperatorPassword } from '../../../test/support/backend';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let admin: CallContext;

beforeEach(async () => {
  clock = new ManualClock();
  backend = await createTestBackend({ clock });
  admin = await signedInContext(backend, 'admin', testAdminPassword);
});
afterEach(async () => backend.cleanup());

/** A reviewer's new session: its token, as the HTTP transport holds it in the cookie. */
async function reviewerToken(username = 'wang'): Promise<{ token: string; id: number }> {
  const created = await backend.router.call('users:create', { username, displayName: username, role: 'reviewer', password: testOperatorPassword, mustChangePassword: false }, admin);
  if (!created.ok) throw new Error(created.error.message);
  return { token: await signIn(username), id: (created.data as { id: number }).id };
}

async function signIn(username: string, password = testOperatorPassword): Promise<string> {
  const context = testContext();
  const result = await backend.router.call('auth:sign-in', { username, password }, context);
  if (!result.ok) throw new Error(result.error.message);
  return context.token as string;
}

function resolve(token: string) {
  return backend.services.auth.resolveSession(token);
}

// Every call resolves its session afresh (a cache tried on 2026-12-07 did not pay:
// docs/performance.md, "Team server"); whatever resolves sessions later, these must hold.
describe('a session, resolved for every call', () => {
  it('ends at once at sign-out', async () => {
    const { token } = await reviewerToken();
    const session = resolve(token);
    expect(session).not.toBeNull();
    await backend.router.call('auth:sign-out', {}, { ...testContext(session?.actor ?? null), csrfToken: session?.csrfToken ?? null });
    expect(resolve(token)).toBeNull();
  });

  it('ends at once when the operator is disabled or given another role, and shows a new name at the next call', async () => {
    const { token, id } = await reviewerToken();
    expect(resolve(token)?.actor.displayName).toBe('wang');
    expect(await backend.router.call('users:update', { id, displayName: '王五' }, admin)).toMatchObject({ ok: true });
    expect(resolve(token)?.actor.displayName).toBe('王五');
    expect(await backend.router.call('users:update', { id, role: 'supervisor' }, admin)).toMatchObject({ ok: true });
    expect(resolve(token)).toBeNull();
    const again = await signIn('wang');
    expect(resolve(again)?.actor.role).toBe('supervisor');
    expect(await backend.router.call('users:update', { id, disabled: true }, admin)).toMatchObject({ ok: true });
    expect(resolve(again)).toBeNull();
  });

  it('ends the other sessions at once when the operator changes the password, and keeps this one', async () => {
    const { token } = await reviewerToken();
    const other = await signIn('wang');
    const session = resolve(token);
    expect(resolve(other)).not.toBeNull();
    const changed = await backend.router.call('auth:change-password', { currentPassword: testOperatorPassword, newPassword: 'amber-willow-compass-42' }, { ...testContext(session?.actor ?? null), csrfToken: session?.csrfToken ?? null });
    expect(changed).toMatchObject({ ok: true });
    expect(resolve(other)).toBeNull();
    expect(resolve(token)).not.toBeNull();
  });

  it('ends at once when an administrator resets the password', async () => {
    const { token, id } = await reviewerToken();
    expect(resolve(token)).not.toBeNull();
    expect(await backend.router.call('users:reset-password', { id, password: 'amber-willow-compass-42' }, admin)).toMatchObject({ ok: true });
    expect(resolve(token)).toBeNull();
  });

  it('expires at the idle timeout and at the end of its lifetime, read from the cache or not', async () => {
    const { token } = await reviewerToken();
    expect(resolve(token)).not.toBeNull();
    clock.advance(120 * 60_000 + 1);
    expect(resolve(token)).toBeNull();

    const kept = await signIn('wang');
    // In use every 100 minutes (each call slides the idle expiry), up to the 12-hour lifetime.
    for (let hour = 0; hour < 7; hour++) {
      expect(resolve(kept)).not.toBeNull();
      clock.advance(100 * 60_000);
    }
    expect(resolve(kept)).not.toBeNull();
    clock.advance(60 * 60_000);
    expect(resolve(kept)).toBeNull();
  });

  it('ends at once when another process disables the operator or ends the session', async () => {
    const { token } = await reviewerToken();
    const second = await signIn('wang');
    expect(resolve(token)).not.toBeNull();
    expect(resolve(second)).not.toBeNull();
    // As a `creditdesk` command in another process would: its own connection to the same file.
    const other = new Database(backend.paths.database);
    try {
      other.prepare('UPDATE sessions SET ended_at = ? WHERE id = (SELECT max(id) FROM sessions)').run(clock.now());
      expect(resolve(second)).toBeNull();
      expect(resolve(token)).not.toBeNull();
      other.prepare("UPDATE operators SET disabled = 1 WHERE username = 'wang'").run();
      expect(resolve(token)).toBeNull();
    } finally {
      other.close();
    }
  });
});

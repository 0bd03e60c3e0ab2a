import type { Actor, CallContext } from '../../src/main/core/actor';
import { startBackend, type Backend, type BackendOptions } from '../../src/main/runtime/backend';
import type { Clock } from '../../src/main/core/clock';
import { tempFolders } from './temp-folders';

/** Passes the password policy (no username, not common), so the first admin need not change it. */
export const testAdminPassword = 'test-root-passphrase';
/** The password operatorContext gives every operator it creates. */
export const testOperatorPassword = 'quiet-harbor-lantern-7';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 10, 25, 2, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/**
 * A real back end on a fresh data folder (real SQLite, migrations applied), with handler outputs
 * validated against the contract and no sign-in failure delays.
 */
export async function createTestBackend(options: Partial<BackendOptions> = {}): Promise<Backend & { cleanup(): Promise<void> }> {
  const folders = tempFolders();
  const backend = await startBackend({
    dataDir: folders.folder(),
    shell: 'headless',
    adminPassword: testAdminPassword,
    logConsole: 'none',
    validateOutput: true,
    authDelay: async () => undefined,
    ...options,
  });
  return Object.assign(backend, {
    async cleanup() {
      await backend.close();
      folders.removeAll();
    },
  });
}

/** A call context with whatever the sign-in binds kept, like a browser keeps its cookie. */
export function testContext(actor: Actor | null = null): CallContext & { token: string | null } {
  const context = {
    actor,
    transport: 'test' as const,
    source: 'test',
    csrfToken: null,
    token: null as string | null,
    session: {
      bind(token: string) {
        context.token = token;
      },
      clear() {
        context.token = null;
      },
    },
  };
  return context;
}

/** Signs in through the router and returns a context acting as that operator. */
export async function signedInContext(backend: Backend, username: string, password: string): Promise<CallContext> {
  const context = testContext();
  const result = await backend.router.call('auth:sign-in', { username, password }, context);
  if (!result.ok) throw new Error(`sign-in failed: ${result.error.message}`);
  const session = backend.services.auth.resolveSession(context.token);
  if (!session) throw new Error('no session after sign-in');
  return { ...testContext(session.actor), csrfToken: session.csrfToken };
}

/** Creates an operator who does not need to change the password, and signs in as them. */
export async function operatorContext(backend: Backend, username: string, role: Actor['role']): Promise<CallContext> {
  const password = testOperatorPassword;
  await backend.services.operators.create(null, { username, displayName: username, role, password, mustChangePassword: false });
  return signedInContext(backend, username, password);
}

import { createHash, randomBytes } from 'node:crypto';
import type { Locale, Operator, SessionSettings, SessionState } from '../../shared/contracts/auth';
import { AppError } from '../../shared/rpc/errors';
import { permissionsOf } from '../../shared/rpc/permissions';
import { writeTransaction, type Db } from '../db/connection';
import type { OperatorRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import { findOperatorById, findOperatorByUsername, updateOperator } from '../repositories/operators';
import { endSession, endSessionsOfOperator, findLiveSessionOperator, insertSession, touchSession } from '../repositories/sessions';
import type { Actor, CallContext } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import { sleep, type Clock } from '../core/clock';
import { startFlushLoop } from '../core/windowed-summary';
import { assertPasswordAllowed } from './password-policy';
import { hashPassword, verifyPassword } from './passwords';
import { readSessionSettings, writeSessionSettings } from './session-settings';
import { createRefusalLog } from './sign-in-refusals';
import { createSignInThrottle, defaultSignInThrottlePolicy, type Admission, type SignInThrottlePolicy, type ThrottleRule } from './sign-in-throttle';
import { createSourceGate } from './source-gate';

export interface AuthPolicy {
  /** Delay before answering the n-th consecutive failure of an account: base * 2^(n-1), capped. */
  failureDelayBaseMs: number;
  failureDelayCapMs: number;
  /** Attempts over the sign-in throttle (docs/security.md, "Sign-in and sessions"). */
  throttle: SignInThrottlePolicy;
}

export const defaultAuthPolicy: AuthPolicy = {
  failureDelayBaseMs: 250,
  failureDelayCapMs: 4_000,
  throttle: defaultSignInThrottlePolicy,
};

/** Why sessions ended on the server side; the transports close their streams and tell the windows. */
export type SessionEndReason = 'signed-out' | 'disabled' | 'expired';

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  logger: Logger;
  policy?: Partial<AuthPolicy>;
  /** Injected so tests do not wait through the failure delays. */
  delay?: (ms: number) => Promise<void>;
  /** Called when sessions end on the server side, so transports can tell the windows. */
  onSessionsEnded?: (sessionIds: number[], reason: SessionEndReason) => void;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function toOperator(row: OperatorRow): Operator {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    permissions: [...permissionsOf(row.role)],
    locale: row.locale,
    mustChangePassword: row.mustChangePassword,
  };
}

function toActor(row: Pick<OperatorRow, 'id' | 'username' | 'displayName' | 'role' | 'locale' | 'mustChangePassword'>, sessionId: number): Actor {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    locale: row.locale,
    permissions: permissionsOf(row.role),
    mustChangePassword: row.mustChangePassword,
    sessionId,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

const unauthorizedMessage = 'Wrong username or password, or the account is disabled.';

/** The one answer to a refused attempt, whether or not the username exists. */
function rateLimited(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError('RATE_LIMITED', `Too many sign-in attempts. Try again in ${seconds} s.`, { retryAfterMs: seconds * 1000 });
}

/**
 * Sign-in, sessions and the operator's own account settings. `source` is the caller's address as
 * its transport sees it ('local' over IPC); it keys the per-source throttle and is recorded.
 */
export function createAuthService(deps: AuthServiceDeps) {
  const policy = { ...defaultAuthPolicy, ...deps.policy };
  const { db, clock, audit, logger } = deps;
  const delay = deps.delay ?? ((ms: number) => sleep(ms));
  const throttle = createSignInThrottle(db, policy.throttle);
  const gate = createSourceGate({ concurrent: policy.throttle.sourceConcurrentChecks, queued: policy.throttle.sourceQueuedAttempts });
  const refusals = createRefusalLog({ db, audit, windowMs: policy.throttle.sourceWindowMs });
  // A hash of a random password: an unknown or disabled username costs the same scrypt time.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'));
  const refusalLoop = startFlushLoop(refusals.flush, clock, policy.throttle.sourceWindowMs);

  // resolveSession runs for every call and every pushed event: the setting is read at most every
  // few seconds (and at once after this process saves it).
  let settingsCache: { settings: SessionSettings; readAt: number } | null = null;
  function currentSessionSettings(): SessionSettings {
    const now = clock.now();
    if (!settingsCache || now - settingsCache.readAt > 5_000 || now < settingsCache.readAt) {
      settingsCache = { settings: readSessionSettings(db), readAt: now };
    }
    return settingsCache.settings;
  }

  function refuse(username: string, source: string, admission: { retryAfterMs: number; rule: ThrottleRule }): AppError {
    refusals.refused(username, source, admission.rule, clock.now());
    return rateLimited(admission.retryAfterMs);
  }

  async function signIn(
    input: { username: string; password: string },
    context: CallContext,
    source: string,
  ): Promise<SessionState> {
    const username = input.username.trim().toLowerCase();
    // A few checks of one source at a time; the source counts failures, the gate keeps the
    // unchecked attempts few (source-gate.ts).
    const release = await gate.enter(source);
    let row: OperatorRow | undefined;
    let passwordOk: boolean;
    let admission: Admission;
    try {
      // Counted before the hash check, in one transaction: parallel guesses at one account each take a turn.
      admission = throttle.admit(username, source, clock.now());
      if (!admission.admitted) throw refuse(username, source, admission);
      row = findOperatorByUsername(db, username);
      passwordOk = await verifyPassword(input.password, row && !row.disabled ? row.passwordHash : await dummyHash);
      if (!row || row.disabled || !passwordOk) throttle.failed(source, clock.now());
    } finally {
      release();
    }
    const now = clock.now();
    if (!row || row.disabled || !passwordOk) {
      const failures = admission.accountFailures;
      const reason = !row ? 'unknown-user' : row.disabled ? 'disabled' : 'password';
      const failedRow = row;
      writeTransaction(db, (tx) => {
        audit.record(tx, null, 'auth.sign-in-failed', failedRow ? { type: 'operator', id: failedRow.id } : undefined, { reason, failures, source });
        if (failedRow && failures === policy.throttle.accountFreeFailures) {
          audit.record(tx, null, 'auth.locked', { type: 'operator', id: failedRow.id }, { failures, source });
        }
      });
      if (row && failures === policy.throttle.accountFreeFailures) {
        logger.warn('sign-in slowed after repeated failures', { operatorId: row.id, failures });
      }
      await delay(Math.min(policy.failureDelayBaseMs * 2 ** Math.min(failures - 1, 20), policy.failureDelayCapMs));
      throw new AppError('UNAUTHORIZED', unauthorizedMessage);
    }
    throttle.succeeded(username, source, now);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const settings = currentSessionSettings();
    const session = writeTransaction(db, (tx) => {
      updateOperator(tx, row.id, { lastSignInAt: now, updatedAt: now });
      const created = insertSession(tx, {
        tokenHash: hashToken(token),
        operatorId: row.id,
        csrfToken,
        transport: context.transport === 'ipc' ? 'ipc' : 'http',
        createdAt: now,
        lastSeenAt: now,
        expiresAt: Math.min(now + settings.idleTimeoutMinutes * 60_000, now + settings.lifetimeHours * 3_600_000),
      });
      audit.record(tx, { id: row.id, username: row.username }, 'auth.sign-in', { type: 'session', id: created.id }, {
        transport: context.transport,
        source,
      });
      return created;
    });
    context.session.bind(token);
    logger.info('signed in', { operatorId: row.id, sessionId: session.id });
    return { operator: toOperator(row), csrfToken };
  }

  /**
   * The actor behind a bearer token, or null when the token is unknown, ended, idle past the
   * timeout, older than the lifetime, or its operator is disabled. A call (`activity: 'call'`, the
   * default) slides the idle expiry (never past the lifetime), writing at most once a minute per
   * session; what happens without the operator (`'push'`: an event stream's heartbeat, a pushed
   * event, a stream opened or reopened by the client on its own, a call the client marks
   * background: a timed refresh while nobody is at the window, shared/rpc/call-options.ts) does
   * not, or an open window would keep an unattended session alive until its lifetime.
   */
  function resolveSession(token: string | null | undefined, activity: 'call' | 'push' = 'call'): { actor: Actor; csrfToken: string } | null {
    if (!token) return null;
    const found = findLiveSessionOperator(db, hashToken(token));
    const now = clock.now();
    if (!found || found.session.expiresAt <= now) return null;
    const { session, operator: row } = found;
    const settings = currentSessionSettings();
    const endOfLife = session.createdAt + settings.lifetimeHours * 3_600_000;
    if (endOfLife <= now) return null;
    if (row.disabled) return null;
    if (activity === 'call' && now - session.lastSeenAt > 60_000) {
      try {
        touchSession(db, session.id, now, Math.min(now + settings.idleTimeoutMinutes * 60_000, endOfLife));
      } catch (error) {
        // Sliding the expiry is best effort: a long sync transaction holding the write lock must
        // not turn a valid session into a failed call. The next call slides it.
        logger.debug('session touch deferred', { sessionId: session.id, error: String(error) });
      }
    }
    return { actor: toActor(row, session.id), csrfToken: session.csrfToken };
  }

  function sessionState(context: CallContext): SessionState {
    if (!context.actor) return { operator: null, csrfToken: null };
    const row = findOperatorById(db, context.actor.id);
    if (!row) return { operator: null, csrfToken: null };
    return { operator: toOperator(row), csrfToken: context.transport === 'ipc' ? null : context.csrfToken };
  }

  function signOut(actor: Actor, context: CallContext): { signedOut: true } {
    writeTransaction(db, (tx) => {
      endSession(tx, actor.sessionId, clock.now());
      audit.record(tx, actor, 'auth.sign-out', { type: 'session', id: actor.sessionId });
    });
    context.session.clear();
    deps.onSessionsEnded?.([actor.sessionId], 'signed-out');
    return { signedOut: true };
  }

  /**
   * The operator's own password. Wrong current passwords count toward the same throttle as
   * sign-in; a change ends the operator's other sessions (this one stays).
   */
  async function changePassword(
    actor: Actor,
    input: { currentPassword: string; newPassword: string },
    source: string,
  ): Promise<{ changed: true }> {
    const row = findOperatorById(db, actor.id);
    if (!row) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
    const admission = throttle.admit(row.username, source, clock.now());
    if (!admission.admitted) throw refuse(row.username, source, admission);
    if (!(await verifyPassword(input.currentPassword, row.passwordHash))) {
      throttle.failed(source, clock.now());
      audit.record(db, actor, 'auth.sign-in-failed', { type: 'operator', id: row.id }, {
        reason: 'current-password',
        failures: admission.accountFailures,
        source,
      });
      throw new AppError('VALIDATION', 'The current password is wrong.', { field: 'currentPassword', reason: 'current-wrong' });
    }
    throttle.succeeded(row.username, source, clock.now());
    if (input.currentPassword === input.newPassword) {
      throw new AppError('VALIDATION', 'The new password must differ from the current one.', { field: 'newPassword', reason: 'same' });
    }
    assertPasswordAllowed(input.newPassword, row.username);
    const passwordHash = await hashPassword(input.newPassword);
    const now = clock.now();
    const ended = writeTransaction(db, (tx) => {
      updateOperator(tx, actor.id, { passwordHash, mustChangePassword: false, updatedAt: now });
      const others = endSessionsOfOperator(tx, actor.id, now, actor.sessionId);
      audit.record(tx, actor, 'auth.password-changed', { type: 'operator', id: actor.id }, { otherSessionsEnded: others.length });
      return others;
    });
    if (ended.length > 0) deps.onSessionsEnded?.(ended, 'signed-out');
    return { changed: true };
  }

  function setLocale(actor: Actor, locale: Locale): Operator {
    return toOperator(updateOperator(db, actor.id, { locale, updatedAt: clock.now() }));
  }

  /** Ends every live session of an operator (disabled, role changed, password reset). */
  function endOperatorSessions(operatorId: number, reason: SessionEndReason): void {
    const ended = endSessionsOfOperator(db, operatorId, clock.now());
    if (ended.length > 0) deps.onSessionsEnded?.(ended, reason);
  }

  /** An administrator's unlock: the account's sign-in waits end, from every source. */
  function clearSignInWaits(username: string): void {
    throttle.clearAccount(username);
  }

  /** Until when sign-in to this account waits (from every source or from one); null when it does not. */
  function signInWaitsUntil(username: string): number | null {
    return throttle.accountWaitsUntil(username, clock.now());
  }

  function sessionSettings(): SessionSettings {
    return readSessionSettings(db);
  }

  /** Applies to open sessions too: each is checked against the current settings at every call. */
  function setSessionSettings(actor: Actor, settings: SessionSettings): SessionSettings {
    const now = clock.now();
    writeTransaction(db, (tx) => {
      writeSessionSettings(tx, settings, now, actor.id);
      audit.record(tx, actor, 'auth.session-settings-saved', undefined, { ...settings });
    });
    settingsCache = null;
    return currentSessionSettings();
  }

  /** Writes the pending refusal counts; the back end calls it at shutdown. */
  function close(): void {
    refusalLoop.stop();
  }

  return {
    signIn,
    resolveSession,
    sessionState,
    signOut,
    changePassword,
    setLocale,
    endOperatorSessions,
    clearSignInWaits,
    signInWaitsUntil,
    sessionSettings,
    setSessionSettings,
    flushRefusals: () => refusals.flush(clock.now()),
    close,
  };
}

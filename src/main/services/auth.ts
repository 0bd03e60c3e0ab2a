import { createHash, randomBytes } from 'node:crypto';
import type { Locale, Operator, SessionState } from '../../shared/contracts/auth';
import { AppError } from '../../shared/rpc/errors';
import { permissionsOf } from '../../shared/rpc/permissions';
import { writeTransaction, type Db } from '../db/connection';
import type { OperatorRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import { findOperatorById, findOperatorByUsername, updateOperator } from '../repositories/operators';
import { endSession, endSessionsOfOperator, findLiveSession, insertSession, touchSession } from '../repositories/sessions';
import type { Actor, CallContext } from '../rpc/context';
import type { AuditRecorder } from './audit';
import { sleep, type Clock } from './clock';
import { hashPassword, verifyPassword } from './passwords';

export interface AuthPolicy {
  /** Failures before the account locks. */
  maxFailures: number;
  lockMs: number;
  /** Sessions end after this long without a call. */
  idleTimeoutMs: number;
  /** Delay before answering the n-th consecutive failure: base * 2^(n-1), capped. */
  failureDelayBaseMs: number;
  failureDelayCapMs: number;
}

export const defaultAuthPolicy: AuthPolicy = {
  maxFailures: 5,
  lockMs: 15 * 60_000,
  idleTimeoutMs: 12 * 3_600_000,
  failureDelayBaseMs: 250,
  failureDelayCapMs: 4_000,
};

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  logger: Logger;
  policy?: Partial<AuthPolicy>;
  /** Injected so tests do not wait through the failure delays. */
  delay?: (ms: number) => Promise<void>;
  /** Called when sessions end on the server side, so transports can tell the windows. */
  onSessionsEnded?: (sessionIds: number[], reason: 'signed-out' | 'disabled') => void;
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

function toActor(row: OperatorRow, sessionId: number): Actor {
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

/** A hash of a random password: unknown usernames cost the same scrypt time as known ones. */
let dummyHash: Promise<string> | null = null;

export type AuthService = ReturnType<typeof createAuthService>;

/** Sign-in, sessions and the operator's own account settings. */
export function createAuthService(deps: AuthServiceDeps) {
  const policy = { ...defaultAuthPolicy, ...deps.policy };
  const { db, clock, audit, logger } = deps;
  const delay = deps.delay ?? ((ms: number) => sleep(ms));

  async function signIn(
    input: { username: string; password: string },
    context: CallContext,
  ): Promise<SessionState> {
    const username = input.username.trim().toLowerCase();
    const row = findOperatorByUsername(db, username);
    const now = clock.now();
    if (row?.lockedUntil && row.lockedUntil > now) {
      audit.record(db, null, 'auth.sign-in-failed', { type: 'operator', id: row.id }, { reason: 'locked', username });
      throw new AppError(
        'RATE_LIMITED',
        'This account is locked after repeated wrong passwords. Try again later or ask an administrator to unlock it.',
        { lockedUntil: row.lockedUntil },
      );
    }
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const passwordOk = await verifyPassword(input.password, row?.passwordHash ?? (await dummyHash));
    if (!row || !passwordOk) {
      let failures = 1;
      if (row) {
        failures = row.failedAttempts + 1;
        const locks = failures >= policy.maxFailures;
        writeTransaction(db, (tx) => {
          updateOperator(tx, row.id, {
            failedAttempts: failures,
            lockedUntil: locks ? now + policy.lockMs : row.lockedUntil,
            updatedAt: now,
          });
          audit.record(tx, null, 'auth.sign-in-failed', { type: 'operator', id: row.id }, { reason: 'password', failures });
          if (locks) audit.record(tx, null, 'auth.locked', { type: 'operator', id: row.id }, { until: now + policy.lockMs });
        });
        if (locks) logger.warn('account locked after repeated failures', { operatorId: row.id, failures });
      } else {
        audit.record(db, null, 'auth.sign-in-failed', undefined, { reason: 'unknown-user' });
      }
      await delay(Math.min(policy.failureDelayBaseMs * 2 ** (failures - 1), policy.failureDelayCapMs));
      throw new AppError('UNAUTHORIZED', 'Wrong username or password.');
    }
    if (row.disabled) {
      audit.record(db, null, 'auth.sign-in-failed', { type: 'operator', id: row.id }, { reason: 'disabled' });
      throw new AppError('FORBIDDEN', 'This account is disabled. Ask an administrator.');
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const session = writeTransaction(db, (tx) => {
      updateOperator(tx, row.id, { failedAttempts: 0, lockedUntil: null, lastSignInAt: now, updatedAt: now });
      const created = insertSession(tx, {
        tokenHash: hashToken(token),
        operatorId: row.id,
        csrfToken,
        transport: context.transport === 'ipc' ? 'ipc' : 'http',
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + policy.idleTimeoutMs,
      });
      audit.record(tx, { id: row.id, username: row.username }, 'auth.sign-in', { type: 'session', id: created.id }, {
        transport: context.transport,
      });
      return created;
    });
    context.session.bind(token);
    logger.info('signed in', { operatorId: row.id, sessionId: session.id });
    return { operator: toOperator({ ...row, failedAttempts: 0, lockedUntil: null }), csrfToken };
  }

  /**
   * The actor behind a bearer token, or null when the token is unknown, ended, expired, or its
   * operator is disabled. Slides the idle expiry, writing at most once a minute per session.
   */
  function resolveSession(token: string | null | undefined): { actor: Actor; csrfToken: string } | null {
    if (!token) return null;
    const session = findLiveSession(db, hashToken(token));
    const now = clock.now();
    if (!session || session.expiresAt <= now) return null;
    const row = findOperatorById(db, session.operatorId);
    if (!row || row.disabled) return null;
    if (now - session.lastSeenAt > 60_000) {
      try {
        touchSession(db, session.id, now, now + policy.idleTimeoutMs);
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
    return { signedOut: true };
  }

  async function changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }): Promise<{ changed: true }> {
    const row = findOperatorById(db, actor.id);
    if (!row) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
    if (!(await verifyPassword(input.currentPassword, row.passwordHash))) {
      throw new AppError('VALIDATION', 'The current password is wrong.', { field: 'currentPassword' });
    }
    if (input.currentPassword === input.newPassword) {
      throw new AppError('VALIDATION', 'The new password must differ from the current one.', { field: 'newPassword' });
    }
    const passwordHash = await hashPassword(input.newPassword);
    const now = clock.now();
    writeTransaction(db, (tx) => {
      updateOperator(tx, actor.id, { passwordHash, mustChangePassword: false, updatedAt: now });
      audit.record(tx, actor, 'auth.password-changed', { type: 'operator', id: actor.id });
    });
    return { changed: true };
  }

  function setLocale(actor: Actor, locale: Locale): Operator {
    return toOperator(updateOperator(db, actor.id, { locale, updatedAt: clock.now() }));
  }

  /** Ends every live session of an operator (disabled, role changed, password reset). */
  function endOperatorSessions(operatorId: number, reason: 'signed-out' | 'disabled'): void {
    const ended = endSessionsOfOperator(db, operatorId, clock.now());
    if (ended.length > 0) deps.onSessionsEnded?.(ended, reason);
  }

  return { signIn, resolveSession, sessionState, signOut, changePassword, setLocale, endOperatorSessions };
}

import type { UserSummary } from '../../shared/contracts/users';
import { AppError } from '../../shared/rpc/errors';
import type { Role } from '../../shared/rpc/permissions';
import { writeTransaction, type Db } from '../db/connection';
import type { OperatorRow } from '../db/schema';
import {
  countOperators,
  findOperatorById,
  findOperatorByUsername,
  insertOperator,
  listOperators,
  updateOperator,
} from '../repositories/operators';
import type { ActorRef } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { AuthService } from '../auth/service';
import type { Clock } from '../core/clock';
import { assertPasswordAllowed, passwordProblem } from '../auth/password-policy';
import { generatePassword, hashPassword } from '../auth/passwords';

export interface OperatorServiceDeps {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  auth: Pick<AuthService, 'endOperatorSessions' | 'clearSignInWaits' | 'signInWaitsUntil'>;
  onChanged?: (operatorId: number) => void;
}

/** `waitsUntil`: until when sign-in to the account is held back by the throttle (null: it is not). */
function toUserSummary(row: OperatorRow, waitsUntil: number | null): UserSummary {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    disabled: row.disabled,
    locked: waitsUntil !== null,
    lockedUntil: waitsUntil,
    lastSignInAt: row.lastSignInAt,
    createdAt: row.createdAt,
    locale: row.locale,
  };
}

/** Who did a change: an operator in the UI, or the shell (CLI) with no operator. */

export type OperatorService = ReturnType<typeof createOperatorService>;

/** Operator accounts, used by the admin UI and by `creditdesk users`. */
export function createOperatorService(deps: OperatorServiceDeps) {
  const { db, clock, audit } = deps;

  function summary(row: OperatorRow): UserSummary {
    return toUserSummary(row, deps.auth.signInWaitsUntil(row.username));
  }

  function list(): UserSummary[] {
    return listOperators(db).map(summary);
  }

  async function create(
    author: ActorRef | null,
    input: {
      username: string;
      displayName: string;
      role: Role;
      password: string;
      mustChangePassword?: boolean;
      /** Only the first admin from CREDITDESK_ADMIN_PASSWORD: it is then created with a forced change. */
      allowWeakPassword?: boolean;
    },
  ): Promise<UserSummary> {
    const username = input.username.trim().toLowerCase();
    if (findOperatorByUsername(db, username)) {
      throw new AppError('CONFLICT', `The username “${username}” is taken.`, { field: 'username' });
    }
    if (!input.allowWeakPassword) assertPasswordAllowed(input.password, username, 'password');
    const passwordHash = await hashPassword(input.password);
    const now = clock.now();
    const row = writeTransaction(db, (tx) => {
      const created = insertOperator(tx, {
        username,
        displayName: input.displayName.trim(),
        role: input.role,
        passwordHash,
        mustChangePassword: input.mustChangePassword ?? true,
        createdAt: now,
        updatedAt: now,
      });
      audit.record(tx, author, 'users.created', { type: 'operator', id: created.id }, { username, role: input.role });
      return created;
    });
    deps.onChanged?.(row.id);
    return summary(row);
  }

  function requireOperator(id: number): OperatorRow {
    const row = findOperatorById(db, id);
    if (!row) throw new AppError('NOT_FOUND', `No operator with id ${id}.`);
    return row;
  }

  function update(
    author: ActorRef | null,
    input: { id: number; displayName?: string; role?: Role; disabled?: boolean; unlock?: boolean },
  ): UserSummary {
    const current = requireOperator(input.id);
    if (author && author.id === input.id && (input.disabled === true || (input.role && input.role !== current.role))) {
      throw new AppError('CONFLICT', 'You cannot disable yourself or change your own role; ask another administrator.');
    }
    const losingAdmin = current.role === 'admin' && ((input.role && input.role !== 'admin') || input.disabled === true);
    if (losingAdmin) {
      const activeAdmins = listOperators(db).filter((row) => row.role === 'admin' && !row.disabled).length;
      if (activeAdmins <= 1) throw new AppError('CONFLICT', 'CreditDesk needs at least one active administrator.');
    }
    const now = clock.now();
    const changes: Partial<OperatorRow> = { updatedAt: now };
    if (input.displayName !== undefined) changes.displayName = input.displayName.trim();
    if (input.role !== undefined) changes.role = input.role;
    if (input.disabled !== undefined) changes.disabled = input.disabled;
    const row = writeTransaction(db, (tx) => {
      const updated = updateOperator(tx, input.id, changes);
      const { updatedAt: _ignored, ...recorded } = changes;
      audit.record(tx, author, 'users.updated', { type: 'operator', id: input.id }, input.unlock ? { ...recorded, unlock: true } : recorded);
      return updated;
    });
    if (input.unlock) deps.auth.clearSignInWaits(current.username);
    if (input.disabled === true || (input.role !== undefined && input.role !== current.role)) {
      deps.auth.endOperatorSessions(input.id, 'disabled');
    }
    deps.onChanged?.(row.id);
    return summary(row);
  }

  /**
   * An administrator sets someone else's password (they must change it at next sign-in); their
   * sign-in waits and every session end. One's own password goes through auth:change-password,
   * which asks for the current one.
   */
  async function resetPassword(author: ActorRef | null, input: { id: number; password: string }): Promise<UserSummary> {
    const current = requireOperator(input.id);
    if (author && author.id === input.id) {
      throw new AppError('CONFLICT', 'Change your own password with Change password, which asks for the current one.', { reason: 'own-password' });
    }
    assertPasswordAllowed(input.password, current.username, 'password');
    const passwordHash = await hashPassword(input.password);
    const now = clock.now();
    const row = writeTransaction(db, (tx) => {
      const updated = updateOperator(tx, input.id, { passwordHash, mustChangePassword: true, updatedAt: now });
      audit.record(tx, author, 'users.password-reset', { type: 'operator', id: input.id });
      return updated;
    });
    deps.auth.clearSignInWaits(current.username);
    deps.auth.endOperatorSessions(input.id, 'signed-out');
    deps.onChanged?.(row.id);
    return summary(row);
  }

  /**
   * On the very first start, creates `admin`. The password comes from CREDITDESK_ADMIN_PASSWORD,
   * or is generated, returned once for the caller to print, and must be changed at first sign-in.
   */
  async function ensureFirstAdmin(
    environmentPassword: string | undefined,
  ): Promise<{ created: false } | { created: true; generatedPassword: string | null }> {
    if (countOperators(db) > 0) return { created: false };
    const generated = environmentPassword ? null : generatePassword();
    const password = environmentPassword ?? (generated as string);
    if (password.length < 10) throw new Error('CREDITDESK_ADMIN_PASSWORD must have at least 10 characters.');
    // A weak password from the environment still starts the app, but must be changed (to one the
    // policy accepts) at the first sign-in.
    const weak = passwordProblem(password, 'admin') !== null;
    await create(null, {
      username: 'admin',
      displayName: 'Administrator',
      role: 'admin',
      password,
      mustChangePassword: generated !== null || weak,
      allowWeakPassword: true,
    });
    audit.record(db, null, 'system.first-admin-created', { type: 'operator', id: 'admin' }, {
      passwordSource: generated ? 'generated' : 'environment',
    });
    return { created: true, generatedPassword: generated };
  }

  return { list, create, update, resetPassword, ensureFirstAdmin, findByUsername: (username: string) => findOperatorByUsername(db, username) };
}

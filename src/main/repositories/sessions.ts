import { and, eq, isNull, lt, ne, or, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/connection';
import type { Statement } from 'better-sqlite3';
import { sessionsTable, type OperatorRow, type SessionRow } from '../db/schema';

let sessionWrites = 0;

/**
 * Says that a session or an operator is about to change through this process's repositories (every
 * write to `sessions` here, and `operators.ts`'s): `liveSessionsVersion` moves with it.
 */
export function noteSessionWrite(): void {
  sessionWrites++;
}

const dataVersionStatements = new WeakMap<object, Statement>();

/**
 * A value that changes whenever a live session or its operator may have changed: a write through
 * the repositories of this process (`noteSessionWrite`), or a commit by any other connection, a
 * `creditdesk` command in another process included (SQLite's `PRAGMA data_version`, which a
 * connection's own commits leave alone). What a cached resolution of a session is checked against
 * (auth/service.ts); root handle only.
 */
export function liveSessionsVersion(db: Db): string {
  let statement = dataVersionStatements.get(db.$client);
  if (!statement) {
    statement = db.$client.prepare('PRAGMA data_version').pluck();
    dataVersionStatements.set(db.$client, statement);
  }
  return `${String(statement.get())}:${sessionWrites}`;
}

export function insertSession(
  db: Db,
  row: Omit<SessionRow, 'id' | 'endedAt'>,
): SessionRow {
  noteSessionWrite();
  return db.insert(sessionsTable).values(row).returning().get();
}

export function touchSession(db: Db, id: number, lastSeenAt: number, expiresAt: number): void {
  noteSessionWrite();
  db.update(sessionsTable).set({ lastSeenAt, expiresAt }).where(eq(sessionsTable.id, id)).run();
}

export function endSession(db: Db, id: number, at: number): void {
  noteSessionWrite();
  db.update(sessionsTable).set({ endedAt: at }).where(eq(sessionsTable.id, id)).run();
}

/** Ends the operator's live sessions (all, or all but `keepSessionId`) and returns their ids. */
export function endSessionsOfOperator(db: Db, operatorId: number, at: number, keepSessionId?: number): number[] {
  noteSessionWrite();
  return db
    .update(sessionsTable)
    .set({ endedAt: at })
    .where(
      and(
        eq(sessionsTable.operatorId, operatorId),
        isNull(sessionsTable.endedAt),
        keepSessionId === undefined ? undefined : ne(sessionsTable.id, keepSessionId),
      ),
    )
    .returning({ id: sessionsTable.id })
    .all()
    .map((row) => row.id);
}

/** Removes ended and expired sessions older than the cutoff, keeping the table small. */
export function pruneSessions(db: Db, cutoff: number): number {
  noteSessionWrite();
  return db
    .delete(sessionsTable)
    .where(
      or(
        and(isNotNull(sessionsTable.endedAt), lt(sessionsTable.endedAt, cutoff)),
        lt(sessionsTable.expiresAt, cutoff),
      ),
    )
    .run().changes;
}

/** A live session and the operator it belongs to, as every call resolves them. */
export interface LiveSessionOperator {
  session: Pick<SessionRow, 'id' | 'operatorId' | 'csrfToken' | 'createdAt' | 'lastSeenAt' | 'expiresAt'>;
  operator: Pick<OperatorRow, 'id' | 'username' | 'displayName' | 'role' | 'locale' | 'mustChangePassword' | 'disabled'>;
}

const liveSessionOperatorSql = `
  SELECT s.id, s.operator_id AS operatorId, s.csrf_token AS csrfToken, s.created_at AS createdAt, s.last_seen_at AS lastSeenAt,
         s.expires_at AS expiresAt, o.username, o.display_name AS displayName, o.role, o.locale,
         o.must_change_password AS mustChangePassword, o.disabled
  FROM sessions s JOIN operators o ON o.id = s.operator_id
  WHERE s.token_hash = ? AND s.ended_at IS NULL`;
const liveSessionStatements = new WeakMap<object, Statement>();

/**
 * The live session of a token hash with its operator, in one statement prepared once per
 * connection: it runs on every call and every pushed event (root handle only).
 */
export function findLiveSessionOperator(db: Db, tokenHash: string): LiveSessionOperator | undefined {
  let statement = liveSessionStatements.get(db.$client);
  if (!statement) {
    statement = db.$client.prepare(liveSessionOperatorSql);
    liveSessionStatements.set(db.$client, statement);
  }
  const row = statement.get(tokenHash) as
    | (LiveSessionOperator['session'] & Omit<LiveSessionOperator['operator'], 'id' | 'mustChangePassword' | 'disabled'> & { mustChangePassword: number; disabled: number })
    | undefined;
  if (!row) return undefined;
  return {
    session: { id: row.id, operatorId: row.operatorId, csrfToken: row.csrfToken, createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt },
    operator: { id: row.operatorId, username: row.username, displayName: row.displayName, role: row.role, locale: row.locale, mustChangePassword: row.mustChangePassword === 1, disabled: row.disabled === 1 },
  };
}

import { and, eq, isNull, lt, ne, or, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/connection';
import type { Statement } from 'better-sqlite3';
import { sessionsTable, type OperatorRow, type SessionRow } from '../db/schema';

export function insertSession(
  db: Db,
  row: Omit<SessionRow, 'id' | 'endedAt'>,
): SessionRow {
  return db.insert(sessionsTable).values(row).returning().get();
}

export function touchSession(db: Db, id: number, lastSeenAt: number, expiresAt: number): void {
  db.update(sessionsTable).set({ lastSeenAt, expiresAt }).where(eq(sessionsTable.id, id)).run();
}

export function endSession(db: Db, id: number, at: number): void {
  db.update(sessionsTable).set({ endedAt: at }).where(eq(sessionsTable.id, id)).run();
}

/** Ends the operator's live sessions (all, or all but `keepSessionId`) and returns their ids. */
export function endSessionsOfOperator(db: Db, operatorId: number, at: number, keepSessionId?: number): number[] {
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

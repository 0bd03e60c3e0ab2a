import { and, eq, isNull, lt, ne, or, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { sessionsTable, type SessionRow } from '../db/schema';

export function insertSession(
  db: Db,
  row: Omit<SessionRow, 'id' | 'endedAt'>,
): SessionRow {
  return db.insert(sessionsTable).values(row).returning().get();
}

/** A live (not ended) session by token hash; expiry is checked by the caller against its clock. */
export function findLiveSession(db: Db, tokenHash: string): SessionRow | undefined {
  return db
    .select()
    .from(sessionsTable)
    .where(and(eq(sessionsTable.tokenHash, tokenHash), isNull(sessionsTable.endedAt)))
    .get();
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

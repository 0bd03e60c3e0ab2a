/** The closed lists of review reasons per queue and action. */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { preparedQuery } from './prepared-queries';
import { reviewReasonCodesTable, type ReviewReasonCodeRow } from '../db/schema';

type ReviewQueue = ReviewReasonCodeRow['queue'];
type ReasonAction = ReviewReasonCodeRow['action'];

export function listReasonCodes(db: Db, filter: { queue?: ReviewQueue; includeInactive: boolean }): ReviewReasonCodeRow[] {
  const conditions: SQL[] = [];
  if (filter.queue) conditions.push(eq(reviewReasonCodesTable.queue, filter.queue));
  if (!filter.includeInactive) conditions.push(eq(reviewReasonCodesTable.active, true));
  return db
    .select()
    .from(reviewReasonCodesTable)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(reviewReasonCodesTable.queue), asc(reviewReasonCodesTable.action), asc(reviewReasonCodesTable.sortOrder), asc(reviewReasonCodesTable.code))
    .all();
}

export function findReasonCode(db: Db, queue: ReviewQueue, action: ReasonAction, code: string): ReviewReasonCodeRow | undefined {
  return preparedQuery(db, 'findReasonCode', (root) =>
    root
      .select()
      .from(reviewReasonCodesTable)
      .where(and(eq(reviewReasonCodesTable.queue, sql.placeholder('queue')), eq(reviewReasonCodesTable.action, sql.placeholder('action')), eq(reviewReasonCodesTable.code, sql.placeholder('code'))))
      .prepare(),
  ).get({ queue, action, code });
}

export function findReasonCodeById(db: Db, id: number): ReviewReasonCodeRow | undefined {
  return db.select().from(reviewReasonCodesTable).where(eq(reviewReasonCodesTable.id, id)).get();
}

export function insertReasonCode(db: Db, row: typeof reviewReasonCodesTable.$inferInsert): ReviewReasonCodeRow {
  return db.insert(reviewReasonCodesTable).values(row).returning().get();
}

export function updateReasonCode(
  db: Db,
  id: number,
  changes: Pick<ReviewReasonCodeRow, 'labelZh' | 'labelEn' | 'active' | 'sortOrder' | 'updatedAt' | 'updatedBy'>,
): ReviewReasonCodeRow {
  const row = db.update(reviewReasonCodesTable).set(changes).where(eq(reviewReasonCodesTable.id, id)).returning().get();
  if (!row) throw new Error(`Reason code ${id} vanished during update`);
  return row;
}

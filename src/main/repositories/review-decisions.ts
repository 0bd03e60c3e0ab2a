/** Review decisions: every decision made, never deleted; four-eyes approvals wait here. */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { outboxTable, reviewDecideRequestsTable, reviewDecisionsTable, type OutboxRow, type ReviewDecideRequestRow, type ReviewDecisionRow } from '../db/schema';

export type NewReviewDecision = typeof reviewDecisionsTable.$inferInsert;

export function insertDecision(db: Db, row: NewReviewDecision): ReviewDecisionRow {
  return db.insert(reviewDecisionsTable).values(row).returning().get();
}

export function updateDecision(db: Db, id: number, changes: Partial<Omit<ReviewDecisionRow, 'id'>>): void {
  db.update(reviewDecisionsTable).set(changes).where(eq(reviewDecisionsTable.id, id)).run();
}

/** The decision of a task that waits for a supervisor, if any. */
export function waitingDecision(db: Db, taskId: number): ReviewDecisionRow | undefined {
  return db
    .select()
    .from(reviewDecisionsTable)
    .where(and(eq(reviewDecisionsTable.taskId, taskId), eq(reviewDecisionsTable.state, 'awaiting_second')))
    .get();
}

export function waitingDecisionsOf(db: Db, taskIds: readonly number[]): ReviewDecisionRow[] {
  if (taskIds.length === 0) return [];
  return db
    .select()
    .from(reviewDecisionsTable)
    .where(and(inArray(reviewDecisionsTable.taskId, [...taskIds]), eq(reviewDecisionsTable.state, 'awaiting_second')))
    .all();
}

/** The newest escalation of each task given. */
export function latestEscalations(db: Db, taskIds: readonly number[]): ReviewDecisionRow[] {
  if (taskIds.length === 0) return [];
  return db
    .select()
    .from(reviewDecisionsTable)
    .where(and(inArray(reviewDecisionsTable.taskId, [...taskIds]), eq(reviewDecisionsTable.action, 'escalate')))
    .orderBy(desc(reviewDecisionsTable.decidedAt))
    .all();
}

/**
 * Cancels the waiting four-eyes decision of a task (the evidence changed under it, or the task
 * closed). Returns the cancelled rows.
 */
export function cancelWaitingDecisions(db: Db, taskId: number, reason: string, now: number): ReviewDecisionRow[] {
  return db
    .update(reviewDecisionsTable)
    .set({ state: 'cancelled', cancelledAt: now, cancelReason: reason })
    .where(and(eq(reviewDecisionsTable.taskId, taskId), eq(reviewDecisionsTable.state, 'awaiting_second')))
    .returning()
    .all();
}

export function decisionsOfTask(db: Db, taskId: number): ReviewDecisionRow[] {
  return db.select().from(reviewDecisionsTable).where(eq(reviewDecisionsTable.taskId, taskId)).orderBy(reviewDecisionsTable.decidedAt, reviewDecisionsTable.id).all();
}

/** Effective decisions (single, confirmed first ones, and second ones) of an application's tasks. */
export function effectiveDecisionsOfApplication(db: Db, applicationId: number): ReviewDecisionRow[] {
  return db
    .select()
    .from(reviewDecisionsTable)
    .where(and(eq(reviewDecisionsTable.applicationId, applicationId), inArray(reviewDecisionsTable.state, ['effective', 'confirmed'])))
    .orderBy(reviewDecisionsTable.decidedAt, reviewDecisionsTable.id)
    .all();
}

/**
 * Decisions whose outbox message changed state since the timeline last recorded it: pending ones
 * now delivered or failed, and failed ones delivered after a retry.
 */
export function decisionsWithDeliveryNews(db: Db, limit: number): Array<{ decision: ReviewDecisionRow; outbox: OutboxRow }> {
  const pick = (state: 'pending' | 'failed') =>
    db
      .select({ decision: reviewDecisionsTable, outbox: outboxTable })
      .from(reviewDecisionsTable)
      .innerJoin(outboxTable, eq(outboxTable.id, reviewDecisionsTable.outboxId))
      .where(and(eq(reviewDecisionsTable.deliveryState, state), sql`${outboxTable.state} <> ${state}`, state === 'failed' ? eq(outboxTable.state, 'delivered') : undefined))
      .limit(limit)
      .all();
  return [...pick('pending'), ...pick('failed')];
}

export function outboxRows(db: Db, ids: readonly number[]): OutboxRow[] {
  if (ids.length === 0) return [];
  return db.select().from(outboxTable).where(inArray(outboxTable.id, [...ids])).all();
}

/** The stored answer of a keyed decide call by this operator, if it was applied. */
export function findDecideRequest(db: Db, operatorId: number, requestKey: string): ReviewDecideRequestRow | undefined {
  return db
    .select()
    .from(reviewDecideRequestsTable)
    .where(and(eq(reviewDecideRequestsTable.operatorId, operatorId), eq(reviewDecideRequestsTable.requestKey, requestKey)))
    .get();
}

/** Records a keyed decide call's answer and forgets keys older than `keepMs`. */
export function recordDecideRequest(db: Db, row: ReviewDecideRequestRow, keepMs: number): void {
  db.delete(reviewDecideRequestsTable).where(lt(reviewDecideRequestsTable.createdAt, row.createdAt - keepMs)).run();
  db.insert(reviewDecideRequestsTable).values(row).run();
}

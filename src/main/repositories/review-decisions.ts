/** Review decisions: every decision made, never deleted; four-eyes approvals wait here. */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { preparedQuery } from './prepared-queries';
import { columnsOf, insertRow, preparedStatement, updateRows } from './prepared-writes';
import { outboxTable, reviewDecideRequestsTable, reviewDecisionsTable, type OutboxRow, type ReviewDecideRequestRow, type ReviewDecisionRow } from '../db/schema';

export type NewReviewDecision = typeof reviewDecisionsTable.$inferInsert;

export function insertDecision(db: Db, row: NewReviewDecision): ReviewDecisionRow {
  const inserted = insertRow(db, reviewDecisionsTable, row);
  if (!inserted) throw new Error('Recording a review decision returned no row');
  return inserted;
}

/** Sets the given columns of a decision (an undefined value leaves its column alone). */
export function updateDecision(db: Db, id: number, changes: Partial<Omit<ReviewDecisionRow, 'id'>>): void {
  updateRows(db, reviewDecisionsTable, changes, 'id = ?', [id]);
}

/** The decision of a task that waits for a supervisor, if any. */
export function waitingDecision(db: Db, taskId: number): ReviewDecisionRow | undefined {
  return preparedStatement(db, waitingDecisionText).get(taskId) as ReviewDecisionRow | undefined;
}

/**
 * The state is written out, not bound: SQLite plans a value bound against a partial index's
 * condition (`review_decisions_waiting_idx`) with that value, so every new binding would prepare
 * the statement again, as a bare `LIMIT ?` does (db/statement-cache.ts).
 */
const waitingDecisionText = `SELECT ${columnsOf(reviewDecisionsTable)} FROM review_decisions WHERE task_id = ? AND state = 'awaiting_second'`;

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
  return updateRows(db, reviewDecisionsTable, { state: 'cancelled', cancelledAt: now, cancelReason: reason }, "task_id = ? AND state = 'awaiting_second'", [taskId]);
}

export function decisionsOfTask(db: Db, taskId: number): ReviewDecisionRow[] {
  return preparedQuery(db, 'decisionsOfTask', (root) =>
    root.select().from(reviewDecisionsTable).where(eq(reviewDecisionsTable.taskId, sql.placeholder('taskId'))).orderBy(reviewDecisionsTable.decidedAt, reviewDecisionsTable.id).prepare(),
  ).all({ taskId });
}

/** The statement of `effectiveDecisionsOfApplication`. */
const effectiveDecisionsText = `
  SELECT ${columnsOf(reviewDecisionsTable)} FROM review_decisions INDEXED BY review_decisions_task_idx
   WHERE task_id IN (SELECT id FROM review_tasks WHERE application_id = ?) AND state IN ('effective', 'confirmed')
   ORDER BY decided_at, id`;

/**
 * Effective decisions (single, confirmed first ones, and second ones) of an application's tasks.
 * Found through the application's tasks and each task's decisions (`review_decisions` has no
 * index on the application): filtered on `application_id` alone, SQLite walked every decision
 * ever made in `decided_at` order, on every decision that queued an answer.
 */
export function effectiveDecisionsOfApplication(db: Db, applicationId: number): ReviewDecisionRow[] {
  return preparedStatement(db, effectiveDecisionsText).all(applicationId) as ReviewDecisionRow[];
}

/**
 * Decisions whose outbox message changed state since the timeline last recorded it: pending ones
 * now delivered or failed, and failed ones delivered after a retry.
 */
export function decisionsWithDeliveryNews(db: Db, limit: number): Array<{ decision: ReviewDecisionRow; outbox: OutboxRow }> {
  return [...deliveryNewsQuery(db, 'pending', limit).all(), ...deliveryNewsQuery(db, 'failed', limit).all()];
}

/**
 * The query of `decisionsWithDeliveryNews` for one recorded state (its EXPLAIN QUERY PLAN test
 * reads the SQL): the state written out, so it walks that state's partial index (see
 * `waitingDecisionText`).
 */
export function deliveryNewsQuery(db: Db, state: 'pending' | 'failed', limit: number) {
  return db
    .select({ decision: reviewDecisionsTable, outbox: outboxTable })
    .from(reviewDecisionsTable)
    .innerJoin(outboxTable, eq(outboxTable.id, reviewDecisionsTable.outboxId))
    .where(and(sql`${reviewDecisionsTable.deliveryState} = ${sql.raw(`'${state}'`)}`, sql`${outboxTable.state} <> ${state}`, state === 'failed' ? eq(outboxTable.state, 'delivered') : undefined))
    .limit(limit);
}

/** The statements of `decisionsAwaitingDelivery`, one per state written out (see `waitingDecisionText`). */
const awaitingDeliveryTexts = {
  pending: `SELECT ${columnsOf(reviewDecisionsTable)} FROM review_decisions WHERE delivery_state = 'pending' AND outbox_id = ?`,
  failed: `SELECT ${columnsOf(reviewDecisionsTable)} FROM review_decisions WHERE delivery_state = 'failed' AND outbox_id = ?`,
} as const;

/**
 * The decisions an outbox message delivers whose delivery the timeline has not recorded yet:
 * pending ones, and failed ones a retry may still deliver.
 */
export function decisionsAwaitingDelivery(db: Db, outboxId: number): ReviewDecisionRow[] {
  // One select per state, each a seek by outbox_id in that state's partial index.
  return [...(preparedStatement(db, awaitingDeliveryTexts.pending).all(outboxId) as ReviewDecisionRow[]), ...(preparedStatement(db, awaitingDeliveryTexts.failed).all(outboxId) as ReviewDecisionRow[])];
}

/** The stored answer of a keyed decide call by this operator, if it was applied. */
export function findDecideRequest(db: Db, operatorId: number, requestKey: string): ReviewDecideRequestRow | undefined {
  return preparedStatement(db, `SELECT ${columnsOf(reviewDecideRequestsTable)} FROM review_decide_requests WHERE operator_id = ? AND request_key = ?`).get(operatorId, requestKey) as
    | ReviewDecideRequestRow
    | undefined;
}

/** Records a keyed decide call's answer and forgets keys older than `keepMs`. */
export function recordDecideRequest(db: Db, row: ReviewDecideRequestRow, keepMs: number): void {
  preparedStatement(db, 'DELETE FROM review_decide_requests WHERE created_at < ?').run(row.createdAt - keepMs);
  insertRow(db, reviewDecideRequestsTable, row);
}

/**
 * Review tasks: claims under leases, releases, snoozes, assignments and the append-only timeline.
 * Every claim is one UPDATE ... WHERE <still claimable> ... RETURNING run inside the caller's
 * write transaction (BEGIN IMMEDIATE), so two processes sharing the database file can never both
 * take the same task: the second UPDATE finds the row no longer claimable and returns nothing.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { preparedQuery } from './prepared-queries';
import { columnsOf, preparedStatement, updateRows } from './prepared-writes';
import { readOne, writeReturning, writeRun } from './review-statements';
import {
  reviewTaskEventsTable,
  reviewTasksTable,
  type ReviewTaskRow,
} from '../db/schema';
import { reviewQueues } from '../../shared/domain/findings';
import type { ReviewTaskStatus } from '../../shared/domain/review';

type ReviewQueue = ReviewTaskRow['queue'];

/** Statuses in which a task still waits for people. */
export const liveTaskStatuses: readonly ReviewTaskStatus[] = ['open', 'in_review', 'awaiting_second', 'escalated', 'snoozed'];

// Per connection, when the review housekeeping (expired leases, snoozes due) last looked and found
// nothing to do: the database's data_version then and the soonest lease or snooze end. Every lease
// or snooze written through this module lowers that end, whichever service writes it, so while the
// version stands and the end is ahead nothing can have come due (`housekeepingCanSkip`).
const quietOf = new WeakMap<object, { version: number; until: number }>();

function noteDue(db: Db, at: number | null | undefined): void {
  const quiet = quietOf.get(db.$client);
  if (quiet && typeof at === 'number' && at < quiet.until) quiet.until = at;
}

/** Whether no lease can have run out and no snooze can have ended by `now` since housekeeping last found none. */
export function housekeepingCanSkip(db: Db, now: number): boolean {
  const quiet = quietOf.get(db.$client);
  return quiet !== undefined && now < quiet.until && quiet.version === dataVersion(db);
}

/**
 * After a housekeeping run in the caller's transaction: one that changed nothing is remembered
 * (with the soonest end still to come); one that released or woke tasks is not, since it may yet
 * roll back with the transaction, so the next claim looks again.
 */
export function rememberHousekeeping(db: Db, changedTasks: number): void {
  if (changedTasks > 0) quietOf.delete(db.$client);
  else quietOf.set(db.$client, { version: dataVersion(db), until: nextHousekeepingDue(db) ?? Number.POSITIVE_INFINITY });
}

/** Appends one event to a task's timeline (the table refuses updates). */
export function appendTaskEvent(db: Db, taskId: number, at: number, operatorId: number | null, kind: string, details: Record<string, unknown> = {}): void {
  preparedStatement(db, 'INSERT INTO review_task_events (task_id, at, operator_id, kind, details) VALUES (?, ?, ?, ?, ?)').run(taskId, at, operatorId, kind, JSON.stringify(details));
}

/** Replaces the finding-code rows of a task (the index behind the finding filter). */
export function replaceTaskCodes(db: Db, taskId: number, codes: readonly string[]): void {
  writeRun(db, sql`DELETE FROM review_task_codes WHERE task_id = ${taskId}`);
  for (const code of codes) writeRun(db, sql`INSERT INTO review_task_codes (task_id, code) VALUES (${taskId}, ${code}) ON CONFLICT DO NOTHING`);
}

/** A new open task created by the sync for one queue of an application; returns its id. */
export function insertIngestedTask(
  db: Db,
  task: { applicationId: number; institutionId: number; borrowerId: number; queue: ReviewQueue; priority: number; findingCodes: string; findingCount: number; evidenceHash: string },
  now: number,
): number {
  const rows = writeReturning<{ id: number }>(
    db,
    sql`INSERT INTO review_tasks (application_id, institution_id, borrower_id, queue, status, priority, finding_codes, finding_count, evidence_hash, created_at, updated_at, queued_at)
        VALUES (${task.applicationId}, ${task.institutionId}, ${task.borrowerId}, ${task.queue}, 'open', ${task.priority}, ${task.findingCodes}, ${task.findingCount}, ${task.evidenceHash}, ${now}, ${now}, ${now})
        RETURNING id`,
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('Creating a review task returned no id');
  return id;
}

/** A task row as drizzle names its fields (`SELECT ${taskColumns}` and `RETURNING ${taskColumns}`). */
const taskColumns = columnsOf(reviewTasksTable);

export function findTask(db: Db, taskId: number): ReviewTaskRow | undefined {
  return preparedStatement(db, `SELECT ${taskColumns} FROM review_tasks WHERE id = ?`).get(taskId) as ReviewTaskRow | undefined;
}

/** Every task of an application, any status (the sync's ingest reads this for each application it writes). */
export function tasksOfApplication(db: Db, applicationId: number): ReviewTaskRow[] {
  return preparedStatement(db, `SELECT ${taskColumns} FROM review_tasks WHERE application_id = ?`).all(applicationId) as ReviewTaskRow[];
}

/** Sets the given columns of a task (an undefined value leaves its column alone); one prepared statement per set of columns. */
export function updateTask(db: Db, taskId: number, changes: Partial<Omit<ReviewTaskRow, 'id'>>): ReviewTaskRow {
  const [row] = updateRows(db, reviewTasksTable, changes, 'id = ?', [taskId]);
  if (!row) throw new Error(`Review task ${taskId} vanished during update`);
  noteDue(db, row.leaseExpiresAt);
  noteDue(db, row.snoozedUntil);
  return row;
}

/**
 * Updates a task only if its status is still one of `from` (and, when given, it is held by
 * `heldBy`): the compare-and-set every state change uses so a concurrent change wins cleanly.
 */
export function transitionTask(
  db: Db,
  taskId: number,
  from: readonly ReviewTaskStatus[],
  changes: Partial<Omit<ReviewTaskRow, 'id'>>,
  heldBy?: number,
): ReviewTaskRow | undefined {
  // One statement per set of columns and number of statuses: a handful.
  const where = `id = ? AND status IN (${from.map(() => '?').join(', ')})${heldBy === undefined ? '' : ' AND claimed_by = ?'}`;
  const row = updateRows(db, reviewTasksTable, changes, where, heldBy === undefined ? [taskId, ...from] : [taskId, ...from, heldBy])[0];
  noteDue(db, row?.leaseExpiresAt);
  noteDue(db, row?.snoozedUntil);
  return row;
}

/**
 * The claim of the oldest eligible task of a queue, one text per kind of assignee and whether
 * tasks are excluded (the list travels as one JSON parameter, so its length never changes the text).
 */
function claimNextText(assignee: 'assigned_to = ?' | 'assigned_to IS NULL', excluding: boolean): string {
  return `
    UPDATE review_tasks
       SET status = 'in_review', claimed_by = ?, claimed_at = ?, lease_expires_at = ?, updated_at = ?
     WHERE id = (
             SELECT id FROM review_tasks INDEXED BY review_tasks_assignee_age_idx
              WHERE queue = ? AND status = 'open' AND ${assignee}${excluding ? ' AND id NOT IN (SELECT value FROM json_each(?))' : ''}
              ORDER BY queued_at, id
              LIMIT 1)
       AND status = 'open'
    RETURNING ${taskColumns}`;
}

const claimNextTexts = {
  assigned: [claimNextText('assigned_to = ?', false), claimNextText('assigned_to = ?', true)],
  unassigned: [claimNextText('assigned_to IS NULL', false), claimNextText('assigned_to IS NULL', true)],
} as const;

/**
 * Claims the oldest open task of the queue for the operator: first one a supervisor assigned to
 * them, else the oldest unassigned one. Returns undefined when none is eligible.
 */
export function claimNextTask(
  db: Db,
  input: { queue: ReviewQueue; operatorId: number; now: number; leaseMs: number; exclude: readonly number[] },
): ReviewTaskRow | undefined {
  const { queue, operatorId, now, leaseMs, exclude } = input;
  const excluding = exclude.length > 0;
  const claimed = [operatorId, now, now + leaseMs, now, queue];
  const excluded = excluding ? [JSON.stringify(exclude)] : [];
  const assigned = preparedStatement(db, claimNextTexts.assigned[excluding ? 1 : 0]).get(...claimed, operatorId, ...excluded) as ReviewTaskRow | undefined;
  const row = assigned ?? (preparedStatement(db, claimNextTexts.unassigned[excluding ? 1 : 0]).get(...claimed, ...excluded) as ReviewTaskRow | undefined);
  noteDue(db, row?.leaseExpiresAt);
  return row;
}

const claimOpenText = `
  UPDATE review_tasks
     SET status = 'in_review', claimed_by = @operatorId, claimed_at = @now, lease_expires_at = @leaseExpiresAt, updated_at = @now
   WHERE id = @taskId
     AND (status = 'open' OR (status = 'in_review' AND (lease_expires_at < @now OR claimed_by = @operatorId)))
     AND (assigned_to IS NULL OR assigned_to = @operatorId)
  RETURNING ${taskColumns}`;

// An escalated task stays escalated while a supervisor holds it.
const claimEscalatedText = `
  UPDATE review_tasks
     SET claimed_by = @operatorId, claimed_at = @now, lease_expires_at = @leaseExpiresAt, updated_at = @now
   WHERE id = @taskId AND status = 'escalated'
     AND (claimed_by IS NULL OR claimed_by = @operatorId OR lease_expires_at < @now)
  RETURNING ${taskColumns}`;

/**
 * Claims one given task: an open task (not assigned to someone else), or an escalated task for a
 * supervisor, when nobody holds a live lease on it.
 */
export function claimTask(
  db: Db,
  input: { taskId: number; operatorId: number; now: number; leaseMs: number; allowEscalated: boolean },
): ReviewTaskRow | undefined {
  const { taskId, operatorId, now, leaseMs } = input;
  const values = { operatorId, now, leaseExpiresAt: now + leaseMs, taskId };
  const row = (preparedStatement(db, claimOpenText).get(values) as ReviewTaskRow | undefined) ??
    (input.allowEscalated ? (preparedStatement(db, claimEscalatedText).get(values) as ReviewTaskRow | undefined) : undefined);
  noteDue(db, row?.leaseExpiresAt);
  return row;
}

/** Extends the holder's lease; undefined when the operator no longer holds the task. */
export function renewLease(db: Db, taskId: number, operatorId: number, now: number, leaseMs: number): ReviewTaskRow | undefined {
  // A renewal only moves a lease later, so the soonest end known stays a safe bound.
  return preparedStatement(db, `UPDATE review_tasks SET lease_expires_at = ? WHERE id = ? AND claimed_by = ? AND status IN ('in_review', 'escalated') RETURNING ${taskColumns}`).get(
    now + leaseMs,
    taskId,
    operatorId,
  ) as ReviewTaskRow | undefined;
}

/** Gives a held task back: in_review returns to open, an escalated task keeps its status. */
export function releaseTask(db: Db, taskId: number, operatorId: number, now: number): ReviewTaskRow | undefined {
  return preparedStatement(
    db,
    `UPDATE review_tasks
        SET status = CASE status WHEN 'in_review' THEN 'open' ELSE status END,
            claimed_by = NULL, claimed_at = NULL, lease_expires_at = NULL, updated_at = ?
      WHERE id = ? AND claimed_by = ? AND status IN ('in_review', 'escalated')
     RETURNING ${taskColumns}`,
  ).get(now, taskId, operatorId) as ReviewTaskRow | undefined;
}

/** Every review queue as SQL literals, as `anyReviewQueue` writes them, for the fixed texts below. */
const anyQueue = reviewQueues.map((queue) => `'${queue}'`).join(', ');

/** Releases every lease that ran out; returns the tasks with their former holder. */
export function expireLeases(db: Db, now: number): Array<{ id: number; claimedBy: number }> {
  const held = preparedStatement(
    db,
    `SELECT id, claimed_by AS claimedBy FROM review_tasks INDEXED BY review_tasks_queue_idx
      WHERE queue IN (${anyQueue}) AND status IN ('in_review', 'escalated')
        AND claimed_by IS NOT NULL AND lease_expires_at < ?`,
  ).all(now) as Array<{ id: number; claimedBy: number }>;
  if (held.length === 0) return [];
  writeRun(db, sql`
    UPDATE review_tasks
       SET status = CASE status WHEN 'in_review' THEN 'open' ELSE status END,
           claimed_by = NULL, claimed_at = NULL, lease_expires_at = NULL, updated_at = ${now}
     WHERE id IN (${sql.join(held.map((row) => sql`${row.id}`), sql`, `)}) AND lease_expires_at < ${now}`);
  return held;
}

/**
 * The earliest time at which housekeeping can next find work: the soonest lease of a held task and
 * the soonest snooze end (null: nothing is held or snoozed). Walks the same index entries as the
 * two look-ups below.
 */
export function nextHousekeepingDue(db: Db): number | null {
  const row = preparedStatement(
    db,
    `SELECT min(due) AS due FROM (
       SELECT min(lease_expires_at) AS due FROM review_tasks INDEXED BY review_tasks_queue_idx
        WHERE queue IN (${anyQueue}) AND status IN ('in_review', 'escalated') AND claimed_by IS NOT NULL
       UNION ALL
       SELECT min(snoozed_until) FROM review_tasks INDEXED BY review_tasks_queue_idx
        WHERE queue IN (${anyQueue}) AND status = 'snoozed')`,
  ).get() as { due: number | null } | undefined;
  return row?.due ?? null;
}

/**
 * SQLite's `data_version`: it changes when another connection (another process, or another
 * connection of this one) commits to the database, never for this connection's own commits.
 */
export function dataVersion(db: Db): number {
  return (preparedStatement(db, 'PRAGMA data_version').get() as { data_version: number }).data_version;
}

/** Returns snoozed tasks whose time has come to their queue. */
export function wakeSnoozedTasks(db: Db, now: number): Array<{ id: number }> {
  return preparedStatement(
    db,
    `UPDATE review_tasks
        SET status = 'open', snoozed_until = NULL, updated_at = ?
      WHERE id IN (
              SELECT id FROM review_tasks INDEXED BY review_tasks_queue_idx
               WHERE queue IN (${anyQueue}) AND status = 'snoozed' AND snoozed_until <= ?)
     RETURNING id`,
  ).all(now, now) as Array<{ id: number }>;
}

/** The newest timeline event id: it moves whenever any task changes, whoever changed it. */
export function latestTaskEventId(db: Db): number {
  const row = readOne<{ id: number | null }>(db, sql`SELECT max(id) AS id FROM review_task_events`);
  return row?.id ?? 0;
}

export function taskEvents(db: Db, taskId: number): Array<typeof reviewTaskEventsTable.$inferSelect> {
  return preparedQuery(db, 'taskEvents', (root) =>
    root.select().from(reviewTaskEventsTable).where(eq(reviewTaskEventsTable.taskId, sql.placeholder('taskId'))).orderBy(reviewTaskEventsTable.at, reviewTaskEventsTable.id).prepare(),
  ).all({ taskId });
}

/** Tasks a supervisor may (re)assign: everything not yet decided. */
export function tasksForAssignment(db: Db, taskIds: readonly number[]): ReviewTaskRow[] {
  if (taskIds.length === 0) return [];
  return db
    .select()
    .from(reviewTasksTable)
    .where(and(inArray(reviewTasksTable.id, [...taskIds]), inArray(reviewTasksTable.status, ['open', 'in_review', 'snoozed', 'escalated'])))
    .all();
}

/** What the findings of an application set on each of its tasks. */
export type TaskFindings = Pick<ReviewTaskRow, 'priority' | 'findingCodes' | 'findingCount' | 'evidenceHash'>;

/** A decided or closed task that sees new evidence starts over as a new round: open, unclaimed, undecided. */
export function reopenTask(db: Db, taskId: number, findings: TaskFindings, now: number): void {
  db.update(reviewTasksTable)
    .set({
      status: 'open',
      ...findings,
      updatedAt: now,
      queuedAt: now,
      claimedBy: null,
      claimedAt: null,
      leaseExpiresAt: null,
      decidedAt: null,
      snoozedUntil: null,
      decision: null,
      returnNote: 'reopened_evidence_changed',
    })
    .where(eq(reviewTasksTable.id, taskId))
    .run();
}

/**
 * New findings or evidence on a live task. `returnToQueue`: a task awaiting its second decision
 * goes back to the queue, unclaimed (its waiting decision is cancelled by the caller).
 */
export function refreshTaskFindings(db: Db, taskId: number, findings: TaskFindings, returnToQueue: boolean, now: number): void {
  db.update(reviewTasksTable)
    .set({
      ...findings,
      updatedAt: now,
      ...(returnToQueue
        ? { status: 'open' as const, queuedAt: now, claimedBy: null, claimedAt: null, leaseExpiresAt: null, returnNote: 'second_decision_cancelled_evidence_changed' }
        : {}),
    })
    .where(eq(reviewTasksTable.id, taskId))
    .run();
}

/** Closes live tasks whose findings are gone, unclaimed and no longer snoozed. */
export function closeTasks(db: Db, taskIds: readonly number[], now: number): void {
  db.update(reviewTasksTable)
    .set({ status: 'closed', updatedAt: now, claimedBy: null, claimedAt: null, leaseExpiresAt: null, snoozedUntil: null })
    .where(inArray(reviewTasksTable.id, [...taskIds]))
    .run();
}

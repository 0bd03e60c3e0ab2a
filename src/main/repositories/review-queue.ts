/**
 * Read side of the review queues: one page of a queue, counts, the supervisors' inbox and
 * workload. Every page is a bounded walk of an index chosen here on purpose (the planner has no
 * statistics on a fresh database), so a page costs about the same with 1,000 or 100,000 tasks.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection';
import type { ReviewTaskStatus, TaskDecision } from '../../shared/domain/review';
import type { ReviewTaskRow } from '../db/schema';
import { anyReviewQueue, readAll, readOne } from './review-statements';
import { taskPriorityLevels } from '../../shared/domain/findings';

type ReviewQueue = ReviewTaskRow['queue'];


/** One row of a queue page with what the list shows next to it. */
// Written out rather than picked from the tables: a join of tasks, applications, borrowers, institutions and operators.
export interface TaskListRow {
  id: number;
  queue: ReviewQueue;
  status: ReviewTaskStatus;
  priority: number;
  applicationId: number;
  institutionId: number;
  borrowerId: number;
  findingCodes: string;
  findingCount: number;
  queuedAt: number;
  assignedTo: number | null;
  claimedBy: number | null;
  claimedAt: number | null;
  leaseExpiresAt: number | null;
  snoozedUntil: number | null;
  decision: TaskDecision | null;
  applicationExternalId: string;
  productName: string;
  requestedAmountFen: number;
  borrowerName: string;
  institutionCode: string;
  institutionName: string;
  assignedName: string | null;
  claimedName: string | null;
}

export interface TaskPageQuery {
  queue: ReviewQueue;
  status: ReviewTaskStatus;
  institutionId?: number;
  findingCode?: string;
  /** null = unassigned, a number = that operator, undefined = anyone. */
  assignedTo?: number | null;
  /** Entered the queue at or after / at or before these instants (age and SLA filters). */
  queuedFrom?: number;
  queuedTo?: number;
  sort: 'oldest' | 'newest' | 'priority';
  /** The last row of the previous page. */
  after?: { priority: number; queuedAt: number; id: number };
  limit: number;
}

/** Above this many tasks with a finding code, walking the queue index beats driving from the code. */
const RARE_CODE_LIMIT = 2000;

const rowColumns = sql`
  t.id AS id, t.queue AS queue, t.status AS status, t.priority AS priority, t.application_id AS applicationId,
  t.institution_id AS institutionId, t.borrower_id AS borrowerId, t.finding_codes AS findingCodes,
  t.finding_count AS findingCount, t.queued_at AS queuedAt, t.assigned_to AS assignedTo, t.claimed_by AS claimedBy,
  t.claimed_at AS claimedAt, t.lease_expires_at AS leaseExpiresAt, t.snoozed_until AS snoozedUntil, t.decision AS decision`;

function joined(inner: SQL, order: SQL): SQL {
  return sql`
    SELECT p.*, a.external_id AS applicationExternalId, a.product_name AS productName, a.requested_amount_fen AS requestedAmountFen,
           b.name AS borrowerName, i.code AS institutionCode, i.name AS institutionName,
           ao.display_name AS assignedName, co.display_name AS claimedName
      FROM (${inner}) p
      JOIN applications a ON a.id = p.applicationId
      JOIN borrowers b ON b.id = p.borrowerId
      JOIN institutions i ON i.id = p.institutionId
      LEFT JOIN operators ao ON ao.id = p.assignedTo
      LEFT JOIN operators co ON co.id = p.claimedBy
     ORDER BY ${order}`;
}


function indexFor(query: TaskPageQuery, byPriority: boolean): SQL {
  // One index for an institution's pages, (queue, institution, priority, status, age): every
  // walk is per priority level (a page by age merges its levels' walks, `institutionAgeWalks`;
  // a count adds theirs). The status after the priority keeps a claimed or decided task's entry
  // next to where it was, on the same page.
  if (query.institutionId !== undefined) return sql`INDEXED BY review_tasks_institution_priority_idx`;
  if (query.assignedTo !== undefined) {
    return byPriority ? sql`INDEXED BY review_tasks_assignee_priority_idx` : sql`INDEXED BY review_tasks_assignee_age_idx`;
  }
  return byPriority ? sql`INDEXED BY review_tasks_priority_idx` : sql`INDEXED BY review_tasks_queue_idx`;
}

function filters(query: TaskPageQuery, codeMode: 'none' | 'exists' | 'driving'): SQL[] {
  const conditions: SQL[] = [sql`t.queue = ${query.queue}`, sql`t.status = ${query.status}`];
  if (query.institutionId !== undefined) conditions.push(sql`t.institution_id = ${query.institutionId}`);
  if (query.assignedTo === null) conditions.push(sql`t.assigned_to IS NULL`);
  else if (query.assignedTo !== undefined) conditions.push(sql`t.assigned_to = ${query.assignedTo}`);
  if (query.queuedFrom !== undefined) conditions.push(sql`t.queued_at >= ${query.queuedFrom}`);
  if (query.queuedTo !== undefined) conditions.push(sql`t.queued_at <= ${query.queuedTo}`);
  if (codeMode === 'exists') {
    conditions.push(sql`EXISTS (SELECT 1 FROM review_task_codes c WHERE c.task_id = t.id AND c.code = ${query.findingCode})`);
  } else if (codeMode === 'driving') {
    conditions.push(sql`c.code = ${query.findingCode}`);
  }
  return conditions;
}

function where(conditions: SQL[]): SQL {
  return sql.join(conditions, sql` AND `);
}

function codeModeFor(db: Db, query: TaskPageQuery): 'none' | 'exists' | 'driving' {
  if (query.findingCode === undefined) return 'none';
  const row = readOne<{ n: number }>(db, sql`
    SELECT count(*) AS n FROM (SELECT 1 FROM review_task_codes WHERE code = ${query.findingCode} LIMIT ${RARE_CODE_LIMIT + 1})`);
  return (row?.n ?? 0) > RARE_CODE_LIMIT ? 'exists' : 'driving';
}

function from(query: TaskPageQuery, codeMode: 'none' | 'exists' | 'driving', byPriority: boolean): SQL {
  // Driving from the code table: a rare code's few tasks are looked up by id, then sorted.
  if (codeMode === 'driving') return sql`review_task_codes c CROSS JOIN review_tasks t ON t.id = c.task_id`;
  return sql`review_tasks t ${indexFor(query, byPriority)}`;
}

/** Rows of one page, in the query's order, and whether more follow. */
export function taskPage(db: Db, query: TaskPageQuery): { rows: TaskListRow[]; more: boolean } {
  const codeMode = codeModeFor(db, query);
  const limit = query.limit + 1;
  if (query.sort === 'priority') return priorityPage(db, query, codeMode, limit);
  const descending = query.sort === 'newest';
  const conditions = filters(query, codeMode);
  // The keyset is written as a range on queued_at (which the index walk starts from) plus a
  // filter for ties, so a deep page costs what the first one does.
  if (query.after) {
    conditions.push(
      descending
        ? sql`t.queued_at <= ${query.after.queuedAt} AND (t.queued_at < ${query.after.queuedAt} OR t.id < ${query.after.id})`
        : sql`t.queued_at >= ${query.after.queuedAt} AND (t.queued_at > ${query.after.queuedAt} OR t.id > ${query.after.id})`,
    );
  }
  const innerOrder = descending ? sql`t.queued_at DESC, t.id DESC` : sql`t.queued_at, t.id`;
  const outerOrder = descending ? sql`p.queuedAt DESC, p.id DESC` : sql`p.queuedAt, p.id`;
  const inner =
    query.institutionId !== undefined && codeMode !== 'driving'
      ? institutionAgeWalks(conditions, innerOrder, descending, limit)
      : sql`SELECT ${rowColumns} FROM ${from(query, codeMode, false)} WHERE ${where(conditions)} ORDER BY ${innerOrder} LIMIT ${limit}`;
  const rows = readAll<TaskListRow>(db, joined(inner, outerOrder));
  return { rows: rows.slice(0, query.limit), more: rows.length > query.limit };
}

/**
 * An institution's page by age without an index by age: the first `limit` rows of each priority
 * level, each an ordered walk of the institution's priority index, merged by age. Three bounded
 * walks instead of one, and one index fewer that every claim and decision moves.
 */
function institutionAgeWalks(conditions: SQL[], innerOrder: SQL, descending: boolean, limit: number): SQL {
  const walks = taskPriorityLevels.map(
    (level) =>
      sql`SELECT * FROM (SELECT ${rowColumns} FROM review_tasks t INDEXED BY review_tasks_institution_priority_idx WHERE ${where([...conditions, sql`t.priority = ${level}`])} ORDER BY ${innerOrder} LIMIT ${limit})`,
  );
  return sql`${sql.join(walks, sql` UNION ALL `)} ORDER BY ${descending ? sql`queuedAt DESC, id DESC` : sql`queuedAt, id`} LIMIT ${limit}`;
}

/**
 * Priority first (3 high, 2 warning, 1 info), oldest first within a priority. The two directions
 * cannot share one index walk, so each priority level is its own ordered walk.
 */
function priorityPage(db: Db, query: TaskPageQuery, codeMode: 'none' | 'exists' | 'driving', limit: number): { rows: TaskListRow[]; more: boolean } {
  const rows: TaskListRow[] = [];
  for (const level of taskPriorityLevels) {
    if (rows.length >= limit) break;
    // After a cursor, the levels above its own are done.
    if (query.after && level > query.after.priority) continue;
    const conditions = [...filters(query, codeMode), sql`t.priority = ${level}`];
    if (query.after && level === query.after.priority) {
      conditions.push(sql`t.queued_at >= ${query.after.queuedAt} AND (t.queued_at > ${query.after.queuedAt} OR t.id > ${query.after.id})`);
    }
    const inner = sql`SELECT ${rowColumns} FROM ${from(query, codeMode, true)} WHERE ${where(conditions)} ORDER BY t.queued_at, t.id LIMIT ${limit - rows.length}`;
    rows.push(...readAll<TaskListRow>(db, joined(inner, sql`p.queuedAt, p.id`)));
  }
  return { rows: rows.slice(0, query.limit), more: rows.length > query.limit };
}

/**
 * How many tasks match the page's filters, counting at most `cap` (then `capped` is true): an
 * unfiltered queue comes exact from review_queue_counts; counting a filter walks its index, so
 * the walk is bounded.
 */
export function countTasks(db: Db, query: Omit<TaskPageQuery, 'after' | 'limit' | 'sort'>, cap: number): { total: number; capped: boolean } {
  const unfiltered = query.institutionId === undefined && query.findingCode === undefined && query.assignedTo === undefined && query.queuedFrom === undefined && query.queuedTo === undefined;
  if (unfiltered) {
    const row = readOne<{ n: number }>(db, sql`SELECT count AS n FROM review_queue_counts WHERE queue = ${query.queue} AND status = ${query.status}`);
    return { total: row?.n ?? 0, capped: false };
  }
  const full: TaskPageQuery = { ...query, sort: 'oldest', limit: 1 };
  const codeMode = codeModeFor(db, full);
  const walk = (conditions: SQL[]) => sql`SELECT count(*) FROM (SELECT 1 FROM ${from(full, codeMode, false)} WHERE ${where(conditions)} LIMIT ${cap + 1})`;
  // An institution's index has the status after the priority: one bounded walk per level.
  const counted =
    query.institutionId !== undefined && codeMode !== 'driving'
      ? sql.join(taskPriorityLevels.map((level) => sql`(${walk([...filters(full, codeMode), sql`t.priority = ${level}`])})`), sql` + `)
      : sql`(${walk(filters(full, codeMode))})`;
  const row = readOne<{ n: number }>(db, sql`SELECT ${counted} AS n`);
  const total = row?.n ?? 0;
  return total > cap ? { total: cap, capped: true } : { total, capped: false };
}

/** Tasks per queue and status (exact, from review_queue_counts). */
export function queueStatusCounts(db: Db): Array<{ queue: ReviewQueue; status: ReviewTaskStatus; n: number }> {
  return readAll(db, sql`SELECT queue, status, count AS n FROM review_queue_counts`);
}

/** Open tasks of a queue that entered it at or before `queuedTo`, counting at most `cap` + 1. */
export function countOpenQueuedBefore(db: Db, queue: ReviewQueue, queuedTo: number, cap: number): number {
  const row = readOne<{ n: number }>(db, sql`
    SELECT count(*) AS n FROM (
      SELECT 1 FROM review_tasks INDEXED BY review_tasks_queue_idx
       WHERE queue = ${queue} AND status = 'open' AND queued_at <= ${queuedTo}
       LIMIT ${cap + 1})`);
  return row?.n ?? 0;
}

/** Every task held or assigned, for "who holds what". */
export function heldAndAssigned(db: Db): Array<{ id: number; queue: ReviewQueue; status: ReviewTaskStatus; claimedBy: number | null; claimedAt: number | null; leaseExpiresAt: number | null; assignedTo: number | null }> {
  // "> 0" is an index range on both columns (ids start at 1); IS NOT NULL would scan.
  const columns = sql`id, queue, status, claimed_by AS claimedBy, claimed_at AS claimedAt, lease_expires_at AS leaseExpiresAt, assigned_to AS assignedTo`;
  return db.all(sql`
    SELECT ${columns} FROM review_tasks INDEXED BY review_tasks_claimed_idx WHERE claimed_by > 0
    UNION
    SELECT ${columns} FROM review_tasks INDEXED BY review_tasks_assigned_idx
     WHERE assigned_to > 0 AND status IN ('open', 'in_review', 'snoozed', 'escalated')`);
}

/** Tasks in one status across all queues (the inbox: escalated, awaiting_second), oldest first. */
export function tasksInStatus(db: Db, status: ReviewTaskStatus, limit: number): TaskListRow[] {
  const inner = sql`
    SELECT ${rowColumns} FROM review_tasks t INDEXED BY review_tasks_queue_idx
     WHERE t.queue IN (${anyReviewQueue}) AND t.status = ${status}
     ORDER BY t.queued_at, t.id LIMIT ${limit}`;
  return db.all<TaskListRow>(joined(inner, sql`p.queuedAt, p.id`));
}

/** One task as a list row (the detail page's header). */
export function taskListRow(db: Db, taskId: number): TaskListRow | undefined {
  const inner = sql`SELECT ${rowColumns} FROM review_tasks t WHERE t.id = ${taskId}`;
  return db.all<TaskListRow>(joined(inner, sql`p.id`))[0];
}

import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { reviewQueues } from '../../../shared/domain/findings';
import { decisionStages, decisionStates, deliveryStates, reasonActions, reviewActions, reviewTaskStatuses, taskDecisions } from '../../../shared/domain/review';
import { booleanColumn, epochMs, idColumn } from './columns';
import { applicationsTable } from './applications';
import { operatorsTable } from './operators';

/**
 * One task per application and queue: an application with contact and face findings appears in
 * both queues. Created and updated at ingest (src/main/review/ingest.ts), idempotently.
 */
export const reviewTasksTable = sqliteTable(
  'review_tasks',
  {
    id: idColumn(),
    applicationId: integer('application_id')
      .notNull()
      .references(() => applicationsTable.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
    borrowerId: integer('borrower_id').notNull(),
    queue: text('queue', { enum: reviewQueues }).notNull(),
    status: text('status', { enum: reviewTaskStatuses }).notNull(),
    /** Higher first: 3 when a high-severity finding is present, 2 warning, 1 info. */
    priority: integer('priority').notNull(),
    /** Comma-separated finding codes of this queue, for filtering. */
    findingCodes: text('finding_codes').notNull(),
    findingCount: integer('finding_count').notNull(),
    /** The application's evidence hash the task was last built from. */
    evidenceHash: text('evidence_hash').notNull(),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
    /** When the task entered the queue (created, or returned to it): age and SLA count from here. */
    queuedAt: epochMs('queued_at').notNull(),
    claimedBy: integer('claimed_by').references(() => operatorsTable.id),
    leaseExpiresAt: epochMs('lease_expires_at'),
    /** A supervisor's assignment: only this operator may claim it. */
    assignedTo: integer('assigned_to').references(() => operatorsTable.id),
    snoozedUntil: epochMs('snoozed_until'),
    decidedAt: epochMs('decided_at'),
    /** When the current holder claimed it (for "who holds what since when"). */
    claimedAt: epochMs('claimed_at'),
    /** The task's own outcome once decided (the application's outcome combines its queues). */
    decision: text('decision', { enum: taskDecisions }),
    /** Why the task came back to the queue (e.g. a waiting four-eyes decision was cancelled); shown until the next decision. */
    returnNote: text('return_note'),
  },
  (table) => [
    uniqueIndex('review_tasks_app_queue_unique').on(table.applicationId, table.queue),
    index('review_tasks_queue_idx').on(table.queue, table.status, table.queuedAt),
    index('review_tasks_priority_idx').on(table.queue, table.status, table.priority, table.queuedAt),
    // Held and assigned tasks only (who holds what, presence): a claim of an unassigned task adds one
    // entry to the first and leaves the second alone, where whole-table indexes moved the task's
    // entry in both (docs/performance.md, "Team server", pages per claim).
    index('review_tasks_claimed_idx').on(table.claimedBy, table.status).where(sql`claimed_by IS NOT NULL`),
    index('review_tasks_assigned_idx').on(table.assignedTo, table.status).where(sql`assigned_to IS NOT NULL`),
    index('review_tasks_borrower_idx').on(table.borrowerId),
    // Queue pages filter by institution or assignee and sort by age or priority: each is a bounded
    // walk of one of these (bench/review.bench.ts). An institution's pages walk its priority
    // levels one by one (repositories/review-queue.ts): no index by age of its own moves with every
    // claim and decision, and the status after the priority keeps a claimed or decided task's
    // entry beside its old place (one page written, not two).
    index('review_tasks_institution_priority_idx').on(table.queue, table.institutionId, table.priority, table.status, table.queuedAt),
    index('review_tasks_assignee_age_idx').on(table.queue, table.status, table.assignedTo, table.queuedAt),
    index('review_tasks_assignee_priority_idx').on(table.queue, table.status, table.assignedTo, table.priority, table.queuedAt),
  ],
);
export type ReviewTaskRow = typeof reviewTasksTable.$inferSelect;

/**
 * The task's timeline: every claim, release, assignment, snooze, decision, delivery and
 * ingest change. Append-only (triggers in the migration).
 */
export const reviewTaskEventsTable = sqliteTable(
  'review_task_events',
  {
    id: idColumn(),
    taskId: integer('task_id')
      .notNull()
      .references(() => reviewTasksTable.id, { onDelete: 'cascade' }),
    at: epochMs('at').notNull(),
    /** null for the system (sync, lease expiry, delivery). */
    operatorId: integer('operator_id'),
    kind: text('kind').notNull(),
    /** JSON details (reason code, note, evidence change...). */
    details: text('details').notNull().default('{}'),
  },
  (table) => [index('review_task_events_task_idx').on(table.taskId, table.at)],
);
export type ReviewTaskEventRow = typeof reviewTaskEventsTable.$inferSelect;

/** The finding codes of each task, one row per code: filters a queue page by finding through an index. */
export const reviewTaskCodesTable = sqliteTable(
  'review_task_codes',
  {
    taskId: integer('task_id')
      .notNull()
      .references(() => reviewTasksTable.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
  },
  (table) => [primaryKey({ columns: [table.taskId, table.code] }), index('review_task_codes_code_idx').on(table.code, table.taskId)],
);

/**
 * Every decision a person made on a task, never deleted. A decision that needs four-eyes waits in
 * `awaiting_second` until a supervisor confirms or overrules it (a row with `secondOfId`), or is
 * cancelled when the evidence changes under it (ingest, in the same transaction).
 */
export const reviewDecisionsTable = sqliteTable(
  'review_decisions',
  {
    id: idColumn(),
    taskId: integer('task_id')
      .notNull()
      .references(() => reviewTasksTable.id, { onDelete: 'cascade' }),
    applicationId: integer('application_id').notNull(),
    queue: text('queue', { enum: reviewQueues }).notNull(),
    action: text('action', { enum: reviewActions }).notNull(),
    stage: text('stage', { enum: decisionStages }).notNull(),
    state: text('state', { enum: decisionStates }).notNull(),
    operatorId: integer('operator_id')
      .notNull()
      .references(() => operatorsTable.id),
    reasonCode: text('reason_code'),
    note: text('note').notNull().default(''),
    /** JSON array of why four-eyes applies ('reject_band', 'overturns_automatic_rejection'). */
    fourEyesReasons: text('four_eyes_reasons').notNull().default('[]'),
    secondOfId: integer('second_of_id'),
    evidenceHash: text('evidence_hash').notNull(),
    applicationVersion: integer('application_version').notNull(),
    decidedAt: epochMs('decided_at').notNull(),
    cancelledAt: epochMs('cancelled_at'),
    cancelReason: text('cancel_reason'),
    /** The outbox message this decision completed (the application's final decision), if any. */
    outboxId: integer('outbox_id'),
    /** Delivery of that message as last recorded on the timeline: pending until delivered or failed. */
    deliveryState: text('delivery_state', { enum: deliveryStates }),
  },
  (table) => [
    index('review_decisions_task_idx').on(table.taskId, table.decidedAt),
    index('review_decisions_waiting_idx').on(table.state).where(sql`state = 'awaiting_second'`),
    // Keyed by the outbox message, so a delivery finds its decisions by a seek however many wait
    // (an institution that is down); the monitor's walk of all pending ones reads the same index.
    index('review_decisions_delivery_idx').on(table.outboxId).where(sql`delivery_state = 'pending'`),
    // A failed delivery may be retried by hand and then succeed: the monitor watches these too.
    index('review_decisions_delivery_failed_idx').on(table.outboxId).where(sql`delivery_state = 'failed'`),
  ],
);
export type ReviewDecisionRow = typeof reviewDecisionsTable.$inferSelect;

/**
 * The closed list of reasons per queue and action (reject, resubmit, escalate), edited by
 * administrators. Codes are never deleted, only deactivated, so past decisions keep their label.
 */
export const reviewReasonCodesTable = sqliteTable(
  'review_reason_codes',
  {
    id: idColumn(),
    queue: text('queue', { enum: reviewQueues }).notNull(),
    action: text('action', { enum: reasonActions }).notNull(),
    /** Sent to the institution in reason_codes: A-Z, 0-9 and _. */
    code: text('code').notNull(),
    labelZh: text('label_zh').notNull(),
    labelEn: text('label_en').notNull(),
    active: booleanColumn('active').notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(0),
    updatedAt: epochMs('updated_at').notNull(),
    updatedBy: integer('updated_by'),
  },
  (table) => [uniqueIndex('review_reason_codes_unique').on(table.queue, table.action, table.code)],
);
export type ReviewReasonCodeRow = typeof reviewReasonCodesTable.$inferSelect;

/**
 * Tasks per queue and status, kept exact by triggers on review_tasks (one row per combination,
 * seeded by the migration): queue sizes for the navigation and unfiltered pages without counting.
 */
export const reviewQueueCountsTable = sqliteTable(
  'review_queue_counts',
  {
    queue: text('queue', { enum: reviewQueues }).notNull(),
    status: text('status', { enum: reviewTaskStatuses }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.queue, table.status] })],
);

/**
 * The answer of each review decision sent with an idempotency key, so a decision retried after
 * the connection dropped (the team server's remote transport retries it) is applied once: a
 * repeated key gets the first answer back. Kept a day, then pruned at the next keyed decision.
 */
export const reviewDecideRequestsTable = sqliteTable(
  'review_decide_requests',
  {
    operatorId: integer('operator_id')
      .notNull()
      .references(() => operatorsTable.id),
    requestKey: text('request_key').notNull(),
    taskId: integer('task_id').notNull(),
    /** The decide call's output as JSON. */
    response: text('response').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.operatorId, table.requestKey] }), index('review_decide_requests_created_idx').on(table.createdAt)],
);
export type ReviewDecideRequestRow = typeof reviewDecideRequestsTable.$inferSelect;

import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs, idColumn } from './columns';
import { applicationsTable } from './applications';
import { operatorsTable } from './operators';

export const reviewQueues = ['contacts', 'face', 'ocr'] as const;
export const reviewTaskStatuses = [
  /** Waiting for a reviewer (claimable). */
  'open',
  /** Held by a reviewer under a lease (claimedBy, leaseExpiresAt). */
  'in_review',
  /** A first decision needs a supervisor's second decision (four-eyes). */
  'awaiting_second',
  /** Sent to the supervisors' inbox. */
  'escalated',
  /** Put aside until snoozedUntil. */
  'snoozed',
  /** Decided; the decision goes out through the outbox. */
  'decided',
  /** No longer needs a person: the application left manual review without us. */
  'closed',
] as const;
export type ReviewTaskStatus = (typeof reviewTaskStatuses)[number];

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
  },
  (table) => [
    uniqueIndex('review_tasks_app_queue_unique').on(table.applicationId, table.queue),
    index('review_tasks_queue_idx').on(table.queue, table.status, table.queuedAt),
    index('review_tasks_priority_idx').on(table.queue, table.status, table.priority, table.queuedAt),
    index('review_tasks_claimed_idx').on(table.claimedBy, table.status),
    index('review_tasks_assigned_idx').on(table.assignedTo, table.status),
    index('review_tasks_borrower_idx').on(table.borrowerId),
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

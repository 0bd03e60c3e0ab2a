/**
 * The manual-review queues: lists, claims with leases, the evidence of one task, decisions with
 * four-eyes, snoozes, assignments, reason codes and SLA settings. The task view's schemas live in
 * review-task.ts and the family's enums and rows in review-common.ts (README.md says why); this
 * file re-exports what importers use, so the family is imported from here.
 */
import { z } from 'zod';
import { findingCodeSchema, reviewQueueSchema } from '../domain/findings';
import { channel, requires } from '../rpc/define';
import {
  imageKindSchema,
  institutionRefSchema,
  reasonActionSchema,
  reasonCodeSchema,
  reviewActionSchema,
  reviewTaskStatusSchema,
  taskRowSchema,
} from './review-common';
import { taskDetailSchema, waitingDecisionSchema } from './review-task';

export * from './review-common';
export type { FindingView, TaskDetail, TimelineEvent } from './review-task';

const queueSlaSchema = z
  .object({
    /** A task older than this (since it entered the queue) has breached its SLA. */
    slaMinutes: z.int().min(1).max(60 * 24 * 30),
    /** "Due soon" starts this many minutes before the SLA. */
    dueSoonMinutes: z.int().min(0).max(60 * 24 * 30),
  })
  .refine((value) => value.dueSoonMinutes < value.slaMinutes, { message: 'Due soon must start before the SLA ends', path: ['dueSoonMinutes'] });

export const reviewSettingsSchema = z.object({
  queues: z.object({ contacts: queueSlaSchema, face: queueSlaSchema, ocr: queueSlaSchema }),
  /** How long a claim lasts without renewal; the open task renews it while it is on screen. */
  leaseSeconds: z.int().min(30).max(3600),
  /**
   * Beyond the two fixed cases (a reject-band face score, overturning the institution's automatic
   * rejection): approving against any high-severity finding also needs a supervisor's second decision.
   */
  fourEyesOnHighSeverity: z.boolean().default(false),
});
export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;

export const defaultReviewSettings: ReviewSettings = {
  queues: {
    contacts: { slaMinutes: 240, dueSoonMinutes: 60 },
    face: { slaMinutes: 120, dueSoonMinutes: 30 },
    ocr: { slaMinutes: 240, dueSoonMinutes: 60 },
  },
  leaseSeconds: 120,
  fourEyesOnHighSeverity: false,
};

export const assigneeFilterSchema = z.union([z.enum(['any', 'unassigned', 'me']), z.int().positive()]);

export const taskListFilterSchema = z.object({
  queue: reviewQueueSchema,
  status: reviewTaskStatusSchema.default('open'),
  institutionId: z.int().positive().optional(),
  findingCode: findingCodeSchema.optional(),
  assignee: assigneeFilterSchema.default('any'),
  sla: z.enum(['any', 'within', 'due_soon', 'breached']).default('any'),
  /** Only tasks at least this old (minutes since they entered the queue). */
  minAgeMinutes: z.int().min(0).max(60 * 24 * 365).optional(),
  sort: z.enum(['oldest', 'newest', 'priority']).default('oldest'),
});
export type TaskListFilter = z.infer<typeof taskListFilterSchema>;
export type TaskListFilterInput = z.input<typeof taskListFilterSchema>;

export const queueCountsSchema = z.object({
  open: z.int(),
  dueSoon: z.int(),
  breached: z.int(),
  inReview: z.int(),
  snoozed: z.int(),
  escalated: z.int(),
  awaitingSecond: z.int(),
  /** dueSoon and breached stop counting at a cap (shown as "N+"). */
  slaCapped: z.boolean(),
});
export type QueueCounts = z.infer<typeof queueCountsSchema>;


const taskIdInput = z.object({ taskId: z.int().positive() });

/** The longest decision note; the dialog counts and refuses a longer one instead of cutting it. */
export const decisionNoteMaxLength = 1000;

export const reviewContract = {
  'review:counts': channel({
    input: z.object({}),
    output: z.object({ queues: z.record(reviewQueueSchema, queueCountsSchema), inbox: z.int(), mine: z.int() }),
    access: requires('review:work'),
    doc: 'Task counts per queue (waiting, due soon, breached, in review...) and the supervisors’ inbox size.',
  }),
  'review:list': channel({
    input: taskListFilterSchema.extend({
      cursor: z.string().max(200).optional(),
      limit: z.int().min(1).max(100).default(50),
    }),
    output: z.object({
      rows: z.array(taskRowSchema),
      total: z.int(),
      /** The total stopped counting at a cap (shown as "N+"): exact for an unfiltered queue. */
      totalCapped: z.boolean(),
      nextCursor: z.string().nullable(),
      now: z.number(),
    }),
    access: requires('review:work'),
    doc: 'One page of a queue, filtered and sorted in SQL; pass nextCursor back for the next page.',
  }),
  'review:filter-options': channel({
    input: z.object({}),
    output: z.object({
      institutions: z.array(institutionRefSchema),
      operators: z.array(z.object({ id: z.int(), name: z.string(), role: z.string() })),
    }),
    access: requires('review:work'),
    doc: 'Institutions and review operators for the queue filters.',
  }),
  'review:next': channel({
    input: z.object({
      queue: reviewQueueSchema,
      /** The task on screen, released before the next is claimed. */
      releaseTaskId: z.int().positive().optional(),
      /** Tasks skipped in this sitting: not offered again. */
      excludeTaskIds: z.array(z.int().positive()).max(500).default([]),
    }),
    output: z.object({ taskId: z.int().nullable() }),
    access: requires('review:work'),
    doc: 'Claims the oldest eligible task of the queue (one assigned to the caller first) under a lease.',
  }),
  'review:claim': channel({
    input: taskIdInput,
    output: z.object({ taskId: z.int(), leaseExpiresAt: z.number() }),
    access: requires('review:work'),
    doc: 'Claims one task shown in a list, if nobody holds it and it is not assigned to someone else.',
  }),
  'review:renew': channel({
    input: taskIdInput,
    output: z.object({ leaseExpiresAt: z.number() }),
    access: requires('review:work'),
    doc: 'Renews the caller’s lease on a task while it is on screen.',
  }),
  'review:release': channel({
    input: taskIdInput,
    output: z.object({ released: z.boolean() }),
    access: requires('review:work'),
    doc: 'Gives a held task back to its queue (leaving the task screen).',
  }),
  'review:task': channel({
    input: taskIdInput,
    output: taskDetailSchema,
    access: requires('review:work'),
    doc: 'Everything needed to decide one task: the evidence of its queue, the application, the borrower’s history, the timeline.',
  }),
  'review:decide': channel({
    input: z.object({
      taskId: z.int().positive(),
      action: reviewActionSchema,
      reasonCode: z.string().max(60).optional(),
      note: z.string().max(decisionNoteMaxLength).default(''),
      /** The evidence the reviewer saw: a decision on changed evidence is refused. */
      evidenceHash: z.string().min(1),
      /** Claim the next task of the queue in the same call. */
      next: z.object({ excludeTaskIds: z.array(z.int().positive()).max(500).default([]) }).optional(),
      /** Makes the call safe to retry: the same key from the same operator is applied once and answered with the first answer. */
      idempotencyKey: z.string().min(16).max(100).optional(),
    }),
    output: z.object({
      outcome: z.enum(['decided', 'awaiting_second', 'escalated', 'awaiting_resubmission']),
      /** The application decision queued for the institution by this call, if any. */
      applicationOutcome: z.enum(['approve', 'reject']).nullable(),
      nextTaskId: z.int().nullable(),
    }),
    access: requires('review:work'),
    doc: 'Approve, reject, request resubmission or escalate a held task; commits at once with the outbox entry.',
  }),
  'review:second-decision': channel({
    input: z.object({
      taskId: z.int().positive(),
      decision: z.enum(['confirm', 'overrule']),
      reasonCode: z.string().max(60).optional(),
      note: z.string().max(decisionNoteMaxLength).default(''),
      evidenceHash: z.string().min(1),
    }),
    output: z.object({ applicationOutcome: z.enum(['approve', 'reject']).nullable() }),
    access: requires('review:supervise'),
    doc: 'A supervisor’s four-eyes decision on an approval waiting for it (never the first decider).',
  }),
  'review:snooze': channel({
    input: z.object({ taskId: z.int().positive(), until: z.number().int(), reason: z.string().trim().min(1).max(500) }),
    output: z.object({ snoozedUntil: z.number() }),
    access: requires('review:work'),
    doc: 'Puts a held task aside until a time, with a reason; it returns to its queue then.',
  }),
  'review:assign': channel({
    input: z.object({ taskIds: z.array(z.int().positive()).min(1).max(500), operatorId: z.int().positive().nullable() }),
    output: z.object({ updated: z.int(), skipped: z.int() }),
    access: requires('review:supervise'),
    doc: 'Assigns (or unassigns with null) tasks to a reviewer, in bulk; a task held by someone else is released to the new assignee.',
  }),
  'review:workload': channel({
    input: z.object({}),
    output: z.array(
      z.object({
        operator: z.object({ id: z.int(), name: z.string(), role: z.string() }),
        held: z.array(z.object({ taskId: z.int(), queue: reviewQueueSchema, since: z.number().nullable(), leaseExpiresAt: z.number().nullable() })),
        assigned: z.record(reviewQueueSchema, z.int()),
      }),
    ),
    access: requires('review:supervise'),
    doc: 'Who holds which task and how many are assigned to each reviewer.',
  }),
  'review:inbox': channel({
    input: z.object({}),
    output: z.object({
      escalated: z.array(taskRowSchema.extend({ escalation: waitingDecisionSchema.nullable() })),
      awaitingSecond: z.array(taskRowSchema.extend({ waitingDecision: waitingDecisionSchema.nullable() })),
      now: z.number(),
    }),
    access: requires('review:supervise'),
    doc: 'The supervisors’ inbox: escalated tasks and approvals waiting for a second decision.',
  }),
  'review:reveal': channel({
    input: z.object({ taskId: z.int().positive(), field: z.string().min(1).max(64) }),
    output: z.object({ value: z.string() }),
    access: requires('pii:reveal-held-task'),
    doc: 'Shows one personal field of a task in clear, to whoever has the task in hand (held under a live lease, or awaiting their second decision); recorded in the audit log and the timeline.',
  }),
  'review:image': channel({
    input: z.object({ taskId: z.int().positive(), which: imageKindSchema }),
    output: z.object({ dataUrl: z.string() }),
    access: requires('review:work'),
    doc: 'An evidence image as a data URL, to whoever has the task in hand; every view is recorded (the browser uses GET /api/images/<task>/<which>).',
  }),
  'review:reason-codes': channel({
    input: z.object({ queue: reviewQueueSchema.optional(), includeInactive: z.boolean().default(false) }),
    output: z.array(reasonCodeSchema),
    access: requires('review:work'),
    doc: 'The closed lists of reasons per queue and action.',
  }),
  'review:save-reason-code': channel({
    input: z.object({
      id: z.int().positive().optional(),
      queue: reviewQueueSchema,
      action: reasonActionSchema,
      code: z.string().regex(/^[A-Z][A-Z0-9_]{1,59}$/, 'Use A-Z, 0-9 and _ (2-60 characters, starting with a letter)'),
      labelZh: z.string().trim().min(1).max(80),
      labelEn: z.string().trim().min(1).max(120),
      active: z.boolean().default(true),
      sortOrder: z.int().min(0).max(10_000).default(100),
    }),
    output: reasonCodeSchema,
    access: requires('review:configure'),
    doc: 'Adds a reason code, or changes an existing one’s labels, order or active state (the code itself never changes).',
  }),
  'review:settings': channel({
    input: z.object({}),
    output: reviewSettingsSchema,
    access: requires('review:work'),
    doc: 'SLA per queue and the claim lease.',
  }),
  'review:save-settings': channel({
    input: reviewSettingsSchema,
    output: reviewSettingsSchema,
    access: requires('review:configure'),
    doc: 'Changes the SLA per queue and the claim lease.',
  }),
};

import { z } from 'zod';
import { reviewQueueSchema } from '../domain/findings';
import { channel, requires } from '../rpc/define';
import { roleSchema } from '../rpc/permissions';

/** One task an operator holds, as a supervisor sees it (no borrower data: the application's external id only). */
export const heldTaskSchema = z.object({
  taskId: z.int(),
  queue: reviewQueueSchema,
  status: z.enum(['in_review', 'escalated']),
  applicationExternalId: z.string(),
  /** When the claim began (epoch ms). */
  since: z.number().nullable(),
  leaseExpiresAt: z.number().nullable(),
  /** The lease ran out, or its holder is no longer signed in: a supervisor may release it. */
  stale: z.boolean(),
});
export type HeldTask = z.infer<typeof heldTaskSchema>;

export const presenceSchema = z.object({
  now: z.number(),
  /** 00:00 today in Asia/Shanghai: decisions are counted from here. */
  dayStart: z.number(),
  operators: z.array(
    z.object({
      id: z.int(),
      name: z.string(),
      role: roleSchema,
      /** A live session (not signed out, not expired). */
      online: z.boolean(),
      /** The last call of any of the operator's live sessions. */
      lastSeenAt: z.number().nullable(),
      held: z.array(heldTaskSchema),
      /** Decisions (first, single or second) recorded today. */
      decisionsToday: z.int(),
    }),
  ),
});
export type Presence = z.infer<typeof presenceSchema>;

export const presenceContract = {
  'presence:list': channel({
    input: z.object({}),
    output: presenceSchema,
    access: requires('review:supervise'),
    doc: 'Who of the review team is signed in, which task each holds and since when, and decisions per operator today.',
  }),
  'presence:release-claim': channel({
    input: z.object({
      taskId: z.int().positive(),
      /** Why, for the audit log and the task's timeline. */
      reason: z.string().trim().max(500).default(''),
    }),
    output: z.object({ released: z.boolean() }),
    access: requires('review:supervise'),
    doc: 'A supervisor gives a task someone else holds back to its queue (a stale claim); recorded in the audit log and the timeline.',
  }),
};

/**
 * The review family's vocabulary, below both its channels (review.ts) and its task view
 * (review-task.ts) so neither imports the other (zod schemas are built at load time: a cycle
 * between contract files breaks). review.ts re-exports all of it.
 */
import { z } from 'zod';
import { reviewQueueSchema } from '../domain/findings';
import { reasonActions, reviewActions, reviewTaskStatuses, taskDecisions } from '../domain/review';

export const reviewTaskStatusSchema = z.enum(reviewTaskStatuses);
export type ReviewTaskStatus = z.infer<typeof reviewTaskStatusSchema>;

export const reviewActionSchema = z.enum(reviewActions);
export type ReviewAction = z.infer<typeof reviewActionSchema>;
/** Actions that need a reason code from the queue's closed list. */
export const reasonActionSchema = z.enum(reasonActions);
export type ReasonAction = z.infer<typeof reasonActionSchema>;

export const slaStateSchema = z.enum(['within', 'due_soon', 'breached']);
export type SlaState = z.infer<typeof slaStateSchema>;

export const imageKindSchema = z.enum(['live', 'reference', 'id_front', 'id_back']);
export type ImageKind = z.infer<typeof imageKindSchema>;

export const operatorRefSchema = z.object({ id: z.int(), name: z.string() });
export const institutionRefSchema = z.object({ id: z.int(), code: z.string(), name: z.string() });

export const taskRowSchema = z.object({
  id: z.int(),
  queue: reviewQueueSchema,
  status: reviewTaskStatusSchema,
  priority: z.int(),
  institution: institutionRefSchema,
  applicationId: z.int(),
  applicationExternalId: z.string(),
  productName: z.string(),
  requestedAmountFen: z.int(),
  borrowerId: z.int(),
  /** Masked (maskName). */
  borrowerName: z.string(),
  findingCodes: z.array(z.string()),
  findingCount: z.int(),
  queuedAt: z.number(),
  sla: slaStateSchema,
  slaDueAt: z.number(),
  assignedTo: operatorRefSchema.nullable(),
  claimedBy: operatorRefSchema.nullable(),
  claimedAt: z.number().nullable(),
  leaseExpiresAt: z.number().nullable(),
  snoozedUntil: z.number().nullable(),
  decision: z.enum(taskDecisions).nullable(),
});
export type TaskRow = z.infer<typeof taskRowSchema>;

/** A value as shown: masked personal data carries the key that reveals it (recorded when used); null = shown in clear. */
export const personalTextSchema = z.object({ value: z.string(), revealKey: z.string().nullable() });
export type PersonalText = z.infer<typeof personalTextSchema>;

export const reasonCodeSchema = z.object({
  id: z.int(),
  queue: reviewQueueSchema,
  action: reasonActionSchema,
  code: z.string(),
  labelZh: z.string(),
  labelEn: z.string(),
  active: z.boolean(),
  sortOrder: z.int(),
});
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

/**
 * POST /v1/applications/{id}/review-decisions: the platform's manual-review decision.
 */
import { z } from 'zod';
import { applicationStatusSchema } from './applications';
import { externalIdSchema, faceVendorSchema, fenSchema, instantSchema, versionSchema } from './primitives';

/** Header carrying the client's idempotency key: the same key is applied once and answered the same. */
export const idempotencyKeyHeader = 'Idempotency-Key';
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/);

/** Header the server sets to "true" on an answer replayed for a repeated Idempotency-Key. */
export const idempotentReplayedHeader = 'Idempotent-Replayed';

const decisionCommonShape = {
  reviewer_id: z.string().min(1).max(64).describe('The platform operator who decided.'),
  reason_codes: z.array(z.string().min(1).max(60)).max(20),
  comment: z.string().max(1000).default(''),
  decided_at: instantSchema,
  application_version: versionSchema.describe('The application version the reviewer saw.'),
  face_compare_basis: z
    .object({
      vendor: faceVendorSchema,
      model_version: z.string().max(40),
      score: z.number(),
      pass_threshold: z.number(),
      reject_threshold: z.number(),
    })
    .nullable()
    .default(null)
    .describe('The face score and the thresholds the reviewer applied, kept with the decision.'),
};

export const reviewDecisionRequestSchema = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('approve'),
    approved_limit_fen: fenSchema.min(1).describe('The line limit to grant.'),
    ...decisionCommonShape,
  }),
  z.object({
    decision: z.literal('reject'),
    ...decisionCommonShape,
    reason_codes: decisionCommonShape.reason_codes.min(1),
  }),
]);
export type ReviewDecisionRequest = z.input<typeof reviewDecisionRequestSchema>;

export const reviewDecisionResponseSchema = z.object({
  decision_id: externalIdSchema,
  application_id: externalIdSchema,
  decision: z.enum(['approve', 'reject']),
  application_status: applicationStatusSchema,
  application_version: versionSchema.describe('The application version that carries this decision.'),
  credit_line_id: externalIdSchema.nullable().describe('The line granted by an approval.'),
  approved_limit_fen: fenSchema.nullable(),
  received_at: instantSchema,
});
export type ReviewDecisionResponse = z.infer<typeof reviewDecisionResponseSchema>;

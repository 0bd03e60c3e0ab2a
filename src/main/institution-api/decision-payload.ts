/**
 * The body and idempotency key of POST /v1/applications/{id}/review-decisions, built from what the
 * review side decided (review/service.ts computes the input in the decision's transaction; the
 * outbox delivers it through `client.ts`'s `postReviewDecision`).
 */
import { randomUUID } from 'node:crypto';
import { reviewDecisionRequestSchema, type ReviewDecisionRequest } from '../../shared/institution-api/decisions';
import { shanghaiInstant } from '../../shared/time';

export interface DecisionPayloadInput {
  decision: 'approve' | 'reject';
  /** The operator's username. */
  reviewer: string;
  /** Epoch ms; sent as a Shanghai instant. */
  decidedAt: number;
  /** The application version the reviewer saw. */
  applicationVersion: number;
  /** Approve: the limit to grant (at least 1 fen is sent). */
  approvedLimitFen: number;
  /** Reject: the reason codes (at least one). */
  reasonCodes: string[];
  /** "[queue] note" lines, at most 1,000 characters. */
  comment: string;
  faceCompareBasis: ReviewDecisionRequest['face_compare_basis'];
}

/** The request body, checked against the wire schema (a wrong body fails here, in the decision's transaction, not at delivery). */
export function reviewDecisionPayload(input: DecisionPayloadInput) {
  const common = {
    reviewer_id: input.reviewer,
    comment: input.comment,
    decided_at: shanghaiInstant(input.decidedAt),
    application_version: input.applicationVersion,
    face_compare_basis: input.faceCompareBasis,
  };
  return reviewDecisionRequestSchema.parse(
    input.decision === 'approve'
      ? { decision: 'approve', approved_limit_fen: Math.max(1, input.approvedLimitFen), reason_codes: [], ...common }
      : { decision: 'reject', reason_codes: input.reasonCodes, ...common },
  );
}

/**
 * A fresh key per queued decision: the application and the decision that completed it, and a
 * random tail of 8 hex digits. They are the first group of a random UUID (32 random bits):
 * `randomUUID` draws from a buffered pool, where `randomBytes` asked the system for entropy on
 * every decision, a visible share of a decision's CPU (docs/performance.md, "Team server").
 */
export function decisionIdempotencyKey(applicationExternalId: string, decisionId: number): string {
  return `review-${applicationExternalId}-${decisionId}-${randomUUID().slice(0, 8)}`.slice(0, 128);
}

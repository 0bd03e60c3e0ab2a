/**
 * The review workflow's vocabulary: the states a task goes through, what a reviewer decides, how
 * a decision is staged (four-eyes) and how it reaches the institution. One list each: the RPC
 * contract's enums (src/shared/contracts/review-common.ts) and the database's text enums
 * (src/main/db/schema/review.ts) are built from these. The queues are findings.ts's.
 */

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
  /**
   * The reviewer asked the borrower to redo an authentication item (the platform collects them):
   * nothing goes to the institution; new evidence from a re-sync reopens the task.
   */
  'awaiting_resubmission',
  /** No longer needs a person: the application left manual review without us. */
  'closed',
] as const;
export type ReviewTaskStatus = (typeof reviewTaskStatuses)[number];

/** What a reviewer decides on a task. */
export const reviewActions = ['approve', 'reject', 'resubmit', 'escalate'] as const;
export type ReviewAction = (typeof reviewActions)[number];

/** Actions that need a reason code from the queue's closed list. */
export const reasonActions = ['reject', 'resubmit', 'escalate'] as const;
export type ReasonAction = (typeof reasonActions)[number];

/** A task's own outcome once decided (an escalation is not one; the application's outcome combines its queues). */
export const taskDecisions = ['approve', 'reject', 'resubmit'] as const;
export type TaskDecision = (typeof taskDecisions)[number];

/** single: took effect at once; first: waits for a second decision; second: confirms or overrules a first. */
export const decisionStages = ['single', 'first', 'second'] as const;
export type DecisionStage = (typeof decisionStages)[number];

/** Where a decision stands: awaiting_second until a supervisor confirms or overrules it, cancelled when the evidence changed under it. */
export const decisionStates = ['effective', 'awaiting_second', 'confirmed', 'overruled', 'cancelled'] as const;
export type DecisionState = (typeof decisionStates)[number];

/** A message to an institution (the outbox carries review decisions) until acknowledged or given up. */
export const deliveryStates = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * The review side of a decision's delivery to its institution. The outbox runs
 * `recordDecisionDelivery` in the transaction that records each attempt (registered for
 * 'review-decision' messages by runtime/backend.ts), so the decision's delivery state and its
 * timeline event commit with the outbox row: the timeline never shows a state the outbox does
 * not have, and nothing polls for it.
 */
import { writeTransaction, type Db } from '../db/connection';
import type { OutboxRow } from '../db/schema';
import type { OutboxOutcome } from '../repositories/outbox';
import { appendTaskEvent } from '../repositories/review';
import { decisionsAwaitingDelivery, decisionsWithDeliveryNews, updateDecision } from '../repositories/review-decisions';

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Records a delivery attempt's outcome on the decisions the message carried (a retry to come records nothing). */
export function recordDecisionDelivery(tx: Db, message: OutboxRow, outcome: OutboxOutcome): void {
  if (outcome.state === 'retrying') return;
  for (const decision of decisionsAwaitingDelivery(tx, message.id)) {
    if (outcome.state === 'delivered') {
      appendTaskEvent(tx, decision.taskId, outcome.at, null, 'delivered', {
        outboxId: message.id,
        attempts: outcome.attempts,
        applicationStatus: text(outcome.response.application_status),
        institutionDecisionId: text(outcome.response.decision_id),
      });
      updateDecision(tx, decision.id, { deliveryState: 'delivered' });
    } else if (decision.deliveryState === 'pending') {
      appendTaskEvent(tx, decision.taskId, outcome.at, null, 'delivery_failed', {
        outboxId: message.id,
        attempts: outcome.attempts,
        lastError: outcome.failure.text,
        lastErrorCode: outcome.failure.code,
        lastErrorStatus: outcome.failure.status,
      });
      updateDecision(tx, decision.id, { deliveryState: 'failed' });
    }
  }
}

/**
 * Settles decisions whose outbox message moved on without the hook (delivered by a build before
 * the hook existed); run once when the review monitor starts. Returns how many it settled.
 */
export function recordDeliveries(db: Db): number {
  return writeTransaction(db, (tx) => {
    const news = decisionsWithDeliveryNews(tx, 200);
    for (const { decision, outbox } of news) {
      if (outbox.state === 'delivered') {
        let response: Record<string, unknown> = {};
        try {
          response = JSON.parse(outbox.response ?? '{}') as Record<string, unknown>;
        } catch {
          response = {};
        }
        appendTaskEvent(tx, decision.taskId, outbox.deliveredAt ?? Date.now(), null, 'delivered', {
          outboxId: outbox.id,
          attempts: outbox.attempts,
          applicationStatus: text(response.application_status),
          institutionDecisionId: text(response.decision_id),
        });
        updateDecision(tx, decision.id, { deliveryState: 'delivered' });
      } else if (outbox.state === 'failed') {
        appendTaskEvent(tx, decision.taskId, outbox.nextAttemptAt, null, 'delivery_failed', {
          outboxId: outbox.id,
          attempts: outbox.attempts,
          lastError: outbox.lastError,
          lastErrorCode: outbox.lastErrorCode,
          lastErrorStatus: outbox.lastErrorStatus,
        });
        updateDecision(tx, decision.id, { deliveryState: 'failed' });
      }
    }
    return news.length;
  });
}

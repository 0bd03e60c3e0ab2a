/**
 * The review queues' heartbeat, in every process that serves operators: releases expired leases,
 * returns snoozed tasks, records deliveries of decisions to institutions on the timeline (the
 * sync engine's delivery loop only updates the outbox row), and pushes 'review:changed' when any
 * task changed, whoever changed it (this process, the sync engine, or another process sharing
 * the database file).
 */
import type { ReviewQueue } from '../../shared/domain/findings';
import { writeTransaction, type Db } from '../db/connection';
import type { Logger } from '../logging/logger';
import { appendTaskEvent, latestTaskEventId } from '../repositories/review';
import { decisionsWithDeliveryNews, updateDecision } from '../repositories/review-decisions';
import type { ReviewService } from './service';

export interface ReviewMonitorDeps {
  db: Db;
  service: Pick<ReviewService, 'housekeeping'>;
  logger: Logger;
  emitChanged: (queues: ReviewQueue[]) => void;
  intervalMs?: number;
}

export interface ReviewMonitor {
  /** One pass (also run by the timer). */
  tick(): void;
  stop(): void;
}

const allQueues: ReviewQueue[] = ['contacts', 'face', 'ocr'];

/** Records on each task's timeline the deliveries its outbox messages reached; returns how many. */
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
          applicationStatus: typeof response.application_status === 'string' ? response.application_status : null,
          institutionDecisionId: typeof response.decision_id === 'string' ? response.decision_id : null,
        });
        updateDecision(tx, decision.id, { deliveryState: 'delivered' });
      } else if (outbox.state === 'failed') {
        appendTaskEvent(tx, decision.taskId, outbox.nextAttemptAt, null, 'delivery_failed', { outboxId: outbox.id, attempts: outbox.attempts, lastError: outbox.lastError });
        updateDecision(tx, decision.id, { deliveryState: 'failed' });
      }
    }
    return news.length;
  });
}

export function startReviewMonitor(deps: ReviewMonitorDeps): ReviewMonitor {
  let lastEventId = latestTaskEventId(deps.db);
  let stopped = false;
  function tick(): void {
    if (stopped) return;
    try {
      deps.service.housekeeping();
      recordDeliveries(deps.db);
      const latest = latestTaskEventId(deps.db);
      if (latest !== lastEventId) {
        lastEventId = latest;
        deps.emitChanged(allQueues);
      }
    } catch (error) {
      // A busy database (another process writing) is retried on the next tick.
      deps.logger.warn('review monitor pass failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
  const timer = setInterval(tick, deps.intervalMs ?? 3_000);
  timer.unref();
  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

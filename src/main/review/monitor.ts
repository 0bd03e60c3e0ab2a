/**
 * The review queues' heartbeat, in every process that serves operators: releases expired leases,
 * returns snoozed tasks, and pushes 'review:changed' when any task changed, whoever changed it
 * (this process, the sync engine, or another process sharing the database file). A decision's
 * delivery is recorded by the outbox itself (review/delivery.ts); the monitor settles, once at
 * start, what a build without that hook left behind.
 */
import { type ReviewQueue, reviewQueues } from '../../shared/domain/findings';
import type { Db } from '../db/connection';
import type { Logger } from '../logging/logger';
import { latestTaskEventId } from '../repositories/review';
import { recordDeliveries } from './delivery';
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


export function startReviewMonitor(deps: ReviewMonitorDeps): ReviewMonitor {
  try {
    recordDeliveries(deps.db);
  } catch (error) {
    deps.logger.warn('settling earlier deliveries failed', { error: error instanceof Error ? error.message : String(error) });
  }
  let lastEventId = latestTaskEventId(deps.db);
  let stopped = false;
  function tick(): void {
    if (stopped) return;
    try {
      deps.service.housekeeping();
      const latest = latestTaskEventId(deps.db);
      if (latest !== lastEventId) {
        lastEventId = latest;
        deps.emitChanged([...reviewQueues]);
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

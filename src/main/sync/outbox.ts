/**
 * Delivery of the outbox: review decisions written in the same transaction as the decision are
 * POSTed to their institution with the message's idempotency key until acknowledged. A crash
 * between the institution applying a decision and us recording the acknowledgement is harmless:
 * the retry carries the same key and the institution answers it without applying it twice.
 */
import { writeTransaction, type Db } from '../db/connection';
import type { OutboxRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import { deliverableInstitutions, markOutboxAttemptFailed, markOutboxDelivered, nextDueOutboxMessage, type OutboxHook, type OutboxOutcome } from '../repositories/outbox';
import type { Clock } from '../core/clock';
import type { InstitutionClients } from '../institution-api/client';
import { failureOf, InstitutionApiError } from '../institution-api/errors';
import { backoffDelay } from '../institution-api/retry';

export interface OutboxDeliveryDeps {
  db: Db;
  clients: InstitutionClients;
  clock: Clock;
  logger?: Logger;
  /** Attempts before a message that keeps failing (for retryable reasons) is marked failed. */
  maxAttempts?: number;
  random?: () => number;
  /** After each message's state changed (the Sync page refreshes). */
  onChange?: (row: OutboxRow, state: 'delivered' | 'retrying' | 'failed') => void;
  /** Per message kind, run in the transaction that records each attempt (review: the decision's delivery state and timeline). */
  hooks?: Partial<Record<OutboxRow['kind'], OutboxHook>>;
}

export interface DeliveryOutcome {
  delivered: number;
  retrying: number;
  failed: number;
}

/** Wait before attempt n+1: 5 s doubling to an hour, with jitter. */
export function outboxRetryDelay(attempts: number, random: () => number = Math.random): number {
  return 5_000 + backoffDelay(attempts + 1, { baseDelayMs: 5_000, maxDelayMs: 3_600_000 }, random);
}

/**
 * 409s other than a replay (not reviewable, version moved on, key reused with another body) and
 * other 4xx mean this decision will never be accepted as it is: fail it for a person to see.
 * Everything else (network, 5xx, 429, a rejected signature an admin may fix, an open circuit,
 * an answer we could not read) is tried again later with the same key.
 */
function isFinal(error: unknown): boolean {
  if (!(error instanceof InstitutionApiError)) return false;
  return error.kind === 'client';
}

export type OutboxDelivery = ReturnType<typeof createOutboxDelivery>;

export function createOutboxDelivery(deps: OutboxDeliveryDeps) {
  const maxAttempts = deps.maxAttempts ?? 50;
  let running: Promise<DeliveryOutcome> | null = null;
  let again = false;
  /** Institutions whose last attempt failed for a retryable reason, until when they rest (deliverInstitution). */
  const heldUntil = new Map<number, number>();

  async function deliverOne(row: OutboxRow, signal: AbortSignal): Promise<'delivered' | 'retrying' | 'failed'> {
    try {
      const client = deps.clients.forInstitution(row.institutionId);
      const { response, replayed } = await client.postReviewDecision(row.subjectId, row.payload, row.idempotencyKey, { signal });
      const now = deps.clock.now();
      const outcome: OutboxOutcome = { state: 'delivered', at: now, attempts: row.attempts + 1, response: { ...response, replayed } };
      writeTransaction(deps.db, (tx) => {
        markOutboxDelivered(tx, row.id, outcome.response, now);
        deps.hooks?.[row.kind]?.(tx, row, outcome);
      });
      deps.logger?.info('outbox message delivered', { outboxId: row.id, kind: row.kind, attempts: row.attempts + 1, replayed });
      return 'delivered';
    } catch (error) {
      if (signal.aborted) throw error;
      const failure = failureOf(error);
      const message = failure.text;
      const final = isFinal(error) || row.attempts + 1 >= maxAttempts;
      const now = deps.clock.now();
      const next = now + outboxRetryDelay(row.attempts, deps.random);
      const outcome: OutboxOutcome = { state: final ? 'failed' : 'retrying', at: now, attempts: row.attempts + 1, failure, nextAttemptAt: next };
      writeTransaction(deps.db, (tx) => {
        markOutboxAttemptFailed(tx, row.id, failure, next, final);
        deps.hooks?.[row.kind]?.(tx, row, outcome);
      });
      deps.logger?.warn('outbox delivery failed', { outboxId: row.id, attempts: row.attempts + 1, final, message });
      return final ? 'failed' : 'retrying';
    }
  }

  /**
   * One institution's due messages, oldest first, one at a time (its decisions reach it in the
   * order they were made), at most `limit` in a turn. A message that fails for a reason worth
   * retrying (network, 5xx, an open circuit) ends this institution's turn and holds the
   * institution for the first retry delay: the rest would meet the same fault, so they wait untried
   * and uncounted, and an institution that is down costs one attempt per hold, not one per turn
   * (a turn follows every decision). Each message is looked up on its own, so a backlog costs
   * nothing until its turn comes. A message refused for good does not stop the others.
   */
  async function deliverInstitution(institutionId: number, signal: AbortSignal, limit: number, outcome: DeliveryOutcome): Promise<void> {
    for (let tried = 0; tried < limit && !signal.aborted; tried++) {
      const row = nextDueOutboxMessage(deps.db, institutionId, deps.clock.now());
      if (!row) return;
      const state = await deliverOne(row, signal).catch((error: unknown) => {
        if (signal.aborted) return null;
        throw error;
      });
      if (state === null) return;
      outcome[state]++;
      deps.onChange?.(row, state);
      if (state === 'retrying') {
        heldUntil.set(institutionId, deps.clock.now() + outboxRetryDelay(0, deps.random));
        return;
      }
    }
  }

  /**
   * Delivers every due message once, each institution on its own and all of them at once, so an
   * institution that is down, slow or has a long backlog holds up no other's decisions.
   * Concurrent calls share one run; a call made during a run makes it look once more at the end,
   * so a message queued meanwhile (a decision just made) is not left for the next tick.
   */
  function deliverDue(signal: AbortSignal, limit = 100): Promise<DeliveryOutcome> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      // Yield once so `running` holds this run before it can end: it is cleared in the same tick
      // as the last look for due messages, so a call after that look starts a new run instead of
      // joining one that is already over.
      await Promise.resolve();
      const outcome: DeliveryOutcome = { delivered: 0, retrying: 0, failed: 0 };
      try {
        do {
          again = false;
          const now = deps.clock.now();
          const institutions = deliverableInstitutions(deps.db).filter((institutionId) => (heldUntil.get(institutionId) ?? 0) <= now);
          await Promise.all(institutions.map((institutionId) => deliverInstitution(institutionId, signal, limit, outcome)));
        } while (again && !signal.aborted);
      } finally {
        running = null;
      }
      return outcome;
    })();
    return running;
  }

  return { deliverDue };
}

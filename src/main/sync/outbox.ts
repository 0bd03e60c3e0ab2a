/**
 * Delivery of the outbox: review decisions written in the same transaction as the decision are
 * POSTed to their institution with the message's idempotency key until acknowledged. A crash
 * between the institution applying a decision and us recording the acknowledgement is harmless:
 * the retry carries the same key and the institution answers it without applying it twice.
 */
import { writeTransaction, type Db } from '../db/connection';
import type { OutboxRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import { dueOutboxMessages, markOutboxAttemptFailed, markOutboxDelivered } from '../repositories/outbox';
import type { Clock } from '../core/clock';
import type { InstitutionClients } from '../institution-api/client';
import { InstitutionApiError } from '../institution-api/errors';
import { backoffDelay } from '../institution-api/retry';

export interface OutboxDeliveryDeps {
  db: Db;
  clients: InstitutionClients;
  clock: Clock;
  logger?: Logger;
  /** Attempts before a message that keeps failing (for retryable reasons) is marked failed. */
  maxAttempts?: number;
  random?: () => number;
  /** After each message's state changed (the review monitor and the Sync page refresh). */
  onChange?: (row: OutboxRow, state: 'delivered' | 'retrying' | 'failed') => void;
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

  async function deliverOne(row: OutboxRow, signal: AbortSignal): Promise<'delivered' | 'retrying' | 'failed'> {
    try {
      const client = deps.clients.forInstitution(row.institutionId);
      const { response, replayed } = await client.postReviewDecision(row.subjectId, row.payload, row.idempotencyKey, { signal });
      const now = deps.clock.now();
      writeTransaction(deps.db, () => markOutboxDelivered(deps.db, row.id, { ...response, replayed }, now));
      deps.logger?.info('outbox message delivered', { outboxId: row.id, kind: row.kind, attempts: row.attempts + 1, replayed });
      return 'delivered';
    } catch (error) {
      if (signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const final = isFinal(error) || row.attempts + 1 >= maxAttempts;
      const next = deps.clock.now() + outboxRetryDelay(row.attempts, deps.random);
      writeTransaction(deps.db, () => markOutboxAttemptFailed(deps.db, row.id, message, next, final));
      deps.logger?.warn('outbox delivery failed', { outboxId: row.id, attempts: row.attempts + 1, final, message });
      return final ? 'failed' : 'retrying';
    }
  }

  /** Delivers every due message once (oldest first); concurrent calls share one run. */
  function deliverDue(signal: AbortSignal, limit = 100): Promise<DeliveryOutcome> {
    if (running) return running;
    running = (async () => {
      const outcome: DeliveryOutcome = { delivered: 0, retrying: 0, failed: 0 };
      const due = dueOutboxMessages(deps.db, deps.clock.now(), limit);
      for (const row of due) {
        if (signal.aborted) break;
        const state = await deliverOne(row, signal).catch((error: unknown) => {
          if (signal.aborted) return null;
          throw error;
        });
        if (state === null) break;
        outcome[state === 'delivered' ? 'delivered' : state === 'retrying' ? 'retrying' : 'failed']++;
        deps.onChange?.(row, state);
      }
      return outcome;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return { deliverDue };
}

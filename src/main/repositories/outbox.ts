import { and, asc, count, desc, eq, lte, type SQL } from 'drizzle-orm';
import type { SyncFailure } from '../../shared/contracts/sync';
import type { Db } from '../db/connection';
import { outboxTable, type OutboxRow } from '../db/schema';
import { insertRow, preparedStatement } from './prepared-writes';

/** What one delivery attempt came to, handed to the hook of the message's kind in the same transaction. */
export type OutboxOutcome =
  | { state: 'delivered'; at: number; attempts: number; response: Record<string, unknown> }
  | { state: 'retrying' | 'failed'; at: number; attempts: number; failure: SyncFailure; nextAttemptAt: number };

/**
 * Registered per message kind by the capability that queued it (review: review/delivery.ts, wired
 * by runtime/backend.ts). Runs inside the transaction that records the attempt on the outbox row,
 * so what it writes commits with that row or not at all: if it throws on a delivery, the delivery
 * is not recorded, the attempt counts as failed and the message goes again later with the same
 * idempotency key (the institution answers a replay without applying it twice).
 */
export type OutboxHook = (tx: Db, message: OutboxRow, outcome: OutboxOutcome) => void;

export interface OutboxMessage {
  institutionId: number;
  kind: OutboxRow['kind'];
  subjectId: string;
  /** Stable for the message's lifetime: the institution applies a key once and answers the same. */
  idempotencyKey: string;
  payload: unknown;
}

/**
 * Queues a message in the caller's transaction, so it exists if and only if the change that
 * caused it committed. Queuing the same key twice keeps the first.
 */
export function enqueueOutbox(db: Db, message: OutboxMessage, now: number): OutboxRow | undefined {
  return insertRow(
    db,
    outboxTable,
    {
      institutionId: message.institutionId,
      kind: message.kind,
      subjectId: message.subjectId,
      idempotencyKey: message.idempotencyKey,
      payload: JSON.stringify(message.payload),
      nextAttemptAt: now,
      createdAt: now,
    },
    'ON CONFLICT (idempotency_key) DO NOTHING',
  );
}

/**
 * The next pending message of one institution whose attempt is due (the earliest due, then the
 * oldest), or undefined. A seek on `outbox_institution_due_idx`, so it costs the same however many
 * messages this or another institution has waiting.
 */
export function nextDueOutboxMessage(db: Db, institutionId: number, now: number): OutboxRow | undefined {
  return nextDueOutboxQuery(db, institutionId, now).get();
}

/** The query of `nextDueOutboxMessage` (its EXPLAIN QUERY PLAN test reads the SQL). */
export function nextDueOutboxQuery(db: Db, institutionId: number, now: number) {
  return db
    .select()
    .from(outboxTable)
    .where(and(eq(outboxTable.institutionId, institutionId), eq(outboxTable.state, 'pending'), lte(outboxTable.nextAttemptAt, now)))
    .orderBy(asc(outboxTable.nextAttemptAt), asc(outboxTable.id))
    .limit(1);
}

/**
 * The enabled institutions, whose messages delivery tries. A disabled institution's messages are
 * held: not tried (nor counted as failing) until it is enabled again.
 */
export function deliverableInstitutions(db: Db): number[] {
  return (preparedStatement(db, 'SELECT id FROM institutions WHERE enabled = 1 ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);
}

export function markOutboxDelivered(db: Db, id: number, response: unknown, now: number): void {
  db.update(outboxTable)
    .set({ state: 'delivered', deliveredAt: now, response: JSON.stringify(response), lastError: null, lastErrorCode: null, lastErrorStatus: null })
    .where(eq(outboxTable.id, id))
    .run();
}

export function markOutboxAttemptFailed(db: Db, id: number, failure: SyncFailure, nextAttemptAt: number, final: boolean): void {
  const row = db.select({ attempts: outboxTable.attempts }).from(outboxTable).where(eq(outboxTable.id, id)).get();
  db.update(outboxTable)
    .set({ attempts: (row?.attempts ?? 0) + 1, lastError: failure.text, lastErrorCode: failure.code, lastErrorStatus: failure.status, nextAttemptAt, state: final ? 'failed' : 'pending' })
    .where(eq(outboxTable.id, id))
    .run();
}

/** How many messages are in each state (the Sync page's overview). */
export function outboxStateCounts(db: Db): Array<{ state: OutboxRow['state']; n: number }> {
  return db.select({ state: outboxTable.state, n: count() }).from(outboxTable).groupBy(outboxTable.state).all();
}

/** One page of the outbox, newest first, with the filtered total. */
export function listOutbox(db: Db, filter: { state?: OutboxRow['state']; institutionId?: number; limit: number; offset: number }): { rows: OutboxRow[]; total: number } {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(outboxTable.state, filter.state));
  if (filter.institutionId !== undefined) conditions.push(eq(outboxTable.institutionId, filter.institutionId));
  const where = conditions.length === 0 ? undefined : and(...conditions);
  const rows = db.select().from(outboxTable).where(where).orderBy(desc(outboxTable.createdAt), desc(outboxTable.id)).limit(filter.limit).offset(filter.offset).all();
  const total = db.select({ n: count() }).from(outboxTable).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** Puts failed messages back in line (same idempotency key); returns how many were failed. */
export function requeueFailedOutbox(db: Db, ids: readonly number[], now: number): number {
  let requeued = 0;
  for (const id of ids) {
    requeued += db
      .update(outboxTable)
      .set({ state: 'pending', nextAttemptAt: now })
      .where(and(eq(outboxTable.id, id), eq(outboxTable.state, 'failed')))
      .run().changes;
  }
  return requeued;
}

/** Institutions whose pending messages are held (disabled ones). */
export function heldOutboxInstitutions(db: Db): Set<number> {
  return new Set((preparedStatement(db, 'SELECT id FROM institutions WHERE enabled = 0').all() as Array<{ id: number }>).map((row) => row.id));
}

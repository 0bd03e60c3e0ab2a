/**
 * What reconciliation reads and keeps: the local figures compared with /v1/stats (count, sums,
 * count per status, latest remote updated_at) and the state of each resource's re-read.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { syncRereadsTable, type SyncResource } from '../db/schema';
import { prepared } from './sync';

const tables: Record<SyncResource, string> = {
  applications: 'applications',
  'credit-lines': 'credit_lines',
  orders: 'orders',
  'repayment-plans': 'repayment_plans',
  repayments: 'repayments',
};

/** The sums /v1/stats reports per resource, as local SQL. */
const sums: Record<SyncResource, Record<string, string>> = {
  applications: {},
  'credit-lines': { limitFen: 'limit_fen', usedFen: 'used_fen' },
  orders: { principalFen: 'principal_fen' },
  'repayment-plans': {},
  repayments: { amountFen: 'amount_fen' },
};

/** Resources whose wire status is stored as `status` (and counted per status by /v1/stats). */
const withStatus: ReadonlySet<SyncResource> = new Set(['applications', 'credit-lines', 'orders']);

export interface LocalFigures {
  count: number;
  amounts: Record<string, number>;
  /** Count per wire status (empty for resources without one). */
  byStatus: Record<string, number>;
  /** Latest remote updated_at held (epoch ms), null when nothing is held. */
  maxUpdatedAt: number | null;
}

/** One resource's local figures: one pass over its rows for count, sums and latest updated_at, one grouped count per status. */
export function localFigures(db: Db, institutionId: number, resource: SyncResource): LocalFigures {
  const table = tables[resource];
  const sumColumns = Object.entries(sums[resource]);
  const row = prepared(
    db,
    `SELECT count(*) AS n, max(remote_updated_at) AS maxUpdatedAt${sumColumns.map(([name, column]) => `, coalesce(sum(${column}), 0) AS ${name}`).join('')} FROM ${table} WHERE institution_id = ?`,
  ).get(institutionId) as Record<string, number | null>;
  const amounts = Object.fromEntries(sumColumns.map(([name]) => [name, Number(row[name] ?? 0)]));
  const byStatus: Record<string, number> = {};
  if (withStatus.has(resource)) {
    const rows = prepared(db, `SELECT status, count(*) AS n FROM ${table} WHERE institution_id = ? GROUP BY status`).all(institutionId) as Array<{ status: string; n: number }>;
    for (const entry of rows) byStatus[entry.status] = entry.n;
  }
  return { count: Number(row.n ?? 0), amounts, byStatus, maxUpdatedAt: row.maxUpdatedAt ?? null };
}

export type RereadRow = typeof syncRereadsTable.$inferSelect;

export function readReread(db: Db, institutionId: number, resource: SyncResource): RereadRow | undefined {
  return db
    .select()
    .from(syncRereadsTable)
    .where(and(eq(syncRereadsTable.institutionId, institutionId), eq(syncRereadsTable.resource, resource)))
    .get();
}

/** Starts a re-read from the start of the resource (keeps the failure count and back-off). */
export function startReread(db: Db, institutionId: number, resource: SyncResource, now: number): void {
  db.insert(syncRereadsTable)
    .values({ institutionId, resource, running: true, cursor: null, fetched: 0, startedAt: now, finishedAt: null })
    .onConflictDoUpdate({ target: [syncRereadsTable.institutionId, syncRereadsTable.resource], set: { running: true, cursor: null, fetched: 0, startedAt: now, finishedAt: null } })
    .run();
}

/** Saves where the re-read continues; called in its page's transaction. */
export function saveRereadCursor(db: Db, institutionId: number, resource: SyncResource, cursor: string | null, fetchedDelta: number): void {
  prepared(db, `UPDATE sync_rereads SET cursor = ?, fetched = fetched + ? WHERE institution_id = ? AND resource = ?`).run(cursor, fetchedDelta, institutionId, resource);
}

/** The re-read reached the end of the resource. */
export function finishReread(db: Db, institutionId: number, resource: SyncResource, now: number): void {
  db.update(syncRereadsTable)
    .set({ running: false, finishedAt: now })
    .where(and(eq(syncRereadsTable.institutionId, institutionId), eq(syncRereadsTable.resource, resource)))
    .run();
}

/**
 * After the final comparison: totals agree (failures and back-off cleared), or they still disagree
 * after a finished re-read: one more failure, and no new re-read before `now + backoffMs(failures)`.
 */
export function settleReread(
  db: Db,
  institutionId: number,
  resource: SyncResource,
  outcome: { agreed: true } | { agreed: false; now: number; backoffMs: (failures: number) => number },
): { failures: number; notBefore: number | null } {
  const where = and(eq(syncRereadsTable.institutionId, institutionId), eq(syncRereadsTable.resource, resource));
  if (outcome.agreed) {
    db.update(syncRereadsTable).set({ running: false, failures: 0, notBefore: null }).where(where).run();
    return { failures: 0, notBefore: null };
  }
  const failures = (db.select({ failures: syncRereadsTable.failures }).from(syncRereadsTable).where(where).get()?.failures ?? 0) + 1;
  const notBefore = outcome.now + outcome.backoffMs(failures);
  db.update(syncRereadsTable).set({ failures, notBefore }).where(where).run();
  return { failures, notBefore };
}

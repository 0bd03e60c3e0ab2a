/**
 * Sync bookkeeping: cursors, runs, quarantine and reconciliation. Hot ingest statements are
 * prepared once per connection (`prepared`) because the query builder's per-call cost shows at
 * thousands of records per second.
 */
import type Database from 'better-sqlite3';
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { SyncFailure } from '../../shared/contracts/sync';
import type { Db } from '../db/connection';
import { statementCache } from '../db/statement-cache';
import {
  quarantineTable,
  reconciliationsTable,
  syncCursorsTable,
  syncRunsTable,
  type CursorRow,
  type OrderRow,
  type QuarantineEntry,
  type QuarantineRow,
  type StoredVersion,
  type SyncResource,
  type SyncRunRow,
  type SyncRunStatus,
  type SyncRunTrigger,
} from '../db/schema';

const statementOn = statementCache(2000);

/**
 * The connection behind a root Db handle. Ingest runs inside writeTransaction on the same
 * connection, so statements prepared here join that transaction; a drizzle transaction handle
 * has no client, hence the clear error.
 */
export function clientOf(db: Db): Database.Database {
  const client = (db as { $client?: Database.Database }).$client;
  if (!client) throw new Error('Pass the root database handle (ingest statements run on its connection inside the open transaction)');
  return client;
}

/** A statement prepared once per connection and reused. */
export function prepared(db: Db, text: string): Database.Statement {
  return statementOn(clientOf(db), text);
}

/**
 * Writes one ingested row: an UPDATE of `existingId` or an INSERT returning the new id. Never
 * an UPSERT: read-model triggers on the ingested tables may use INSERT OR REPLACE, which SQLite
 * refuses inside an UPSERT's update branch. `columns` maps SQL columns to the row's keys, with
 * the value's SQL expression where it is not a plain `?`.
 */
export type IngestColumns = ReadonlyArray<readonly [column: string, key: string, placeholder?: string]>;

const ingestSql = new WeakMap<IngestColumns, { insert: string; update: string; updateKeys: string[]; insertKeys: string[] }>();

/** The INSERT and UPDATE texts of a column list, built once per list (this runs for every ingested record). */
function ingestStatements(table: string, columns: IngestColumns) {
  let texts = ingestSql.get(columns);
  if (!texts) {
    const updatable = columns.filter(([column]) => column !== 'institution_id' && column !== 'external_id');
    texts = {
      insert: `INSERT INTO ${table} (${columns.map(([column]) => column).join(', ')}) VALUES (${columns.map(([, , placeholder]) => placeholder ?? '?').join(', ')}) RETURNING id`,
      update: `UPDATE ${table} SET ${updatable.map(([column, , placeholder]) => `${column} = ${placeholder ?? '?'}`).join(', ')} WHERE id = ?`,
      insertKeys: columns.map(([, key]) => key),
      updateKeys: updatable.map(([, key]) => key),
    };
    ingestSql.set(columns, texts);
  }
  return texts;
}

export function writeIngestedRow(db: Db, table: string, columns: IngestColumns, row: Record<string, unknown>, existingId: number | undefined): number {
  // Positional binding: about twice as cheap as named parameters for these wide rows.
  const texts = ingestStatements(table, columns);
  if (existingId !== undefined) {
    const values = texts.updateKeys.map((key) => row[key]);
    values.push(existingId);
    prepared(db, texts.update).run(values);
    return existingId;
  }
  const result = prepared(db, texts.insert).get(texts.insertKeys.map((key) => row[key])) as { id: number };
  return result.id;
}

// ---- cursors ------------------------------------------------------------------------------------

export function listCursors(db: Db, institutionId: number): CursorRow[] {
  return db
    .select({ resource: syncCursorsTable.resource, cursor: syncCursorsTable.cursor, fetched: syncCursorsTable.fetched, updatedAt: syncCursorsTable.updatedAt })
    .from(syncCursorsTable)
    .where(eq(syncCursorsTable.institutionId, institutionId))
    .all();
}

export function readCursor(db: Db, institutionId: number, resource: SyncResource): CursorRow | undefined {
  return listCursors(db, institutionId).find((row) => row.resource === resource);
}

/** Saves where the next pull starts; called in the page's transaction. */
export function saveCursor(db: Db, institutionId: number, resource: SyncResource, cursor: string | null, fetchedDelta: number, now: number): void {
  prepared(
    db,
    `INSERT INTO sync_cursors (institution_id, resource, cursor, fetched, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (institution_id, resource) DO UPDATE SET cursor = excluded.cursor, fetched = sync_cursors.fetched + excluded.fetched, updated_at = excluded.updated_at`,
  ).run(institutionId, resource, cursor, fetchedDelta, now);
}

/** Forgets every cursor of an institution: the next pass is a full re-read (idempotent upserts). */
export function resetCursors(db: Db, institutionId: number): void {
  db.delete(syncCursorsTable).where(eq(syncCursorsTable.institutionId, institutionId)).run();
}

// ---- runs ------------------------------------------------------------------------------------------

export function insertRun(db: Db, institutionId: number, trigger: SyncRunTrigger, startedAt: number): number {
  return db.insert(syncRunsTable).values({ institutionId, trigger, startedAt, status: 'running' }).returning({ id: syncRunsTable.id }).get().id;
}

export function updateRunStats(db: Db, runId: number, stats: unknown): void {
  db.update(syncRunsTable).set({ stats: JSON.stringify(stats) }).where(eq(syncRunsTable.id, runId)).run();
}

export function finishRun(db: Db, runId: number, status: Exclude<SyncRunStatus, 'running'>, finishedAt: number, stats: unknown, failure: SyncFailure | null): void {
  db.update(syncRunsTable)
    .set({ status, finishedAt, stats: JSON.stringify(stats), error: failure?.text ?? null, errorCode: failure?.code ?? null, errorStatus: failure?.status ?? null })
    .where(eq(syncRunsTable.id, runId))
    .run();
}

/** Runs left 'running' by a process that died: they did not finish, and say so. */
export function abandonRunningRuns(db: Db, now: number): number {
  return db
    .update(syncRunsTable)
    .set({ status: 'cancelled', finishedAt: now, error: 'The process stopped during this run; the next run resumed from the last committed page.', errorCode: 'interrupted', errorStatus: null })
    .where(eq(syncRunsTable.status, 'running'))
    .run().changes;
}

export function listRuns(db: Db, filter: { institutionId?: number; limit: number; offset: number }): { rows: SyncRunRow[]; total: number } {
  const where = filter.institutionId === undefined ? undefined : eq(syncRunsTable.institutionId, filter.institutionId);
  const rows = db.select().from(syncRunsTable).where(where).orderBy(desc(syncRunsTable.startedAt), desc(syncRunsTable.id)).limit(filter.limit).offset(filter.offset).all();
  const total = db.select({ value: count() }).from(syncRunsTable).where(where).get()?.value ?? 0;
  return { rows, total };
}

export function latestRun(db: Db, institutionId: number): SyncRunRow | undefined {
  return db.select().from(syncRunsTable).where(eq(syncRunsTable.institutionId, institutionId)).orderBy(desc(syncRunsTable.startedAt), desc(syncRunsTable.id)).limit(1).get();
}

// ---- quarantine ------------------------------------------------------------------------------------

/**
 * Keeps a record that failed the schema. Seeing the same payload again (a re-read of the same
 * page) only refreshes its time, so quarantine never fills with copies; a different invalid
 * payload for the same record supersedes the older entry. Returns whether a new entry was made.
 */
export function quarantineRecord(db: Db, entry: QuarantineEntry, now: number): boolean {
  const open = (
    entry.externalId === null
      ? prepared(db, `SELECT id, raw_payload AS rawPayload FROM quarantine WHERE institution_id = ? AND resource = ? AND external_id IS NULL AND status = 'open' AND raw_payload = ?`).all(
          entry.institutionId,
          entry.resource,
          entry.rawPayload,
        )
      : prepared(db, `SELECT id, raw_payload AS rawPayload FROM quarantine WHERE institution_id = ? AND resource = ? AND external_id = ? AND status = 'open'`).all(
          entry.institutionId,
          entry.resource,
          entry.externalId,
        )
  ) as Array<{ id: number; rawPayload: string }>;
  const same = open.find((row) => row.rawPayload === entry.rawPayload);
  if (same) {
    prepared(db, `UPDATE quarantine SET received_at = ?, issues = ? WHERE id = ?`).run(now, entry.issues, same.id);
    return false;
  }
  for (const row of open) {
    prepared(db, `UPDATE quarantine SET status = 'superseded', resolved_at = ?, resolution = ? WHERE id = ?`).run(now, 'A newer invalid version arrived', row.id);
  }
  prepared(db, `INSERT INTO quarantine (institution_id, resource, external_id, raw_payload, issues, received_at, status) VALUES (?, ?, ?, ?, ?, ?, 'open')`).run(
    entry.institutionId,
    entry.resource,
    entry.externalId,
    entry.rawPayload,
    entry.issues,
    now,
  );
  return true;
}

/** A stored version with its borrower, read from any of the five synced tables (null where a table has no borrower). */
export type KnownVersion = StoredVersion & Pick<OrderRow, 'borrowerId'>;

/**
 * What is stored for a page's external ids, in one query instead of one per record. The caller
 * updates the map as it writes, so a record repeated later in the same page sees the first copy.
 */
export function knownVersions(db: Db, resource: SyncResource, institutionId: number, externalIds: readonly string[]): Map<string, KnownVersion> {
  const table = resourceTables[resource];
  const borrower = resource === 'applications' || resource === 'credit-lines' || resource === 'orders' ? 'borrower_id' : 'NULL';
  const rows = prepared(
    db,
    `SELECT external_id AS externalId, id, version, remote_updated_at AS remoteUpdatedAt, ${borrower} AS borrowerId FROM ${table}
     WHERE institution_id = ? AND external_id IN (SELECT value FROM json_each(?))`,
  ).all(institutionId, JSON.stringify(externalIds)) as Array<KnownVersion & { externalId: string }>;
  return new Map(rows.map((row) => [row.externalId, { id: row.id, version: row.version, remoteUpdatedAt: row.remoteUpdatedAt, borrowerId: row.borrowerId }]));
}

export function hasOpenQuarantine(db: Db, institutionId: number, resource: SyncResource): boolean {
  return prepared(db, `SELECT 1 FROM quarantine WHERE institution_id = ? AND status = 'open' AND resource = ? LIMIT 1`).get(institutionId, resource) !== undefined;
}

/** A valid version of a record arrived: its open quarantine entries are settled. */
export function settleQuarantine(db: Db, institutionId: number, resource: SyncResource, externalId: string, resolution: string, now: number): number {
  return prepared(
    db,
    `UPDATE quarantine SET status = 'resolved', resolved_at = ?, resolution = ? WHERE institution_id = ? AND resource = ? AND external_id = ? AND status = 'open'`,
  ).run(now, resolution, institutionId, resource, externalId).changes;
}

export interface QuarantineFilter {
  institutionId?: number;
  resource?: SyncResource;
  status?: QuarantineRow['status'];
  limit: number;
  offset: number;
}

function quarantineWhere(filter: Omit<QuarantineFilter, 'limit' | 'offset'>): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.institutionId !== undefined) conditions.push(eq(quarantineTable.institutionId, filter.institutionId));
  if (filter.resource !== undefined) conditions.push(eq(quarantineTable.resource, filter.resource));
  if (filter.status !== undefined) conditions.push(eq(quarantineTable.status, filter.status));
  return conditions.length === 0 ? undefined : and(...conditions);
}

export function listQuarantine(db: Db, filter: QuarantineFilter): { rows: QuarantineRow[]; total: number } {
  const where = quarantineWhere(filter);
  const rows = db.select().from(quarantineTable).where(where).orderBy(desc(quarantineTable.receivedAt), desc(quarantineTable.id)).limit(filter.limit).offset(filter.offset).all();
  const total = db.select({ value: count() }).from(quarantineTable).where(where).get()?.value ?? 0;
  return { rows, total };
}

export function findQuarantineByIds(db: Db, ids: readonly number[]): QuarantineRow[] {
  if (ids.length === 0) return [];
  return db.select().from(quarantineTable).where(inArray(quarantineTable.id, [...ids])).orderBy(asc(quarantineTable.id)).all();
}

export function openQuarantineCounts(db: Db): Array<{ institutionId: number; resource: SyncResource; open: number }> {
  return db
    .select({ institutionId: quarantineTable.institutionId, resource: quarantineTable.resource, open: count() })
    .from(quarantineTable)
    .where(eq(quarantineTable.status, 'open'))
    .groupBy(quarantineTable.institutionId, quarantineTable.resource)
    .all();
}

/** Open quarantined record ids of a resource that have no stored row: records we hold only in quarantine. */
export function quarantinedOnlyCount(db: Db, institutionId: number, resource: SyncResource): number {
  const table = resourceTables[resource];
  const row = prepared(
    db,
    `SELECT count(DISTINCT q.external_id) AS n FROM quarantine q
     WHERE q.institution_id = ? AND q.resource = ? AND q.status = 'open' AND q.external_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.institution_id = q.institution_id AND t.external_id = q.external_id)`,
  ).get(institutionId, resource) as { n: number };
  return row.n;
}

export function recordQuarantineRetry(db: Db, id: number, rawPayload: string, issues: string, now: number): void {
  db.update(quarantineTable).set({ rawPayload, issues, receivedAt: now }).where(eq(quarantineTable.id, id)).run();
}

// ---- reconciliation -------------------------------------------------------------------------------

export type ReconciliationRow = typeof reconciliationsTable.$inferSelect;

const resourceTables: Record<SyncResource, string> = {
  applications: 'applications',
  'credit-lines': 'credit_lines',
  orders: 'orders',
  'repayment-plans': 'repayment_plans',
  repayments: 'repayments',
};

/** Local record count and the amounts the institution's /v1/stats also reports. */
export function localTotals(db: Db, institutionId: number): Record<SyncResource, { count: number; amounts: Record<string, number> }> {
  const countOf = (resource: SyncResource) =>
    (prepared(db, `SELECT count(*) AS n FROM ${resourceTables[resource]} WHERE institution_id = ?`).get(institutionId) as { n: number }).n;
  // Count and sums in one pass over the rows (the sums read every row anyway).
  const lines = prepared(db, `SELECT count(*) AS n, coalesce(sum(limit_fen), 0) AS limitFen, coalesce(sum(used_fen), 0) AS usedFen FROM credit_lines WHERE institution_id = ?`).get(
    institutionId,
  ) as { n: number; limitFen: number; usedFen: number };
  const orders = prepared(db, `SELECT count(*) AS n, coalesce(sum(principal_fen), 0) AS principalFen FROM orders WHERE institution_id = ?`).get(institutionId) as {
    n: number;
    principalFen: number;
  };
  const repayments = prepared(db, `SELECT count(*) AS n, coalesce(sum(amount_fen), 0) AS amountFen FROM repayments WHERE institution_id = ?`).get(institutionId) as {
    n: number;
    amountFen: number;
  };
  return {
    applications: { count: countOf('applications'), amounts: {} },
    'credit-lines': { count: lines.n, amounts: { limitFen: lines.limitFen, usedFen: lines.usedFen } },
    orders: { count: orders.n, amounts: { principalFen: orders.principalFen } },
    'repayment-plans': { count: countOf('repayment-plans'), amounts: {} },
    repayments: { count: repayments.n, amounts: { amountFen: repayments.amountFen } },
  };
}

export function saveReconciliation(db: Db, row: typeof reconciliationsTable.$inferInsert): void {
  db.insert(reconciliationsTable)
    .values(row)
    .onConflictDoUpdate({
      target: [reconciliationsTable.institutionId, reconciliationsTable.resource],
      set: { localTotal: row.localTotal, remoteTotal: row.remoteTotal, matched: row.matched, details: row.details ?? '{}', checkedAt: row.checkedAt },
    })
    .run();
}

export function listReconciliations(db: Db, institutionId?: number): ReconciliationRow[] {
  return db
    .select()
    .from(reconciliationsTable)
    .where(institutionId === undefined ? undefined : eq(reconciliationsTable.institutionId, institutionId))
    .orderBy(asc(reconciliationsTable.institutionId), asc(reconciliationsTable.resource))
    .all();
}

/** Used by tests and the Sync page's "records held" figure. */
export function storedRecordCount(db: Db, institutionId: number): number {
  const parts = Object.values(resourceTables).map((table) => `(SELECT count(*) FROM ${table} WHERE institution_id = ${Number(institutionId)})`);
  return (db.get<{ n: number }>(sql.raw(`SELECT ${parts.join(' + ')} AS n`)) ?? { n: 0 }).n;
}

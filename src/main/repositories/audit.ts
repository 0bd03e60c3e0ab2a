import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/connection';
import { auditLogTable, type AuditRow } from '../db/schema';

export interface AuditEntryInput {
  at: number;
  operatorId: number | null;
  operatorName: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** The chain starts from this value: a fixed, documented genesis hash. */
export const auditGenesisHash = '0'.repeat(64);

export function auditHash(prevHash: string, row: Omit<AuditRow, 'id' | 'hash' | 'prevHash'>): string {
  const canonical = JSON.stringify([
    prevHash,
    row.at,
    row.operatorId,
    row.operatorName,
    row.action,
    row.targetType,
    row.targetId,
    row.details,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends one entry, chained to the newest row. Runs inside the caller's transaction when there
 * is one (better-sqlite3 nests it as a savepoint), so the entry commits with the change it records.
 */
export function appendAudit(db: Db, input: AuditEntryInput): AuditRow {
  return writeTransaction(db, (tx) => {
    const last = tx.select({ hash: auditLogTable.hash }).from(auditLogTable).orderBy(desc(auditLogTable.id)).limit(1).get();
    const prevHash = last?.hash ?? auditGenesisHash;
    const base = {
      at: input.at,
      operatorId: input.operatorId,
      operatorName: input.operatorName,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      details: JSON.stringify(input.details ?? {}),
    };
    const hash = auditHash(prevHash, base);
    return tx.insert(auditLogTable).values({ ...base, prevHash, hash }).returning().get();
  });
}

/** Reads the log in id order, in batches, so verifying a long chain uses bounded memory. */
export function* iterateAudit(db: Db, batchSize = 5000): Generator<AuditRow> {
  let afterId = 0;
  for (;;) {
    const rows = db
      .select()
      .from(auditLogTable)
      .where(gt(auditLogTable.id, afterId))
      .orderBy(asc(auditLogTable.id))
      .limit(batchSize)
      .all();
    if (rows.length === 0) return;
    yield* rows;
    afterId = (rows[rows.length - 1] as AuditRow).id;
  }
}

/** What the audit browser and the audit export filter on; every field narrows. */
export interface AuditFilter {
  /** Operator username, exact. */
  operator?: string;
  /** An exact action ('auth.sign-in') or a family ending with a dot ('auth.'). */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Instants, inclusive from and exclusive to. */
  fromAt?: number;
  toAt?: number;
  /** Entries up to this id only: an export's snapshot, so entries it causes are not in it. */
  upToId?: number;
}

/** Position after the last row of a page, newest first. */
export interface AuditCursor {
  at: number;
  id: number;
}

function auditConditions(filter: AuditFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.operator !== undefined) conditions.push(eq(auditLogTable.operatorName, filter.operator));
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.')) {
      // A range instead of LIKE so the (action, at) index serves the family: '.' + 1 = '/'.
      conditions.push(gte(auditLogTable.action, filter.action), lt(auditLogTable.action, `${filter.action.slice(0, -1)}/`));
    } else {
      conditions.push(eq(auditLogTable.action, filter.action));
    }
  }
  if (filter.targetType !== undefined) conditions.push(eq(auditLogTable.targetType, filter.targetType));
  if (filter.targetId !== undefined) conditions.push(eq(auditLogTable.targetId, filter.targetId));
  if (filter.fromAt !== undefined) conditions.push(gte(auditLogTable.at, filter.fromAt));
  if (filter.toAt !== undefined) conditions.push(lt(auditLogTable.at, filter.toAt));
  if (filter.upToId !== undefined) conditions.push(lte(auditLogTable.id, filter.upToId));
  return conditions;
}

/**
 * One page of the log, newest first, keyset-paged on (at, id) so deep pages cost the same as the
 * first and every filter has an index that yields rows already in that order.
 */
export function listAudit(db: Db, filter: AuditFilter, limit: number, after?: AuditCursor): AuditRow[] {
  const conditions = auditConditions(filter);
  if (after) {
    // A row-value comparison: SQLite walks the (…, at) index from the cursor instead of filtering.
    conditions.push(sql`(${auditLogTable.at}, ${auditLogTable.id}) < (${after.at}, ${after.id})`);
  }
  return db
    .select()
    .from(auditLogTable)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(auditLogTable.at), desc(auditLogTable.id))
    .limit(limit)
    .all();
}

export function countAudit(db: Db, filter: AuditFilter): number {
  const conditions = auditConditions(filter);
  const row = db
    .select({ count: sql<number>`count(*)` })
    .from(auditLogTable)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .get();
  return row?.count ?? 0;
}

/** The distinct actions present, for the browser's action filter. */
export function listAuditActions(db: Db): string[] {
  return db
    .selectDistinct({ action: auditLogTable.action })
    .from(auditLogTable)
    .orderBy(asc(auditLogTable.action))
    .all()
    .map((row) => row.action);
}

/** Entry counts per action under a filter, most frequent first. */
export function countAuditByAction(db: Db, filter: AuditFilter): Array<{ action: string; count: number }> {
  const conditions = auditConditions(filter);
  return db
    .select({ action: auditLogTable.action, count: sql<number>`count(*)` })
    .from(auditLogTable)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .groupBy(auditLogTable.action)
    .orderBy(desc(sql`count(*)`), asc(auditLogTable.action))
    .all();
}

/** The newest entry's id (0 for an empty log). */
export function latestAuditId(db: Db): number {
  return db.select({ id: sql<number>`coalesce(max(${auditLogTable.id}), 0)` }).from(auditLogTable).get()?.id ?? 0;
}

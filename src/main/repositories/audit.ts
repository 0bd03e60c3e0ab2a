import { createHash, createHmac, createSecretKey } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/connection';
import { auditLogTable, type AuditRow } from '../db/schema';
import { insertRow, preparedStatement } from './prepared-writes';

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

/**
 * The entry that switches the chain to the keyed scheme: every entry before it was chained with
 * plain SHA-256 (databases made before the key existed), it and every entry after it with
 * HMAC-SHA256 under the audit key. Its details say how many unkeyed entries precede it.
 */
export const auditKeyAnchorAction = 'system.audit-key-introduced';

/** The HMAC key of the chain, kept outside the database (audit/key.ts); the secret stays inside. */
export interface AuditKey {
  /** A fingerprint that names the key without revealing it (recorded in the anchor entry). */
  readonly id: string;
  /** HMAC-SHA256 of the canonical text, hex. */
  sign(canonical: string): string;
}

export function auditKeyOf(secret: Buffer): AuditKey {
  // A key object made once: given the bytes, every createHmac imported them again (every audited call).
  const keyObject = createSecretKey(secret);
  const sign = (canonical: string) => createHmac('sha256', keyObject).update(canonical).digest('hex');
  return { id: sign('creditdesk audit key id').slice(0, 16), sign };
}

type HashedFields = Omit<AuditRow, 'id' | 'hash' | 'prevHash'>;

function canonicalFields(row: HashedFields): unknown[] {
  return [row.at, row.operatorId, row.operatorName, row.action, row.targetType, row.targetId, row.details];
}

/** The unkeyed hash of entries written before the key existed (anyone can recompute it). */
export function auditHash(prevHash: string, row: HashedFields): string {
  return createHash('sha256').update(JSON.stringify([prevHash, ...canonicalFields(row)])).digest('hex');
}

/** The keyed hash: binds the entry's id too, so renumbering shows. */
export function auditKeyedHash(key: AuditKey, id: number, prevHash: string, row: HashedFields): string {
  return key.sign(JSON.stringify(['hmac-v1', id, prevHash, ...canonicalFields(row)]));
}

/** The newest entry: what a copy kept outside the database ("the head") records. */
export interface AuditHead {
  id: number;
  hash: string;
}

export function formatAuditHead(head: AuditHead): string {
  return `${head.id}:${head.hash}`;
}

/** Parses "ID:HASH" (64 hex digits); null when it is not one. */
export function parseAuditHead(text: string): AuditHead | null {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim().toLowerCase());
  return match ? { id: Number(match[1]), hash: match[2] as string } : null;
}

// The append's statements are prepared once per connection (repositories/prepared-writes.ts):
// every audited call (a decision among them) runs them.
export function auditHead(db: Db): AuditHead | null {
  return (preparedStatement(db, 'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as AuditHead | undefined) ?? null;
}

/** SQLite's AUTOINCREMENT high-water mark for the log (0 when nothing was ever inserted). */
export function auditSequence(db: Db): number {
  return (preparedStatement(db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").get() as { seq: number } | undefined)?.seq ?? 0;
}

function insertKeyed(tx: Db, key: AuditKey, base: HashedFields): AuditRow {
  const last = auditHead(tx);
  const prevHash = last?.hash ?? auditGenesisHash;
  // The id after the high-water mark, not after the newest row: when rows were cut from the end,
  // the gap stays visible instead of being filled in.
  const id = Math.max(auditSequence(tx), last?.id ?? 0) + 1;
  const hash = auditKeyedHash(key, id, prevHash, base);
  const row = insertRow(tx, auditLogTable, { id, ...base, prevHash, hash });
  if (!row) throw new Error('Appending to the audit log returned no row');
  return row;
}

/** The anchor entry, inserted when the chain has none yet (a new log, or one from before the key). */
function ensureAnchor(tx: Db, key: AuditKey, at: number): AuditRow | null {
  const existing = preparedStatement(tx, 'SELECT id FROM audit_log WHERE action = ? LIMIT 1').get(auditKeyAnchorAction);
  if (existing) return null;
  const last = auditHead(tx);
  return insertKeyed(tx, key, {
    at,
    operatorId: null,
    operatorName: null,
    action: auditKeyAnchorAction,
    targetType: null,
    targetId: null,
    details: JSON.stringify({ scheme: 'hmac-sha256', keyId: key.id, unkeyedEntries: last?.id ?? 0, unkeyedHead: last?.hash ?? auditGenesisHash }),
  });
}

/**
 * Makes sure the chain is keyed from some entry on; returns the anchor when this call wrote it
 * (start-up logs it: "key introduced at entry N").
 */
export function ensureAuditKeyAnchor(db: Db, key: AuditKey, at: number): AuditRow | null {
  return writeTransaction(db, (tx) => ensureAnchor(tx, key, at));
}

/**
 * Appends one entry, chained to the newest row with the audit key. Runs inside the caller's
 * transaction when there is one, so the entry commits with the change it records (and rolls back
 * with it), else in its own.
 */
export function appendAudit(db: Db, key: AuditKey, input: AuditEntryInput): AuditRow {
  // Inside an open transaction no savepoint of its own: it journaled a copy of every page the
  // append touched, on every audited call. A failed statement undoes itself; what could stay behind
  // if a caller caught the error and committed is an anchor, which every keyed chain has anyway.
  const work = (tx: Db): AuditRow => {
    ensureAnchor(tx, key, input.at);
    return insertKeyed(tx, key, {
      at: input.at,
      operatorId: input.operatorId,
      operatorName: input.operatorName,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      details: JSON.stringify(input.details ?? {}),
    });
  };
  return db.$client.inTransaction ? work(db) : writeTransaction(db, work);
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

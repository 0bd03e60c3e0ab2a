import { createHash } from 'node:crypto';
import { asc, desc, gt } from 'drizzle-orm';
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

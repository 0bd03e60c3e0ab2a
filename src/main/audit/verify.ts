import type { AuditVerification } from '../../shared/contracts/audit';
import type { Db } from '../db/connection';
import type { AuditRow } from '../db/schema';
import {
  auditGenesisHash,
  auditHash,
  auditKeyAnchorAction,
  auditKeyedHash,
  auditSequence,
  iterateAudit,
  type AuditHead,
  type AuditKey,
} from '../repositories/audit';

export interface VerifyAuditOptions {
  /** The chain's HMAC key; null when this process has none (then a keyed chain cannot verify). */
  key: AuditKey | null;
  /** A head (id, hash) kept outside the database: the log must still hold that entry unchanged. */
  expectHead?: AuditHead;
  onProgress?: (checked: number) => void;
}

type Reason = NonNullable<AuditVerification['broken']>['reason'];

function anchorDetails(row: AuditRow): { keyId?: unknown; unkeyedEntries?: unknown } {
  try {
    const details: unknown = JSON.parse(row.details);
    return details !== null && typeof details === 'object' ? details : {};
  } catch {
    return {};
  }
}

/**
 * Walks the audit chain from the genesis hash in id order and stops at the first link that does
 * not hold. Entries before the key anchor (databases older than the key) are checked with plain
 * SHA-256, the anchor and every entry after it with HMAC-SHA256 under the key. Then the log as a
 * whole: not empty, keyed, ids 1..N without gaps, SQLite's AUTOINCREMENT mark equal to N (entries
 * cut from the end), and the expected head, when given, still present and unchanged.
 * Reads in batches, so a long log verifies in bounded memory.
 */
export function verifyAuditChain(db: Db, options: VerifyAuditOptions): AuditVerification {
  const { key, expectHead, onProgress } = options;
  let previous = auditGenesisHash;
  let checked = 0;
  let keyedFrom: number | null = null;
  let head: AuditHead | null = null;
  let expectedHeadSeen = false;
  const fail = (id: number, reason: Reason): AuditVerification => ({ ok: false, checked, broken: { id, reason }, lastHash: previous, head, keyedFrom });
  for (const row of iterateAudit(db)) {
    checked++;
    if (row.id !== checked) return fail(row.id, 'sequence-gap');
    if (row.prevHash !== previous) return fail(row.id, 'previous-hash-mismatch');
    const isAnchor = keyedFrom === null && row.action === auditKeyAnchorAction;
    if (keyedFrom !== null || isAnchor) {
      if (!key) return fail(row.id, 'key-missing');
      if (isAnchor && anchorDetails(row).keyId !== key.id) return fail(row.id, 'key-mismatch');
      if (auditKeyedHash(key, row.id, row.prevHash, row) !== row.hash) return fail(row.id, 'hash-mismatch');
      if (isAnchor) {
        if (anchorDetails(row).unkeyedEntries !== row.id - 1) return fail(row.id, 'hash-mismatch');
        keyedFrom = row.id;
      }
    } else if (auditHash(row.prevHash, row) !== row.hash) {
      return fail(row.id, 'hash-mismatch');
    }
    previous = row.hash;
    head = { id: row.id, hash: row.hash };
    if (expectHead && row.id === expectHead.id) {
      if (row.hash !== expectHead.hash) return fail(row.id, 'head-mismatch');
      expectedHeadSeen = true;
    }
    if (onProgress && checked % 100_000 === 0) onProgress(checked);
  }
  if (checked === 0) return fail(0, 'empty');
  const last = head as AuditHead;
  if (keyedFrom === null) return fail(last.id, 'unkeyed');
  if (auditSequence(db) !== last.id) return fail(last.id, 'sequence-mismatch');
  if (expectHead && !expectedHeadSeen) return fail(expectHead.id, 'head-mismatch');
  return { ok: true, checked, broken: null, lastHash: previous, head, keyedFrom };
}

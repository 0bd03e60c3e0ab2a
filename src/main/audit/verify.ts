import type { AuditVerification } from '../../shared/contracts/audit';
import type { Db } from '../db/connection';
import { auditGenesisHash, auditHash, iterateAudit } from '../repositories/audit';

/**
 * Walks the audit chain from the genesis hash in id order and stops at the first entry whose
 * link does not hold:
 * - 'hash-mismatch': the entry's content no longer matches its own hash (it was edited);
 * - 'previous-hash-mismatch': the entry does not follow the one before it (an entry before it
 *   was removed, inserted or rewritten together with its hash).
 * Reads in batches, so a long log verifies in bounded memory. Removing the newest entries
 * leaves a valid shorter chain; `lastHash` lets an operator compare with a copy kept elsewhere.
 */
export function verifyAuditChain(db: Db, onProgress?: (checked: number) => void): AuditVerification {
  let previous = auditGenesisHash;
  let checked = 0;
  for (const row of iterateAudit(db)) {
    checked++;
    if (row.prevHash !== previous) return { ok: false, checked, broken: { id: row.id, reason: 'previous-hash-mismatch' }, lastHash: previous };
    if (auditHash(row.prevHash, row) !== row.hash) return { ok: false, checked, broken: { id: row.id, reason: 'hash-mismatch' }, lastHash: previous };
    previous = row.hash;
    if (onProgress && checked % 100_000 === 0) onProgress(checked);
  }
  return { ok: true, checked, broken: null, lastHash: previous };
}

import { auditKeyOf, type AuditKey } from '../repositories/audit';
import { readKeyFile } from '../files/key-files';

/** `<data folder>/keys/audit-chain.key`: the audit chain's HMAC key, never in the database. */
export const auditKeyFileName = 'audit-chain.key';

/**
 * The audit chain's key. Writers (`create: true`) make it on first use (0600 in a 0700 folder);
 * readers such as `creditdesk audit verify` get null when it is missing rather than making a new
 * key that could not verify anything.
 */
export function loadAuditKey(keysDir: string, options: { create: boolean }): AuditKey | null {
  const secret = readKeyFile(keysDir, auditKeyFileName, options);
  return secret ? auditKeyOf(secret) : null;
}

/** For writers: the key, made when missing. */
export function auditKeyForWriting(keysDir: string): AuditKey {
  return loadAuditKey(keysDir, { create: true }) as AuditKey;
}

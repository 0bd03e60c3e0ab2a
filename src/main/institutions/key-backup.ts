/**
 * The institution-secrets key carried inside a backup, sealed with a passphrase the operator
 * gives: a backup restored on a new machine is useless for sync without the key that sealed its
 * institution secrets (secrets.ts), and the key must not travel in the clear beside the data.
 *
 * scrypt (N = 2^15, r = 8, p = 1: 32 MiB and about 0.1 s here) derives a 256-bit key from the
 * passphrase and a random salt; AES-256-GCM seals the key file's 32 bytes with a fixed label as
 * associated data. A wrong passphrase fails the GCM tag, so nothing is guessed or half-written.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Parameters and ciphertext as stored in the backup's `creditdesk_backup_key` table. */
export interface SealedKey {
  kdf: 'scrypt';
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** Thrown when the passphrase does not open the sealed key. */
export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError';
}

const label = Buffer.from('CreditDesk institution-secrets.key v1', 'utf8');
const scryptCost = { N: 1 << 15, r: 8, p: 1 };
/** The table a backup carries the sealed key in; restore drops it from the restored database. */
export const backupKeyTable = 'creditdesk_backup_key';
/** Shortest passphrase accepted for sealing (the same floor as operator passwords). */
export const minimumPassphraseLength = 10;

function derive(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r });
}

export function sealKey(key: Buffer, passphrase: string): SealedKey {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(passphrase, salt, scryptCost), iv);
  cipher.setAAD(label);
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
  return { kdf: 'scrypt', n: scryptCost.N, r: scryptCost.r, p: scryptCost.p, salt, iv, tag: cipher.getAuthTag(), ciphertext };
}

export function openKey(sealed: SealedKey, passphrase: string): Buffer {
  if (sealed.kdf !== 'scrypt' || sealed.n > 1 << 20 || sealed.r > 32 || sealed.p > 16) throw new WrongPassphraseError('The backup’s key is sealed in a way this version does not know.');
  const decipher = createDecipheriv('aes-256-gcm', derive(passphrase, sealed.salt, { N: sealed.n, r: sealed.r, p: sealed.p }), sealed.iv);
  decipher.setAAD(label);
  decipher.setAuthTag(sealed.tag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new WrongPassphraseError('The passphrase does not open the institution-secrets key in this backup.');
  }
}

/** Stores the sealed key in a backup file (open read-write, not the live database). */
export function storeSealedKey(client: Database.Database, sealed: SealedKey): void {
  client.exec(`CREATE TABLE ${backupKeyTable} (kdf TEXT NOT NULL, n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL, salt BLOB NOT NULL, iv BLOB NOT NULL, tag BLOB NOT NULL, ciphertext BLOB NOT NULL)`);
  client
    .prepare(`INSERT INTO ${backupKeyTable} (kdf, n, r, p, salt, iv, tag, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(sealed.kdf, sealed.n, sealed.r, sealed.p, sealed.salt, sealed.iv, sealed.tag, sealed.ciphertext);
}

/** The sealed key a backup carries, or null (made without one, or by an older version). */
export function readSealedKey(client: Database.Database): SealedKey | null {
  const table = client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(backupKeyTable);
  if (!table) return null;
  const row = client.prepare(`SELECT kdf, n, r, p, salt, iv, tag, ciphertext FROM ${backupKeyTable} LIMIT 1`).get() as SealedKey | undefined;
  return row ?? null;
}

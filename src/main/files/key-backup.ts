/**
 * The data folder's key files carried inside a backup, sealed with a passphrase the operator
 * gives: a backup restored on a new machine is useless without the keys in keys/ (the
 * institution secrets cannot be opened, the keyed audit chain cannot be verified), and a key
 * must not travel in the clear beside the data it protects.
 *
 * scrypt (N = 2^15, r = 8, p = 1, as for passwords: docs/performance.md#password-hashing) derives a 256-bit key from the
 * passphrase and a random salt; AES-256-GCM seals each key file's 32 bytes, with
 * "CreditDesk <file name> v1" as associated data, so a row cannot be passed off as another key
 * file. One backup's rows share one salt: one derivation seals or opens them all. A wrong
 * passphrase fails the GCM tag, so nothing is guessed or half-written.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type Database from 'better-sqlite3';

/** One key file as stored in the backup's `creditdesk_backup_key` table. */
export interface SealedKeyFile {
  /** The file's name in keys/ (e.g. `audit-chain.key`). */
  name: string;
  kdf: 'scrypt';
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** A key file's name and its 32 bytes. */
export interface KeyFileContent {
  name: string;
  key: Buffer;
}

/** Thrown when the passphrase does not open the sealed keys. */
export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError';
}

const scryptCost = { N: 1 << 15, r: 8, p: 1 };
/** The table a backup carries the sealed keys in; restore drops it from the restored database. */
export const backupKeyTable = 'creditdesk_backup_key';
/**
 * The one key file backups made before the table had a `name` column carried (one row, sealed
 * with the label "CreditDesk institution-secrets.key v1", which is what labelOf gives this name).
 */
const legacyKeyFileName = 'institution-secrets.key';
/** Shortest passphrase accepted for sealing (the same floor as operator passwords). */
export const minimumPassphraseLength = 10;

function labelOf(name: string): Buffer {
  return Buffer.from(`CreditDesk ${name} v1`, 'utf8');
}

function derive(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r });
}

/** Seals each key file with a key derived once from the passphrase. */
export function sealKeyFiles(files: readonly KeyFileContent[], passphrase: string): SealedKeyFile[] {
  const salt = randomBytes(16);
  const derived = derive(passphrase, salt, scryptCost);
  return files.map(({ name, key }) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', derived, iv);
    cipher.setAAD(labelOf(name));
    const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
    return { name, kdf: 'scrypt', n: scryptCost.N, r: scryptCost.r, p: scryptCost.p, salt, iv, tag: cipher.getAuthTag(), ciphertext };
  });
}

/** Opens every sealed key file, or throws WrongPassphraseError without returning any. */
export function openKeyFiles(sealed: readonly SealedKeyFile[], passphrase: string): KeyFileContent[] {
  const derived = new Map<string, Buffer>();
  return sealed.map((file) => {
    if (file.kdf !== 'scrypt' || file.n > 1 << 20 || file.r > 32 || file.p > 16) throw new WrongPassphraseError('The backup’s keys are sealed in a way this version does not know.');
    const costKey = `${file.salt.toString('hex')}:${file.n}:${file.r}:${file.p}`;
    let key = derived.get(costKey);
    if (!key) {
      key = derive(passphrase, file.salt, { N: file.n, r: file.r, p: file.p });
      derived.set(costKey, key);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, file.iv);
    decipher.setAAD(labelOf(file.name));
    decipher.setAuthTag(file.tag);
    try {
      return { name: file.name, key: Buffer.concat([decipher.update(file.ciphertext), decipher.final()]) };
    } catch {
      throw new WrongPassphraseError('The passphrase does not open the key files in this backup.');
    }
  });
}

/** Stores the sealed key files in a backup file (open read-write, not the live database). */
export function storeSealedKeyFiles(client: Database.Database, sealed: readonly SealedKeyFile[]): void {
  client.exec(
    `CREATE TABLE ${backupKeyTable} (name TEXT NOT NULL UNIQUE, kdf TEXT NOT NULL, n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL, salt BLOB NOT NULL, iv BLOB NOT NULL, tag BLOB NOT NULL, ciphertext BLOB NOT NULL)`,
  );
  const insert = client.prepare(`INSERT INTO ${backupKeyTable} (name, kdf, n, r, p, salt, iv, tag, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const file of sealed) insert.run(file.name, file.kdf, file.n, file.r, file.p, file.salt, file.iv, file.tag, file.ciphertext);
}

/**
 * The sealed key files a backup carries: none for a backup made without keys or by a version
 * before them; the institution-secrets key alone for one made before the table named its rows.
 */
export function readSealedKeyFiles(client: Database.Database): SealedKeyFile[] {
  const table = client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(backupKeyTable);
  if (!table) return [];
  const columns = new Set((client.prepare(`PRAGMA table_info(${backupKeyTable})`).all() as Array<{ name: string }>).map((column) => column.name));
  const name = columns.has('name') ? 'name' : `'${legacyKeyFileName}' AS name`;
  return client.prepare(`SELECT ${name}, kdf, n, r, p, salt, iv, tag, ciphertext FROM ${backupKeyTable} ORDER BY rowid`).all() as SealedKeyFile[];
}

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Thrown when a key file exists but does not hold a 32-byte key. */
export class DamagedKeyFileError extends Error {
  override name = 'DamagedKeyFileError';
}

/**
 * A 32-byte random key kept in `<keysDir>/<fileName>` (base64), outside the database. With
 * `create`, a missing file is made with mode 0600 in a 0700 folder ('wx': when another process
 * made it meanwhile, theirs is read). An existing file that others may read is tightened back to
 * 0600. Returns null when the file is missing and `create` is false.
 */
export function readKeyFile(keysDir: string, fileName: string, options: { create: boolean }): Buffer | null {
  const file = path.join(keysDir, fileName);
  if (!existsSync(file)) {
    if (!options.create) return null;
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const decoded = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (decoded.length !== 32) throw new DamagedKeyFileError(`The key file ${file} is damaged.`);
  return decoded;
}

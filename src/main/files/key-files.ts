import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Puts a key (from a backup) in place as `<keysDir>/<fileName>`, 0600 in a 0700 folder. A
 * different (or damaged) key already there is kept beside it as `<fileName><asideSuffix>`,
 * never overwritten: data sealed or chained with it stays readable. Says whether the key was
 * written (not when the same key is already there) and where a different one was set aside.
 */
export function installKeyFile(keysDir: string, fileName: string, key: Buffer, asideSuffix: string): { installed: boolean; aside: string | null } {
  const file = path.join(keysDir, fileName);
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  let aside: string | null = null;
  if (existsSync(file)) {
    let same = false;
    try {
      same = readKeyFile(keysDir, fileName, { create: false })?.equals(key) ?? false;
    } catch (error) {
      // A damaged key file is set aside like a different one.
      if (!(error instanceof DamagedKeyFileError)) throw error;
    }
    if (same) return { installed: false, aside: null };
    aside = `${file}${asideSuffix}`;
    renameSync(file, aside);
  }
  writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  return { installed: true, aside };
}

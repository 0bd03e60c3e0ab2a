import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The data folder holds every borrower (database, exports, backups) and the keys: only its
 * owner may read it. Folders are 0700 and files 0600, set at creation; a folder made by an older
 * version (0755 folder, 0644 files: every local user could read every borrower) is tightened at
 * start-up. Windows has no POSIX modes (the per-user profile folder's ACL is what protects it):
 * all of this is a no-op there.
 */
export const privateFolderMode = 0o700;
export const privateFileMode = 0o600;

const posix = process.platform !== 'win32';

/** Makes a folder (and missing parents) 0700. */
export function makePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: privateFolderMode });
}

/**
 * Creates an empty file with mode 0600 when it does not exist yet, so what writes into it next
 * (SQLite, which gives -wal and -shm the database file's mode; a backup; an export) starts
 * private instead of 0644.
 */
export function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', privateFileMode));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Sets 0600 on a file (no-op on Windows). */
export function makeFilePrivate(file: string): void {
  if (posix) chmodSync(file, privateFileMode);
}

/**
 * New files the process creates get no group or other permissions (umask 077): the entry points
 * (CLI, desktop) call this first, so files made by libraries (SQLite's temporary files, an
 * export's --out) are private too. No-op on Windows.
 */
export function restrictNewFiles(): void {
  if (posix) process.umask(0o077);
}

function tighten(entry: string, mode: number, changed: string[]): void {
  const current = statSync(entry).mode & 0o777;
  if ((current & 0o077) === 0) return;
  chmodSync(entry, mode);
  changed.push(entry);
}

/**
 * Tightens the data folder made by an older version: the folder and its sub-folders to 0700,
 * the files in them (database, -wal, -shm, kept copies, exports, logs, keys) to 0600. Returns
 * what was changed, for the start-up log line. Two levels deep is the whole layout.
 */
export function tightenDataFolder(root: string): string[] {
  const changed: string[] = [];
  if (!posix || !existsSync(root)) return changed;
  const visit = (folder: string, depth: number) => {
    tighten(folder, privateFolderMode, changed);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && depth < 2) visit(full, depth + 1);
      else if (entry.isFile()) tighten(full, privateFileMode, changed);
    }
  };
  visit(root, 1);
  return changed;
}

/**
 * The demo institutions' kept state (`demo-institutions/` in the data folder: the embedded
 * simulator's own SQLite, simulator/store.ts), which a backup carries beside the database and a
 * restore puts back. The database was synced from those institutions: its cursors, the records
 * it holds and the decisions it delivered are theirs, so a restored folder must resume the same
 * institutions; demo institutions generated anew are a different world, whose first pass can come
 * back incomplete (a delivered decision they never received).
 *
 * The running demo holds its file in exclusive locking mode (a second simulator is refused), so
 * only a backup made while the demo is stopped can read it; one made while it runs says so.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { privateFileMode, privateFolderMode } from '../../files/modes';
import { keptStoreFileName } from '../../simulator';
import { withoutStrayFiles } from './database-file';

/** The table of a backup file that holds the demo state (dropped from the restored database). */
export const backupDemoTable = 'creditdesk_backup_demo_institutions';

/** What a backup did with the demo state: carried it, could not read it (the demo runs), or there was none. */
export type DemoStateCarry = 'carried' | 'in use' | 'none';

/** The demo state of `demoDir` as one SQLite image, or why there is none to carry. */
export function readDemoState(demoDir: string): { carry: 'carried'; image: Buffer } | { carry: 'in use' | 'none'; image: null } {
  const file = path.join(demoDir, keptStoreFileName);
  if (!existsSync(file)) return { carry: 'none', image: null };
  try {
    // No busy wait: a running demo holds the file until it stops.
    return withoutStrayFiles(file, () => {
      const client = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
      try {
        // Read first, in one read transaction: serialize() reports a locked file as "out of memory".
        client.exec('BEGIN');
        client.prepare('SELECT count(*) FROM sqlite_master').get();
        const image = client.serialize();
        client.exec('COMMIT');
        return { carry: 'carried', image };
      } finally {
        client.close();
      }
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return { carry: 'in use', image: null };
    throw error;
  }
}

/** Puts the demo state into the backup file (call with the backup's own connection). */
export function storeDemoState(client: Database.Database, image: Buffer): void {
  client.exec(`CREATE TABLE ${backupDemoTable} (name TEXT PRIMARY KEY, image BLOB NOT NULL)`);
  client.prepare(`INSERT INTO ${backupDemoTable} (name, image) VALUES (?, ?)`).run(keptStoreFileName, image);
}

/** The demo state a backup carries, or null (made while the demo ran, with no demo, or before backups carried it). */
export function readCarriedDemoState(client: Database.Database): Buffer | null {
  const table = client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(backupDemoTable);
  if (!table) return null;
  const row = client.prepare(`SELECT image FROM ${backupDemoTable} WHERE name = ?`).get(keptStoreFileName) as { image: Buffer } | undefined;
  return row?.image ?? null;
}

/** Demo institutions in a restored database (0 for one from before the `demo` column, which restore does not migrate). */
export function demoInstitutionCount(client: Database.Database): number {
  const columns = client.prepare('PRAGMA table_info(institutions)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'demo')) return 0;
  return (client.prepare('SELECT count(*) AS n FROM institutions WHERE demo = 1').get() as { n: number }).n;
}

/**
 * Puts the carried demo state in `demoDir` (the app is stopped: restore refuses otherwise). The
 * folder that was there is kept as `<folder><asideSuffix>`. Written beside it first and then
 * renamed in, so a restore killed half way leaves the old folder or the new one, never a part.
 */
export function installDemoState(demoDir: string, image: Buffer, asideSuffix: string): { previous: string | null } {
  const incoming = `${demoDir}.restoring`;
  rmSync(incoming, { recursive: true, force: true });
  mkdirSync(incoming, { recursive: true, mode: privateFolderMode });
  writeFileSync(path.join(incoming, keptStoreFileName), image, { mode: privateFileMode, flush: true });
  let previous: string | null = null;
  if (existsSync(demoDir)) {
    previous = `${demoDir}${asideSuffix}`;
    renameSync(demoDir, previous);
  }
  renameSync(incoming, demoDir);
  return { previous };
}

/**
 * Database files as backup and restore handle them: through SQLite, never as raw bytes (a raw
 * copy leaves behind what sits in the -wal), without leaving -wal/-shm files beside files that
 * are not live databases, and setting aside a current database that SQLite cannot even open.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { findMigrationsFolder, readJournal } from '../../db/connection';

const sidecars = ['-wal', '-shm'] as const;

/**
 * Runs `work` and then removes the -wal/-shm files that opening `file` created beside it (an
 * empty -wal and its -shm; a non-empty -wal that was there before is the file's own data).
 */
export function withoutStrayFiles<T>(file: string, work: () => T): T {
  const before = new Set(sidecars.filter((suffix) => existsSync(`${file}${suffix}`)));
  try {
    return work();
  } finally {
    removeStray(file, before);
  }
}

function removeStray(file: string, before: ReadonlySet<string>): void {
  for (const suffix of sidecars) {
    const path = `${file}${suffix}`;
    if (before.has(suffix) || !existsSync(path)) continue;
    if (suffix === '-wal' && statSync(path).size > 0) continue;
    rmSync(path, { force: true });
  }
}

/**
 * Copies `from` into `to` with SQLite's backup API from a read-only connection, so what sits in
 * the source's -wal (a raw copy of a live database) is in the copy, and the copy is switched to
 * a rollback journal: a standalone file with nothing beside it. Stops between steps once
 * `signal` is aborted (CopyCancelledError).
 */
export async function copyThroughSqlite(from: string, to: string, signal?: AbortSignal): Promise<void> {
  // What a killed earlier run left there, its journal included: SQLite would take a leftover
  // journal for the new file's own and roll it back into the copy.
  removeDatabaseFile(to);
  const before = new Set(sidecars.filter((suffix) => existsSync(`${from}${suffix}`)));
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await source.backup(to, {
      progress() {
        if (signal?.aborted) throw new CopyCancelledError();
        return 2048;
      },
    });
  } finally {
    source.close();
    removeStray(from, before);
  }
  const copy = new Database(to);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** The copy stopped because the user asked the process to stop (Ctrl-C). */
export class CopyCancelledError extends Error {
  override name = 'CopyCancelledError';
  constructor() {
    super('Copy cancelled.');
  }
}

/** Removes a database file that is not live (an unfinished copy) with whatever SQLite left beside it. */
export function removeDatabaseFile(file: string): void {
  for (const suffix of ['', '-journal', ...sidecars]) rmSync(`${file}${suffix}`, { force: true });
}

/** Applied migrations of `file` this build does not know (the file comes from a newer CreditDesk). */
export function unknownMigrations(client: Database.Database): number {
  const hasTable = client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!hasTable) return 0;
  const known = new Set(readJournal(findMigrationsFolder()).map((entry) => entry.when));
  const applied = client.prepare('SELECT created_at AS createdAt FROM __drizzle_migrations').all() as Array<{ createdAt: number }>;
  return applied.filter((row) => !known.has(Number(row.createdAt))).length;
}

/**
 * Moves the current database out of the way before a restore, keeping it: a healthy one is
 * checkpointed first (its WAL folded in, so the kept copy is complete on its own); one SQLite
 * cannot open or checkpoint ("file is not a database") is kept as it is, with its -wal/-shm
 * beside it under the same name. Returns where it went and, for an unreadable one, SQLite's word.
 */
export function setAsideDatabase(database: string, suffix: string): { kept: string; problem: string | null } {
  const kept = `${database}${suffix}`;
  let problem: string | null = null;
  try {
    const current = new Database(database, { fileMustExist: true });
    try {
      current.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      current.close();
    }
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  renameSync(database, kept);
  for (const sidecar of sidecars) {
    const path = `${database}${sidecar}`;
    if (!existsSync(path)) continue;
    // A healthy database's WAL is folded in and empty; an unreadable one's stays with it.
    if (problem === null) rmSync(path, { force: true });
    else renameSync(path, `${kept}${sidecar}`);
  }
  return { kept, problem };
}

import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, readFileSync } from 'node:fs';
import { createPrivateFile, makePrivateFolder } from '../files/modes';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';
import { cacheDrizzleStatements } from './statement-cache';

export type Schema = typeof schema;
/** The drizzle handle every repository takes first. */
export type Db = BetterSQLite3Database<Schema> & { $client: Database.Database };

export interface OpenDatabaseOptions {
  /** Path of the SQLite file, or ':memory:'. */
  file: string;
  migrationsFolder: string;
  /**
   * Path of a better-sqlite3 addon built for the running ABI. The desktop shell passes the
   * Electron build here; plain Node uses the one in node_modules.
   */
  nativeBinding?: string;
  readonly?: boolean;
  busyTimeoutMs?: number;
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

/** Thrown when the database was written by a newer CreditDesk: we refuse rather than corrupt it. */
export class DatabaseTooNewError extends Error {
  override name = 'DatabaseTooNewError';
}

export function readJournal(migrationsFolder: string): JournalEntry[] {
  const journalPath = path.join(migrationsFolder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

/** The tables of a database file opened without drizzle (a backup or restore checking what it holds). */
export function tableNames(client: Database.Database): Set<string> {
  return new Set((client.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name));
}

/** When each migration applied to such a file was made (its journal's `when`), to tell a newer build's. */
export function appliedMigrationTimes(client: Database.Database): number[] {
  return (client.prepare('SELECT created_at AS createdAt FROM __drizzle_migrations').all() as Array<{ createdAt: number }>).map((row) => Number(row.createdAt));
}

/**
 * Finds the committed drizzle migrations folder. Packaged builds ship it as an extra resource
 * (process.resourcesPath/drizzle); from source and from out/ it sits at the project root.
 */
export function findMigrationsFolder(): string {
  const fromEnv = process.env.CREDITDESK_MIGRATIONS_DIR;
  if (fromEnv) return fromEnv;
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  const candidates: string[] = [];
  if (resourcesPath) candidates.push(path.join(resourcesPath, 'drizzle'));
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    candidates.push(path.join(dir, 'drizzle'));
    dir = path.dirname(dir);
  }
  const found = candidates.find((candidate) => existsSync(path.join(candidate, 'meta', '_journal.json')));
  if (!found) throw new Error(`The database migrations folder was not found (looked in: ${candidates.join(', ')})`);
  return found;
}

/**
 * Opens the database with the pragmas CreditDesk relies on: WAL so readers never block the
 * syncing writer, foreign keys on, a busy timeout so two processes sharing the file wait for each
 * other instead of failing, and NORMAL sync (safe with WAL: a power cut loses at most the last
 * transactions, never consistency).
 */
export function openDatabase(options: OpenDatabaseOptions): Db {
  if (options.file !== ':memory:') {
    makePrivateFolder(path.dirname(options.file));
    // SQLite creates the file 0644 and gives -wal and -shm the database's mode: start it 0600.
    if (!options.readonly) createPrivateFile(options.file);
  }
  const client = new Database(options.file, {
    readonly: options.readonly ?? false,
    nativeBinding: options.nativeBinding,
  });
  try {
    client.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) {
      client.pragma('journal_mode = WAL');
      client.pragma('synchronous = NORMAL');
    }
    client.pragma('foreign_keys = ON');
    client.pragma('temp_store = MEMORY');
    // 32 MB of page cache: no cache this size holds a sync's working set (random index leaves),
    // and fewer misses are faster; a larger one buys nothing within the sync's memory budget
    // (docs/performance.md#page-cache).
    client.pragma('cache_size = -32000');
    // Checkpoint every 40,000 frames of WAL instead of SQLite's 1,000: a sync commits a page of
    // records at a time and rewrites the same index pages in many commits; fewer checkpoints copy
    // (and sync) each such page once instead of many times (docs/performance.md#wal-checkpoints).
    // In a running back end the background checkpointer (checkpointer.ts) copies frames as they
    // are committed, and this one is the safety net that finds little left to copy.
    client.pragma('wal_autocheckpoint = 40000');
    // Once a checkpoint has copied everything and the WAL starts over, SQLite truncates the file to
    // this size, so a sync's WAL does not keep its largest size on disk after the sync.
    client.pragma(`journal_size_limit = ${32 * 1024 * 1024}`);
    return cacheDrizzleStatements(drizzle({ client, schema }) as Db);
  } catch (error) {
    client.close();
    throw error;
  }
}

/**
 * Applies pending migrations. Refuses a database that has migrations this build does not know,
 * which means a newer CreditDesk wrote it. Returns the number of migrations now applied.
 */
export function applyMigrations(db: Db, migrationsFolder: string): number {
  const journal = readJournal(migrationsFolder);
  const known = new Set(journal.map((entry) => entry.when));
  const client = db.$client;
  const hasTable = client
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (hasTable) {
    const applied = client.prepare('SELECT created_at AS createdAt FROM __drizzle_migrations').all() as Array<{
      createdAt: number;
    }>;
    const unknown = applied.filter((row) => !known.has(Number(row.createdAt)));
    if (unknown.length > 0) {
      throw new DatabaseTooNewError(
        `This database was created by a newer version of CreditDesk (${unknown.length} unknown migration(s)). ` +
          'Install the newer version, or open a different data folder with --data-dir. The database was not changed.',
      );
    }
  }
  migrate(db, { migrationsFolder });
  const count = (client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
  client.pragma(`user_version = ${count}`);
  return count;
}

/**
 * A write transaction that takes the write lock up front (BEGIN IMMEDIATE). A deferred
 * transaction that reads and then writes can fail with SQLITE_BUSY when another process committed
 * in between; IMMEDIATE waits on the busy timeout instead. Nested calls become savepoints.
 */
export function writeTransaction<T>(db: Db, work: (tx: Db) => T): T {
  // The work gets the root handle: better-sqlite3 has one connection, so everything run on it
  // inside the transaction belongs to it, and the root handle's statements prepared once
  // (repositories/review-statements.ts, sync.ts) serve transactions too. Drizzle's own
  // transaction object was rebuilt for every transaction and savepoint (a query builder per
  // table) and had no raw client, which sent the hot paths back to drizzle's query building.
  return transactionRunner(db.$client).immediate(() => work(db));
}

const transactionRunners = new WeakMap<Database.Database, Database.Transaction<(work: () => unknown) => unknown>>();

/** One better-sqlite3 transaction function per connection, running whatever work it is given (nested: a savepoint). */
function transactionRunner(client: Database.Database): { immediate<T>(work: () => T): T } {
  let runner = transactionRunners.get(client);
  if (!runner) {
    runner = client.transaction((work: () => unknown) => work());
    transactionRunners.set(client, runner);
  }
  return runner as unknown as { immediate<T>(work: () => T): T };
}

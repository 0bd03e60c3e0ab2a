import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { startBackend, type Backend, type BackendOptions } from '../runtime/backend';
import { dataPaths } from '../runtime/paths';
import { CommandRefusedError, type CliIo } from './command';
import { cliOperatorName, resolveDataDir, write } from './options';

export interface CommandBackendOptions extends Partial<BackendOptions> {
  /**
   * Refuse a data folder without a database instead of creating one: a command that reads
   * (list, export, sync, edit) on a mistyped --data-dir must say so, not succeed on an empty
   * new folder. Only the commands that set up a folder (users add, institutions add) create it.
   */
  requireDatabase: boolean;
}

/** The data folder's database, or a CommandRefusedError that names where it looked. */
export function requireDatabaseFile(dataDir: string): string {
  const database = dataPaths(dataDir).database;
  if (!existsSync(database)) {
    throw new CommandRefusedError(
      `No CreditDesk database at ${database}. Check --data-dir (or CREDITDESK_DATA_DIR); nothing was created.`,
    );
  }
  return database;
}

/**
 * Refuses, naming the path, a data folder (or database) this process cannot write: CreditDesk
 * writes the database, its WAL and the logs there, and SQLite's own message ("attempt to write a
 * readonly database") names no file.
 */
export function requireWritableDataDir(dataDir: string): void {
  const paths = dataPaths(dataDir);
  // The folder itself, or the nearest one that exists (where it would be created).
  let folder = dataDir;
  while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  for (const target of [folder, paths.database, paths.logs]) {
    if (!existsSync(target)) continue;
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw new CommandRefusedError(`The data folder ${dataDir} is read-only here (${target} cannot be written); CreditDesk writes its database and logs there.`);
    }
    if (target === folder && !statSync(target).isDirectory()) throw new CommandRefusedError(`${target} is a file, not a data folder.`);
  }
}

/** The SQLite result code of an error, or of the error it wraps (drizzle wraps a query's). */
function sqliteCode(error: unknown): string | null {
  let current = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
    current = current.cause;
  }
  return null;
}

/**
 * A write that failed for want of space: SQLite's "database or disk is full", its "disk I/O error"
 * when the -shm of a WAL database cannot grow (the first thing a full disk refuses), ENOSPC, a quota.
 */
export function isOutOfSpace(error: unknown): boolean {
  const code = sqliteCode(error) ?? (error as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE' || code === 'ENOSPC' || code === 'EDQUOT';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rewrites a permission failure from the file system or SQLite so it names the data folder. */
export function namingDataDir(error: unknown, dataDir: string): unknown {
  const code = sqliteCode(error) ?? (error as { code?: unknown }).code;
  const denied =
    typeof code === 'string' &&
    (['EACCES', 'EPERM', 'EROFS', 'SQLITE_PERM'].includes(code) || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'));
  if (denied) {
    return new CommandRefusedError(`The data folder ${dataDir} cannot be written (${messageOf(error)}); CreditDesk writes its database and logs there.`);
  }
  return error;
}

/**
 * Rewrites SQLite's words about the data folder's database, which name no file ("file is not a
 * database", "database disk image is malformed", "database or disk is full", "disk I/O error",
 * "unable to open database file"), so the one line the operator reads names the file and what
 * to do. Other errors pass as they are; a command whose own output file filled the disk says so
 * itself.
 */
export function namingDatabase(error: unknown, dataDir: string): unknown {
  const code = sqliteCode(error);
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) {
    return new CommandRefusedError(
      `The database ${dataPaths(dataDir).database} cannot be read (${messageOf(error)}): it is damaged. "creditdesk restore --from BACKUP" puts a backup in its place and keeps this file aside.`,
    );
  }
  if (code && isOutOfSpace(error)) {
    return new CommandRefusedError(`No space left for the database ${dataPaths(dataDir).database} (${messageOf(error)}, ${code}): free space on its disk and run the command again.`);
  }
  if (code?.startsWith('SQLITE_IOERR')) {
    return new CommandRefusedError(`The database ${dataPaths(dataDir).database} could not be read or written (${messageOf(error)}, ${code}): check its disk.`);
  }
  return code ? namingDataDir(error, dataDir) : error;
}

/**
 * The back end for a one-shot command (users, institutions, sync, export): the data folder from
 * --data-dir or CREDITDESK_DATA_DIR, the first admin's password from CREDITDESK_ADMIN_PASSWORD,
 * and none of the app's background jobs. When the first admin's password is generated, it is
 * printed once on stderr, so a command's own output (e.g. `--json`) stays clean. Commands
 * validate their arguments before calling this: nothing is created for a command that then
 * fails on a bad argument.
 */
export async function startCommandBackend(io: CliIo, dataDirFlag: string | undefined, options: CommandBackendOptions): Promise<Backend> {
  const { requireDatabase, ...extra } = options;
  const dataDir = resolveDataDir(dataDirFlag, io.env);
  if (requireDatabase) requireDatabaseFile(dataDir);
  requireWritableDataDir(dataDir);
  try {
    return await startBackend({
      dataDir,
      shell: 'headless',
      adminPassword: io.env.CREDITDESK_ADMIN_PASSWORD,
      // CLI actions are recorded as cli:<OS user>, not as nobody.
      cliOperator: cliOperatorName(),
      onFirstAdmin: ({ generatedPassword }) => {
        if (generatedPassword) write(io.stderr, `First start: created "admin" with the password ${generatedPassword} (change it at first sign-in).`);
      },
      ...extra,
      // One-shot commands never start the app's long-lived jobs (review monitor, snapshots).
      backgroundJobs: false,
    });
  } catch (error) {
    throw namingDataDir(error, dataDir);
  }
}

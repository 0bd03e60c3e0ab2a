import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { findMigrationsFolder, openDatabase } from '../../db/connection';
import { auditKeyForWriting, loadAuditKey } from '../../audit/key';
import { appendAudit } from '../../repositories/audit';
import { otherLiveInstances } from '../../runtime/instances';
import { makeFilePrivate } from '../../files/modes';
import { dataPaths } from '../../runtime/paths';
import { UsageError, type CliCommand } from '../command';
import { cliOperatorName, resolveDataDir, write } from '../options';
import { backupPassphrase, inspectDatabaseFile, secretCounts } from './backup';
import { copyThroughSqlite, setAsideDatabase, withoutStrayFiles } from './database-file';
import { backupKeyTable, openKey, readSealedKey, WrongPassphraseError } from '../../institutions/key-backup';
import { installInstitutionKey } from '../../institutions/secrets';

const usage = `Usage: creditdesk restore --from FILE [--data-dir DIR] [--force] [--without-key] [--json]

Replaces the data folder's database with a backup made by "creditdesk backup" (onto an empty
folder too: a new machine). Refuses while any CreditDesk process (desktop, serve, another
command) has the data folder open, and refuses a file that is not a healthy CreditDesk database
this version knows. The backup is copied through SQLite, so a copy of a live database restores
with what its -wal holds. The database it replaces is kept beside it as
creditdesk.db.before-restore-<time>, also when SQLite cannot read it (a corrupt file).

A backup that carries the institution-secrets key asks for its passphrase
($CREDITDESK_BACKUP_PASSPHRASE, a hidden prompt, or the first line of stdin) and puts the key in
keys/ (a different key already there is kept as institution-secrets.key.before-restore-<time>).

Options:
  --from FILE      the backup to restore (required)
  --force          restore even if the backup's audit chain is broken
  --without-key    do not restore the key the backup carries (the secrets it sealed stay unusable)
  --json           print the result as one JSON object
  --data-dir DIR   data folder (default: the OS's per-user app data folder)
  --help           show this help

Exit codes: 0 restored, 1 refused or failed (nothing changed), 2 bad arguments.`;

function stamp(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Replace the database with a backup and put back its key (CreditDesk must be stopped; the old file is kept)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        force: { type: 'boolean', default: false },
        'without-key': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument “${positionals[0]}”.`);
    if (!values.from) throw new UsageError('Name the backup to restore: --from FILE.');
    const from = path.resolve(values.from);
    if (!existsSync(from)) throw new UsageError(`There is no file ${from}.`);
    if (statSync(from).isDirectory()) throw new UsageError(`--from names the folder ${from}; name the backup file.`);
    const paths = dataPaths(resolveDataDir(values['data-dir'], io.env));
    if (path.resolve(paths.database) === from) throw new UsageError('--from is the live database itself.');

    const running = otherLiveInstances(paths.root);
    if (running.length > 0) {
      const list = running.map((instance) => `pid ${instance.pid} (${instance.shell})`).join(', ');
      write(io.stderr, `CreditDesk is running on this data folder (${list}); stop it before restoring. Nothing was changed.`);
      return 1;
    }

    let report;
    let sealed;
    try {
      report = inspectDatabaseFile(from, loadAuditKey(paths.keys, { create: false }));
      sealed = withoutStrayFiles(from, () => {
        const client = new Database(from, { readonly: true, fileMustExist: true });
        try {
          return readSealedKey(client);
        } finally {
          client.close();
        }
      });
    } catch (error) {
      write(io.stderr, `The backup ${from} is not a readable SQLite database (${error instanceof Error ? error.message : String(error)}). Nothing was changed.`);
      return 1;
    }
    if (report.integrity !== 'ok') {
      write(io.stderr, `${from} fails SQLite's integrity check (${report.integrity}). Nothing was changed.`);
      return 1;
    }
    if (!report.isCreditDesk) {
      write(io.stderr, `${from} is not a CreditDesk database. Nothing was changed.`);
      return 1;
    }
    if (report.unknownMigrations > 0) {
      write(io.stderr, `${from} was written by a newer CreditDesk (${report.unknownMigrations} unknown migration(s)); install that version to restore it. Nothing was changed.`);
      return 1;
    }
    // A backup from before the audit key ('unkeyed': its whole chain walked intact) restores;
    // the first entry written after it keys the chain from there on.
    if (report.audit && !report.audit.ok && report.audit.broken?.reason !== 'unkeyed' && !values.force) {
      write(io.stderr, `${from} has a broken audit chain (entry #${report.audit.broken?.id}); add --force to restore it anyway. Nothing was changed.`);
      return 1;
    }
    // The key is opened before anything changes: a wrong passphrase leaves everything as it was.
    let key: Buffer | null = null;
    if (sealed && !values['without-key']) {
      try {
        key = openKey(sealed, await backupPassphrase(io, 'open'));
      } catch (error) {
        if (!(error instanceof WrongPassphraseError)) throw error;
        write(io.stderr, `${error.message} Nothing was changed.`);
        return 1;
      }
    }

    const now = Date.now();
    const asideSuffix = `.before-restore-${stamp(now)}`;
    mkdirSync(paths.root, { recursive: true });
    let previous: { kept: string; problem: string | null } | null = null;
    if (existsSync(paths.database)) previous = setAsideDatabase(paths.database, asideSuffix);
    const incoming = `${paths.database}.restoring`;
    try {
      await copyThroughSqlite(from, incoming);
      // The copy is a new file SQLite made; the live database is 0600 whatever the umask.
      makeFilePrivate(incoming);
      const copy = new Database(incoming);
      try {
        copy.exec(`DROP TABLE IF EXISTS ${backupKeyTable}`);
      } finally {
        copy.close();
      }
      renameSync(incoming, paths.database);
    } catch (error) {
      rmSync(incoming, { force: true });
      if (previous) {
        renameSync(previous.kept, paths.database);
        for (const suffix of ['-wal', '-shm']) if (existsSync(`${previous.kept}${suffix}`)) renameSync(`${previous.kept}${suffix}`, `${paths.database}${suffix}`);
      }
      throw error;
    }
    const keyAside = key ? installInstitutionKey(paths.keys, key, asideSuffix) : null;

    const db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder() });
    let entries: number;
    let secrets: { keyFile: number; keychain: number };
    try {
      secrets = secretCounts(db.$client);
      appendAudit(db, auditKeyForWriting(paths.keys), {
        at: now,
        operatorId: null,
        operatorName: cliOperatorName(),
        action: 'system.restored',
        details: {
          via: 'cli',
          osUser: os.userInfo().username,
          from: path.basename(from),
          previous: previous ? path.basename(previous.kept) : null,
          previousUnreadable: previous?.problem ?? undefined,
          key: key ? 'restored' : sealed ? 'left out' : 'none in backup',
        },
      });
      entries = (db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n - 1;
    } finally {
      db.$client.close();
    }
    const keyFile = path.join(paths.keys, 'institution-secrets.key');
    if (values.json) {
      write(
        io.stdout,
        JSON.stringify({
          restored: from,
          database: paths.database,
          migrations: report.migrations,
          auditEntries: entries,
          previous: previous?.kept ?? null,
          previousUnreadable: previous?.problem ?? null,
          key: key ? 'restored' : sealed ? 'left out' : 'none in backup',
          keyFile: key ? keyFile : null,
          previousKey: keyAside,
          secrets,
        }),
      );
      return 0;
    }
    if (secrets.keychain > 0) write(io.stderr, `${secrets.keychain} institution secret(s) were sealed by the OS keychain of the desktop that made this backup; on another machine re-enter them.`);
    if (previous?.problem) write(io.stderr, `The current database ${paths.database} could not be read (${previous.problem}); it is kept as ${previous.kept}.`);
    write(
      io.stdout,
      `Restored ${from} (schema ${report.migrations} migrations, ${entries} audit entries).` +
        (previous ? ` The previous database is kept as ${previous.kept}.` : '') +
        ' Newer migrations, if any, apply at the next start.',
    );
    if (key) write(io.stdout, `The institution-secrets key is restored to ${keyFile}${keyAside ? `; the key that was there is kept as ${keyAside}` : ''}.`);
    else if (sealed) write(io.stderr, 'WARNING: the backup’s institution-secrets key was left out (--without-key): the institution secrets it sealed cannot be used; re-enter them.');
    else if (secrets.keyFile > 0) write(io.stderr, `WARNING: this backup carries no institution-secrets key: the institution secrets in it work only with the key that sealed them (${keyFile} from the machine it came from); otherwise re-enter them.`);
    return 0;
  },
};

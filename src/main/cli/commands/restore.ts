import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { shanghaiDateTime } from '../../../shared/time';
import { findMigrationsFolder, openDatabase } from '../../db/connection';
import { auditKeyFileName, auditKeyForWriting, loadAuditKey } from '../../audit/key';
import { backupKeyTable, openKeyFiles, readSealedKeyFiles, WrongPassphraseError, type KeyFileContent, type SealedKeyFile } from '../../files/key-backup';
import { installKeyFile } from '../../files/key-files';
import { makeFilePrivate } from '../../files/modes';
import { institutionKeyFileName } from '../../institution-api/secrets';
import { appendAudit, auditKeyOf } from '../../repositories/audit';
import { otherLiveInstances } from '../../runtime/instances';
import { dataPaths } from '../../runtime/paths';
import { UsageError, type CliCommand } from '../command';
import { cliOperatorName, resolveDataDir, write } from '../options';
import { backupPassphrase, inspectDatabaseFile, secretCounts } from './backup';
import { dataFolderKeyFiles, isDataFolderKeyFile, listOfNames } from './backup-keys';
import { backupDemoTable, demoInstitutionCount, installDemoState, readCarriedDemoState } from './backup-demo';
import { copyThroughSqlite, CopyCancelledError, removeDatabaseFile, setAsideDatabase, withoutStrayFiles } from './database-file';

const usage = `Usage: creditdesk restore --from FILE [--data-dir DIR] [--force] [--without-key] [--json]

Replaces the data folder's database with a backup made by "creditdesk backup" (onto an empty
folder too: a new machine). Refuses while any CreditDesk process (desktop, serve, another
command) has the data folder open, and refuses a file that is not a healthy CreditDesk database
this version knows. The backup is copied through SQLite, so a copy of a live database restores
with what its -wal holds. The copy is made beside the current database, which is moved aside
only once the copy is whole: Ctrl-C stops it and a restore killed half way leaves the folder
as it was (run it again). The database it replaces is kept beside it as creditdesk.db.before-restore-<time>, also
when SQLite cannot read it (a corrupt file).

A backup that carries key files (institution-secrets.key, audit-chain.key) asks for its
passphrase ($CREDITDESK_BACKUP_PASSPHRASE, a hidden prompt, or the first line of stdin), checks
the backup's audit chain with the audit key it carries, and puts each key in keys/ (a different
key already there is kept as <name>.before-restore-<time>). A backup whose keyed audit chain
cannot be checked (no audit key in it, none or another one in keys/) is refused without --force:
"creditdesk audit verify" would fail on the restored folder.

A backup that carries the demo institutions' state (made while the demo was stopped) puts it in
demo-institutions/, so the demo resumes the institutions the database was synced from; the
folder that was there is kept as demo-institutions.before-restore-<time>. Without it, the demo
institutions already in the folder stay, or are generated anew at the next start.

Options:
  --from FILE      the backup to restore (required)
  --force          restore even if the backup's audit chain is broken or cannot be checked
  --without-key    do not restore the key files the backup carries (the secrets it sealed stay
                   unusable; its audit chain is checked with the key already in keys/, if any)
  --json           print the result as one JSON object
  --data-dir DIR   data folder (default: the OS's per-user app data folder)
  --help           show this help

Exit codes: 0 restored, 1 refused or failed (nothing changed), 2 bad arguments.`;

function stamp(epochMs: number): string {
  return shanghaiDateTime(epochMs).replace(/[-:]/g, '').replace(' ', '-');
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  opensDataFolder: true,
  summary: 'Replace the database with a backup and put back its key files (CreditDesk must be stopped; the old file is kept)',
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

    let sealed: SealedKeyFile[];
    let demoState: Buffer | null;
    try {
      [sealed, demoState] = withoutStrayFiles(from, () => {
        const client = new Database(from, { readonly: true, fileMustExist: true });
        try {
          return [readSealedKeyFiles(client), readCarriedDemoState(client)] as const;
        } finally {
          client.close();
        }
      });
    } catch (error) {
      write(io.stderr, `The backup ${from} is not a readable SQLite database (${error instanceof Error ? error.message : String(error)}). Nothing was changed.`);
      return 1;
    }
    // Only the key files this version knows are opened and written into keys/: a name in the
    // backup never chooses a path.
    const unknownKeys = sealed.filter((file) => !isDataFolderKeyFile(file.name)).map((file) => file.name);
    const carried = sealed.filter((file) => isDataFolderKeyFile(file.name));
    const leftOut = values['without-key'] ? carried.map((file) => file.name) : [];
    // The keys are opened before anything changes: a wrong passphrase leaves everything as it was.
    let keys: KeyFileContent[] = [];
    if (carried.length > 0 && !values['without-key']) {
      try {
        keys = openKeyFiles(carried, await backupPassphrase(io, 'open'));
      } catch (error) {
        if (!(error instanceof WrongPassphraseError)) throw error;
        write(io.stderr, `${error.message} Nothing was changed.`);
        return 1;
      }
    }
    // The backup's chain is checked with the audit key it carries, else with this folder's.
    const carriedAuditKey = keys.find((file) => file.name === auditKeyFileName);
    let report;
    try {
      report = inspectDatabaseFile(from, carriedAuditKey ? auditKeyOf(carriedAuditKey.key) : loadAuditKey(paths.keys, { create: false }));
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
    const broken = report.audit && !report.audit.ok ? report.audit.broken : null;
    const auditKeyFile = path.join(paths.keys, auditKeyFileName);
    // Keyed with a key neither the backup (as restored) nor this folder has: after the restore
    // "audit verify" fails, so that is said now, before anything changes.
    const keyUnavailable = broken?.reason === 'key-missing' || broken?.reason === 'key-mismatch';
    if (keyUnavailable && !values.force) {
      const where = broken?.reason === 'key-missing' ? `this data folder has none (${auditKeyFile})` : `the one in ${auditKeyFile} is another`;
      const carriedNote = leftOut.includes(auditKeyFileName) ? 'the backup carries but you left out (--without-key)' : 'the backup does not carry';
      write(
        io.stderr,
        `The audit chain of ${from} is keyed with an audit-chain.key that ${carriedNote}, and ${where}: "creditdesk audit verify" would fail on the restored folder. ` +
          `Restore it with its key, copy audit-chain.key from the machine the backup came from into ${paths.keys}, or add --force. Nothing was changed.`,
      );
      return 1;
    }
    // A backup from before the audit key ('unkeyed': its whole chain walked intact) restores;
    // the first entry written after it keys the chain from there on.
    if (broken && !keyUnavailable && broken.reason !== 'unkeyed' && !values.force) {
      write(io.stderr, `${from} has a broken audit chain (entry #${broken.id}); add --force to restore it anyway. Nothing was changed.`);
      return 1;
    }

    const now = Date.now();
    const asideSuffix = `.before-restore-${stamp(now)}`;
    mkdirSync(paths.root, { recursive: true });
    // The long part, the copy, goes beside the current database, which stays where it is until
    // the copy is whole: a restore killed half way (kill -9, a power cut) leaves the folder as it
    // was, with a stray .restoring file the next run replaces.
    const incoming = `${paths.database}.restoring`;
    try {
      await copyThroughSqlite(from, incoming, io.shutdownSignal);
      // The copy is a new file SQLite made; the live database is 0600 whatever the umask.
      makeFilePrivate(incoming);
      const copy = new Database(incoming);
      try {
        copy.exec(`DROP TABLE IF EXISTS ${backupKeyTable}; DROP TABLE IF EXISTS ${backupDemoTable}`);
      } finally {
        copy.close();
      }
    } catch (error) {
      removeDatabaseFile(incoming);
      if (!(error instanceof CopyCancelledError)) throw error;
      write(io.stderr, `Restore cancelled; ${paths.database} was not changed.`);
      return 1;
    }
    let previous: { kept: string; problem: string | null } | null = null;
    try {
      if (existsSync(paths.database)) previous = setAsideDatabase(paths.database, asideSuffix);
      renameSync(incoming, paths.database);
    } catch (error) {
      removeDatabaseFile(incoming);
      if (previous) {
        renameSync(previous.kept, paths.database);
        for (const suffix of ['-wal', '-shm']) if (existsSync(`${previous.kept}${suffix}`)) renameSync(`${previous.kept}${suffix}`, `${paths.database}${suffix}`);
      }
      throw error;
    }
    // Before the restore's own entry: it continues the chain with the key the backup carried.
    const installed = keys.map(({ name, key }) => ({ name, file: path.join(paths.keys, name), ...installKeyFile(paths.keys, name, key, asideSuffix) }));
    const keyStatus = keys.length > 0 ? 'restored' : leftOut.length > 0 ? 'left out' : 'none in backup';
    const demo = demoState === null ? null : installDemoState(paths.demoInstitutions, demoState, asideSuffix);

    const db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder() });
    let entries: number;
    let secrets: { keyFile: number; keychain: number };
    let demoInstitutions: number;
    try {
      secrets = secretCounts(db.$client);
      demoInstitutions = demoInstitutionCount(db.$client);
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
          key: keyStatus,
          keys: installed.map((key) => key.name),
          keysLeftOut: leftOut.length > 0 ? leftOut : undefined,
          auditChainUnverifiable: keyUnavailable || undefined,
          demoInstitutions: demo ? 'restored' : 'none in backup',
        },
      });
      entries = (db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n - 1;
    } finally {
      db.$client.close();
    }
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
          key: keyStatus,
          keys: installed.map(({ name, file, installed: written, aside }) => ({ name, file, written, previous: aside })),
          keysLeftOut: leftOut,
          unknownKeys,
          auditChainVerifiable: !keyUnavailable,
          secrets,
          demoInstitutions: demo ? 'restored' : 'none in backup',
          demoInstitutionsPrevious: demo?.previous ?? null,
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
    for (const key of installed) {
      const purpose = dataFolderKeyFiles.find((file) => file.name === key.name)?.purpose ?? key.name;
      write(
        io.stdout,
        key.installed
          ? `The key for ${purpose} is restored to ${key.file}${key.aside ? `; the different key that was there is kept as ${key.aside}` : ''}.`
          : `The key for ${purpose} in ${key.file} is already the backup's.`,
      );
    }
    if (demo) {
      write(io.stdout, `The demo institutions' state is restored to ${paths.demoInstitutions}${demo.previous ? `; the one that was there is kept as ${demo.previous}` : ''}.`);
    } else if (demoInstitutions > 0) {
      write(
        io.stderr,
        `This backup carries no demo institutions' state (it was made while the demo ran, or by an older CreditDesk): the demo institutions ${existsSync(paths.demoInstitutions) ? `in ${paths.demoInstitutions} stay as they are` : 'are generated anew at the next start'}; they may not know the decisions this database delivered, so a sync may come back incomplete.`,
      );
    }
    if (leftOut.length > 0) write(io.stderr, `WARNING: the backup’s key files ${listOfNames(leftOut)} were left out (--without-key).`);
    const institutionKeyRestored = installed.some((key) => key.name === institutionKeyFileName);
    if (!institutionKeyRestored && secrets.keyFile > 0) {
      write(
        io.stderr,
        leftOut.includes(institutionKeyFileName)
          ? 'WARNING: the institution secrets the left-out institution-secrets.key sealed cannot be used; re-enter them.'
          : `WARNING: this backup carries no institution-secrets key: the institution secrets in it work only with the key that sealed them (${path.join(paths.keys, institutionKeyFileName)} from the machine it came from); otherwise re-enter them.`,
      );
    }
    if (keyUnavailable) {
      write(io.stderr, `WARNING: restored with --force although the backup's audit chain cannot be checked with ${auditKeyFile}: "creditdesk audit verify" fails on this folder (${broken?.reason}).`);
    }
    if (unknownKeys.length > 0) write(io.stderr, `The backup also carries key files this version does not know (${unknownKeys.join(', ')}); they were not installed.`);
    return 0;
  },
};

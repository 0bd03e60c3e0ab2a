import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
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
import { inspectDatabaseFile } from './backup';

const usage = `Usage: creditdesk restore --from FILE [--data-dir DIR] [--force]

Replaces the data folder's database with a backup made by "creditdesk backup". Refuses while
any CreditDesk process (desktop, serve, another command) has the data folder open, and refuses a
file that is not a healthy CreditDesk database this version knows. The database it replaces is
kept beside it as creditdesk.db.before-restore-<time>.

Options:
  --from FILE      the backup to restore (required)
  --force          restore even if the backup's audit chain is broken
  --data-dir DIR   data folder (default: the OS's per-user app data folder)
  --help           show this help

Exit codes: 0 restored, 1 refused or failed (nothing changed), 2 bad arguments.`;

function stamp(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Replace the database with a backup (CreditDesk must be stopped; the old file is kept)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { from: { type: 'string' }, force: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument “${positionals[0]}”.`);
    if (!values.from) throw new UsageError('Name the backup to restore: --from FILE.');
    const from = path.resolve(values.from);
    if (!existsSync(from)) throw new UsageError(`There is no file ${from}.`);
    const paths = dataPaths(resolveDataDir(values['data-dir'], io.env));
    if (path.resolve(paths.database) === from) throw new UsageError('--from is the live database itself.');

    const running = otherLiveInstances(paths.root);
    if (running.length > 0) {
      const list = running.map((instance) => `pid ${instance.pid} (${instance.shell})`).join(', ');
      write(io.stderr, `CreditDesk is running on this data folder (${list}); stop it before restoring. Nothing was changed.`);
      return 1;
    }

    let report;
    try {
      report = inspectDatabaseFile(from, loadAuditKey(paths.keys, { create: false }));
    } catch (error) {
      write(io.stderr, `${from} is not a readable SQLite database (${error instanceof Error ? error.message : String(error)}). Nothing was changed.`);
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

    const now = Date.now();
    let kept: string | null = null;
    if (existsSync(paths.database)) {
      // Fold the WAL into the main file so the kept copy is complete on its own.
      const current = new Database(paths.database);
      current.pragma('wal_checkpoint(TRUNCATE)');
      current.close();
      kept = `${paths.database}.before-restore-${stamp(now)}`;
      renameSync(paths.database, kept);
      for (const suffix of ['-wal', '-shm']) rmSync(`${paths.database}${suffix}`, { force: true });
    }
    const incoming = `${paths.database}.restoring`;
    try {
      copyFileSync(from, incoming);
      // The copy takes the backup's mode; the live database is 0600 whatever that was.
      makeFilePrivate(incoming);
      renameSync(incoming, paths.database);
    } catch (error) {
      rmSync(incoming, { force: true });
      if (kept) renameSync(kept, paths.database);
      throw error;
    }

    const db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder() });
    try {
      appendAudit(db, auditKeyForWriting(paths.keys), {
        at: now,
        operatorId: null,
        operatorName: cliOperatorName(),
        action: 'system.restored',
        details: { via: 'cli', osUser: os.userInfo().username, from: path.basename(from), previous: kept ? path.basename(kept) : null },
      });
    } finally {
      db.$client.close();
    }
    write(
      io.stdout,
      `Restored ${from} (schema ${report.migrations} migrations, ${report.audit?.checked ?? 0} audit entries).` +
        (kept ? ` The previous database is kept as ${kept}.` : '') +
        ' Newer migrations, if any, apply at the next start.',
    );
    return 0;
  },
};

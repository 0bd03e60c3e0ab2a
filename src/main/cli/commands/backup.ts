import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { verifyAuditChain } from '../../audit/verify';
import { findMigrationsFolder, openDatabase, readJournal } from '../../db/connection';
import { auditKeyForWriting } from '../../audit/key';
import { appendAudit, formatAuditHead, type AuditKey } from '../../repositories/audit';
import { createPrivateFile } from '../../files/modes';
import { dataPaths } from '../../runtime/paths';
import { UsageError, type CliCommand } from '../command';
import { cliOperatorName, resolveDataDir, write } from '../options';

const usage = `Usage: creditdesk backup --out FILE [--data-dir DIR] [--force]

Copies the database with SQLite's online backup API into FILE. Safe while CreditDesk runs:
the copy is one consistent snapshot even while the app keeps writing. The copy is then checked
(integrity, schema version, audit chain) and the backup is recorded in the audit log.

Options:
  --out FILE       where to write the backup (required)
  --force          overwrite FILE if it exists
  --data-dir DIR   data folder (default: the OS's per-user app data folder)
  --help           show this help

Restore it with "creditdesk restore --from FILE" while CreditDesk is stopped.`;

/** What a database file is, as far as backup and restore care. */
export interface DatabaseFileReport {
  integrity: string;
  /** Applied migrations the file has. */
  migrations: number;
  /** Applied migrations this build does not know (the file comes from a newer CreditDesk). */
  unknownMigrations: number;
  isCreditDesk: boolean;
  audit: ReturnType<typeof verifyAuditChain> | null;
}

/** Opens a database file read-only and says whether it is a healthy CreditDesk database. */
export function inspectDatabaseFile(file: string, auditKey: AuditKey | null): DatabaseFileReport {
  const client = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (client.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
    const tables = new Set(
      (client.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name),
    );
    const isCreditDesk = tables.has('__drizzle_migrations') && tables.has('audit_log') && tables.has('operators');
    if (!isCreditDesk) return { integrity, migrations: 0, unknownMigrations: 0, isCreditDesk, audit: null };
    const known = new Set(readJournal(findMigrationsFolder()).map((entry) => entry.when));
    const applied = (client.prepare('SELECT created_at AS createdAt FROM __drizzle_migrations').all() as Array<{ createdAt: number }>).map((row) =>
      Number(row.createdAt),
    );
    const unknownMigrations = applied.filter((createdAt) => !known.has(createdAt)).length;
    client.close();
    const db = openDatabase({ file, migrationsFolder: findMigrationsFolder(), readonly: true });
    try {
      return { integrity, migrations: applied.length, unknownMigrations, isCreditDesk, audit: verifyAuditChain(db, { key: auditKey }) };
    } finally {
      db.$client.close();
    }
  } finally {
    if (client.open) client.close();
  }
}

/** Progress lines only for a person at a terminal, never into a piped log. */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Write a consistent copy of the database while CreditDesk runs (SQLite online backup)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { out: { type: 'string' }, force: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument “${positionals[0]}”.`);
    if (!values.out) throw new UsageError('Say where to write the backup: --out FILE.');
    const out = path.resolve(values.out);
    const paths = dataPaths(resolveDataDir(values['data-dir'], io.env));
    if (path.resolve(paths.database) === out) throw new UsageError('--out must not be the live database itself.');
    if (!existsSync(path.dirname(out))) throw new UsageError(`The folder ${path.dirname(out)} does not exist.`);
    if (existsSync(out) && !values.force) throw new UsageError(`${out} exists; add --force to overwrite it.`);
    if (!existsSync(paths.database)) {
      write(io.stderr, `No CreditDesk database at ${paths.database}.`);
      return 1;
    }

    const db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder() });
    const partial = `${out}.part`;
    try {
      rmSync(partial, { force: true });
      // A backup holds every borrower: the copy starts 0600 (SQLite would make it 0644).
      createPrivateFile(partial);
      let previousRemaining = Number.POSITIVE_INFINITY;
      let restarts = 0;
      const result = await db.$client.backup(partial, {
        progress({ totalPages, remainingPages }) {
          // Another connection wrote and SQLite restarted the copy: finish in one step instead,
          // which holds one read snapshot (WAL lets the writer go on) and cannot be restarted.
          if (remainingPages > previousRemaining) restarts++;
          previousRemaining = remainingPages;
          if (io.shutdownSignal.aborted) throw new Error('Backup cancelled.');
          if (isTerminal(io.stderr)) io.stderr.write(`\rcopying ${Math.round(((totalPages - remainingPages) / Math.max(1, totalPages)) * 100)}%`);
          return restarts > 0 ? 0x7fffffff : 2048;
        },
      });
      if (isTerminal(io.stderr)) io.stderr.write('\n');
      const auditKey = auditKeyForWriting(paths.keys);
      const report = inspectDatabaseFile(partial, auditKey);
      if (report.integrity !== 'ok' || !report.isCreditDesk) {
        rmSync(partial, { force: true });
        write(io.stderr, `The copy failed its check (integrity: ${report.integrity}); nothing was written to ${out}.`);
        return 1;
      }
      renameSync(partial, out);
      const bytes = statSync(out).size;
      // The copy's audit head goes into the live log and onto stdout: outside the copy, so a
      // shortened or rewritten copy shows against it (audit verify --expect-head).
      const copyHead = report.audit?.head ? formatAuditHead(report.audit.head) : null;
      const entry = appendAudit(db, auditKey, {
        at: Date.now(),
        operatorId: null,
        operatorName: cliOperatorName(),
        action: 'system.backup-created',
        details: { via: 'cli', osUser: os.userInfo().username, file: path.basename(out), bytes, pages: result.totalPages, auditHead: copyHead },
      });
      const audit = report.audit;
      write(
        io.stdout,
        `Backup written to ${out} (${megabytes(bytes)}, ${result.totalPages} pages, schema ${report.migrations} migrations); ` +
          (audit?.ok ? `audit chain intact (${audit.checked} entries).` : `WARNING: the audit chain does not verify (${audit?.broken?.reason ?? '?'} at entry #${audit?.broken?.id ?? '?'}).`),
      );
      write(io.stdout, `Audit head of the backup: ${copyHead ?? '(none)'}; of the live log after recording it: ${formatAuditHead(entry)}.`);
      return 0;
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    } finally {
      db.$client.close();
    }
  },
};

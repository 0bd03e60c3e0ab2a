import { existsSync, renameSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { verifyAuditChain } from '../../audit/verify';
import { auditKeyFileName, auditKeyForWriting } from '../../audit/key';
import { appliedMigrationTimes, DatabaseTooNewError, findMigrationsFolder, openDatabase, readJournal, tableNames } from '../../db/connection';
import { createPrivateFile } from '../../files/modes';
import { minimumPassphraseLength, sealKeyFiles, storeSealedKeyFiles, type SealedKeyFile } from '../../files/key-backup';
import { institutionKeyFileName } from '../../institution-api/secrets';
import { appendAudit, formatAuditHead, type AuditKey } from '../../repositories/audit';
import { dataPaths } from '../../runtime/paths';
import { isOutOfSpace } from '../backend';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { readSecret } from '../prompt';
import { listOfNames, readDataFolderKeys } from './backup-keys';
import { readDemoState, storeDemoState } from './backup-demo';
import { removeDatabaseFile, unknownMigrations, withoutStrayFiles } from './database-file';
import { cliOperatorName, resolveDataDir, write } from '../options';

const usage = `Usage: creditdesk backup --out FILE [--data-dir DIR] [--force] [--without-key] [--json]

Copies the database with SQLite's online backup API into FILE. Safe while CreditDesk runs:
the copy is one consistent snapshot even while the app keeps writing. The copy is then checked
(integrity, schema version, audit chain) and the backup is recorded in the audit log.

Two keys live beside the database, not in it: keys/institution-secrets.key seals the
institution secrets, keys/audit-chain.key keys the audit chain. The backup carries both sealed
with a passphrase you give ($CREDITDESK_BACKUP_PASSPHRASE, a hidden prompt, or the first line of
stdin; scrypt and AES-256-GCM), so "creditdesk restore" on another machine can sync again and
"creditdesk audit verify" passes there. With --without-key it carries neither: on another machine
the institutions' secrets must be re-entered and the audit chain cannot be verified unless you
keep a copy of keys/ yourself. Secrets the desktop sealed with the OS keychain never leave this
machine.

The demo institutions' state (demo-institutions/, once the demo ran) goes into the backup too, so
a restored folder resumes the institutions its database was synced from. The running demo holds
that state: a backup made while it runs (the desktop, "serve --demo") says it could not carry
it, and a folder restored from it generates its demo institutions anew. Stop CreditDesk first to
carry it.

Options:
  --out FILE       where to write the backup (required)
  --force          overwrite FILE if it exists
  --without-key    leave the key files out (say so loudly)
  --json           print the result as one JSON object
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
  return withoutStrayFiles(file, () => inspectOpen(file, auditKey));
}

function inspectOpen(file: string, auditKey: AuditKey | null): DatabaseFileReport {
  const client = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (client.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
    const tables = tableNames(client);
    const isCreditDesk = tables.has('__drizzle_migrations') && tables.has('audit_log') && tables.has('operators');
    if (!isCreditDesk) return { integrity, migrations: 0, unknownMigrations: 0, isCreditDesk, audit: null };
    const known = new Set(readJournal(findMigrationsFolder()).map((entry) => entry.when));
    const applied = appliedMigrationTimes(client);
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

/**
 * Makes the copy a standalone file (rollback journal: nothing beside it when it is opened) and
 * puts the sealed key files and the demo institutions' state in it. Returns how many institution secrets it holds per scheme.
 */
function finishBackupFile(file: string, sealed: readonly SealedKeyFile[], demoState: Buffer | null): { keyFile: number; keychain: number } {
  const client = new Database(file);
  try {
    client.pragma('journal_mode = DELETE');
    if (sealed.length > 0) storeSealedKeyFiles(client, sealed);
    if (demoState !== null) storeDemoState(client, demoState);
    return secretCounts(client);
  } finally {
    client.close();
  }
}

/** Institution secrets per scheme: key-file ones need keys/institution-secrets.key, keychain ones this machine. */
export function secretCounts(client: Database.Database): { keyFile: number; keychain: number } {
  const row = client
    .prepare("SELECT coalesce(sum(secret_scheme = 'key-file'), 0) AS keyFile, coalesce(sum(secret_scheme = 'safe-storage'), 0) AS keychain FROM institutions")
    .get() as { keyFile: number; keychain: number };
  return row;
}

/**
 * The backup passphrase: $CREDITDESK_BACKUP_PASSPHRASE, a hidden prompt, or the first line of
 * stdin. Sealing wants at least minimumPassphraseLength characters.
 */
export async function backupPassphrase(io: CliIo, purpose: 'seal' | 'open'): Promise<string> {
  const passphrase = io.env.CREDITDESK_BACKUP_PASSPHRASE ?? (await readSecret(purpose === 'seal' ? 'Passphrase to seal the key files in the backup: ' : 'Backup passphrase: '));
  if (purpose === 'seal' && passphrase.length < minimumPassphraseLength) {
    throw new UsageError(
      `The backup carries the key files (institution secrets, audit chain) sealed with a passphrase of at least ${minimumPassphraseLength} characters ($CREDITDESK_BACKUP_PASSPHRASE or the prompt); --without-key leaves them out.`,
    );
  }
  if (passphrase === '') throw new UsageError('This backup carries key files: give its passphrase ($CREDITDESK_BACKUP_PASSPHRASE or the prompt), or --without-key.');
  return passphrase;
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
  opensDataFolder: true,
  summary: 'Write a consistent copy of the database while CreditDesk runs, with its key files (institution secrets, audit chain) sealed by your passphrase',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        'without-key': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument “${positionals[0]}”.`);
    if (!values.out) throw new UsageError('Say where to write the backup: --out FILE.');
    const out = path.resolve(values.out);
    const paths = dataPaths(resolveDataDir(values['data-dir'], io.env));
    if (path.resolve(paths.database) === out) throw new UsageError('--out must not be the live database itself.');
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out names the folder ${out}; give a file name in it.`);
    if (!existsSync(path.dirname(out))) throw new UsageError(`The folder ${path.dirname(out)} does not exist.`);
    if (existsSync(out) && !values.force) throw new UsageError(`${out} exists; add --force to overwrite it.`);
    if (!existsSync(paths.database)) {
      write(io.stderr, `No CreditDesk database at ${paths.database}.`);
      return 1;
    }
    // A newer CreditDesk's database is refused before anything is written into it (the audit entry).
    const probe = new Database(paths.database, { readonly: true, fileMustExist: true });
    let newer: number;
    try {
      newer = unknownMigrations(probe);
    } finally {
      probe.close();
    }
    if (newer > 0) throw new DatabaseTooNewError(`${paths.database} was created by a newer version of CreditDesk (${newer} unknown migration(s)); back it up with that version. Nothing was written.`);
    // The key the backup's entry is written with, made now if this folder never had one, so the
    // backup carries the key its own chain continues with.
    const auditKey = auditKeyForWriting(paths.keys);
    // The passphrase is asked for before the copy, so a missing one changes nothing more.
    const keys = values['without-key'] ? [] : readDataFolderKeys(paths.keys);
    const sealed = keys.length > 0 ? sealKeyFiles(keys, await backupPassphrase(io, 'seal')) : [];
    const sealedNames = sealed.map((file) => file.name);
    const demo = readDemoState(paths.demoInstitutions);

    const db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder() });
    const partial = `${out}.part`;
    try {
      removeDatabaseFile(partial);
      // A backup holds every borrower: the copy starts 0600 (SQLite would make it 0644).
      createPrivateFile(partial);
      let previousRemaining = Number.POSITIVE_INFINITY;
      let restarts = 0;
      const copying = db.$client.backup(partial, {
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
      let result: Awaited<typeof copying>;
      let secrets: ReturnType<typeof finishBackupFile>;
      try {
        result = await copying;
        secrets = finishBackupFile(partial, sealed, demo.image);
      } catch (error) {
        if (!isOutOfSpace(error)) throw error;
        removeDatabaseFile(partial);
        // SQLite's "database or disk is full" names neither: it is the backup's disk, not the data folder's.
        write(io.stderr, `No space left for the backup ${out} (${error instanceof Error ? error.message : String(error)}); nothing was written there.`);
        return 1;
      }
      if (isTerminal(io.stderr)) io.stderr.write('\n');
      const report = inspectDatabaseFile(partial, auditKey);
      if (report.integrity !== 'ok' || !report.isCreditDesk) {
        removeDatabaseFile(partial);
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
        details: { via: 'cli', osUser: os.userInfo().username, file: path.basename(out), bytes, pages: result.totalPages, auditHead: copyHead, key: sealed.length > 0 ? 'sealed' : 'none', keys: sealedNames, demoInstitutions: demo.carry },
      });
      const audit = report.audit;
      const liveHead = formatAuditHead(entry);
      const sealedNote = sealed.length > 0 ? `The key files ${listOfNames(sealedNames)} are in it, sealed with your passphrase: keep the passphrase, restore asks for it.` : null;
      const institutionKeyNote =
        !sealedNames.includes(institutionKeyFileName) && secrets.keyFile > 0
          ? `WARNING: the backup does NOT contain ${path.join(paths.keys, institutionKeyFileName)}${values['without-key'] ? '' : ' (this data folder has none)'}: ` +
            `on another machine its ${secrets.keyFile} institution secret(s) cannot be used without a copy of that file; keep one, or re-enter the secrets after restoring.`
          : null;
      // An unkeyed copy (a log from before the key) verifies without it.
      const auditKeyNote =
        !sealedNames.includes(auditKeyFileName) && (report.audit?.keyedFrom ?? null) !== null
          ? `WARNING: the backup does NOT contain ${path.join(paths.keys, auditKeyFileName)}: on another machine its audit chain cannot be verified (and restore refuses it without --force) unless you keep a copy of that file.`
          : null;
      const demoNote =
        demo.carry === 'carried'
          ? `The demo institutions' state (${paths.demoInstitutions}) is in it: a folder restored from it resumes the same demo institutions.`
          : demo.carry === 'in use'
            ? `The demo institutions' state in ${paths.demoInstitutions} is in use by the running demo and is NOT in the backup: a folder restored from it generates its demo institutions anew. Stop CreditDesk and back up again to carry it.`
            : null;
      const keychainNote =
        secrets.keychain > 0 ? `${secrets.keychain} institution secret(s) are sealed by this machine's OS keychain (desktop) and must be re-entered after restoring elsewhere.` : null;
      if (values.json) {
        write(
          io.stdout,
          JSON.stringify({ file: out, bytes, pages: result.totalPages, migrations: report.migrations, audit, auditHead: copyHead, liveAuditHead: liveHead, key: sealed.length > 0 ? 'sealed' : 'none', keys: sealedNames, secrets, demoInstitutions: demo.carry }),
        );
      } else {
        write(
          io.stdout,
          `Backup written to ${out} (${megabytes(bytes)}, ${result.totalPages} pages, schema ${report.migrations} migrations); ` +
            (audit?.ok ? `audit chain intact (${audit.checked} entries).` : `WARNING: the audit chain does not verify (${audit?.broken?.reason ?? '?'} at entry #${audit?.broken?.id ?? '?'}).`),
        );
        write(io.stdout, `Audit head of the backup: ${copyHead ?? '(none)'}; of the live log after recording it: ${liveHead}.`);
        if (sealedNote) write(io.stdout, sealedNote);
        for (const warning of [institutionKeyNote, auditKeyNote]) if (warning) write(io.stderr, warning);
        if (keychainNote) write(io.stderr, keychainNote);
        if (demoNote) write(demo.carry === 'carried' ? io.stdout : io.stderr, demoNote);
      }
      return 0;
    } catch (error) {
      removeDatabaseFile(partial);
      throw error;
    } finally {
      db.$client.close();
    }
  },
};

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../../test/support/backend';
import { tempFolders } from '../../../../test/support/temp-folders';
import { runCliCaptured, seedDataDir } from '../../../../test/support/cli';
import { readPdfPages, readWorkbook } from '../../../../test/support/export-readers';

const folders = tempFolders();
const folder = folders.folder;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  folders.removeAll();
});

// Backups carry the data folder's key files sealed with a passphrase; restores open them with it.
const cli = (args: string[], env: Record<string, string> = {}) => runCliCaptured(args, { CREDITDESK_BACKUP_PASSPHRASE: 'maintenance passphrase', ...env });

/** A data folder with a few audit entries (first admin, sign-ins), closed again. */
const seededDataDir = () => seedDataDir(folder(), 2);

function withoutAuditTriggers(database: string, work: (client: Database.Database) => void): void {
  const client = new Database(database);
  // What an attacker with file access would do: drop the append-only guard and rewrite history.
  client.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  work(client);
  client.close();
}

describe('creditdesk audit verify', () => {
  it('confirms an intact chain', async () => {
    const dir = await seededDataDir();
    const result = await cli(['audit', 'verify', '--data-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Audit chain intact: [3-9] entries; head \d+:[0-9a-f]{64}\./);
  });

  it('prints the head, and fails against it once the log was shortened', async () => {
    const dir = await seededDataDir();
    const head = await cli(['audit', 'head', '--data-dir', dir]);
    expect(head.code).toBe(0);
    expect(head.out.trim()).toMatch(/^\d+:[0-9a-f]{64}$/);
    const expected = head.out.trim();
    expect((await cli(['audit', 'verify', '--expect-head', expected, '--data-dir', dir])).code).toBe(0);
    const id = Number(expected.split(':')[0]);
    withoutAuditTriggers(path.join(dir, 'creditdesk.db'), (client) => {
      client.prepare('DELETE FROM audit_log WHERE id = ?').run(id);
      client.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'").run(id - 1);
    });
    const shortened = await cli(['audit', 'verify', '--expect-head', expected, '--data-dir', dir]);
    expect(shortened.code).toBe(1);
    expect(shortened.err).toContain(`Audit chain BROKEN at entry #${id}: the expected head is gone or changed`);
    expect((await cli(['audit', 'verify', '--expect-head', 'nonsense', '--data-dir', dir])).code).toBe(2);
  });

  it('fails on an emptied log', async () => {
    const dir = await seededDataDir();
    withoutAuditTriggers(path.join(dir, 'creditdesk.db'), (client) => client.exec('DELETE FROM audit_log'));
    const result = await cli(['audit', 'verify', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('the log has no entries at all');
  });

  it('names the entry that was edited behind SQLite’s back', async () => {
    const dir = await seededDataDir();
    withoutAuditTriggers(path.join(dir, 'creditdesk.db'), (client) => {
      client.prepare("UPDATE audit_log SET operator_name = 'mallory' WHERE id = 2").run();
    });
    const result = await cli(['audit', 'verify', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('Audit chain BROKEN at entry #2: its content does not match its hash');
    const json = await cli(['audit', 'verify', '--json', '--data-dir', dir]);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, checked: 2, broken: { id: 2, reason: 'hash-mismatch' } });
  });

  it('names the entry after one that was removed', async () => {
    const dir = await seededDataDir();
    withoutAuditTriggers(path.join(dir, 'creditdesk.db'), (client) => {
      client.prepare('DELETE FROM audit_log WHERE id = 2').run();
    });
    const result = await cli(['audit', 'verify', '--json', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ ok: false, broken: { id: 3, reason: 'sequence-gap' } });
  });

  it('rejects a bad action or a missing database clearly', async () => {
    expect(await cli(['audit', 'check'])).toMatchObject({ code: 2 });
    const missing = await cli(['audit', 'verify', '--data-dir', folder()]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('No CreditDesk database');
  });
});

describe('creditdesk backup and restore', () => {
  it('backs up a consistent snapshot while another process is writing', async () => {
    const dir = await seededDataDir();
    const database = path.join(dir, 'creditdesk.db');
    const client = new Database(database);
    // Enough pages that the copy takes several steps, so the writer lands between them.
    client.exec('CREATE TABLE busy_pairs (n INTEGER NOT NULL, payload BLOB NOT NULL)');
    const fill = client.prepare('INSERT INTO busy_pairs (n, payload) VALUES (?, ?)');
    client.transaction(() => {
      for (let index = 1; index <= 6000; index++) {
        fill.run(index, Buffer.alloc(4096, 1));
        fill.run(-index, Buffer.alloc(4096, 1));
      }
    })();
    client.close();

    const writer = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../../../test/support/busy-writer.ts', import.meta.url)), database], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(writer);
    await new Promise<void>((resolve, reject) => {
      writer.stdout?.on('data', (chunk) => {
        if (String(chunk).includes('ready')) resolve();
      });
      writer.on('exit', (code) => reject(new Error(`the writer exited early (${code})`)));
    });

    const out = path.join(folder(), 'backup.db');
    const result = await cli(['backup', '--out', out, '--data-dir', dir]);
    writer.kill('SIGTERM');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Backup written to ${out}`);
    expect(result.out).toContain('audit chain intact');

    const copy = new Database(out, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const pairs = copy.prepare('SELECT count(*) AS rows, sum(n) AS total FROM busy_pairs').get() as { rows: number; total: number };
    expect(pairs.rows % 2).toBe(0);
    expect(pairs.total).toBe(0);
    expect(pairs.rows).toBeGreaterThan(12_000);
    copy.close();
    expect((await cli(['audit', 'verify', '--data-dir', dir])).code).toBe(0);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it('refuses to overwrite without --force and explains missing arguments', async () => {
    const dir = await seededDataDir();
    const out = path.join(folder(), 'exists.db');
    writeFileSync(out, 'x');
    const exists = await cli(['backup', '--out', out, '--data-dir', dir]);
    expect(exists.code).toBe(2);
    expect(exists.err).toContain('add --force');
    expect((await cli(['backup', '--data-dir', dir])).code).toBe(2);
    expect((await cli(['restore', '--data-dir', dir])).code).toBe(2);
  });

  it('restores a backup, keeps the previous database, and records the restore', async () => {
    const dir = await seededDataDir();
    const backupFile = path.join(folder(), 'before.db');
    expect((await cli(['backup', '--out', backupFile, '--data-dir', dir])).code).toBe(0);
    // Work after the backup: one more account, which the restore must take away again.
    const added = new Database(path.join(dir, 'creditdesk.db'));
    added.prepare("INSERT INTO operators (username, display_name, role, password_hash, created_at, updated_at) VALUES ('late', 'Late', 'reviewer', 'x', 1, 1)").run();
    added.close();

    const result = await cli(['restore', '--from', backupFile, '--data-dir', dir]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const kept = readdirSync(dir).find((name) => name.startsWith('creditdesk.db.before-restore-'));
    expect(kept).toBeDefined();
    expect(result.out).toContain(`The previous database is kept as ${path.join(dir, kept as string)}`);

    const restored = new Database(path.join(dir, 'creditdesk.db'), { readonly: true });
    expect(restored.prepare("SELECT count(*) AS n FROM operators WHERE username = 'late'").get()).toEqual({ n: 0 });
    expect(restored.prepare("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").get()).toEqual({ action: 'system.restored' });
    restored.close();
    const previous = new Database(path.join(dir, kept as string), { readonly: true });
    expect(previous.prepare("SELECT count(*) AS n FROM operators WHERE username = 'late'").get()).toEqual({ n: 1 });
    previous.close();
    expect((await cli(['audit', 'verify', '--data-dir', dir])).code).toBe(0);
  });

  it('refuses while CreditDesk runs, and refuses files that are not a known CreditDesk database', async () => {
    const dir = await seededDataDir();
    const backupFile = path.join(folder(), 'good.db');
    expect((await cli(['backup', '--out', backupFile, '--data-dir', dir])).code).toBe(0);

    const backend = await createTestBackend({ dataDir: dir });
    try {
      // The app here runs in this very process; mark it as another one, as a desktop would be.
      const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
      children.push(sleeper);
      writeFileSync(path.join(dir, 'run', `${sleeper.pid}.json`), JSON.stringify({ pid: sleeper.pid, shell: 'desktop', startedAt: Date.now() }));
      const running = await cli(['restore', '--from', backupFile, '--data-dir', dir]);
      expect(running.code).toBe(1);
      expect(running.err).toContain(`CreditDesk is running on this data folder (pid ${sleeper.pid} (desktop))`);
      const gone = new Promise((resolve) => sleeper.once('exit', resolve));
      sleeper.kill('SIGKILL');
      await gone;
    } finally {
      await backend.cleanup();
    }

    const notSqlite = path.join(folder(), 'notes.txt');
    writeFileSync(notSqlite, 'hello');
    expect(await cli(['restore', '--from', notSqlite, '--data-dir', dir])).toMatchObject({ code: 1 });

    const foreign = path.join(folder(), 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE t (x)');
    other.close();
    const notOurs = await cli(['restore', '--from', foreign, '--data-dir', dir]);
    expect(notOurs.code).toBe(1);
    expect(notOurs.err).toContain('is not a CreditDesk database');

    const newer = path.join(folder(), 'newer.db');
    copyFileSync(backupFile, newer);
    const future = new Database(newer);
    future.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future', 99999999999999)").run();
    future.close();
    const tooNew = await cli(['restore', '--from', newer, '--data-dir', dir]);
    expect(tooNew.code).toBe(1);
    expect(tooNew.err).toContain('newer CreditDesk');
    expect(readdirSync(dir).some((name) => name.includes('before-restore'))).toBe(false);
  });
});

describe('creditdesk export', () => {
  it('writes the audit log as XLSX and PDF that open with the expected content', async () => {
    const dir = await seededDataDir();
    const out = path.join(folder(), 'audit.xlsx');
    const result = await cli(['export', 'audit', '--format', 'xlsx', '--out', out, '--action', 'auth.', '--locale', 'en', '--data-dir', dir]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Wrote 2 rows to .*audit\.xlsx \(xlsx, personal data masked\)\./);
    const sheet = (await readWorkbook(out)).worksheets[0];
    expect(sheet?.getRow(1).values).toEqual([undefined, 'ID', 'Time', 'Operator', 'Action', 'Target type', 'Target', 'Details', 'Hash']);
    expect(sheet?.getCell('D2').value).toBe('auth.sign-in');
    expect(sheet?.getCell('B2').type).toBe(4);

    const pdf = path.join(folder(), 'audit.pdf');
    expect((await cli(['export', 'audit', '--format', 'pdf', '--out', pdf, '--data-dir', dir])).code).toBe(0);
    const text = (await readPdfPages(pdf)).join('\n');
    expect(text).toContain('审计日志');
    expect(text).toContain('system.first-admin-created');

    const recorded = new Database(path.join(dir, 'creditdesk.db'), { readonly: true });
    const entry = recorded.prepare("SELECT operator_name AS operator, details FROM audit_log WHERE action = 'exports.finished' ORDER BY id LIMIT 1").get() as {
      operator: string | null;
      details: string;
    };
    recorded.close();
    // CLI actions are the OS user's, as `cli:<os user>`, not "(system)".
    const operator = `cli:${os.userInfo().username}`;
    expect(entry.operator).toBe(operator);
    expect(JSON.parse(entry.details)).toMatchObject({ kind: 'audit', format: 'xlsx', via: 'cli', rowCount: 2, filters: { action: 'auth.' } });
    const byOperator = path.join(folder(), 'by-operator.csv');
    const filtered = await cli(['export', 'audit', '--format', 'csv', '--out', byOperator, '--operator', operator, '--data-dir', dir]);
    expect(filtered.out).toMatch(/^Wrote [1-9]\d* rows/);
  });

  it('attributes the CLI’s other actions to cli:<os user> too (users, backup)', async () => {
    const dir = await seededDataDir();
    expect((await cli(['users', 'add', 'rita', '--role', 'reviewer', '--data-dir', dir], { CREDITDESK_PASSWORD: 'Vq7-mountain-lantern-42' })).code).toBe(0);
    const backupFile = path.join(folder(), 'b.db');
    const backup = await cli(['backup', '--out', backupFile, '--data-dir', dir]);
    expect(backup.code).toBe(0);
    // The copy's head goes onto the output and into the live log's entry: outside the copy.
    const copyHead = /Audit head of the backup: (\d+:[0-9a-f]{64}); of the live log after recording it: \d+:[0-9a-f]{64}\./.exec(backup.out)?.[1];
    expect(copyHead).toBeDefined();
    const recorded = new Database(path.join(dir, 'creditdesk.db'), { readonly: true });
    const operators = recorded
      .prepare("SELECT action, operator_name AS operator FROM audit_log WHERE action IN ('users.created', 'system.backup-created') ORDER BY id DESC LIMIT 2")
      .all()
      .reverse();
    recorded.close();
    const operator = `cli:${os.userInfo().username}`;
    expect(operators).toEqual([
      { action: 'users.created', operator },
      { action: 'system.backup-created', operator },
    ]);
    const again = new Database(path.join(dir, 'creditdesk.db'), { readonly: true });
    const details = again.prepare("SELECT details FROM audit_log WHERE action = 'system.backup-created'").get() as { details: string };
    again.close();
    expect(JSON.parse(details.details)).toMatchObject({ auditHead: copyHead });
  });

  it('rejects bad arguments with exit code 2 and a clear message', async () => {
    const dir = await seededDataDir();
    const out = path.join(folder(), 'x.csv');
    const unknown = await cli(['export', 'payroll', '--format', 'csv', '--out', out, '--data-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown report “payroll”');
    expect((await cli(['export', 'audit', '--format', 'docx', '--out', out, '--data-dir', dir])).err).toContain('--format must be csv, xlsx or pdf.');
    const badDate = await cli(['export', 'audit', '--format', 'csv', '--out', out, '--from', '2026-02-30', '--data-dir', dir]);
    expect(badDate.code).toBe(2);
    expect(badDate.err).toContain('--from: Use a calendar date YYYY-MM-DD');
    expect((await cli(['export', 'audit', '--format', 'csv', '--data-dir', dir])).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('exports a report for a date range and checks its arguments', async () => {
    const dir = await seededDataDir();
    const out = path.join(folder(), 'ops.xlsx');
    const result = await cli(['export', 'review-operations', '--from', '2026-11-01', '--to', '2026-11-25', '--format', 'xlsx', '--out', out, '--data-dir', dir]);
    expect(result.err).toBe('');
    expect(result.out).toContain('Wrote 0 rows');
    const workbook = await readWorkbook(out);
    expect(workbook.worksheets[0]?.name).toBe('决定明细');
    expect(workbook.worksheets.at(-1)?.getCell('B2').value).toBe('2026-11-01 – 2026-11-25');
    const noDates = await cli(['export', 'portfolio', '--format', 'csv', '--out', path.join(folder(), 'p.csv'), '--data-dir', dir]);
    expect(noDates.code).toBe(2);
    expect(noDates.err).toContain('Reports need a date range');
    const unknownInstitution = await cli(['export', 'portfolio', '--from', '2026-11-01', '--to', '2026-11-02', '--institution', 'NOPE', '--format', 'csv', '--out', path.join(folder(), 'p.csv'), '--data-dir', dir]);
    expect(unknownInstitution.code).toBe(2);
    expect(unknownInstitution.err).toContain('No institution with the code “NOPE”');
  });

  it('prints usage for --help', async () => {
    const help = await cli(['export', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('creditdesk export REPORT --format csv|xlsx|pdf --out FILE');
    expect((await cli(['backup', '--help'])).out).toContain('online backup API');
    expect((await cli(['restore', '--help'])).out).toContain('--from FILE');
    expect((await cli(['audit', '--help'])).out).toContain('creditdesk audit verify');
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { runCliCaptured } from '../../../test/support/cli';
import { pdfDetailRowLimit } from '../exports/pdf';
import { readAppVersion, startBackend } from '../runtime/backend';
import type * as BackendModule from '../runtime/backend';

// The real back end, watched: which options each command starts it with.
vi.mock('../runtime/backend', async (importOriginal) => {
  const actual = await importOriginal<typeof BackendModule>();
  return { ...actual, startBackend: vi.fn(actual.startBackend) };
});

const folders = tempFolders();
const folder = folders.folder;
const cli = runCliCaptured;
const immutable: string[] = [];
afterEach(() => {
  for (const dir of immutable.splice(0)) execFileSync('chattr', ['-i', dir]);
  folders.removeAll();
});


/** A data folder with a database and one configured institution (the snapshot job has work). */
async function dataFolder(): Promise<string> {
  const dir = folder();
  const added = await cli(['institutions', 'add', 'QINGHE', '--name', 'Qinghe', '--base-url', 'http://127.0.0.1:9/inst/qinghe', '--app-id', 'app', '--data-dir', dir], {
    CREDITDESK_INSTITUTION_SECRET: 'qinghe-secret-1',
  });
  expect(added.code, added.err).toBe(0);
  return dir;
}

describe('creditdesk checks its arguments before it touches anything', () => {
  it('refuses a bad role without creating a database or an admin password', async () => {
    const dir = path.join(folder(), 'new');
    const result = await cli(['users', 'add', 'bob', '--role', 'god', '--data-dir', dir], { CREDITDESK_ADMIN_PASSWORD: '', CREDITDESK_PASSWORD: 'bob-password-123' });
    expect(result.code).toBe(2);
    expect(result.err).toBe('creditdesk users: --role must be one of reviewer, supervisor, support, admin.\nRun "creditdesk users --help" for usage.\n');
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses to read a folder without a database, and creates nothing there', async () => {
    const missing = path.join(folder(), 'mistyped');
    for (const args of [
      ['users', 'list'],
      ['institutions', 'list'],
      ['sync'],
      ['export', 'audit', '--format', 'csv', '--out', path.join(folder(), 'audit.csv')],
    ]) {
      const result = await cli([...args, '--data-dir', missing]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err).toContain(`No CreditDesk database at ${path.join(missing, 'creditdesk.db')}`);
      expect(result.out).toBe('');
      expect(existsSync(missing)).toBe(false);
    }
  });

  it('exports without starting the app’s background jobs', async () => {
    const dir = await dataFolder();
    const out = path.join(folder(), 'audit.csv');
    vi.mocked(startBackend).mockClear();
    expect((await cli(['export', 'audit', '--format', 'csv', '--out', out, '--data-dir', dir])).code).toBe(0);
    expect(vi.mocked(startBackend).mock.calls.map(([options]) => options.backgroundJobs)).toEqual([false]);
    const db = new Database(path.join(dir, 'creditdesk.db'), { readonly: true });
    const snapshots = db.prepare('SELECT (SELECT count(*) FROM portfolio_daily_buckets) + (SELECT count(*) FROM portfolio_daily_lines) + (SELECT count(*) FROM portfolio_month_end_runs) AS n').get();
    db.close();
    expect(snapshots).toEqual({ n: 0 });
  });

  it('prints its version, and one line pointing to --help for a usage error', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: `creditdesk ${readAppVersion()}\n` });
    expect(readAppVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const unknown = await cli(['export', 'audit', '--format', 'docx', '--out', 'x.csv']);
    expect(unknown).toMatchObject({ code: 2, err: 'creditdesk export: --format must be csv, xlsx or pdf.\nRun "creditdesk export --help" for usage.\n' });
    const command = await cli(['frobnicate']);
    expect(command.err.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for an impossible date in a report and for --out naming a folder, before exporting', async () => {
    const dir = await dataFolder();
    const before = readdirSync(dir).sort();
    for (const report of ['portfolio', 'review-operations', 'audit']) {
      const badDate = await cli(['export', report, '--from', '2026-02-30', '--to', '2026-03-02', '--format', 'csv', '--out', path.join(folder(), 'r.csv'), '--data-dir', dir]);
      expect(badDate.code, report).toBe(2);
      expect(badDate.err).toContain('--from: Use a calendar date YYYY-MM-DD');
    }
    const target = folder();
    const toFolder = await cli(['export', 'audit', '--format', 'csv', '--out', target, '--force', '--data-dir', dir]);
    expect(toFolder.code).toBe(2);
    expect(toFolder.err).toContain(`--out names the folder ${target}`);
    expect(readdirSync(dir).sort()).toEqual(before);
    const db = new Database(path.join(dir, 'creditdesk.db'), { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'exports.%'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('says how many rows a truncated PDF left out, and prints JSON with --json', async () => {
    const dir = folder();
    const backend = await createTestBackend({ dataDir: dir });
    const insert = backend.db.$client.prepare("INSERT INTO audit_log (at, action, details, prev_hash, hash) VALUES (?, 'users.updated', '{}', ?, ?)");
    backend.db.$client.exec('DROP TRIGGER IF EXISTS audit_log_no_update');
    backend.db.$client.transaction(() => {
      for (let index = 0; index < pdfDetailRowLimit + 25; index++) insert.run(Date.UTC(2026, 0, 1) + index, `p${index}`, `h${index}`);
    })();
    const total = (backend.db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    await backend.cleanup();
    const pdf = path.join(folder(), 'audit.pdf');
    const result = await cli(['export', 'audit', '--format', 'pdf', '--out', pdf, '--data-dir', dir]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(`The PDF prints the first 2,000 of ${total.toLocaleString('en-US')} rows: ${(total - 2000).toLocaleString('en-US')} rows left out.`);
    const csv = path.join(folder(), 'audit.csv');
    const json = await cli(['export', 'audit', '--format', 'csv', '--out', csv, '--json', '--data-dir', dir]);
    const summary = JSON.parse(json.out) as { rowCount: number; totalRows: number };
    expect(summary).toMatchObject({ status: 'completed', format: 'csv', leftOut: 0, file: csv });
    expect(summary.rowCount).toBe(summary.totalRows);
    expect(summary.rowCount).toBeGreaterThan(total);
  });

  it('names the database and what to do when SQLite cannot read it, for every command that opens it', async () => {
    const dir = await dataFolder();
    const database = path.join(dir, 'creditdesk.db');
    const good = readFileSync(database);
    const damages: Array<[string, Buffer]> = [
      ['not a database', Buffer.alloc(64 * 1024, 'not a database ')],
      ['cut short', good.subarray(0, Math.floor(good.length / 3))],
    ];
    for (const [damage, bytes] of damages) {
      for (const args of [['users', 'list'], ['institutions', 'list'], ['sync'], ['export', 'audit', '--format', 'csv', '--out', path.join(folder(), 'a.csv')], ['audit', 'verify'], ['audit', 'head'], ['backup', '--out', path.join(folder(), 'b.db')]]) {
        writeFileSync(database, bytes);
        for (const sidecar of ['-wal', '-shm']) rmSync(`${database}${sidecar}`, { force: true });
        const result = await cli([...args, '--data-dir', dir], { CREDITDESK_BACKUP_PASSPHRASE: 'correct horse battery staple' });
        expect(result.code, `${damage}: ${args.join(' ')}`).toBe(1);
        const what = `${damage}: ${args.join(' ')}`;
        expect(result.err.startsWith(`The database ${database} cannot be read (`), `${what}: ${result.err}`).toBe(true);
        expect(result.err, what).toContain('): it is damaged. "creditdesk restore --from BACKUP" ');
        expect(result.err.trim().split('\n'), what).toHaveLength(1);
      }
    }
  });

  it('names the data folder when it cannot be written', async () => {
    const dir = await dataFolder();
    try {
      execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    } catch {
      mkdirSync(path.join(dir, 'x'));
      return expect.soft(true, 'chattr is not available here: the read-only case is not checked').toBe(true);
    }
    immutable.push(dir);
    // Reading too: SQLite makes the -shm of a WAL database beside it.
    for (const args of [['users', 'list'], ['audit', 'verify'], ['audit', 'head'], ['backup', '--out', path.join(folder(), 'b.db')]]) {
      const result = await cli([...args, '--data-dir', dir], { CREDITDESK_BACKUP_PASSPHRASE: 'correct horse battery staple' });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err, args.join(' ')).toContain(`The data folder ${dir}`);
    }
  });

  it('says in export --help that the CLI checks no permission and that --institution takes one value', async () => {
    const help = (await cli(['export', '--help'])).out;
    expect(help).toContain('The CLI checks no CreditDesk permission');
    expect(help).toContain('whoever can read the data folder can export');
    expect(help).toMatch(/--institution CODE\s+one institution, reports only \(one value/);
    const two = await cli(['export', 'portfolio', '--from', '2026-11-01', '--to', '2026-11-02', '--institution', 'A', '--institution', 'B', '--format', 'csv', '--out', 'p.csv']);
    expect(two.code).toBe(2);
  });
});

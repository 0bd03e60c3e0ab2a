import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { testAdminPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { runCli } from '../cli/index';
import { startBackend } from '../runtime/backend';

const folders = tempFolders();
afterEach(() => folders.removeAll());

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

async function cli(args: string[]): Promise<number> {
  const sink = new PassThrough().resume();
  return runCli(args, { stdout: sink, stderr: sink, env: { CREDITDESK_ADMIN_PASSWORD: testAdminPassword, CREDITDESK_BACKUP_PASSPHRASE: 'modes test passphrase' }, shutdownSignal: new AbortController().signal });
}

describe.skipIf(process.platform === 'win32')('files on disk are the owner’s alone', () => {
  it('creates the data folder 0700 and the database, its -wal/-shm, exports and backups 0600', async () => {
    const parent = folders.folder();
    const dir = path.join(parent, 'CreditDesk');
    const backend = await startBackend({ dataDir: dir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none', authDelay: async () => undefined });
    try {
      expect(modeOf(dir)).toBe(0o700);
      for (const name of ['creditdesk.db', 'creditdesk.db-wal', 'creditdesk.db-shm']) expect([name, modeOf(path.join(dir, name))]).toEqual([name, 0o600]);
      for (const name of ['logs', 'keys']) expect([name, modeOf(path.join(dir, name))]).toEqual([name, 0o700]);
    } finally {
      await backend.close();
    }
    const out = path.join(parent, 'audit.csv');
    expect(await cli(['export', 'audit', '--format', 'csv', '--out', out, '--data-dir', dir])).toBe(0);
    expect(modeOf(out)).toBe(0o600);
    const backup = path.join(parent, 'backup.db');
    expect(await cli(['backup', '--out', backup, '--data-dir', dir])).toBe(0);
    expect(modeOf(backup)).toBe(0o600);
  });

  it('tightens a data folder an older version left readable, and says so in the log', async () => {
    const dir = folders.folder();
    const first = await startBackend({ dataDir: dir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none', authDelay: async () => undefined });
    await first.close();
    // What the previous version left: 0755 folders, 0644 files.
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'creditdesk.db'), 0o644);
    mkdirSync(path.join(dir, 'exports'), { mode: 0o755 });
    writeFileSync(path.join(dir, 'exports', '1-borrowers.csv'), 'x', { mode: 0o644 });
    chmodSync(path.join(dir, 'exports', '1-borrowers.csv'), 0o644);

    const second = await startBackend({ dataDir: dir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none', authDelay: async () => undefined });
    await second.close();
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.join(dir, 'creditdesk.db'))).toBe(0o600);
    expect(modeOf(path.join(dir, 'exports'))).toBe(0o700);
    expect(modeOf(path.join(dir, 'exports', '1-borrowers.csv'))).toBe(0o600);
    const logs = path.join(dir, 'logs');
    const text = readdirSync(logs)
      .map((name) => readFileSync(path.join(logs, name), 'utf8'))
      .join('');
    expect(text).toContain('data folder permissions tightened');
    expect(text).toContain('exports/1-borrowers.csv');
  });
});

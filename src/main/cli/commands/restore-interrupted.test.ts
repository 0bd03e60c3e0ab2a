import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestBackend, testAdminPassword } from '../../../../test/support/backend';
import { tempFolders } from '../../../../test/support/temp-folders';
import { runCli } from '../index';

const passphrase = 'correct horse battery staple';
const folders = tempFolders();
const folder = folders.folder;
afterEach(() => folders.removeAll());

async function cli(args: string[], shutdownSignal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk) => (err += String(chunk)));
  const env = { CREDITDESK_ADMIN_PASSWORD: testAdminPassword, CREDITDESK_BACKUP_PASSPHRASE: passphrase };
  const code = await runCli(args, { stdout, stderr, env, shutdownSignal });
  return { code, err };
}

async function seededDataDir(fillerMb = 0): Promise<string> {
  const dir = folder();
  const backend = await createTestBackend({ dataDir: dir });
  if (fillerMb > 0) {
    // Enough pages that copying them takes a while: the restore is killed during the copy.
    backend.db.$client.exec('CREATE TABLE filler (b BLOB)');
    const insert = backend.db.$client.prepare('INSERT INTO filler VALUES (randomblob(100000))');
    backend.db.$client.transaction(() => {
      for (let index = 0; index < fillerMb * 10; index++) insert.run();
    })();
  }
  await backend.cleanup();
  return dir;
}

function operators(dataDir: string): string[] {
  const client = new Database(path.join(dataDir, 'creditdesk.db'), { readonly: true });
  try {
    return (client.prepare('SELECT username FROM operators ORDER BY username').all() as Array<{ username: string }>).map((row) => row.username);
  } finally {
    client.close();
  }
}

describe('creditdesk restore killed half way', () => {
  it('leaves the current database in place while it copies, and a second run finishes the restore', async () => {
    const source = await seededDataDir(30);
    const backupFile = path.join(folder(), 'big.db');
    const backup = await cli(['backup', '--out', backupFile, '--data-dir', source]);
    expect(backup.code, backup.err).toBe(0);
    const target = await seededDataDir();
    const marker = new Database(path.join(target, 'creditdesk.db'));
    marker.prepare("INSERT INTO operators (username, display_name, role, password_hash, created_at, updated_at) VALUES ('only-here', 'Only here', 'reviewer', 'x', 1, 1)").run();
    marker.close();
    const before = operators(target);

    const entry = fileURLToPath(new URL('../index.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'restore', '--from', backupFile, '--data-dir', target], {
      env: { ...process.env, CREDITDESK_BACKUP_PASSPHRASE: passphrase },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Killed (power cut, kill -9) while the backup is being copied into the data folder.
    const copying = path.join(target, 'creditdesk.db.restoring');
    let killed = false;
    for (let waited = 0; waited < 60_000 && child.exitCode === null; waited += 5) {
      if (existsSync(copying)) {
        child.kill('SIGKILL');
        killed = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await exited;
    expect(killed, 'the restore finished before it could be killed during its copy').toBe(true);

    // The folder still has its database, as it was: the app started now would find it.
    expect(existsSync(path.join(target, 'creditdesk.db')), 'creditdesk.db is gone from the data folder').toBe(true);
    expect(operators(target)).toEqual(before);
    expect(readdirSync(target).filter((name) => name.includes('before-restore'))).toEqual([]);

    const again = await cli(['restore', '--from', backupFile, '--data-dir', target]);
    expect(again.code, again.err).toBe(0);
    expect(operators(target)).not.toContain('only-here');
    expect(readdirSync(target).filter((name) => name.includes('.restoring'))).toEqual([]);
    expect(readdirSync(target).filter((name) => name.includes('before-restore') && name.startsWith('creditdesk.db'))).toHaveLength(1);
  }, 120_000);

  it('stops at Ctrl-C during the copy, leaving the folder as it was', async () => {
    const source = await seededDataDir(2);
    const backupFile = path.join(folder(), 'small.db');
    expect((await cli(['backup', '--out', backupFile, '--data-dir', source])).code).toBe(0);
    const target = await seededDataDir();
    const before = readdirSync(target).sort();
    const stop = new AbortController();
    stop.abort(new Error('shutdown requested'));
    const result = await cli(['restore', '--from', backupFile, '--data-dir', target], stop.signal);
    expect(result.code).toBe(1);
    expect(result.err).toBe(`Restore cancelled; ${path.join(target, 'creditdesk.db')} was not changed.\n`);
    expect(readdirSync(target).sort()).toEqual(before);
  });
});

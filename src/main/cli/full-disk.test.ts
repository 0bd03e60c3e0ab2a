import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { runCliCaptured } from '../../../test/support/cli';

const folders = tempFolders();
const folder = folders.folder;
const cli = runCliCaptured;
const mounts: string[] = [];
afterEach(() => {
  for (const mount of mounts.splice(0)) execFileSync('umount', [mount]);
  folders.removeAll();
});

/** A folder on a small file system (tmpfs), or null where nothing can be mounted. */
function smallDisk(size: string): string | null {
  const dir = path.join(folder(), 'small');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  mounts.push(dir);
  return dir;
}

/** Fills the disk holding `dir` but for less than a page. */
function fill(dir: string): void {
  try {
    writeFileSync(path.join(dir, 'filler'), Buffer.alloc(64 * 1024 * 1024));
  } catch {
    // Full: what is left is smaller than a page.
  }
}

function count(database: string, sql: string): number {
  const client = new Database(database, { readonly: true });
  try {
    return (client.prepare(sql).get() as { n: number }).n;
  } finally {
    client.close();
  }
}

describe('creditdesk on a full disk', () => {
  it('names the file it could not write, leaves nothing half written, and keeps the data folder as it was', async () => {
    const full = smallDisk('256k');
    if (!full) return expect.soft(true, 'no tmpfs can be mounted here: the full-disk case is not checked').toBe(true);
    fill(full);
    const dir = folder();
    const added = await cli(['institutions', 'add', 'QINGHE', '--name', 'Qinghe', '--base-url', 'http://127.0.0.1:9/inst/qinghe', '--app-id', 'app', '--data-dir', dir], {
      CREDITDESK_INSTITUTION_SECRET: 'qinghe-secret-1',
    });
    expect(added.code, added.err).toBe(0);
    const database = path.join(dir, 'creditdesk.db');
    const backups = "SELECT count(*) AS n FROM audit_log WHERE action = 'system.backup-created'";

    const backupFile = path.join(full, 'creditdesk-backup.db');
    const backup = await cli(['backup', '--out', backupFile, '--data-dir', dir], { CREDITDESK_BACKUP_PASSPHRASE: 'correct horse battery staple' });
    expect(backup.code).toBe(1);
    expect(backup.err).toMatch(new RegExp(`^No space left for the backup ${backupFile.replaceAll('/', '\\/')} \\(.+\\); nothing was written there\\.\\n$`));
    expect(count(database, backups)).toBe(0);

    for (const format of ['csv', 'xlsx', 'pdf']) {
      const out = path.join(full, `audit.${format}`);
      const exported = await cli(['export', 'audit', '--format', format, '--out', out, '--data-dir', dir]);
      expect(exported.code, format).toBe(1);
      expect(exported.err, format).toMatch(new RegExp(`^Export to ${out.replaceAll('/', '\\/')} failed \\(.*no space left on device.*\\); no file was left there\\.\\n$`));
    }
    expect(readdirSync(full)).toEqual(['filler']);
  });

  it('names the database when its own disk is full', async () => {
    const disk = smallDisk('4m');
    if (!disk) return expect.soft(true, 'no tmpfs can be mounted here: the full-disk case is not checked').toBe(true);
    const dir = path.join(disk, 'data');
    const added = await cli(['institutions', 'add', 'QINGHE', '--name', 'Qinghe', '--base-url', 'http://127.0.0.1:9/inst/qinghe', '--app-id', 'app', '--data-dir', dir], {
      CREDITDESK_INSTITUTION_SECRET: 'qinghe-secret-1',
    });
    expect(added.code, added.err).toBe(0);
    fill(disk);
    const database = path.join(dir, 'creditdesk.db');
    const result = await cli(['users', 'add', 'mei', '--role', 'reviewer', '--data-dir', dir], { CREDITDESK_PASSWORD: 'reviewer-passphrase-9' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`No space left for the database ${database.replaceAll('/', '\\/')} \\(.+\\): free space on its disk`));
    rmSync(path.join(disk, 'filler'));
    expect(count(database, "SELECT count(*) AS n FROM operators WHERE username = 'mei'")).toBe(0);
  });
});

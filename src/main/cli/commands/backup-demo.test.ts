/**
 * backup and restore carry the demo institutions' kept state (demo-institutions/) with the
 * database synced from them, so a restored folder resumes the same institutions instead of
 * generating new ones; a backup made while the demo runs (it holds its file) says it could not.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../../test/support/backend';
import { runCliCaptured as cli } from '../../../../test/support/cli';
import { tempFolders } from '../../../../test/support/temp-folders';
import { startDemo } from '../../runtime/background-work';
import { backupDemoTable } from './backup-demo';

const env = { CREDITDESK_BACKUP_PASSPHRASE: 'correct horse battery staple' };
const folders = tempFolders('creditdesk-backup-demo-');
afterEach(() => folders.removeAll());

/** The instant the folder's demo institutions were generated at: generated anew, it is another. */
function demoAnchor(dataDir: string): string | undefined {
  const client = new Database(path.join(dataDir, 'demo-institutions', 'simulator.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (client.prepare("SELECT value FROM meta WHERE key = 'anchor_ms'").get() as { value: string } | undefined)?.value;
  } finally {
    client.close();
  }
}

/** Starts the folder's back end with its demo, syncs every demo institution once, and returns the passes' statuses. */
async function syncDemo(dataDir: string, work: () => Promise<void> = async () => undefined): Promise<string[]> {
  const backend = await createTestBackend({ dataDir, sync: { pageLimit: 500 } });
  try {
    await startDemo(backend, null);
    const results = await backend.services.sync.runOnce({ trigger: 'manual' });
    await work();
    return results.map((result) => result.status);
  } finally {
    await backend.cleanup();
  }
}

describe('backup and restore of a folder that ran the demo', () => {
  it('carry its demo institutions: the restored folder resumes the same ones, and its pass succeeds', { timeout: 180_000 }, async () => {
    const source = folders.folder();
    expect(await syncDemo(source)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const anchor = demoAnchor(source);
    expect(anchor).toMatch(/^\d+$/);

    const backupFile = path.join(folders.folder(), 'with-demo.db');
    const made = await cli(['backup', '--out', backupFile, '--data-dir', source], env);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toContain(`The demo institutions' state (${path.join(source, 'demo-institutions')}) is in it`);

    const target = folders.folder();
    const restored = await cli(['restore', '--from', backupFile, '--json', '--data-dir', target], env);
    expect(restored.code, restored.err).toBe(0);
    expect(JSON.parse(restored.out)).toMatchObject({ demoInstitutions: 'restored', demoInstitutionsPrevious: null });
    const database = new Database(path.join(target, 'creditdesk.db'), { readonly: true });
    expect(database.prepare('SELECT name FROM sqlite_master WHERE name = ?').get(backupDemoTable)).toBeUndefined();
    database.close();

    expect(await syncDemo(target)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(demoAnchor(target)).toBe(anchor);

    // Restored onto a folder with demo institutions of its own: those are kept aside, like the database.
    const again = await cli(['restore', '--from', backupFile, '--data-dir', target], env);
    expect(again.code, again.err).toBe(0);
    const aside = readdirSync(target).find((name) => /^demo-institutions\.before-restore-\d{8}-\d{6}$/.test(name));
    expect(aside).toBeDefined();
    expect(existsSync(path.join(target, aside ?? '', 'simulator.sqlite'))).toBe(true);
    expect(again.out).toContain(`The demo institutions' state is restored to ${path.join(target, 'demo-institutions')}; the one that was there is kept as ${path.join(target, aside ?? '')}.`);
    expect(demoAnchor(target)).toBe(anchor);
  });

  it('say so when the running demo holds its state, and restore the rest', { timeout: 180_000 }, async () => {
    const source = folders.folder();
    const backupFile = path.join(folders.folder(), 'while-running.db');
    let made = { code: -1, out: '', err: '' };
    await syncDemo(source, async () => {
      made = await cli(['backup', '--out', backupFile, '--data-dir', source], env);
    });
    expect(made.code, made.err).toBe(0);
    expect(made.err).toContain(`The demo institutions' state in ${path.join(source, 'demo-institutions')} is in use by the running demo and is NOT in the backup`);

    const target = folders.folder();
    const restored = await cli(['restore', '--from', backupFile, '--data-dir', target], env);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.err).toContain("This backup carries no demo institutions' state");
    expect(existsSync(path.join(target, 'demo-institutions'))).toBe(false);
  });
});

import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { findMigrationsFolder, openDatabase } from './connection';
import { until } from '../../../test/support/until';

const folders = tempFolders();
const running: Checkpointer[] = [];
afterEach(async () => {
  for (const checkpointer of running.splice(0)) await checkpointer.stop();
  folders.removeAll();
});

/** A CreditDesk connection (WAL, NORMAL sync) whose own automatic checkpoint is off, so only the worker copies. */
function writer(): { file: string; client: Database.Database } {
  const file = folders.file('creditdesk.db');
  const client = openDatabase({ file, migrationsFolder: findMigrationsFolder() }).$client;
  client.pragma('wal_autocheckpoint = 0');
  client.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  return { file, client };
}

function fill(client: Database.Database, transactions: number, rowsEach: number): void {
  client.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  const insert = client.prepare('INSERT INTO filler (body) VALUES (?)');
  const body = Buffer.alloc(4096, 5);
  for (let transaction = 0; transaction < transactions; transaction++) {
    client.transaction(() => {
      for (let row = 0; row < rowsEach; row++) insert.run(body);
    })();
  }
}

function walFrames(client: Database.Database): { log: number; checkpointed: number } {
  const [result] = client.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
  return result!;
}

describe('the background checkpointer', () => {
  it('copies committed frames into the database file while the writer goes on, and the WAL starts over', async () => {
    const { file, client } = writer();
    fill(client, 4, 256);
    // Everything is still in the WAL: the database file has not grown.
    expect(statSync(file).size).toBeLessThan(1024 * 1024);
    const checkpointer = startCheckpointer({ file, busyIntervalMs: 5, idleIntervalMs: 5 });
    running.push(checkpointer);
    await until(() => statSync(file).size > 4 * 1024 * 1024, 'the database file at 4 MiB (pages checkpointed into it)', 10_000, 10);
    // The writer keeps committing while the worker copies behind it.
    fill(client, 50, 20);
    await until(() => statSync(file).size > 7 * 1024 * 1024, 'the database file at 7 MiB', 10_000, 10);
    const stats = await checkpointer.stop();
    expect(stats.passes).toBeGreaterThan(0);
    expect(stats.errors).toBe(0);
    // All copied (the rest by the writer's own call here), so the next write starts the WAL over.
    const left = walFrames(client);
    expect(left.checkpointed).toBe(left.log);
    client.prepare('DELETE FROM filler WHERE id = 1').run();
    expect(walFrames(client).log).toBeLessThan(10);
    expect(client.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 4 * 256 + 50 * 20 - 1 });
    expect(client.pragma('integrity_check', { simple: true })).toBe('ok');
    client.close();
  });

  it('closes its connection when stopped, so closing the writer removes the WAL', async () => {
    const { file, client } = writer();
    const checkpointer = startCheckpointer({ file, busyIntervalMs: 5, idleIntervalMs: 5 });
    fill(client, 2, 100);
    await until(() => statSync(file).size > 400 * 1024, 'the database file at 400 KiB', 10_000, 10);
    const first = checkpointer.stop();
    expect(checkpointer.stop()).toBe(first);
    await first;
    client.close();
    // The last connection to close checkpoints and deletes the WAL; a worker still holding the
    // database open would have left it.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('reports a database it cannot open, and stopping it still resolves', async () => {
    const errors: string[] = [];
    const checkpointer = startCheckpointer({ file: path.join(folders.folder(), 'missing', 'creditdesk.db'), onError: (message) => errors.push(message) });
    await until(() => errors.length > 0, 'the checkpointer to report an error', 10_000, 10);
    expect(errors[0]).toMatch(/checkpointer stopped: .*(directory|open)/i);
    expect(await checkpointer.stop()).toEqual({ passes: 0, errors: 0 });
  });

  it('runs in every back end and is gone before the database closes', async () => {
    const backend = await createTestBackend();
    const file = backend.paths.database;
    fill(backend.db.$client, 2, 256);
    // 2 MB is far below the writer's own checkpoint (160 MB): only the worker copies it.
    await until(() => statSync(file).size > 2 * 1024 * 1024, 'the database file at 2 MiB', 10_000, 10);
    await backend.close();
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    await backend.cleanup();
  });
});

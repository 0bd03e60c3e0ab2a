import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { applyMigrations, findMigrationsFolder, openDatabase, writeTransaction, type Db } from './connection';
import { settingsTable } from './schema';
import { cachingClient } from './statement-cache';

const folders = tempFolders();
afterEach(() => folders.removeAll());

function freshDb(): Db {
  const migrationsFolder = findMigrationsFolder();
  const db = openDatabase({ file: folders.file('creditdesk.db'), migrationsFolder });
  applyMigrations(db, migrationsFolder);
  return db;
}

describe("drizzle's statement cache", () => {
  it('prepares a query the connection already ran once, also inside a write transaction', () => {
    const db = freshDb();
    const prepare = vi.spyOn(db.$client, 'prepare');
    for (let round = 0; round < 5; round++) {
      writeTransaction(db, (tx) => {
        tx.insert(settingsTable).values({ key: `k${round}`, value: String(round), updatedAt: round }).run();
        return tx.select().from(settingsTable).where(eq(settingsTable.key, `k${round}`)).get();
      });
    }
    const texts = prepare.mock.calls.map(([text]) => text);
    // Each SQL text once: the insert, the select, and the transaction's own BEGIN/COMMIT.
    expect(texts.length).toBe(new Set(texts).size);
    expect(db.select().from(settingsTable).all()).toHaveLength(5);
    db.$client.close();
  });

  it('resets raw mode: a get() through drizzle does not turn the next all() of the same text into arrays', () => {
    const db = freshDb();
    db.insert(settingsTable).values({ key: 'a', value: '1', updatedAt: 1 }).run();
    const mapped = db.select({ key: settingsTable.key, value: settingsTable.value }).from(settingsTable);
    // The same SQL text first through a field-mapped get (raw mode) and then as plain rows.
    const same = sql.raw(mapped.toSQL().sql);
    expect(mapped.get()).toEqual({ key: 'a', value: '1' });
    expect(db.all(same)).toEqual([{ key: 'a', value: '1' }]);
    expect(mapped.get()).toEqual({ key: 'a', value: '1' });
    expect(db.get(same)).toEqual({ key: 'a', value: '1' });
    db.$client.close();
  });

  it('never hands out a statement that an open iterate() still uses', () => {
    const db = freshDb();
    for (let index = 0; index < 3; index++) db.$client.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 1)').run(`k${index}`, 'v');
    const client = cachingClient(db.$client);
    const first = client.prepare('SELECT key FROM settings ORDER BY key');
    const iterator = first.iterate();
    iterator.next();
    const second = client.prepare('SELECT key FROM settings ORDER BY key');
    expect(second).not.toBe(first);
    expect(second.all()).toHaveLength(3);
    iterator.return?.();
    expect(client.prepare('SELECT key FROM settings ORDER BY key')).toBe(first);
    db.$client.close();
  });
});

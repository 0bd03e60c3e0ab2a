import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { applyMigrations, findMigrationsFolder, openDatabase, writeTransaction, type Db } from './connection';
import { settingsTable } from './schema';
import { cachingClient, statementCache } from './statement-cache';

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

  it('prepares a bound LIMIT as CAST(? AS INTEGER), which SQLite plans once instead of at every new binding, with the same rows', () => {
    const db = freshDb();
    for (let index = 0; index < 5; index++) db.insert(settingsTable).values({ key: `k${index}`, value: 'v', updatedAt: index }).run();
    const prepare = vi.spyOn(db.$client, 'prepare');
    const keys = (limit: number) => db.select({ key: settingsTable.key }).from(settingsTable).orderBy(settingsTable.key).limit(limit).all().map((row) => row.key);
    expect(keys(2)).toEqual(['k0', 'k1']);
    expect(keys(1)).toEqual(['k0']);
    expect(keys(10)).toHaveLength(5);
    const texts = prepare.mock.calls.map(([text]) => text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/ limit cast\(\? as integer\)$/);
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

describe('a module’s own statement cache', () => {
  it('prepares each text once per connection with its LIMIT planned once, keeps each cache’s statements to itself, and starts over past its size', () => {
    const db = freshDb();
    const other = freshDb();
    const mine = statementCache(2);
    const theirs = statementCache(2);
    const text = 'SELECT key FROM settings ORDER BY key LIMIT ?';
    const first = mine(db.$client, text);
    expect(mine(db.$client, text)).toBe(first);
    expect(first.source).toBe('SELECT key FROM settings ORDER BY key limit cast(? as integer)');
    // Another connection, or another module's cache, gets a statement of its own: a mode set here
    // (pluck) is never seen there.
    expect(mine(other.$client, text)).not.toBe(first);
    first.pluck();
    const their = theirs(db.$client, text);
    expect(their).not.toBe(first);
    writeTransaction(db, (tx) => tx.insert(settingsTable).values({ key: 'a', value: '1', updatedAt: 1 }).run());
    expect(their.all(5)).toEqual([{ key: 'a' }]);
    expect(first.all(5)).toEqual(['a']);
    // Past its size it starts over: the next look-up of the first text prepares it again.
    mine(db.$client, 'SELECT 1');
    mine(db.$client, 'SELECT 2');
    expect(mine(db.$client, text)).not.toBe(first);
    db.$client.close();
    other.$client.close();
  });
});

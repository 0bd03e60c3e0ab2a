import Database from 'better-sqlite3';
import { copyFileSync, cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { applyMigrations, DatabaseTooNewError, findMigrationsFolder, openDatabase, readJournal } from './connection';

const folders = tempFolders();
afterEach(() => folders.removeAll());

function freshFile(): string {
  return folders.file('creditdesk.db');
}

describe('migrations', () => {
  const migrationsFolder = findMigrationsFolder();

  it('apply on an empty database and create every table', () => {
    const db = openDatabase({ file: freshFile(), migrationsFolder });
    const applied = applyMigrations(db, migrationsFolder);
    expect(applied).toBe(readJournal(migrationsFolder).length);
    const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['operators', 'sessions', 'audit_log', 'settings']));
    expect(db.$client.pragma('user_version', { simple: true })).toBe(applied);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    db.$client.close();
  });

  it('apply again on an already-migrated database without changing it', () => {
    const file = freshFile();
    const first = openDatabase({ file, migrationsFolder });
    applyMigrations(first, migrationsFolder);
    first.$client.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('k', '1', 1)").run();
    first.$client.close();
    const second = openDatabase({ file, migrationsFolder });
    expect(applyMigrations(second, migrationsFolder)).toBe(readJournal(migrationsFolder).length);
    expect(second.$client.prepare('SELECT value FROM settings WHERE key = ?').get('k')).toEqual({ value: '1' });
    second.$client.close();
  });

  it('refuse a database written by a newer version, leaving it untouched', () => {
    const file = freshFile();
    const db = openDatabase({ file, migrationsFolder });
    applyMigrations(db, migrationsFolder);
    db.$client.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', 9_999_999_999_999);
    db.$client.close();
    const again = openDatabase({ file, migrationsFolder });
    expect(() => applyMigrations(again, migrationsFolder)).toThrow(DatabaseTooNewError);
    expect(() => applyMigrations(again, migrationsFolder)).toThrow(/newer version of CreditDesk/);
    again.$client.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM __drizzle_migrations WHERE hash = ?').get('future')).toEqual({ n: 1 });
    raw.close();
  });

  it('bring an older database forward when a new migration appears', () => {
    const file = freshFile();
    const older = folders.file('drizzle');
    cpSync(migrationsFolder, older, { recursive: true });
    const journalPath = path.join(older, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
    const full = journal.entries.length;
    journal.entries = journal.entries.slice(0, 1);
    writeFileSync(journalPath, JSON.stringify(journal));
    const db = openDatabase({ file, migrationsFolder: older });
    expect(applyMigrations(db, older)).toBe(1);
    db.$client.close();
    copyFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), journalPath);
    const upgraded = openDatabase({ file, migrationsFolder });
    expect(applyMigrations(upgraded, migrationsFolder)).toBe(full);
    upgraded.$client.close();
  });

  it('keep the audit log append-only at the database level', () => {
    const db = openDatabase({ file: freshFile(), migrationsFolder });
    applyMigrations(db, migrationsFolder);
    db.$client
      .prepare("INSERT INTO audit_log (at, action, details, prev_hash, hash) VALUES (1, 'x', '{}', 'a', 'b')")
      .run();
    expect(() => db.$client.prepare("UPDATE audit_log SET action = 'y'").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.$client.close();
  });
});

describe('the write-ahead log', () => {
  it('does not keep a large WAL file once a checkpoint has copied it and writing starts over', () => {
    const file = freshFile();
    const db = openDatabase({ file, migrationsFolder: findMigrationsFolder() });
    const client = db.$client;
    client.exec('CREATE TABLE filler (body BLOB NOT NULL)');
    const insert = client.prepare('INSERT INTO filler (body) VALUES (?)');
    const chunk = Buffer.alloc(64 * 1024, 7);
    // About 48 MB in one transaction: more than the file is cut back to, fewer frames than the
    // automatic checkpoint waits for, so the WAL is still this large afterwards.
    client.transaction(() => {
      for (let index = 0; index < 768; index++) insert.run(chunk);
    })();
    const walFile = `${file}-wal`;
    const walSize = () => statSync(walFile).size;
    expect(walSize()).toBeGreaterThan(40 * 1024 * 1024);
    const checkpoint = client.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as Array<{ busy: number; log: number; checkpointed: number }>;
    expect(checkpoint[0]?.checkpointed).toBe(checkpoint[0]?.log);
    // The next write starts the WAL over and truncates the file to the limit.
    client.prepare('DELETE FROM filler WHERE rowid = 1').run();
    expect(walSize()).toBeLessThanOrEqual(32 * 1024 * 1024);
    client.close();
  });
});

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { signedInContext, testAdminPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { applyMigrations, findMigrationsFolder, openDatabase, type Db } from '../db/connection';
import { auditHash, auditGenesisHash, auditHead, auditKeyOf, auditKeyedHash, type AuditHead, type AuditKey } from '../repositories/audit';
import { startBackend } from '../runtime/backend';
import { dataPaths } from '../runtime/paths';
import { loadAuditKey } from './key';
import { verifyAuditChain } from './verify';

const folders = tempFolders();
afterEach(() => folders.removeAll());

/** A data folder whose log has a few entries (first admin, sign-ins), the back end closed again. */
async function seeded(signIns = 3): Promise<{ dir: string; database: string; key: AuditKey }> {
  const dir = folders.folder();
  const backend = await startBackend({ dataDir: dir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none', authDelay: async () => undefined });
  for (let index = 0; index < signIns; index++) await signedInContext(backend, 'admin', testAdminPassword);
  await backend.close();
  const paths = dataPaths(dir);
  return { dir, database: paths.database, key: loadAuditKey(paths.keys, { create: false }) as AuditKey };
}

function verify(database: string, key: AuditKey | null, expectHead?: AuditHead) {
  const db = openDatabase({ file: database, migrationsFolder: findMigrationsFolder(), readonly: true });
  try {
    return verifyAuditChain(db, { key, expectHead });
  } finally {
    db.$client.close();
  }
}

function headOf(database: string): AuditHead {
  const db = openDatabase({ file: database, migrationsFolder: findMigrationsFolder(), readonly: true });
  try {
    return auditHead(db) as AuditHead;
  } finally {
    db.$client.close();
  }
}

/** What someone holding the database file (but not the key) can do: drop the guard and rewrite. */
function tamper(database: string, work: (client: Database.Database) => void): void {
  const client = new Database(database);
  client.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  work(client);
  client.close();
}

interface RawRow {
  id: number;
  at: number;
  operator_id: number | null;
  operator_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

function fieldsOf(row: RawRow) {
  return { at: row.at, operatorId: row.operator_id, operatorName: row.operator_name, action: row.action, targetType: row.target_type, targetId: row.target_id, details: row.details };
}

/** Recomputes every hash from `fromId` on with `sign` (the attacker's best guess at the scheme). */
function rechain(client: Database.Database, fromId: number, sign: (row: RawRow, prevHash: string) => string): void {
  const rows = client.prepare('SELECT * FROM audit_log ORDER BY id').all() as RawRow[];
  let previous = auditGenesisHash;
  const update = client.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
  for (const row of rows) {
    if (row.id >= fromId) {
      const hash = sign(row, previous);
      update.run(previous, hash, row.id);
      previous = hash;
    } else {
      previous = row.hash;
    }
  }
}

describe('audit chain verification', () => {
  it('holds for an untouched log, keyed from its first entry', async () => {
    const { database, key } = await seeded();
    const result = verify(database, key);
    expect(result).toMatchObject({ ok: true, broken: null, keyedFrom: 1 });
    expect(result.checked).toBeGreaterThanOrEqual(5);
    expect(result.head).toEqual(headOf(database));
  });

  it('fails when the newest entries were deleted (SQLite’s sequence is past the newest entry)', async () => {
    const { database, key } = await seeded();
    const head = headOf(database);
    tamper(database, (client) => client.prepare('DELETE FROM audit_log WHERE id > ?').run(head.id - 2));
    expect(verify(database, key)).toMatchObject({ ok: false, broken: { id: head.id - 2, reason: 'sequence-mismatch' } });
  });

  it('fails on a shortened log against the head kept outside, even with sqlite_sequence rewound', async () => {
    const { database, key } = await seeded();
    const head = headOf(database);
    tamper(database, (client) => {
      client.prepare('DELETE FROM audit_log WHERE id > ?').run(head.id - 2);
      client.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'").run(head.id - 2);
    });
    // Internally consistent again: only the head kept elsewhere shows the cut.
    expect(verify(database, key).ok).toBe(true);
    expect(verify(database, key, head)).toMatchObject({ ok: false, broken: { id: head.id, reason: 'head-mismatch' } });
  });

  it('fails when every entry was deleted', async () => {
    const { database, key } = await seeded();
    tamper(database, (client) => {
      client.exec('DELETE FROM audit_log');
      client.exec("DELETE FROM sqlite_sequence WHERE name = 'audit_log'");
    });
    expect(verify(database, key)).toMatchObject({ ok: false, checked: 0, broken: { reason: 'empty' } });
  });

  it('fails when an entry was edited and every later hash re-chained without the key', async () => {
    const { database, key } = await seeded();
    tamper(database, (client) => {
      client.prepare("UPDATE audit_log SET operator_name = 'mallory' WHERE id = 3").run();
      // The old unkeyed formula, and the keyed one with a key of the attacker's own.
      rechain(client, 3, (row, prevHash) => auditHash(prevHash, fieldsOf(row)));
    });
    expect(verify(database, key)).toMatchObject({ ok: false, broken: { id: 3, reason: 'hash-mismatch' } });
    const guessed = auditKeyOf(Buffer.alloc(32, 1));
    tamper(database, (client) => rechain(client, 3, (row, prevHash) => auditKeyedHash(guessed, row.id, prevHash, fieldsOf(row))));
    expect(verify(database, key)).toMatchObject({ ok: false, broken: { id: 3, reason: 'hash-mismatch' } });
  });

  it('fails on a forged entry appended at the end, and on a renumbered one', async () => {
    const { database, key } = await seeded();
    const head = headOf(database);
    const forger = auditKeyOf(Buffer.alloc(32, 2));
    tamper(database, (client) => {
      const fields = { at: Date.now(), operatorId: null, operatorName: 'admin', action: 'review.decided', targetType: 'task', targetId: '1', details: '{}' };
      client
        .prepare('INSERT INTO audit_log (id, at, operator_id, operator_name, action, target_type, target_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(head.id + 1, fields.at, null, fields.operatorName, fields.action, fields.targetType, fields.targetId, fields.details, head.hash, auditKeyedHash(forger, head.id + 1, head.hash, fields));
    });
    expect(verify(database, key)).toMatchObject({ ok: false, broken: { id: head.id + 1, reason: 'hash-mismatch' } });
    tamper(database, (client) => client.prepare('DELETE FROM audit_log WHERE id = ?').run(head.id + 1));
    tamper(database, (client) => client.prepare('UPDATE audit_log SET id = ? WHERE id = ?').run(head.id + 5, head.id));
    expect(verify(database, key)).toMatchObject({ ok: false, broken: { id: head.id + 5, reason: 'sequence-gap' } });
  });

  it('fails without the key, or with another key', async () => {
    const { database } = await seeded();
    expect(verify(database, null)).toMatchObject({ ok: false, broken: { id: 1, reason: 'key-missing' } });
    expect(verify(database, auditKeyOf(Buffer.alloc(32, 3)))).toMatchObject({ ok: false, broken: { id: 1, reason: 'key-mismatch' } });
  });

  it('keys a log from before the key at the next start; the unkeyed part verifies the old way and cannot be rewritten', async () => {
    const dir = folders.folder();
    const paths = dataPaths(dir);
    // A database as the previous version left it: three entries chained with plain SHA-256.
    const old: Db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder() });
    applyMigrations(old, findMigrationsFolder());
    let previous = auditGenesisHash;
    for (let id = 1; id <= 3; id++) {
      const fields = { at: 1_700_000_000_000 + id, operatorId: null, operatorName: null, action: 'system.first-admin-created', targetType: null, targetId: null, details: '{}' };
      const hash = auditHash(previous, fields);
      old.$client
        .prepare('INSERT INTO audit_log (at, operator_id, operator_name, action, target_type, target_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(fields.at, null, null, fields.action, null, null, fields.details, previous, hash);
      previous = hash;
    }
    old.$client.close();
    expect(verify(paths.database, null)).toMatchObject({ ok: false, checked: 3, broken: { id: 3, reason: 'unkeyed' } });

    const backend = await startBackend({ dataDir: dir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none', authDelay: async () => undefined });
    await backend.close();
    const key = loadAuditKey(paths.keys, { create: false }) as AuditKey;
    const result = verify(paths.database, key);
    expect(result).toMatchObject({ ok: true, keyedFrom: 4 });
    const anchor = new Database(paths.database, { readonly: true }).prepare('SELECT action, details FROM audit_log WHERE id = 4').get() as { action: string; details: string };
    expect(anchor.action).toBe('system.audit-key-introduced');
    expect(JSON.parse(anchor.details)).toMatchObject({ unkeyedEntries: 3, unkeyedHead: previous, keyId: key.id });

    // Rewriting the unkeyed part (re-chained the old way, as anyone can) breaks at the anchor.
    tamper(paths.database, (client) => {
      client.prepare("UPDATE audit_log SET operator_name = 'mallory' WHERE id = 2").run();
      rechain(client, 2, (row, prevHash) => (row.id < 4 ? auditHash(prevHash, fieldsOf(row)) : row.hash));
    });
    expect(verify(paths.database, key)).toMatchObject({ ok: false, broken: { id: 4, reason: 'hash-mismatch' } });
  });

  it('writes the head into the daily log at start and at shutdown', async () => {
    const { dir, database } = await seeded(1);
    const { readdirSync, readFileSync } = await import('node:fs');
    const logs = path.join(dir, 'logs');
    const lines = readdirSync(logs).flatMap((name) => readFileSync(path.join(logs, name), 'utf8').trim().split('\n'));
    const heads = lines.map((line) => JSON.parse(line) as { message: string; data?: { auditHead?: string } }).filter((entry) => entry.message === 'audit head');
    const head = headOf(database);
    expect(heads.at(-1)?.data?.auditHead).toBe(`${head.id}:${head.hash}`);
  });
});

import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../../test/support/temp-folders';
import { runCliCaptured, seedDataDir } from '../../../../test/support/cli';
import { simulatedNow } from '../../../../test/integration/sync-support';
import { sealKeyFiles } from '../../files/key-backup';
import { demoInstitutions, startSimulator, type RunningSimulator } from '../../simulator';

const passphrase = 'correct horse battery staple';
const folders = tempFolders();
const folder = folders.folder;
const cli = runCliCaptured;
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ institutions: demoInstitutions('restore').slice(0, 1), seed: 'restore', borrowers: 20, now: simulatedNow });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => folders.removeAll());


const seededDataDir = () => seedDataDir(folder());

function keyOf(dataDir: string, name: string): Buffer {
  return Buffer.from(readFileSync(path.join(dataDir, 'keys', name), 'utf8').trim(), 'base64');
}

function auditCount(file: string): number {
  const client = new Database(file, { readonly: true });
  const { n } = client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number };
  client.close();
  return n;
}

describe('creditdesk restore on the day things broke', () => {
  it('sets a corrupt current database aside, names it, and restores the backup', async () => {
    const dir = await seededDataDir();
    const backupFile = path.join(folder(), 'good.db');
    expect((await cli(['backup', '--out', backupFile, '--data-dir', dir], { CREDITDESK_BACKUP_PASSPHRASE: passphrase })).code).toBe(0);
    const database = path.join(dir, 'creditdesk.db');
    const garbage = Buffer.alloc(64 * 1024, 'not a database ');
    writeFileSync(database, garbage);

    const result = await cli(['restore', '--from', backupFile, '--data-dir', dir], { CREDITDESK_BACKUP_PASSPHRASE: passphrase });
    expect(result.code, result.err).toBe(0);
    const kept = readdirSync(dir).find((name) => /^creditdesk\.db\.before-restore-\d{8}-\d{6}$/.test(name)) as string;
    expect(result.err).toContain(`The current database ${database} could not be read (file is not a database); it is kept as ${path.join(dir, kept)}.`);
    expect(readFileSync(path.join(dir, kept)).equals(garbage)).toBe(true);
    expect(auditCount(database)).toBeGreaterThan(2);
    expect((await cli(['audit', 'verify', '--data-dir', dir])).code).toBe(0);
  });

  it('restores a copy of a live database with what its -wal holds', async () => {
    const dir = await seededDataDir();
    const database = path.join(dir, 'creditdesk.db');
    const live = new Database(database);
    live.pragma('wal_autocheckpoint = 0');
    live.prepare("INSERT INTO operators (username, display_name, role, password_hash, created_at, updated_at) VALUES ('late', 'Late', 'reviewer', 'x', 1, 1)").run();
    // The file and its -wal copied as they are while the app has them open.
    const raw = path.join(folder(), 'raw.db');
    copyFileSync(database, raw);
    copyFileSync(`${database}-wal`, `${raw}-wal`);
    live.close();

    // A raw copy carries no keys: the operator brought keys/ along (else its keyed chain is refused).
    const target = folder();
    cpSync(path.join(dir, 'keys'), path.join(target, 'keys'), { recursive: true });
    const result = await cli(['restore', '--from', raw, '--json', '--data-dir', target]);
    expect(result.code, result.err).toBe(0);
    const restored = new Database(path.join(target, 'creditdesk.db'), { readonly: true });
    expect(restored.prepare("SELECT count(*) AS n FROM operators WHERE username = 'late'").get()).toEqual({ n: 1 });
    restored.close();
    expect(JSON.parse(result.out)).toMatchObject({ restored: raw, previous: null, key: 'none in backup' });
  });

  it('leaves no -wal or -shm beside the backup or the file it restored from', async () => {
    const dir = await seededDataDir();
    const backupFile = path.join(folder(), 'clean.db');
    const backup = await cli(['backup', '--out', backupFile, '--json', '--data-dir', dir], { CREDITDESK_BACKUP_PASSPHRASE: passphrase });
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.out)).toMatchObject({ file: backupFile, key: 'sealed', keys: ['audit-chain.key'], audit: { ok: true } });
    expect(readdirSync(path.dirname(backupFile))).toEqual(['clean.db']);
    expect((await cli(['restore', '--from', backupFile, '--data-dir', folder()], { CREDITDESK_BACKUP_PASSPHRASE: passphrase })).code).toBe(0);
    expect(readdirSync(path.dirname(backupFile))).toEqual(['clean.db']);
  });

  it('refuses to back up a database from a newer CreditDesk without writing into it', async () => {
    const dir = await seededDataDir();
    const database = path.join(dir, 'creditdesk.db');
    const future = new Database(database);
    future.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future', 99999999999999)").run();
    future.close();
    const before = auditCount(database);
    const result = await cli(['backup', '--out', path.join(folder(), 'new.db'), '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('newer version of CreditDesk');
    expect(auditCount(database)).toBe(before);
  });
});

describe('a backup restorable as a whole', () => {
  it('carries the institution-secrets and audit-chain keys sealed with a passphrase: restored onto an empty folder, sync works and the audit chain verifies', async () => {
    const source = folder();
    const info = sim.institutions[0];
    if (!info) throw new Error('the simulator has no institution');
    const added = await cli(['institutions', 'add', info.code, '--name', info.name, '--base-url', info.baseUrl, '--app-id', info.appId, '--data-dir', source], {
      CREDITDESK_INSTITUTION_SECRET: info.secret,
    });
    expect(added.code, added.err).toBe(0);
    const backupFile = path.join(folder(), 'whole.db');
    const backup = await cli(['backup', '--out', backupFile, '--data-dir', source], { CREDITDESK_BACKUP_PASSPHRASE: passphrase });
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toContain('The key files institution-secrets.key and audit-chain.key are in it, sealed with your passphrase');
    // The keys are in the backup only sealed: their bytes never appear in the file.
    for (const name of ['institution-secrets.key', 'audit-chain.key']) expect(readFileSync(backupFile).includes(keyOf(source, name)), name).toBe(false);

    const wrong = path.join(folder(), 'new-machine');
    const refused = await cli(['restore', '--from', backupFile, '--data-dir', wrong], { CREDITDESK_BACKUP_PASSPHRASE: 'not the passphrase' });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('The passphrase does not open the key files in this backup. Nothing was changed.');
    expect(existsSync(wrong)).toBe(false);

    const target = path.join(folder(), 'new-machine');
    const restored = await cli(['restore', '--from', backupFile, '--data-dir', target], { CREDITDESK_BACKUP_PASSPHRASE: passphrase });
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toContain(`The key for the institution secrets is restored to ${path.join(target, 'keys', 'institution-secrets.key')}.`);
    expect(restored.out).toContain(`The key for the audit chain is restored to ${path.join(target, 'keys', 'audit-chain.key')}.`);
    for (const name of ['institution-secrets.key', 'audit-chain.key']) expect(keyOf(target, name).equals(keyOf(source, name)), name).toBe(true);
    const verified = await cli(['audit', 'verify', '--data-dir', target]);
    expect(verified.code, verified.err).toBe(0);
    expect(verified.out).toContain('Audit chain intact');
    const synced = await cli(['sync', '--data-dir', target]);
    expect(synced.code, synced.out + synced.err).toBe(0);
    expect(synced.out).toContain(`${info.code.toUpperCase()}: succeeded`);
    // Entries written on the new machine (the restore, the sync) continue the chain.
    expect((await cli(['audit', 'verify', '--data-dir', target])).code).toBe(0);
    const copy = new Database(path.join(target, 'creditdesk.db'), { readonly: true });
    expect(copy.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'creditdesk_backup_key'").get()).toEqual({ n: 0 });
    copy.close();
  });

  it('says loudly what it left out with --without-key, and refuses a chain it cannot check on the new folder unless forced', async () => {
    const source = folder();
    const added = await cli(['institutions', 'add', 'QINGHE', '--name', 'Qinghe', '--base-url', 'http://127.0.0.1:9/x', '--app-id', 'a', '--data-dir', source], {
      CREDITDESK_INSTITUTION_SECRET: 'qinghe-secret-1',
    });
    expect(added.code).toBe(0);
    const backupFile = path.join(folder(), 'bare.db');
    const backup = await cli(['backup', '--out', backupFile, '--without-key', '--data-dir', source]);
    expect(backup.code).toBe(0);
    expect(backup.err).toContain(`WARNING: the backup does NOT contain ${path.join(source, 'keys', 'institution-secrets.key')}`);
    expect(backup.err).toContain(`WARNING: the backup does NOT contain ${path.join(source, 'keys', 'audit-chain.key')}: on another machine its audit chain cannot be verified`);
    expect(JSON.parse((await cli(['backup', '--out', `${backupFile}.json`, '--without-key', '--json', '--data-dir', source])).out)).toMatchObject({ key: 'none', keys: [] });

    const target = path.join(folder(), 'new-machine');
    const refused = await cli(['restore', '--from', backupFile, '--data-dir', target]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('is keyed with an audit-chain.key that the backup does not carry, and this data folder has none');
    expect(refused.err).toContain('"creditdesk audit verify" would fail on the restored folder');
    expect(existsSync(target)).toBe(false);

    const forced = await cli(['restore', '--from', backupFile, '--force', '--data-dir', target]);
    expect(forced.code, forced.err).toBe(0);
    expect(forced.err).toContain('WARNING: this backup carries no institution-secrets key');
    expect(forced.err).toContain('"creditdesk audit verify" fails on this folder (key-missing)');
    const verified = await cli(['audit', 'verify', '--data-dir', target]);
    expect(verified.code).toBe(1);
    expect(verified.err).toContain('the audit key file is not the one this log was written with');
  });

  it('leaves the keys a backup carries out with restore --without-key, and says the chain cannot be checked', async () => {
    const source = await seededDataDir();
    const backupFile = path.join(folder(), 'sealed.db');
    expect((await cli(['backup', '--out', backupFile, '--data-dir', source], { CREDITDESK_BACKUP_PASSPHRASE: passphrase })).code).toBe(0);
    const target = path.join(folder(), 'new-machine');
    const refused = await cli(['restore', '--from', backupFile, '--without-key', '--data-dir', target]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('is keyed with an audit-chain.key that the backup carries but you left out (--without-key), and this data folder has none');
    expect(existsSync(target)).toBe(false);
  });

  it('puts the backup’s keys over another folder’s, keeping that folder’s keys aside', async () => {
    const source = await seededDataDir();
    const other = await seededDataDir();
    const backupFile = path.join(folder(), 'onto-other.db');
    expect((await cli(['backup', '--out', backupFile, '--data-dir', source], { CREDITDESK_BACKUP_PASSPHRASE: passphrase })).code).toBe(0);
    const otherKey = keyOf(other, 'audit-chain.key');
    const restored = await cli(['restore', '--from', backupFile, '--json', '--data-dir', other], { CREDITDESK_BACKUP_PASSPHRASE: passphrase });
    expect(restored.code, restored.err).toBe(0);
    const result = JSON.parse(restored.out) as { key: string; keys: Array<{ name: string; written: boolean; previous: string | null }> };
    expect(result.key).toBe('restored');
    const audit = result.keys.find((key) => key.name === 'audit-chain.key');
    expect(audit?.written).toBe(true);
    expect(path.basename(audit?.previous ?? '')).toMatch(/^audit-chain\.key\.before-restore-\d{8}-\d{6}$/);
    expect(Buffer.from(readFileSync(audit?.previous as string, 'utf8').trim(), 'base64').equals(otherKey)).toBe(true);
    expect(keyOf(other, 'audit-chain.key').equals(keyOf(source, 'audit-chain.key'))).toBe(true);
    expect((await cli(['audit', 'verify', '--data-dir', other])).code).toBe(0);
  });

  it('still restores a backup made before the audit key travelled (one unnamed sealed institution key)', async () => {
    const source = folder();
    const added = await cli(['institutions', 'add', 'QINGHE', '--name', 'Qinghe', '--base-url', 'http://127.0.0.1:9/x', '--app-id', 'a', '--data-dir', source], {
      CREDITDESK_INSTITUTION_SECRET: 'qinghe-secret-1',
    });
    expect(added.code).toBe(0);
    const backupFile = path.join(folder(), 'old.db');
    expect((await cli(['backup', '--out', backupFile, '--without-key', '--data-dir', source])).code).toBe(0);
    // What the previous version wrote: one row, no name column, the institution key's label.
    const [row] = sealKeyFiles([{ name: 'institution-secrets.key', key: keyOf(source, 'institution-secrets.key') }], passphrase);
    if (!row) throw new Error('nothing sealed');
    const old = new Database(backupFile);
    old.exec('CREATE TABLE creditdesk_backup_key (kdf TEXT NOT NULL, n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL, salt BLOB NOT NULL, iv BLOB NOT NULL, tag BLOB NOT NULL, ciphertext BLOB NOT NULL)');
    old.prepare('INSERT INTO creditdesk_backup_key VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(row.kdf, row.n, row.r, row.p, row.salt, row.iv, row.tag, row.ciphertext);
    old.close();

    // Its audit key never travelled: the operator copies it over by hand.
    const target = folder();
    mkdirSync(path.join(target, 'keys'));
    cpSync(path.join(source, 'keys', 'audit-chain.key'), path.join(target, 'keys', 'audit-chain.key'));
    const restored = await cli(['restore', '--from', backupFile, '--data-dir', target], { CREDITDESK_BACKUP_PASSPHRASE: passphrase });
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toContain(`The key for the institution secrets is restored to ${path.join(target, 'keys', 'institution-secrets.key')}.`);
    expect(keyOf(target, 'institution-secrets.key').equals(keyOf(source, 'institution-secrets.key'))).toBe(true);
    expect((await cli(['audit', 'verify', '--data-dir', target])).code).toBe(0);
  });
});

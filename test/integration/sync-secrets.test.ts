import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyFileSecretBox, SecretUnavailableError } from '../../src/main/institution-api/secrets';
import { operatorContext } from '../support/backend';
import { tempFolders } from '../support/temp-folders';
import { startSyncWorld, type SyncWorld } from './sync-support';

const secret = 'S3cret-value-that-must-never-leak-7Q';
let world: SyncWorld;
const outputs: string[] = [];
const folders = tempFolders();

beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 40, institutions: 1, backend: { logLevel: 'debug' } });
});
afterAll(async () => {
  await world.close();
  folders.removeAll();
});

describe('institution secrets', () => {
  it('never appear in RPC output, logs, audit entries or the database in clear', async () => {
    const admin = await operatorContext(world.backend, 'secret-admin', 'admin');
    const router = world.backend.router;
    const [info] = world.sim.institutions;
    if (!info) throw new Error('no institution');
    const call = async (channel: string, input: unknown) => {
      const result = await router.call(channel, input, admin);
      outputs.push(JSON.stringify(result));
      return result;
    };
    // A second configuration of the same simulated institution, under a wrong secret, then the right one.
    const created = await call('institutions:create', { code: 'LEAKCHECK', name: 'Leak check', baseUrl: info.baseUrl, appId: info.appId, secret });
    expect(created.ok).toBe(true);
    const id = created.ok ? (created.data as { id: number }).id : -1;
    await call('institutions:list', {});
    await call('institutions:test-connection', { id });
    await call('institutions:test-connection', { baseUrl: info.baseUrl, appId: info.appId, secret });
    await world.backend.services.sync.runOnce({ institutionIds: [id] });
    await call('institutions:update', { id, secret: info.secret });
    await call('institutions:test-connection', { id });
    await world.backend.services.sync.runOnce({ institutionIds: [id] });
    await call('sync:overview', {});
    await call('sync:runs', { limit: 50 });
    await call('sync:quarantine', { limit: 50 });
    await call('institutions:update', { id, secret, name: 'Leak check 2' });
    await call('sync:now', { institutionId: id });
    await world.backend.services.sync.runOnce({ institutionIds: [id] });

    for (const output of outputs) expect(output).not.toContain(secret);
    for (const output of outputs) expect(output).not.toContain(info.secret);

    const logs = readdirSync(world.backend.paths.logs).map((file) => readFileSync(path.join(world.backend.paths.logs, file), 'utf8'));
    expect(logs.join('\n').length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(secret);
    expect(logs.join('\n')).not.toContain(info.secret);

    const audit = world.backend.db.$client.prepare('SELECT action, details FROM audit_log').all() as Array<{ action: string; details: string | null }>;
    expect(audit.some((entry) => entry.action === 'institutions.updated' && (entry.details ?? '').includes('secretReplaced'))).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(secret);

    const stored = world.backend.db.$client.prepare('SELECT secret_ciphertext AS ciphertext FROM institutions WHERE id = ?').get(id) as { ciphertext: Buffer };
    expect(stored.ciphertext.toString('latin1')).not.toContain(secret);
    const file = world.backend.db.$client.name;
    for (const part of [file, `${file}-wal`]) {
      if (existsSync(part)) expect(readFileSync(part).toString('latin1')).not.toContain(secret);
    }
  });

  it('keep their key in a file only the owner can read, and cannot be read with another data folder’s key', () => {
    const keyFile = path.join(world.backend.paths.keys, 'institution-secrets.key');
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const sealed = createKeyFileSecretBox(world.backend.paths.keys).encrypt(secret);
    expect(() => createKeyFileSecretBox(folders.folder()).decrypt(sealed)).toThrow(SecretUnavailableError);
  });
});

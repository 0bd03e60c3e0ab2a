import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { selfSignedCertificate } from '../../../test/support/tls';
import type { Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from '../server/http-server';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDeskChoice, startingMode } from './desk-choice';
import { readDeskSettings, writeDeskSettings } from './desk-settings';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;
let fingerprint: string;
const folders = tempFolders('creditdesk-choice-');

beforeAll(async () => {
  backend = await createTestBackend();
  const certificate = selfSignedCertificate();
  fingerprint = new X509Certificate(certificate.cert).fingerprint256;
  server = await startHttpServer({ backend, port: 0, tls: certificate });
});
afterEach(() => folders.removeAll());
afterAll(async () => {
  await server.close();
  await backend.cleanup();
});

function desk(clientContractVersion?: number) {
  const dir = folders.folder();
  const restarts: number[] = [];
  const choice = createDeskChoice({ dataDir: dir, restart: () => restarts.push(Date.now()), clientContractVersion });
  return { choice, restarts, dir };
}

describe('the desktop’s choice of back end', () => {
  it('asks on first start, and remembers this computer', async () => {
    const { choice, restarts, dir } = desk();
    expect(await choice.handle('desk:connection', {})).toEqual({ ok: true, data: { canChoose: true, mode: null, serverUrl: null } });
    expect(await choice.handle('desk:choose-connection', { mode: 'local' })).toEqual({ ok: true, data: { outcome: 'restarting' } });
    expect(restarts).toHaveLength(1);
    expect(readDeskSettings(dir).mode).toBe('local');
    expect(await choice.handle('desk:connection', {})).toMatchObject({ data: { mode: 'local' } });
    // Every other channel goes on to the back end.
    expect(choice.handle('auth:session', {})).toBeNull();
  });

  it('starts a desktop from before the choice existed (a database in its folder) and a --demo run on this computer without asking', () => {
    const { dir } = desk();
    expect(startingMode(dir)).toBeNull();
    expect(startingMode(dir, { demo: true })).toBe('local');
    writeFileSync(path.join(dir, 'creditdesk.db'), '');
    expect(startingMode(dir)).toBe('local');
    writeDeskSettings(dir, { mode: 'team', serverUrl: 'https://desk.example.com', caFile: null, pins: {} });
    expect(startingMode(dir)).toBe('team');
    writeDeskSettings(dir, { mode: 'team', serverUrl: null, caFile: null, pins: {} });
    expect(startingMode(dir)).toBe('local');
  });

  it('shows a self-signed server’s fingerprint to confirm, and saves the server and the pin once confirmed', async () => {
    const { choice, restarts, dir } = desk();
    const url = `https://localhost:${server.port}`;
    expect(await choice.handle('desk:choose-connection', { mode: 'team', serverUrl: `${url}/` })).toEqual({ ok: true, data: { outcome: 'confirm-certificate', fingerprint } });
    expect(restarts).toHaveLength(0);
    expect(readDeskSettings(dir).mode).toBeNull();

    expect(await choice.handle('desk:choose-connection', { mode: 'team', serverUrl: url, fingerprint })).toEqual({ ok: true, data: { outcome: 'restarting' } });
    expect(restarts).toHaveLength(1);
    expect(readDeskSettings(dir)).toMatchObject({ mode: 'team', serverUrl: url, pins: { [url]: fingerprint } });
  });

  it('refuses a fingerprint that is not the server’s, an older desktop, an address that is not https, and a server that does not answer, saving nothing', async () => {
    const { choice, restarts, dir } = desk();
    writeDeskSettings(dir, { mode: 'local', serverUrl: null, caFile: null, pins: {} });
    const url = `https://localhost:${server.port}`;
    const other = new X509Certificate(selfSignedCertificate().cert).fingerprint256;
    expect(await choice.handle('desk:choose-connection', { mode: 'team', serverUrl: url, fingerprint: other })).toMatchObject({ ok: false, error: { code: 'NETWORK', details: { reason: 'certificate-changed', fingerprint } } });
    expect(await desk(0).choice.handle('desk:choose-connection', { mode: 'team', serverUrl: url, fingerprint })).toMatchObject({ ok: false, error: { code: 'NETWORK', details: { reason: 'incompatible-version', update: 'desktop' } } });
    expect(await choice.handle('desk:choose-connection', { mode: 'team', serverUrl: `http://localhost:${server.port}` })).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { reason: 'not-https' } } });
    expect(await choice.handle('desk:choose-connection', { mode: 'team', serverUrl: 'desk server' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { reason: 'invalid-url' } } });
    // A port nothing listens on (this server's, once closed, would race other tests: take a fresh one).
    const closed = await startHttpServer({ backend, port: 0, tls: selfSignedCertificate() });
    const closedPort = closed.port;
    await closed.close();
    expect(await choice.handle('desk:choose-connection', { mode: 'team', serverUrl: `https://localhost:${closedPort}` })).toMatchObject({ ok: false, error: { code: 'NETWORK', details: { reason: 'unreachable' } } });
    expect(restarts).toHaveLength(0);
    expect(readDeskSettings(dir)).toEqual({ mode: 'local', serverUrl: null, caFile: null, pins: {} });
  });

  it('is the desktop’s alone: a browser or a team server answers that there is nothing to choose', async () => {
    const context = { actor: null, transport: 'test' as const, csrfToken: null, source: 'test', session: { bind() {}, clear() {} } };
    expect(await backend.router.call('desk:connection', {}, context)).toEqual({ ok: true, data: { canChoose: false, mode: null, serverUrl: null } });
    expect(await backend.router.call('desk:choose-connection', { mode: 'local' }, context)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

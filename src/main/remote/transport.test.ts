import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, operatorContext, testOperatorPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { selfSignedCertificate, type TestCertificate } from '../../../test/support/tls';
import type { ConnectionState } from '../../shared/rpc/connection';
import type { Envelope } from '../../shared/rpc/errors';
import type { PushedEvent } from '../../shared/rpc/events';
import { contractVersion } from '../../shared/rpc/version';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';
import type { Backend } from '../runtime/backend';
import type { CallContext } from '../core/actor';
import { startHttpServer, type RunningHttpServer } from '../server/http-server';
import { deskSettingsFileName, filePinStore, type PinStore } from './desk-settings';
import { RemoteTransport } from './transport';
import { until } from '../../../test/support/until';

let backend: Backend & { cleanup(): Promise<void> };
let certificate: TestCertificate;
let fingerprint: string;
let server: RunningHttpServer;
let port: number;
const folders = tempFolders('creditdesk-desk-');
const transports: RemoteTransport[] = [];
const routerCalls: string[] = [];

beforeAll(async () => {
  backend = await createTestBackend();
  certificate = selfSignedCertificate();
  fingerprint = new X509Certificate(certificate.cert).fingerprint256;
  await operatorContext(backend, 'wang', 'reviewer');
  const call = backend.router.call.bind(backend.router);
  backend.router.call = (channel: string, input: unknown, context: CallContext) => {
    routerCalls.push(channel);
    return call(channel, input, context);
  };
  server = await startHttpServer({ backend, port: 0, tls: certificate });
  port = server.port;
});
afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
  folders.removeAll();
});
afterAll(async () => {
  await server.close();
  await backend.cleanup();
});

function pins(): { store: PinStore; dir: string } {
  const dir = folders.folder();
  return { store: filePinStore(dir), dir };
}

function transport(options: { pinned?: string; clientContractVersion?: number } = {}): { remote: RemoteTransport; states: ConnectionState[]; events: PushedEvent[]; dir: string } {
  const { store, dir } = pins();
  if (options.pinned) store.set(`https://localhost:${port}`, options.pinned);
  const remote = new RemoteTransport({
    serverUrl: `https://localhost:${port}`,
    pins: store,
    clientContractVersion: options.clientContractVersion,
    backoff: { initialMs: 50, maxMs: 200 },
    callTimeoutMs: 20_000,
  });
  transports.push(remote);
  const states: ConnectionState[] = [];
  const events: PushedEvent[] = [];
  remote.onEvent((event) => (event.name === 'connection:state' ? states.push(event.payload as ConnectionState) : events.push(event)));
  return { remote, states, events, dir };
}

async function restartServer(options: { tls?: TestCertificate } = {}): Promise<void> {
  server = await startHttpServer({ backend, port, tls: options.tls ?? certificate });
}

describe('the remote transport over TLS', () => {
  it('shows an unknown certificate’s fingerprint, connects once the operator trusts it, and keeps the pin', async () => {
    const { remote, states, dir } = transport();
    await remote.connect();
    expect(remote.state).toEqual({ state: 'certificate-untrusted', serverUrl: `https://localhost:${port}`, fingerprint });
    const refused = await remote.invoke('auth:session', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'NETWORK', details: { reason: 'certificate-untrusted', fingerprint } } });

    await remote.trust(fingerprint.toLowerCase().replace(/:/g, ''));
    expect(remote.state.state).toBe('connected');
    expect(states.map((state) => state.state)).toEqual(['certificate-untrusted', 'connected']);
    expect(JSON.parse(readFileSync(path.join(dir, deskSettingsFileName), 'utf8')).pins).toEqual({ [`https://localhost:${port}`]: fingerprint });

    const signIn = (await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword })) as Envelope<{ csrfToken: string | null }>;
    expect(signIn.ok).toBe(true);
    // The CSRF token stays in the main process; the transport adds it to later calls itself.
    expect(signIn.ok && signIn.data.csrfToken).toBeNull();
    expect(await remote.invoke('review:counts', {})).toMatchObject({ ok: true });
  });

  it('trusts a certificate signed by the CA file the administrator named, without a pin', async () => {
    const { store } = pins();
    const remote = new RemoteTransport({ serverUrl: `https://localhost:${port}`, pins: store, ca: certificate.cert });
    transports.push(remote);
    await remote.connect();
    expect(remote.state.state).toBe('connected');
    const stranger = new RemoteTransport({ serverUrl: `https://localhost:${port}`, pins: store, ca: selfSignedCertificate().cert });
    transports.push(stranger);
    await stranger.connect();
    expect(stranger.state).toMatchObject({ state: 'certificate-untrusted', fingerprint });
  });

  it('refuses a changed certificate with a clear message, before sending anything', async () => {
    const other = selfSignedCertificate();
    await server.close();
    await restartServer({ tls: other });
    let requests = 0;
    server.server.on('request', () => requests++);
    try {
      const { remote } = transport({ pinned: fingerprint });
      await remote.connect();
      const otherFingerprint = new X509Certificate(other.cert).fingerprint256;
      expect(remote.state).toEqual({ state: 'certificate-changed', serverUrl: `https://localhost:${port}`, fingerprint: otherFingerprint, pinned: fingerprint });
      const refused = await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword });
      expect(refused).toMatchObject({ ok: false, error: { code: 'NETWORK', details: { reason: 'certificate-changed' } } });
      expect(!refused.ok && refused.error.message).toContain('certificate changed');
      expect(requests).toBe(0);
    } finally {
      await server.close();
      await restartServer();
    }
  });

  it('says which side to update when the contract versions differ', async () => {
    const newer = transport({ pinned: fingerprint, clientContractVersion: contractVersion + 1 });
    await newer.remote.connect();
    expect(newer.remote.state).toMatchObject({ state: 'incompatible-version', update: 'server', serverContractVersion: contractVersion });
    const refused = await newer.remote.invoke('auth:session', {});
    expect(!refused.ok && refused.error.message).toContain('ask the administrator to update the server');
    const older = transport({ pinned: fingerprint, clientContractVersion: contractVersion - 1 });
    await older.remote.connect();
    expect(older.remote.state).toMatchObject({ state: 'incompatible-version', update: 'desktop' });
    const refusedOlder = await older.remote.invoke('auth:session', {});
    expect(!refusedOlder.ok && refusedOlder.error.message).toContain('update this desktop');
  });

  it('reconnects after the server restarts and resumes events (a resync after a restart)', async () => {
    const { remote, states, events } = transport({ pinned: fingerprint });
    await remote.connect();
    expect((await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword })).ok).toBe(true);
    // The stream opens right after sign-in; emit until the first push arrives.
    await until(() => {
      backend.events.emit('review:changed', { queues: ['face'] });
      return events.some((event) => event.name === 'review:changed');
    }, 'the first event');

    await server.close();
    await until(() => remote.state.state === 'reconnecting', 'reconnecting');
    // A read made while the server is away waits for it.
    const waiting = remote.invoke('review:counts', {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    await restartServer();
    await until(() => remote.state.state === 'connected', 'connected again');
    expect(await waiting).toMatchObject({ ok: true });
    expect(states.map((state) => state.state)).toContain('reconnecting');
    await until(() => events.some((event) => event.name === 'events:resync'), 'the resync');
    expect(events.find((event) => event.name === 'events:resync')?.payload).toEqual({ reason: 'restarted' });
    backend.events.emit('review:changed', { queues: ['ocr'] });
    await until(() => events.some((event) => event.name === 'review:changed' && (event.payload as { queues: string[] }).queues[0] === 'ocr'), 'an event after the restart');
  });

  it('sends again a decision whose answer was lost when the server dropped, and it is applied exactly once', async () => {
    const institutionId = insertFixtureInstitution(backend.db, 'HNXD');
    ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId: 'APP-DROP', face: { score: 65 } }, Date.now()), Date.now());
    const { remote } = transport({ pinned: fingerprint });
    await remote.connect();
    expect((await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword })).ok).toBe(true);
    const next = (await remote.invoke('review:next', { queue: 'face' })) as Envelope<{ taskId: number }>;
    if (!next.ok) throw new Error(next.error.message);
    const taskId = next.data.taskId;
    const detail = (await remote.invoke('review:task', { taskId })) as Envelope<{ task: { evidenceHash: string } }>;
    if (!detail.ok) throw new Error(detail.error.message);

    // The server commits the decision, then goes down before its answer leaves.
    let dropped = false;
    const untap = backend.events.tap((event) => {
      if (event.name !== 'review:changed' || dropped) return;
      dropped = true;
      void server.close().then(() => setTimeout(() => void restartServer(), 300));
    });
    routerCalls.length = 0;
    const answer = await remote.invoke('review:decide', { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', evidenceHash: detail.data.task.evidenceHash });
    untap();
    expect(dropped).toBe(true);
    expect(answer).toEqual({ ok: true, data: { outcome: 'decided', applicationOutcome: 'reject', nextTaskId: null } });
    expect(routerCalls.filter((channel) => channel === 'review:decide')).toHaveLength(2);
    const decisions = backend.db.$client.prepare('SELECT count(*) AS n FROM review_decisions WHERE task_id = ?').get(taskId) as { n: number };
    expect(decisions.n).toBe(1);
  });

  it('marks a background call for the server, which does not slide the session’s idle expiry for it', async () => {
    const { remote } = transport({ pinned: fingerprint });
    await remote.connect();
    expect((await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword })).ok).toBe(true);
    const client = backend.db.$client;
    const session = () => client.prepare("SELECT s.id, s.last_seen_at AS lastSeenAt FROM sessions s JOIN operators o ON o.id = s.operator_id WHERE o.username = 'wang' AND s.ended_at IS NULL ORDER BY s.id DESC LIMIT 1").get() as { id: number; lastSeenAt: number };
    const tenMinutesAgo = Date.now() - 10 * 60_000;
    client.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(tenMinutesAgo, session().id);

    expect((await remote.invoke('review:counts', {}, { background: true })).ok).toBe(true);
    expect(session().lastSeenAt).toBe(tenMinutesAgo);
    expect((await remote.invoke('review:counts', {})).ok).toBe(true);
    expect(session().lastSeenAt).toBeGreaterThan(tenMinutesAgo);
  });

  it('does not send again a write that is not safe to repeat', async () => {
    const { remote } = transport({ pinned: fingerprint });
    await remote.connect();
    expect((await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword })).ok).toBe(true);
    let dropped = false;
    const call = backend.router.call;
    backend.router.call = (channel, input, context) => {
      if (channel === 'auth:set-locale' && !dropped) {
        dropped = true;
        void server.close().then(() => restartServer());
      }
      return call(channel, input, context);
    };
    try {
      const answer = await remote.invoke('auth:set-locale', { locale: 'en' });
      expect(answer).toMatchObject({ ok: false, error: { code: 'NETWORK', details: { reason: 'dropped' } } });
      expect(dropped).toBe(true);
    } finally {
      backend.router.call = call;
      await until(() => server.server.listening, 'the server back');
    }
  });
});

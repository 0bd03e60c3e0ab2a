import { X509Certificate } from 'node:crypto';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestBackend, operatorContext, testOperatorPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { selfSignedCertificate } from '../../../test/support/tls';
import type { ConnectionState } from '../../shared/rpc/connection';
import type { PushedEvent } from '../../shared/rpc/events';
import type { Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from '../server/http-server';
import { filePinStore } from './desk-settings';
import { RemoteTransport } from './transport';
import { until } from '../../../test/support/until';

/**
 * A link that goes silent instead of closing (a laptop's Wi-Fi drops, a NAT forgets the
 * connection, the server's machine hangs): a TCP relay between the desktop and a real TLS server
 * that can stop forwarding without closing anything.
 */
function silenceableRelay(): { server: Server; port: () => number; target: { port: number }; silence(): void; restore(): void; close(): void } {
  const target = { port: 0 };
  const sockets = new Set<Socket>();
  let silent = false;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    // While silent, a new connection is accepted and then never answered.
    if (silent) return;
    const upstream = createConnection({ host: '127.0.0.1', port: target.port });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => sockets.delete(upstream));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => {
      if (!silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!silent) client.write(chunk);
    });
  });
  return {
    server,
    port: () => (server.address() as AddressInfo).port,
    target,
    silence() {
      silent = true;
    },
    restore() {
      silent = false;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;
let fingerprint: string;
const relay = silenceableRelay();
const folders = tempFolders('creditdesk-desk-');

beforeAll(async () => {
  backend = await createTestBackend();
  await operatorContext(backend, 'wang', 'reviewer');
  await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
  const certificate = selfSignedCertificate();
  // The desktop reaches the server through the relay's port: that is the address it was given.
  server = await startHttpServer({
    backend,
    port: 0,
    tls: certificate,
    publicUrl: `https://localhost:${relay.port()}`,
    eventStreams: { heartbeatMs: 100 },
  });
  relay.target.port = server.port;
  fingerprint = new X509Certificate(certificate.cert).fingerprint256;
});
afterAll(async () => {
  relay.close();
  await server.close();
  await backend.cleanup();
  folders.removeAll();
});

it('notices a link that went silent, says it is reconnecting, and comes back when the link does', async () => {
  const pins = filePinStore(folders.folder());
  const origin = `https://localhost:${relay.port()}`;
  pins.set(origin, fingerprint);
  const remote = new RemoteTransport({
    serverUrl: origin,
    pins,
    backoff: { initialMs: 50, maxMs: 200 },
    callTimeoutMs: 20_000,
    // Short for the test; a sign-in on a loaded machine still answers well within it.
    answerTimeoutMs: 5_000,
    eventsStaleMs: 1_000,
  });
  const states: ConnectionState[] = [];
  const events: PushedEvent[] = [];
  remote.onEvent((event) => (event.name === 'connection:state' ? states.push(event.payload as ConnectionState) : events.push(event)));
  try {
    await remote.connect();
    expect(remote.state.state).toBe('connected');
    expect((await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword })).ok).toBe(true);
    await until(
      () => {
        backend.events.emit('review:changed', { queues: ['face'] });
        return events.length > 0;
      },
      'the event stream',
      5_000,
    );

    relay.silence();
    // Nothing closed: only the heartbeats stopped arriving.
    await until(() => remote.state.state === 'reconnecting', 'the reconnecting banner', 5_000);
    // A read made meanwhile waits for the server instead of hanging on the dead connection.
    const waiting = remote.invoke('review:counts', {});
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(remote.state.state).not.toBe('connected');

    relay.restore();
    await until(() => remote.state.state === 'connected', 'connected again', 10_000);
    expect(await waiting).toMatchObject({ ok: true });
    // What the renderer was told, and so what its banner showed: reconnecting, then connected.
    const shown = states.map((state) => state.state);
    expect(shown).toContain('reconnecting');
    expect(shown.at(-1)).toBe('connected');
    const before = events.length;
    await until(
      () => {
        backend.events.emit('review:changed', { queues: ['ocr'] });
        return events.length > before;
      },
      'events after the link came back',
      5_000,
    );
  } finally {
    remote.close();
  }
}, 40_000);

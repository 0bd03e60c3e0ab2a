import { X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestBackend, operatorContext, testOperatorPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { selfSignedCertificate } from '../../../test/support/tls';
import type { ConnectionState } from '../../shared/rpc/connection';
import type { Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from '../server/http-server';
import { filePinStore } from './desk-settings';
import { RemoteTransport } from './transport';
import { until } from '../../../test/support/until';

/**
 * A TLS-terminating reverse proxy in front of the team server (`serve --behind-proxy`), answering
 * as nginx does when the server behind it is down: 502 with an HTML page.
 */
function reverseProxy(tls: { cert: string; key: string }, upstream: () => number, refuseEvents: { count: number }): Server {
  return createHttpsServer(tls, (request, response) => {
    if (request.url === '/api/events' && refuseEvents.count > 0) {
      // The server behind is restarting just as the stream reopens.
      refuseEvents.count--;
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    const forwarded = httpRequest(
      { host: '127.0.0.1', port: upstream(), method: request.method, path: request.url, headers: { ...request.headers, 'x-forwarded-for': request.socket.remoteAddress ?? '', 'x-forwarded-proto': 'https' } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        answer.on('close', () => void (response.writableEnded || response.destroy()));
      },
    );
    forwarded.on('error', () => {
      if (response.headersSent) return void response.destroy();
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    });
    request.pipe(forwarded);
  });
}

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer | null = null;
let upstreamPort = 0;
let proxy: Server;
let fingerprint: string;
const refuseEvents = { count: 0 };
const folders = tempFolders('creditdesk-desk-');

async function startUpstream(): Promise<void> {
  const publicUrl = `https://localhost:${(proxy.address() as AddressInfo).port}`;
  server = await startHttpServer({ backend, port: upstreamPort, behindProxy: ['127.0.0.1'], publicUrl });
  upstreamPort = server.port;
}

beforeAll(async () => {
  backend = await createTestBackend();
  await operatorContext(backend, 'wang', 'reviewer');
  const certificate = selfSignedCertificate();
  fingerprint = new X509Certificate(certificate.cert).fingerprint256;
  proxy = reverseProxy(certificate, () => upstreamPort, refuseEvents);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  await startUpstream();
});
afterAll(async () => {
  proxy.closeAllConnections();
  proxy.close();
  await server?.close();
  await backend.cleanup();
  folders.removeAll();
});

it('behind a reverse proxy, takes the proxy’s 502 for a server that is away: reconnects and sends a read again', async () => {
  const pins = filePinStore(folders.folder());
  const origin = `https://localhost:${(proxy.address() as AddressInfo).port}`;
  pins.set(origin, fingerprint);
  const remote = new RemoteTransport({ serverUrl: origin, pins, backoff: { initialMs: 50, maxMs: 200 }, callTimeoutMs: 20_000 });
  const states: ConnectionState[] = [];
  remote.onEvent((event) => void (event.name === 'connection:state' && states.push(event.payload as ConnectionState)));
  try {
    await remote.connect();
    expect(remote.state.state).toBe('connected');
    // Not signed in: no event stream either, so only the call can tell that the server is away.
    expect(await remote.invoke('auth:session', {})).toMatchObject({ ok: true });

    // The server restarts (an upgrade); the proxy stays and answers 502 meanwhile.
    await server?.close();
    server = null;
    const waiting = remote.invoke('auth:session', {});
    await until(() => remote.state.state === 'reconnecting', 'the reconnecting banner', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await startUpstream();
    expect(await waiting).toMatchObject({ ok: true });
    expect(remote.state.state).toBe('connected');
    // What the renderer was told, and so what its banner showed: reconnecting, then connected.
    const shown = states.map((state) => state.state);
    expect(shown).toContain('reconnecting');
    expect(shown.at(-1)).toBe('connected');
  } finally {
    remote.close();
  }
}, 30_000);

it('behind a reverse proxy, opens the event stream again when the proxy answered it with 502', async () => {
  const pins = filePinStore(folders.folder());
  const origin = `https://localhost:${(proxy.address() as AddressInfo).port}`;
  pins.set(origin, fingerprint);
  const remote = new RemoteTransport({ serverUrl: origin, pins, backoff: { initialMs: 50, maxMs: 200 }, callTimeoutMs: 20_000 });
  const events: string[] = [];
  remote.onEvent((event) => void (event.name !== 'connection:state' && events.push(event.name)));
  try {
    await remote.connect();
    refuseEvents.count = 1;
    // Signing in opens the stream; its first attempt meets the proxy's 502.
    expect((await remote.invoke('auth:sign-in', { username: 'wang', password: testOperatorPassword })).ok).toBe(true);
    await until(
      () => {
        backend.events.emit('review:changed', { queues: ['face'] });
        return events.includes('review:changed');
      },
      'an event on the reopened stream',
      10_000,
    );
    expect(refuseEvents.count).toBe(0);
  } finally {
    remote.close();
  }
}, 30_000);

import { writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, testAdminPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { selfSignedCertificate, type TestCertificate } from '../../../test/support/tls';
import { runCli } from '../cli/index';
import type { Backend } from '../runtime/backend';
import type { CallContext } from '../core/actor';
import { clientAddress, isSecureRequest, trustedProxies } from './client-address';
import { startHttpServer } from './http-server';
import { checkExposure, ListenRefusedError, parseListenAddress } from './listen';

let backend: Backend & { cleanup(): Promise<void> };
let certificate: TestCertificate;
const seenOrigins: Array<string | undefined> = [];

beforeAll(async () => {
  backend = await createTestBackend();
  certificate = selfSignedCertificate();
  const call = backend.router.call.bind(backend.router);
  backend.router.call = (channel: string, input: unknown, context: CallContext) => {
    // The log's origin and the throttles' source are the same client address.
    seenOrigins.push(context.origin === context.source ? context.source : `origin ${context.origin} != source ${context.source}`);
    return call(channel, input, context);
  };
});
afterAll(async () => {
  await backend.cleanup();
});

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function send(url: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {}): Promise<Answer> {
  const target = new URL(path, url);
  const make = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = make(
      target,
      { method: options.method ?? 'GET', headers: options.headers, ...(options.ca ? { ca: options.ca } : {}) },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += String(chunk)));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

function signIn(url: string, headers: Record<string, string> = {}, ca?: string): Promise<Answer> {
  return send(url, '/api/rpc/auth:sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'admin', password: testAdminPassword }),
    ca,
  });
}

function fakeRequest(peer: string, headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { socket: { remoteAddress: peer, encrypted } as unknown as Socket, headers } as unknown as IncomingMessage;
}

describe('the client address (CallContext.source and origin)', () => {
  const proxies = trustedProxies(['10.0.0.5', '::1']);

  it('is the socket peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress(fakeRequest('192.168.1.20', { 'x-forwarded-for': '1.2.3.4' }), proxies)).toBe('192.168.1.20');
    expect(clientAddress(fakeRequest('::ffff:192.168.1.20', {}), proxies)).toBe('192.168.1.20');
  });

  it('is the right-most untrusted X-Forwarded-For hop when the peer is a trusted proxy', () => {
    expect(clientAddress(fakeRequest('10.0.0.5', { 'x-forwarded-for': '1.2.3.4' }), proxies)).toBe('1.2.3.4');
    // A client that writes its own X-Forwarded-For cannot choose its address: the proxy appends the real one.
    expect(clientAddress(fakeRequest('::ffff:10.0.0.5', { 'x-forwarded-for': '6.6.6.6, 1.2.3.4' }), proxies)).toBe('1.2.3.4');
    expect(clientAddress(fakeRequest('10.0.0.5', { 'x-forwarded-for': '1.2.3.4, ::1' }), proxies)).toBe('1.2.3.4');
    expect(clientAddress(fakeRequest('10.0.0.5', { 'x-forwarded-for': 'garbage' }), proxies)).toBe('10.0.0.5');
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    expect(isSecureRequest(fakeRequest('10.0.0.5', { 'x-forwarded-proto': 'https' }), proxies)).toBe(true);
    expect(isSecureRequest(fakeRequest('192.168.1.20', { 'x-forwarded-proto': 'https' }), proxies)).toBe(false);
    expect(isSecureRequest(fakeRequest('192.168.1.20', {}, true), proxies)).toBe(true);
  });
});

describe('listening on a network', () => {
  it('parses --listen addresses', () => {
    expect(parseListenAddress('0.0.0.0:4780')).toEqual({ host: '0.0.0.0', port: 4780 });
    expect(parseListenAddress('[::]:443')).toEqual({ host: '::', port: 443 });
    expect(parseListenAddress(':8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(() => parseListenAddress('desk')).toThrow(/HOST:PORT/);
  });

  it('refuses a non-loopback address without TLS unless behind a proxy, before listening', async () => {
    expect(() => checkExposure({ host: '0.0.0.0' })).toThrow(ListenRefusedError);
    expect(() => checkExposure({ host: '192.168.1.20', behindProxy: ['10.0.0.5'] })).not.toThrow();
    expect(() => checkExposure({ host: '0.0.0.0', tls: certificate })).not.toThrow();
    expect(() => checkExposure({ host: '127.0.0.1' })).not.toThrow();
    await expect(startHttpServer({ backend, host: '0.0.0.0', port: 0 })).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0 without TLS/);
  });

  it('serves HTTPS with Secure cookies, and plain loopback HTTP without', async () => {
    const tlsServer = await startHttpServer({ backend, port: 0, tls: certificate });
    const plainServer = await startHttpServer({ backend, port: 0 });
    try {
      expect(tlsServer.url).toBe(`https://127.0.0.1:${tlsServer.port}`);
      const overTls = await signIn(tlsServer.url, {}, certificate.cert);
      expect(overTls.status).toBe(200);
      expect(String(overTls.headers['set-cookie'])).toMatch(/^__Host-creditdesk_session=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
      // Over TLS only the prefixed cookie is a session: one planted without the prefix (by a page
      // on a sibling host of the same domain) is not read.
      const token = String(overTls.headers['set-cookie']).split(';')[0]?.split('=')[1] ?? '';
      const asked = (cookie: string) => send(tlsServer.url, '/api/rpc/auth:session', { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}', ca: certificate.cert });
      expect(JSON.parse((await asked(`__Host-creditdesk_session=${token}`)).body)).toMatchObject({ ok: true, data: { operator: { username: 'admin' } } });
      expect(JSON.parse((await asked(`creditdesk_session=${token}`)).body)).toMatchObject({ ok: true, data: { operator: null } });
      const plain = await signIn(plainServer.url);
      expect(plain.status).toBe(200);
      expect(String(plain.headers['set-cookie'])).not.toContain('Secure');
    } finally {
      await tlsServer.close();
      await plainServer.close();
    }
  });

  it('tells browsers to come back over TLS only when its page is served over TLS (directly or by the trusted proxy), never over plain HTTP', async () => {
    const renderer = tempFolders('creditdesk-renderer-');
    const staticDir = renderer.folder();
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CreditDesk</title>');
    const tlsServer = await startHttpServer({ backend, port: 0, tls: certificate, staticDir });
    const plainServer = await startHttpServer({ backend, port: 0, staticDir });
    const proxied = await startHttpServer({ backend, port: 0, behindProxy: ['127.0.0.1'], publicUrl: 'https://desk.example.com', staticDir });
    try {
      const overTls = await send(tlsServer.url, '/', { ca: certificate.cert });
      expect(overTls.status).toBe(200);
      expect(overTls.headers['strict-transport-security']).toBe('max-age=31536000');
      const plain = await send(plainServer.url, '/');
      expect(plain.status).toBe(200);
      expect(plain.headers['strict-transport-security']).toBeUndefined();
      const local = `http://127.0.0.1:${proxied.port}`;
      expect((await send(local, '/', { headers: { host: 'desk.example.com', 'x-forwarded-proto': 'https' } })).headers['strict-transport-security']).toBe('max-age=31536000');
      expect((await send(local, '/', { headers: { host: 'desk.example.com', 'x-forwarded-proto': 'http' } })).headers['strict-transport-security']).toBeUndefined();
    } finally {
      await tlsServer.close();
      await plainServer.close();
      await proxied.close();
      renderer.removeAll();
    }
  });

  it('behind a proxy: takes the client address and the scheme from the trusted proxy only', async () => {
    const server = await startHttpServer({ backend, port: 0, behindProxy: ['127.0.0.1'], publicUrl: 'https://desk.example.com' });
    const untrusting = await startHttpServer({ backend, port: 0 });
    try {
      expect(server.url).toBe('https://desk.example.com');
      seenOrigins.length = 0;
      const proxied = await signIn(`http://127.0.0.1:${server.port}`, { host: 'desk.example.com', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' });
      expect(proxied.status).toBe(200);
      expect(String(proxied.headers['set-cookie'])).toContain('; Secure');
      expect(seenOrigins).toEqual(['203.0.113.9']);
      seenOrigins.length = 0;
      const direct = await signIn(untrusting.url, { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' });
      expect(String(direct.headers['set-cookie'])).not.toContain('Secure');
      expect(seenOrigins).toEqual(['127.0.0.1']);
    } finally {
      await server.close();
      await untrusting.close();
    }
  });

  it('behind a proxy that writes the client’s port into X-Forwarded-For, still tells the clients apart', async () => {
    const server = await startHttpServer({ backend, port: 0, behindProxy: ['127.0.0.1'], publicUrl: 'https://desk.example.com' });
    try {
      seenOrigins.length = 0;
      for (const hop of ['203.0.113.9:51234', '[2001:db8::7]:443']) {
        await signIn(`http://127.0.0.1:${server.port}`, { host: 'desk.example.com', 'x-forwarded-for': hop, 'x-forwarded-proto': 'https' });
      }
      // Not the proxy's own address for every client (one guesser's failures would then slow everyone's sign-in).
      expect(seenOrigins).toEqual(['203.0.113.9', '2001:db8::7']);
    } finally {
      await server.close();
    }
  });

  it('accepts the public URL as Host and Origin, and refuses other hosts', async () => {
    const server = await startHttpServer({ backend, port: 0, publicUrl: 'https://desk.example.com' });
    try {
      const local = `http://127.0.0.1:${server.port}`;
      expect((await signIn(local, { host: 'desk.example.com', origin: 'https://desk.example.com' })).status).toBe(200);
      expect((await signIn(local, { host: 'other.example.com' })).status).toBe(403);
      expect((await signIn(local, { host: 'desk.example.com', origin: 'https://evil.example.com' })).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('refuses its pages too under a name it does not serve, and says which address to open', async () => {
    // A sign-in page served under any name only failed at the first call, with "no permission".
    const renderer = tempFolders('creditdesk-renderer-');
    const staticDir = renderer.folder();
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CreditDesk</title>');
    const server = await startHttpServer({ backend, port: 0, publicUrl: 'https://desk.example.com:4780', staticDir });
    try {
      const local = `http://127.0.0.1:${server.port}`;
      const served = await send(local, '/', { headers: { host: 'desk.example.com:4780' } });
      expect(served.status).toBe(200);
      expect(served.body).toContain('<title>CreditDesk</title>');
      for (const page of ['/', '/assets/index.js', '/#/review']) {
        const refused = await send(local, page, { headers: { host: '10.0.0.7:4780' } });
        expect(refused.status).toBe(421);
        expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(refused.body).not.toContain('<title>CreditDesk</title>');
        expect(refused.body).toContain('https://desk.example.com:4780');
        expect(refused.body).toContain('--public-url https://10.0.0.7:4780');
      }
      // A load balancer's health check may use any name.
      expect((await send(local, '/healthz', { headers: { host: '10.0.0.7:4780' } })).status).toBe(200);
    } finally {
      await server.close();
      renderer.removeAll();
    }
  });
});

describe('creditdesk serve network flags', () => {
  async function cli(args: string[]) {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (chunk) => (err += String(chunk)));
    const code = await runCli(args, { stdout: new PassThrough(), stderr, env: {}, shutdownSignal: new AbortController().signal });
    return { code, err };
  }

  it('explains unsafe or incomplete network flags with exit code 2, before opening anything', async () => {
    const clear = await cli(['serve', '--listen', '0.0.0.0:0']);
    expect(clear.code).toBe(2);
    expect(clear.err).toContain('Refusing to listen on 0.0.0.0 without TLS');
    const halfTls = await cli(['serve', '--listen', '0.0.0.0:0', '--tls-cert', 'cert.pem']);
    expect(halfTls.code).toBe(2);
    expect(halfTls.err).toContain('--tls-cert and --tls-key go together');
    const both = await cli(['serve', '--port', '1', '--listen', '127.0.0.1:2']);
    expect(both.err).toContain('either --port or --listen');
    const badProxy = await cli(['serve', '--listen', '0.0.0.0:0', '--behind-proxy', 'proxy.local']);
    expect(badProxy.err).toContain('--behind-proxy takes the proxy’s IP addresses');
  });
});

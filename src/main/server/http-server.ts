import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { backgroundCallHeader } from '../../shared/rpc/call-options';
import { contract, isChannelName } from '../../shared/rpc/contract';
import { httpStatusOf, type AppError, type Envelope } from '../../shared/rpc/errors';
import { contractVersion, type ServerVersion } from '../../shared/rpc/version';
import { readAppVersion, type Backend } from '../runtime/backend';
import type { Actor, CallContext } from '../core/actor';
import { EncodedJson } from '../rpc/encoded-json';
import { EventJournal } from './event-journal';
import { clientAddress, isSecureRequest, noTrustedProxies, trustedProxies } from './client-address';
import { createEventStreams, type EventStreamOptions } from './event-streams';
import { allowedHostsFor, baseUrlFor, checkExposure, createNodeServer, type NetworkOptions } from './listen';
import { misdirectedPage } from './misdirected';
import { containedPath } from './static-path';

export const sessionCookieName = 'creditdesk_session';
/**
 * The session cookie's name over TLS: the `__Host-` prefix makes browsers take it only when it is
 * Secure, Path=/ and without Domain, so a page on a sibling host (another service under the same
 * domain) cannot plant a session of its choosing. Plain loopback HTTP cannot carry the prefix.
 */
export const secureSessionCookieName = `__Host-${sessionCookieName}`;

/** The cookie name this request's session travels under: prefixed over TLS, plain on loopback HTTP. */
function sessionCookieFor(secure: boolean): string {
  return secure ? secureSessionCookieName : sessionCookieName;
}
export const csrfHeaderName = 'x-csrf-token';

/** Strict policy for the renderer: no inline scripts, no remote anything. Mantine needs inline styles. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

interface HttpRouteBase {
  method: 'GET' | 'POST';
  pattern: RegExp;
}

/**
 * A route beside the RPC endpoint (routes/: downloads, evidence images). A signed-in route (the
 * default) is answered 401 by the server before it runs, so it always gets its actor.
 */
export type HttpRoute =
  | (HttpRouteBase & { signedIn?: true; handle(request: IncomingMessage, response: ServerResponse, match: RegExpExecArray, actor: Actor): Promise<void> | void })
  | (HttpRouteBase & { signedIn: false; handle(request: IncomingMessage, response: ServerResponse, match: RegExpExecArray, actor: Actor | null): Promise<void> | void });

/** Where it listens, TLS, the public URL and a trusted proxy: server/listen.ts. */
export interface HttpServerOptions extends NetworkOptions {
  backend: Backend;
  /** The built renderer (out/renderer); omitted = API only. */
  staticDir?: string | null;
  routes?: HttpRoute[];
  maxBodyBytes?: number;
  /** Per-session stream cap and heartbeat (tests shorten the heartbeat). */
  eventStreams?: EventStreamOptions;
  /** What GET /api/version reports; defaults to this build's contract and release. */
  version?: Pick<ServerVersion, 'contractVersion' | 'appVersion'>;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** New at every start: event ids carry it so a stream is resumed only on the same instance. */
  instanceId: string;
  server: Server;
  close(): Promise<void>;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (name) {
      try {
        cookies[name] = decodeURIComponent(value);
      } catch {
        cookies[name] = value;
      }
    }
  }
  return cookies;
}

/** An expected failure, as the RPC endpoint answers it: the envelope with the code's HTTP status, never cached. */
export function sendError(response: ServerResponse, error: AppError): void {
  sendJson(response, httpStatusOf(error.code), { ok: false, error: { code: error.code, message: error.message } });
}

// Every JSON answer's fixed headers as one flat list, built once: writeHead takes the list as it
// is, where an object had to be spread and walked again for each answer.
const jsonHeaders: readonly string[] = Object.entries({ ...securityHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).flat();

/** A JSON answer: its headers and body leave in one write (Node joins them for a string body; one TLS record up to its size). */
function sendJsonBody(response: ServerResponse, status: number, body: string | Buffer, extraHeaders?: readonly string[]): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  response.writeHead(status, [...jsonHeaders, 'Content-Length', String(length), ...(extraHeaders ?? [])]);
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown, extraHeaders?: readonly string[]): void {
  sendJsonBody(response, status, JSON.stringify(body), extraHeaders);
}

const okPrefix = Buffer.from('{"ok":true,"data":');
const okSuffix = Buffer.from('}');

function sendEnvelope(response: ServerResponse, envelope: Envelope<unknown>, cookie?: string): void {
  const status = envelope.ok ? 200 : httpStatusOf(envelope.error.code);
  const extraHeaders = cookie ? ['Set-Cookie', cookie] : undefined;
  // A read worker's answer is JSON already: its bytes go into the envelope as they are.
  if (envelope.ok && envelope.data instanceof EncodedJson) {
    sendJsonBody(response, status, Buffer.concat([okPrefix, envelope.data.bytes, okSuffix]), extraHeaders);
    return;
  }
  sendJson(response, status, envelope, extraHeaders);
}

/**
 * The request's body as text. Listeners rather than `for await`: an async iterator costs more than
 * the small body it reads. Past `limit` the request is destroyed (its socket with it), as the
 * iterator's end did: the rest of an oversized body is never read.
 */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        reject(new Error('too-large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
    // A client gone before the end of its body: the call is dropped (after 'end' this does nothing).
    request.once('close', () => reject(new Error('closed')));
  });
}

/**
 * Cross-site request defences for a cookie-authenticated API: the Host must be ours (DNS
 * rebinding), a present Origin must be ours, and a browser's Sec-Fetch-Site must not be
 * cross-site. JSON-only bodies force a CORS preflight that we never answer.
 */
function sameOriginProblem(request: IncomingMessage, allowedHosts: Set<string>): string | null {
  const host = request.headers.host ?? '';
  if (!allowedHosts.has(host)) return 'This Host is not served here.';
  const origin = request.headers.origin;
  // `Origin: null` is an opaque origin (a sandboxed frame, a file or data: page, a redirect
  // across origins), never CreditDesk's own page: refused like any other foreign origin.
  if (origin !== undefined && !allowedHosts.has(origin.replace(/^https?:\/\//, ''))) {
    return 'Cross-origin requests are refused.';
  }
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site') return 'Cross-site requests are refused.';
  return null;
}

/**
 * The headless transport: the same router as the desktop, over HTTP on loopback or HTTPS on a
 * network (server/listen.ts). Serves the built renderer, the contract at POST /api/rpc/<channel>,
 * pushes as server-sent events at /api/events, and /healthz.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { backend } = options;
  checkExposure(options);
  const proxies = options.behindProxy ? trustedProxies(options.behindProxy) : noTrustedProxies;
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const logger = backend.logger.child('http');
  let allowedHosts = new Set<string>();
  let baseUrl = '';
  const instanceId = randomUUID();
  const journal = new EventJournal(backend.events, instanceId);
  const version: ServerVersion = { contractVersion, appVersion: readAppVersion(), ...options.version, instanceId };
  const streams = createEventStreams(backend, securityHeaders, options.eventStreams, journal);
  const staticRoot = options.staticDir && existsSync(options.staticDir) ? path.resolve(options.staticDir) : null;

  /** The session behind the request's cookie; a call marked background (shared/rpc/call-options.ts) does not slide its idle expiry. */
  function resolveActor(request: IncomingMessage, secure = isSecureRequest(request, proxies)): { actor: Actor; csrfToken: string } | null {
    const token = parseCookies(request.headers.cookie)[sessionCookieFor(secure)];
    return backend.services.auth.resolveSession(token, request.headers[backgroundCallHeader] === '1' ? 'push' : 'call');
  }

  async function handleRpc(request: IncomingMessage, response: ServerResponse, channel: string): Promise<void> {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/json')) {
      sendEnvelope(response, { ok: false, error: { code: 'VALIDATION', message: 'Send the input as application/json.' } });
      return;
    }
    let body: string;
    try {
      if (Number(request.headers['content-length'] ?? 0) > maxBodyBytes) throw new Error('too-large');
      body = await readBody(request, maxBodyBytes);
    } catch {
      // 413, and the connection closes: the rest of an oversized body is never read.
      sendJson(response, 413, { ok: false, error: { code: 'VALIDATION', message: `The request body exceeds ${maxBodyBytes} bytes.` } }, ['Connection', 'close']);
      return;
    }
    let input: unknown = {};
    if (body.trim()) {
      try {
        input = JSON.parse(body);
      } catch {
        sendEnvelope(response, { ok: false, error: { code: 'VALIDATION', message: 'The request body is not valid JSON.' } });
        return;
      }
    }
    const secure = isSecureRequest(request, proxies);
    const session = resolveActor(request, secure);
    // Public channels (sign-in, session discovery) are how a page obtains its CSRF token; they are
    // covered by the Host/Origin/Sec-Fetch-Site checks and the JSON-only body.
    const isPublic = isChannelName(channel) && contract[channel].access.kind === 'public';
    if (session && !isPublic && request.headers[csrfHeaderName] !== session.csrfToken) {
      sendEnvelope(response, {
        ok: false,
        error: { code: 'FORBIDDEN', message: 'Missing or wrong CSRF token; reload the page.', details: { reason: 'csrf' } },
      });
      return;
    }
    let cookie: string | undefined;
    const cookieName = sessionCookieFor(secure);
    const cookieFlags = `HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
    // The client's address (server/client-address.ts: X-Forwarded-For only from a trusted proxy).
    const address = clientAddress(request, proxies);
    const context: CallContext = {
      actor: session?.actor ?? null,
      csrfToken: session?.csrfToken ?? null,
      transport: 'http',
      origin: address,
      source: address,
      // A read worker's answer is JSON already: sendEnvelope puts its bytes into the reply.
      jsonAnswers: true,
      session: {
        bind(token) {
          cookie = `${cookieName}=${token}; ${cookieFlags}`;
        },
        clear() {
          cookie = `${cookieName}=; ${cookieFlags}; Max-Age=0`;
        },
      },
    };
    const envelope = await backend.router.call(channel, input, context);
    sendEnvelope(response, envelope, cookie);
  }

  function handleEvents(request: IncomingMessage, response: ServerResponse): void {
    const token = parseCookies(request.headers.cookie)[sessionCookieFor(isSecureRequest(request, proxies))];
    // A browser reopens a dropped stream by itself: that is not the operator at work.
    const session = backend.services.auth.resolveSession(token, 'push');
    if (!session || !token) {
      sendJson(response, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Sign in first.' } });
      return;
    }
    const lastEventId = request.headers['last-event-id'];
    streams.open(request, response, token, session.actor, typeof lastEventId === 'string' ? lastEventId : undefined);
  }

  function serveStatic(request: IncomingMessage, response: ServerResponse, pathname: string): void {
    if (!staticRoot) {
      sendJson(response, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'The renderer is not built; run npm run build.' } });
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      sendJson(response, 400, { ok: false, error: { code: 'VALIDATION', message: 'Bad path.' } });
      return;
    }
    let file = containedPath(staticRoot, relative);
    if (file === null) {
      sendJson(response, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'Not found.' } });
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(staticRoot, 'index.html');
    const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
    const immutable = relative.startsWith('/assets/');
    response.writeHead(200, {
      ...securityHeaders,
      // Over TLS the page tells the browser to come back over TLS only (a year). Browsers ignore it
      // on a connection whose certificate they did not accept, so a self-signed server clicked
      // through is not locked out. The page is what a browser loads first; the API does not repeat it.
      ...(isSecureRequest(request, proxies) ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
      'Content-Type': type,
      'Content-Length': statSync(file).size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(file).pipe(response);
  }

  const server = createNodeServer(options, (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    void (async () => {
      try {
        if (pathname === '/healthz' && request.method === 'GET') {
          sendJson(response, 200, { status: 'ok' });
          return;
        }
        const host = request.headers.host ?? '';
        if (!pathname.startsWith('/api/') && !allowedHosts.has(host)) {
          response.writeHead(421, { ...securityHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
          response.end(misdirectedPage(host, baseUrl));
          return;
        }
        if (pathname.startsWith('/api/')) {
          const problem = sameOriginProblem(request, allowedHosts);
          if (problem) {
            sendJson(response, 403, { ok: false, error: { code: 'FORBIDDEN', message: problem } });
            return;
          }
          const rpc = /^\/api\/rpc\/([a-z0-9-]+:[a-z0-9-]+)$/.exec(pathname);
          if (rpc) {
            if (request.method !== 'POST') {
              sendJson(response, 405, { ok: false, error: { code: 'VALIDATION', message: 'Use POST.' } }, ['Allow', 'POST']);
              return;
            }
            // A person's call from its arrival: the sync gives way to it (rpc/calls-in-flight.ts).
            const leave = backend.calls.enter();
            await handleRpc(request, response, rpc[1] as string).finally(leave);
            return;
          }
          if (pathname === '/api/version' && request.method === 'GET') {
            sendJson(response, 200, version);
            return;
          }
          if (pathname === '/api/events' && request.method === 'GET') {
            handleEvents(request, response);
            return;
          }
          for (const route of options.routes ?? []) {
            const match = route.method === request.method ? route.pattern.exec(pathname) : null;
            if (!match) continue;
            const actor = resolveActor(request)?.actor ?? null;
            if (route.signedIn === false) {
              await route.handle(request, response, match, actor);
              return;
            }
            if (!actor) {
              sendJson(response, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Sign in first.' } });
              return;
            }
            await route.handle(request, response, match, actor);
            return;
          }
          sendJson(response, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'Unknown channel or path.' } });
          return;
        }
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          sendJson(response, 405, { ok: false, error: { code: 'VALIDATION', message: 'Method not allowed.' } });
          return;
        }
        serveStatic(request, response, pathname);
      } catch (error) {
        logger.error('request failed', { path: pathname, error: String(error) });
        if (!response.headersSent) {
          sendJson(response, 500, { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong on the server.' } });
        } else {
          response.destroy();
        }
      }
    })();
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4780, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = allowedHostsFor(options, port);
  const url = baseUrlFor(options, port);
  baseUrl = url;
  logger.info('headless server listening', { url });

  return {
    url,
    port,
    instanceId,
    server,
    async close() {
      streams.closeAll();
      journal.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

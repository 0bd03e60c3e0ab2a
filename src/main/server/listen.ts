import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';

/** The certificate and key the server presents (PEM), when it terminates TLS itself. */
export interface TlsMaterial {
  cert: Buffer | string;
  key: Buffer | string;
}

/** Where and how the server is reached; every field is optional for the loopback default. */
export interface NetworkOptions {
  host?: string;
  port?: number;
  tls?: TlsMaterial | null;
  /** The address users type (https://desk.example.com): its host joins the allowed Host/Origin values and it is the URL the server prints. */
  publicUrl?: string | null;
  /** Addresses of TLS-terminating proxies whose X-Forwarded-* headers are believed; set = behind a proxy. */
  behindProxy?: readonly string[] | null;
}

/** Refused before anything listens: the exposure is unsafe as configured. */
export class ListenRefusedError extends Error {
  override name = 'ListenRefusedError';
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (bare.startsWith('::ffff:')) return isLoopbackHost(bare.slice(7));
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces). Throws a plain message on anything else. */
export function parseListenAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`--listen takes HOST:PORT (e.g. 0.0.0.0:4780 or [::]:4780), not “${value}”.`);
  const host = match[1] ?? (match[2] || '0.0.0.0');
  return { host, port };
}

/**
 * A non-loopback address without TLS would carry passwords and session cookies in clear text:
 * refused unless the server sits behind a proxy that terminates TLS.
 */
export function checkExposure(options: NetworkOptions): void {
  const host = options.host ?? '127.0.0.1';
  if (isLoopbackHost(host) || options.tls || (options.behindProxy && options.behindProxy.length > 0)) return;
  throw new ListenRefusedError(
    `Refusing to listen on ${host} without TLS: give --tls-cert and --tls-key, or --behind-proxy ADDRESS when a TLS-terminating proxy forwards to this server.`,
  );
}

export function createNodeServer(options: NetworkOptions, handler: (request: IncomingMessage, response: ServerResponse) => void): Server {
  if (!options.tls) return createHttpServer(handler);
  // https.Server extends tls.Server, not http.Server, but serves the same request/response API.
  return createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, handler) as unknown as Server;
}

function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * The Host header values (and Origin hosts) the server answers, against DNS rebinding: the
 * address it listens on, loopback names, and the public URL's host.
 */
export function allowedHostsFor(options: NetworkOptions, port: number): Set<string> {
  const hosts = new Set<string>();
  const host = options.host ?? '127.0.0.1';
  const wildcard = host === '0.0.0.0' || host === '::';
  for (const name of [...(wildcard ? [] : [hostForUrl(host)]), 'localhost', '127.0.0.1', '[::1]']) hosts.add(`${name}:${port}`);
  if (options.publicUrl) hosts.add(new URL(options.publicUrl).host);
  return hosts;
}

/** What the server prints and links to: the public URL when given, else the listening address. */
export function baseUrlFor(options: NetworkOptions, port: number): string {
  if (options.publicUrl) return new URL(options.publicUrl).origin;
  const host = options.host ?? '127.0.0.1';
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : hostForUrl(host);
  return `${options.tls ? 'https' : 'http'}://${shown}:${port}`;
}

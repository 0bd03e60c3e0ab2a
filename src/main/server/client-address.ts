import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The proxies whose X-Forwarded-For / X-Forwarded-Proto are believed. Empty = none: the socket's
 * peer is the client. Addresses are compared after unmapping IPv4-mapped IPv6 (`::ffff:10.0.0.5`).
 */
export type TrustedProxies = ReadonlySet<string>;

export const noTrustedProxies: TrustedProxies = new Set();

/** The addresses `--behind-proxy` trusts when it names none: a proxy on this machine. */
export const loopbackProxies: readonly string[] = ['127.0.0.1', '::1'];

export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, '');
  return trimmed.toLowerCase().startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed.toLowerCase();
}

export function trustedProxies(addresses: readonly string[]): TrustedProxies {
  return new Set(addresses.map(normalizeAddress));
}

/**
 * Some proxies and load balancers write the client's port too (`203.0.113.9:51234`,
 * `[2001:db8::7]:443`); the address is what counts.
 */
function withoutPort(hop: string): string {
  const trimmed = hop.trim();
  const bracketed = /^\[([^\]]+)\]:\d{1,5}$/.exec(trimmed);
  if (bracketed) return bracketed[1] as string;
  const ipv4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(trimmed);
  return ipv4 ? (ipv4[1] as string) : trimmed;
}

function fromTrustedProxy(request: IncomingMessage, proxies: TrustedProxies): boolean {
  const peer = request.socket.remoteAddress;
  return peer !== undefined && proxies.has(normalizeAddress(peer));
}

/**
 * The address of the client behind a request: what the log, the auth service and sign-in
 * throttling (CallContext.origin) see. The socket's peer, unless that peer is a trusted proxy:
 * then the right-most X-Forwarded-For entry that is not itself a trusted proxy (the left part of
 * the header is whatever the client wrote and proves nothing). One place computes it.
 */
export function clientAddress(request: IncomingMessage, proxies: TrustedProxies): string {
  const peer = normalizeAddress(request.socket.remoteAddress ?? 'unknown');
  if (!fromTrustedProxy(request, proxies)) return peer;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => normalizeAddress(withoutPort(hop)))
    .filter((hop) => hop !== '');
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index] as string;
    if (isIP(hop) === 0) return peer;
    if (!proxies.has(hop)) return hop;
  }
  return peer;
}

/**
 * Whether the client reached us over TLS: our own TLS socket, or a trusted proxy that says so in
 * X-Forwarded-Proto. Decides the cookie's Secure attribute.
 */
export function isSecureRequest(request: IncomingMessage, proxies: TrustedProxies): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!fromTrustedProxy(request, proxies)) return false;
  const proto = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

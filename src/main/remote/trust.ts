import { Agent, type AgentOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';

/**
 * How the desktop decides to trust its team server's certificate: the trust store (Node's
 * bundled roots plus NODE_EXTRA_CA_CERTS), a CA file the administrator names, or a pinned SHA-256
 * fingerprint the operator confirmed on first connection (self-signed servers).
 */
export interface TrustOptions {
  /** PEM of the CA(s) that sign the server's certificate, read from the file the admin named. */
  ca?: string | Buffer | null;
  /** The pinned fingerprint (`AB:CD:...`, as openssl prints it) for this server, if any. */
  pinned?: string | null;
}

/** The certificate is signed by nobody we trust: the operator may confirm its fingerprint. */
export class CertificateUntrustedError extends Error {
  override name = 'CertificateUntrustedError';
  constructor(
    readonly fingerprint: string,
    readonly reason: string,
  ) {
    super(`The team server's certificate is not signed by a trusted authority (${reason}). Its SHA-256 fingerprint is ${fingerprint}.`);
  }
}

/** The server shows another certificate than the pinned one: refused. */
export class CertificateChangedError extends Error {
  override name = 'CertificateChangedError';
  constructor(
    readonly fingerprint: string,
    readonly pinned: string,
  ) {
    super(
      `The team server's certificate changed: it now shows ${fingerprint}, but ${pinned} was confirmed. The connection was refused; ask the administrator whether the certificate was replaced.`,
    );
  }
}

export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 64) throw new Error(`A SHA-256 fingerprint has 64 hex digits, not “${value}”.`);
  return hex.match(/../g)?.join(':') ?? hex;
}

/** TLS errors that mean "no trusted authority signed this", which a confirmed pin may settle. */
const untrustedCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

export function isUntrustedCertificateError(error: unknown): boolean {
  return untrustedCodes.has((error as { code?: string }).code ?? '');
}

/** The longest TLS handshake when the agent sets no idle timeout of its own. */
const handshakeTimeoutMs = 10_000;

/**
 * Connects, and hands the socket to HTTP only after the certificate passed: with a pin, its
 * SHA-256 fingerprint must equal the pin (the chain is not consulted: the operator vouched for
 * this exact certificate); otherwise the chain must verify against the CA or the trust store and
 * the name must match. Nothing (no cookie, no password) is written before that.
 */
function verifiedConnection(options: ConnectionOptions, trust: TrustOptions, callback: (error: Error | null, socket?: Duplex) => void): void {
  const pinned = trust.pinned ? normalizeFingerprint(trust.pinned) : null;
  const socket: TLSSocket = connect({
    ...options,
    ...(trust.ca ? { ca: trust.ca } : {}),
    rejectUnauthorized: pinned === null,
  });
  // A server that accepts the connection and then says nothing would hold the handshake for ever.
  const idleMs = options.timeout ?? 0;
  socket.setTimeout(idleMs > 0 ? idleMs : handshakeTimeoutMs);
  let settled = false;
  const settle = (error: Error | null) => {
    if (settled) return;
    settled = true;
    socket.off('error', onError);
    socket.off('timeout', onTimeout);
    socket.setTimeout(idleMs);
    if (error) {
      socket.destroy();
      callback(error);
    } else {
      callback(null, socket);
    }
  };
  const onError = (error: Error) => settle(error);
  const onTimeout = () => settle(Object.assign(new Error('The team server did not complete the TLS handshake in time.'), { code: 'ETIMEDOUT' }));
  socket.once('error', onError);
  socket.once('timeout', onTimeout);
  socket.once('secureConnect', () => {
    if (pinned === null) return settle(null);
    const fingerprint = socket.getPeerCertificate().fingerprint256;
    settle(fingerprint === pinned ? null : new CertificateChangedError(fingerprint, pinned));
  });
}

/** An HTTPS agent (keep-alive) whose every connection passes `verifiedConnection` first. */
export function verifyingAgent(trust: TrustOptions, options: AgentOptions = {}): Agent {
  // Idle sockets close before the server's keep-alive timeout (server/http-server.ts), so a call never lands on one the server is closing.
  const agent = new Agent({ keepAlive: true, timeout: 4_000, ...options });
  // Node's Agent accepts a createConnection that answers through its callback (returns nothing).
  (agent as unknown as { createConnection: (options: ConnectionOptions, callback: (error: Error | null, socket?: Duplex) => void) => undefined }).createConnection = (
    connectionOptions,
    callback,
  ) => {
    verifiedConnection(connectionOptions, trust, callback);
    return undefined;
  };
  return agent;
}

/**
 * Reads the certificate a server presents without trusting it or sending anything: what the
 * operator is shown on first connection.
 */
export function probeCertificate(url: URL, timeoutMs = 10_000): Promise<{ fingerprint: string; subject: string; validTo: string }> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({ host, port: Number(url.port || 443), ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false, timeout: timeoutMs });
    socket.once('secureConnect', () => {
      const certificate: PeerCertificate = socket.getPeerCertificate();
      socket.destroy();
      resolve({ fingerprint: certificate.fingerprint256, subject: String(certificate.subject?.CN ?? ''), validTo: certificate.valid_to });
    });
    socket.once('timeout', () => socket.destroy(new Error('The team server did not answer in time.')));
    socket.once('error', reject);
  });
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent } from 'node:https';
import { backgroundCallHeader, type CallOptions } from '../../shared/rpc/call-options';
import type { ConnectionState } from '../../shared/rpc/connection';
import { isChannelName } from '../../shared/rpc/contract';
import type { Envelope } from '../../shared/rpc/errors';
import { eventAudience, type PushedEvent } from '../../shared/rpc/events';
import { contractVersion, serverVersionSchema, versionMismatch, type ServerVersion } from '../../shared/rpc/version';
import type { PinStore } from './desk-settings';
import { keyedChannels, retrySafeChannels } from './retry-policy';
import { SseParser } from './sse';
import { CertificateChangedError, CertificateUntrustedError, isUntrustedCertificateError, normalizeFingerprint, probeCertificate, verifyingAgent } from './trust';

/** The server's session cookie: `__Host-`-prefixed over TLS (server/http-server.ts), plain behind a proxy that forwards plain HTTP. */
const sessionCookiePattern = /^((?:__Host-)?creditdesk_session)=([^;]*)/;

export interface RemoteTransportOptions {
  /** The team server, https://host:port. */
  serverUrl: string;
  /** Confirmed fingerprints, per server origin (the desktop keeps them in its user-data folder). */
  pins: PinStore;
  /** PEM of a CA the administrator named; omitted = the trust store. */
  ca?: string | Buffer | null;
  /** This desktop's contract version (tests pretend to be another release). */
  clientContractVersion?: number;
  /** Reconnection backoff: first wait and ceiling (ms); each failed attempt doubles the wait. */
  backoff?: { initialMs: number; maxMs: number };
  /** How long a call waits for the server to come back before it fails with NETWORK. */
  callTimeoutMs?: number;
  /**
   * How long a request may go without a byte from the server before its connection counts as
   * lost (a link that goes silent never closes by itself). Default 30 s.
   */
  answerTimeoutMs?: number;
  /**
   * How long the event stream may stay silent before it counts as lost: the server writes a
   * heartbeat every 25 s (server/event-streams.ts), so a longer silence is a dead link. Default 60 s.
   */
  eventsStaleMs?: number;
}

type Listener = (event: PushedEvent) => void;

/** A request that never got an answer: the connection failed or dropped. */
class ConnectionLostError extends Error {
  override name = 'ConnectionLostError';
}

/** What a reverse proxy answers itself when the team server behind it is down, restarting or too slow. */
const gatewayStatuses = new Set([502, 503, 504]);

function networkEnvelope(message: string, details: Record<string, unknown>): Envelope<never> {
  return { ok: false, error: { code: 'NETWORK', message, details } };
}

/**
 * The desktop's transport to a team server, in plain Node: `invoke` posts to /api/rpc/<channel>,
 * `/api/events` is relayed to listeners, and `connection:state` tells the renderer how the link
 * is. The session cookie and CSRF token stay here (the renderer gets `csrfToken: null`, as over
 * IPC). After a drop it reconnects with backoff, checks the contract version again, resumes
 * events with Last-Event-ID, and sends again the calls that were in flight when that is safe
 * (retry-policy.ts). TLS: trust.ts.
 */
export class RemoteTransport {
  readonly serverUrl: URL;
  private agent: Agent;
  private readonly listeners = new Set<Listener>();
  private current: ConnectionState;
  /** The session cookie as the server set it, `name=value`, sent back as it came. */
  private cookie: string | null = null;
  private csrfToken: string | null = null;
  private lastEventId: string | null = null;
  private events: { close(): void } | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private connecting: Promise<void> | null = null;
  private waiters = new Set<() => void>();
  private closed = false;
  version: ServerVersion | null = null;

  constructor(private readonly options: RemoteTransportOptions) {
    this.serverUrl = new URL(options.serverUrl);
    if (this.serverUrl.protocol !== 'https:') throw new Error('A team server is reached over https:// only.');
    this.agent = this.makeAgent();
    this.current = { state: 'reconnecting', serverUrl: this.serverUrl.origin, attempt: 0, retryInMs: 0 };
  }

  private makeAgent(): Agent {
    return verifyingAgent({ ca: this.options.ca ?? null, pinned: this.options.pins.get(this.serverUrl.origin) });
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Every push from the server, and this transport's own `connection:state`. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: PushedEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    if (state.state === 'connected') for (const wake of [...this.waiters]) wake();
    this.emit({ name: 'connection:state', payload: state });
  }

  /** Connects: the version handshake, then events once there is a session. Never throws; see `state`. */
  connect(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.connecting ??= this.handshake().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async handshake(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    try {
      const answer = await this.send('GET', '/api/version');
      const version = serverVersionSchema.parse(JSON.parse(answer.body));
      this.version = version;
      const client = this.options.clientContractVersion ?? contractVersion;
      const update = versionMismatch(client, version);
      if (update) {
        this.stopEvents();
        this.setState({
          state: 'incompatible-version',
          serverUrl: this.serverUrl.origin,
          update,
          clientContractVersion: client,
          serverContractVersion: version.contractVersion,
          serverAppVersion: version.appVersion,
        });
        return;
      }
      this.attempt = 0;
      this.setState({ state: 'connected', serverUrl: this.serverUrl.origin });
      if (this.cookie) this.startEvents();
    } catch (error) {
      await this.failed(error);
    }
  }

  private async failed(error: unknown): Promise<void> {
    if (this.closed) return;
    if (error instanceof CertificateChangedError) {
      this.setState({ state: 'certificate-changed', serverUrl: this.serverUrl.origin, fingerprint: error.fingerprint, pinned: error.pinned });
      return;
    }
    if (isUntrustedCertificateError(error)) {
      try {
        const { fingerprint } = await probeCertificate(this.serverUrl);
        this.setState({ state: 'certificate-untrusted', serverUrl: this.serverUrl.origin, fingerprint });
        return;
      } catch {
        // The server went away between the two connections: try again like any other failure.
      }
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 15_000 };
    const wait = Math.min(maxMs, initialMs * 2 ** this.attempt);
    // Up to a fifth less, so many desktops do not come back in step after a server restart.
    const retryInMs = Math.round(wait * (1 - Math.random() * 0.2));
    this.attempt++;
    this.setState({ state: 'reconnecting', serverUrl: this.serverUrl.origin, attempt: this.attempt, retryInMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, retryInMs);
  }

  /** The connection failed under a call or the event stream: reconnect (once) with backoff. */
  private lost(): void {
    if (this.closed || this.current.state !== 'connected') return;
    this.stopEvents();
    this.scheduleReconnect();
  }

  /** The certificate the server shows now, for the operator to compare with the administrator's. */
  async certificate(): Promise<{ fingerprint: string; subject: string; validTo: string }> {
    return probeCertificate(this.serverUrl);
  }

  /** The operator confirmed this fingerprint: pin it for this server and connect with it. */
  async trust(fingerprint: string): Promise<void> {
    this.options.pins.set(this.serverUrl.origin, normalizeFingerprint(fingerprint));
    this.agent.destroy();
    this.agent = this.makeAgent();
    this.attempt = 0;
    await this.connect();
  }

  private waitConnected(deadline: number): Promise<boolean> {
    if (this.current.state === 'connected') return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(this.current.state === 'connected');
      };
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      this.waiters.add(wake);
    });
  }

  private unavailable(): Envelope<never> | null {
    const state = this.current;
    switch (state.state) {
      case 'connected':
      case 'reconnecting':
        return null;
      case 'incompatible-version':
        return networkEnvelope(
          state.update === 'desktop'
            ? `The team server runs CreditDesk ${state.serverAppVersion} (contract ${state.serverContractVersion}); update this desktop to that release (it speaks contract ${state.clientContractVersion}).`
            : `The team server runs CreditDesk ${state.serverAppVersion} (contract ${state.serverContractVersion}), older than this desktop (contract ${state.clientContractVersion}); ask the administrator to update the server.`,
          { reason: 'incompatible-version', update: state.update },
        );
      case 'certificate-untrusted':
        return networkEnvelope(`Confirm the team server's certificate first (SHA-256 ${state.fingerprint}).`, { reason: 'certificate-untrusted', fingerprint: state.fingerprint });
      case 'certificate-changed':
        return networkEnvelope(new CertificateChangedError(state.fingerprint, state.pinned).message, { reason: 'certificate-changed', fingerprint: state.fingerprint });
      default: {
        const unreachable: never = state;
        return unreachable;
      }
    }
  }

  /**
   * One contract call, answered with the contract's envelope (never throws). While the server is
   * away, calls that are safe to send twice wait for it (up to `callTimeoutMs`) and are sent
   * again if the connection drops under them; other calls fail with NETWORK at once.
   */
  async invoke(channel: string, input: unknown, options: CallOptions = {}): Promise<Envelope<unknown>> {
    if (!isChannelName(channel)) return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel “${channel}”.` } };
    if (this.closed) return networkEnvelope('The connection to the team server is closed.', { reason: 'closed' });
    let body = input ?? {};
    if (keyedChannels.has(channel) && typeof body === 'object' && !('idempotencyKey' in body)) body = { ...body, idempotencyKey: randomUUID() };
    const safe = retrySafeChannels.has(channel);
    const deadline = Date.now() + (this.options.callTimeoutMs ?? 30_000);
    for (;;) {
      const refusal = this.unavailable();
      if (refusal) return refusal;
      if (this.current.state !== 'connected') {
        if (!safe) return networkEnvelope('The team server cannot be reached; CreditDesk is reconnecting. Try again when it is back.', { reason: 'reconnecting' });
        if (!(await this.waitConnected(deadline))) {
          return this.unavailable() ?? networkEnvelope('The team server cannot be reached.', { reason: 'reconnecting' });
        }
      }
      try {
        return await this.call(channel, body, options);
      } catch (error) {
        if (!(error instanceof ConnectionLostError)) throw error;
        this.lost();
        if (!safe || Date.now() > deadline) {
          return networkEnvelope('The connection to the team server dropped during this call; it may or may not have been applied. Check, then try again.', { reason: 'dropped' });
        }
      }
    }
  }

  private async call(channel: string, input: unknown, options: CallOptions): Promise<Envelope<unknown>> {
    // A background call (nobody at the window) tells the server so, and does not keep the session alive.
    const answer = await this.send('POST', `/api/rpc/${channel}`, JSON.stringify(input), options.background ? { [backgroundCallHeader]: '1' } : {});
    const setCookie = answer.response.headers['set-cookie']?.find((line) => sessionCookiePattern.test(line));
    if (setCookie) {
      const [, name = '', value = ''] = sessionCookiePattern.exec(setCookie) ?? [];
      this.cookie = value && !/;\s*Max-Age=0/i.test(setCookie) ? `${name}=${value}` : null;
      if (!this.cookie) {
        this.csrfToken = null;
        this.stopEvents();
      }
    }
    let envelope: Envelope<unknown>;
    try {
      envelope = JSON.parse(answer.body) as Envelope<unknown>;
    } catch {
      // A reverse proxy's own page (nginx's 502 while the server behind it restarts): the server
      // was not reached, or dropped the call; the same as a dropped connection.
      if (gatewayStatuses.has(answer.response.statusCode ?? 0)) throw new ConnectionLostError(`The proxy in front of the team server answered ${answer.response.statusCode}.`);
      return { ok: false, error: { code: 'UPSTREAM', message: `The team server answered ${answer.response.statusCode ?? 0} without a valid body.` } };
    }
    if (envelope.ok && envelope.data && typeof envelope.data === 'object' && 'csrfToken' in envelope.data) {
      // Sign-in and session discovery hand out the CSRF token: it stays in this process.
      this.csrfToken = (envelope.data as { csrfToken: string | null }).csrfToken;
      envelope = { ok: true, data: { ...envelope.data, csrfToken: null } };
    }
    if (this.cookie && !this.events) this.startEvents();
    return envelope;
  }

  private send(method: 'GET' | 'POST', pathname: string, body?: string, extra: Record<string, string> = {}): Promise<{ response: IncomingMessage; body: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...extra };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (this.cookie) headers.cookie = this.cookie;
      if (this.csrfToken && method === 'POST') headers['x-csrf-token'] = this.csrfToken;
      const request = httpsRequest(new URL(pathname, this.serverUrl), { method, headers, agent: this.agent }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ response, body: text }));
        response.on('aborted', () => reject(new ConnectionLostError('The answer was cut off.')));
        response.on('error', () => reject(new ConnectionLostError('The answer was cut off.')));
      });
      request.on('error', (error) => {
        if (error instanceof CertificateChangedError || error instanceof CertificateUntrustedError || isUntrustedCertificateError(error)) reject(error);
        else reject(new ConnectionLostError(error.message));
      });
      // A silent link never errors by itself: no answer in time is a lost connection.
      request.setTimeout(this.options.answerTimeoutMs ?? 30_000, () => request.destroy(new ConnectionLostError('The team server stopped answering.')));
      request.end(body);
    });
  }

  private startEvents(): void {
    if (this.events || !this.cookie || this.current.state !== 'connected') return;
    const parser = new SseParser((message) => {
      this.lastEventId = parser.lastEventId;
      // Events a newer server knows and this desktop does not are left out.
      if (!Object.prototype.hasOwnProperty.call(eventAudience, message.event) || message.event === 'connection:state') return;
      try {
        this.emit({ name: message.event, payload: JSON.parse(message.data) } as PushedEvent);
      } catch {
        // A malformed frame is dropped; the next refresh repairs what it would have prompted.
      }
    });
    const headers: Record<string, string> = { accept: 'text/event-stream', cookie: this.cookie };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    let ended = false;
    const end = (lost: boolean) => {
      if (ended) return;
      ended = true;
      if (this.events === handle) this.events = null;
      if (lost) this.lost();
    };
    const request = httpsRequest(new URL('/api/events', this.serverUrl), { method: 'GET', headers, agent: this.agent }, (response) => {
      if (response.statusCode !== 200) {
        // No session any more (expired, signed out elsewhere): nothing to stream until a sign-in.
        // A proxy's 502/503/504 is the server away behind it: reconnect, and the stream with it.
        response.resume();
        end(gatewayStatuses.has(response.statusCode ?? 0));
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        parser.push(chunk);
        this.lastEventId = parser.lastEventId ?? this.lastEventId;
      });
      response.on('end', () => end(true));
      response.on('aborted', () => end(true));
      response.on('error', () => end(true));
    });
    request.on('error', () => end(true));
    // Heartbeats keep a live stream busy; a silent one sits on a dead link (Wi-Fi gone, a NAT
    // forgot it, the server hung) that would otherwise look connected for ever.
    request.setTimeout(this.options.eventsStaleMs ?? 60_000, () => request.destroy());
    request.end();
    const handle = {
      close: () => {
        ended = true;
        request.destroy();
      },
    };
    this.events = handle;
  }

  private stopEvents(): void {
    const events = this.events;
    this.events = null;
    events?.close();
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopEvents();
    for (const wake of [...this.waiters]) wake();
    this.agent.destroy();
    this.listeners.clear();
  }
}

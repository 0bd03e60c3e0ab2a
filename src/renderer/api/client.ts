import type { CreditDeskBridge } from '../../preload/bridge';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../shared/rpc/contract';
import type { Envelope, ErrorCode } from '../../shared/rpc/errors';
import { isRetryable } from '../../shared/rpc/errors';
import type { EventMap, EventName } from '../../shared/rpc/events';
import { backgroundCallHeader, type CallOptions } from '../../shared/rpc/call-options';
import { operatorAttending, watchOperatorInput } from './attention';
import { checkConnection, followDesktopLink, onConnectionChange, reportReachable, reportUnreachable } from './connection';

declare global {
  interface Window {
    creditdesk?: CreditDeskBridge;
  }
}

/** A failed call, carrying the contract's error code for the UI to switch on. */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return isRetryable(this.code);
  }
}

let csrfToken: string | null = null;

/** The HTTP transport keeps the CSRF token it got from sign-in or session discovery. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function invokeHttp(channel: string, input: unknown, options: CallOptions): Promise<Envelope<unknown>> {
  let response: Response;
  try {
    response = await fetch(`/api/rpc/${channel}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
        ...(options.background ? { [backgroundCallHeader]: '1' } : {}),
      },
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    reportUnreachable();
    return { ok: false, error: { code: 'NETWORK', message: 'CreditDesk’s server cannot be reached.' } };
  }
  reportReachable();
  try {
    return (await response.json()) as Envelope<unknown>;
  } catch {
    return { ok: false, error: { code: 'UPSTREAM', message: `The server answered ${response.status} without a valid body.` } };
  }
}

/** Listeners for the moment a call reveals the session is gone (signed out elsewhere, expired). */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

// Whether the operator is at the window decides which calls keep the session alive (attention.ts).
if (typeof window !== 'undefined') watchOperatorInput(window);

/**
 * The one way pages reach the back end: over the preload bridge in the desktop shell, over HTTP
 * in a browser. Pages never know which. Resolves with the data or throws RpcError. A call made
 * while nobody is at the window goes as a background call, which does not slide the session's
 * idle expiry (shared/rpc/call-options.ts).
 */
export async function rpc<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const options: CallOptions = operatorAttending() ? {} : { background: true };
  const envelope = window.creditdesk ? await window.creditdesk.invoke(channel, input, options) : await invokeHttp(channel, input, options);
  if (envelope.ok) return envelope.data as ChannelOutput<C>;
  if (envelope.error.code === 'UNAUTHORIZED' && channel !== 'auth:sign-in') {
    for (const listener of unauthorizedListeners) listener();
  }
  throw new RpcError(envelope.error.code, envelope.error.message, envelope.error.details);
}

type Listener<E extends EventName> = (payload: EventMap[E]) => void;
const listeners = new Map<EventName, Set<Listener<EventName>>>();
let eventSource: EventSource | null = null;

function ensureEventSource(): void {
  if (window.creditdesk || eventSource) return;
  const source = new EventSource('/api/events');
  eventSource = source;
  source.onopen = () => reportReachable();
  // A stream error is either the server gone or the server ending the stream (a session that
  // ended, a restart of the stream): only the probe can tell, so ask it instead of guessing.
  source.onerror = () => checkConnection();
  for (const name of listeners.keys()) attachSourceListener(name);
}

// A desktop on a team server: the banner and the decision buttons follow its main process's link.
if (typeof window !== 'undefined' && window.creditdesk) followDesktopLink((event, listener) => window.creditdesk?.on(event, listener) ?? (() => undefined));

// Back from an outage: a fresh stream (the old one may have given up), so pushes flow again.
onConnectionChange((next, previous) => {
  if (next.online && !previous.online && eventSource) reconnectEvents();
});

function attachSourceListener(name: EventName): void {
  eventSource?.addEventListener(name, (message) => {
    const payload = JSON.parse((message as MessageEvent<string>).data) as EventMap[EventName];
    for (const listener of listeners.get(name) ?? []) listener(payload);
  });
}

/** (Re)connects the push stream after sign-in; the stream is bound to the session cookie. */
export function reconnectEvents(): void {
  eventSource?.close();
  eventSource = null;
  if (listeners.size > 0) ensureEventSource();
}

export function disconnectEvents(): void {
  eventSource?.close();
  eventSource = null;
}

/** Subscribes to a back-end push. Pushes only prompt refreshes; they never carry decisions. */
export function onEvent<E extends EventName>(name: E, listener: Listener<E>): () => void {
  if (window.creditdesk) return window.creditdesk.on(name, listener);
  let set = listeners.get(name);
  if (!set) {
    set = new Set();
    listeners.set(name, set);
    attachSourceListener(name);
  }
  set.add(listener as Listener<EventName>);
  ensureEventSource();
  return () => set?.delete(listener as Listener<EventName>);
}

import type { ConnectionState as LinkState } from '../../shared/rpc/connection';

/**
 * Whether the back end can be reached, in one place for the whole renderer: the RPC client and the
 * push stream report what they see, a probe watches while it is unreachable, and listeners (the
 * data layer, the banner, the decision buttons) learn when it goes away and comes back. The desktop
 * shell's IPC to its own back end never loses it; a desktop on a team server hears from its main
 * process how the link is (`connection:state`, followDesktopLink()), with no probe of its own.
 */
export interface ConnectionState {
  online: boolean;
  /** When the back end was last found unreachable (epoch ms), null while online. */
  lostAt: number | null;
  /** A desktop on a team server: why it is not connected (the banner words it), null otherwise. */
  link?: Exclude<LinkState, { state: 'connected' }> | null;
}

type Listener = (state: ConnectionState, previous: ConnectionState) => void;

const listeners = new Set<Listener>();
let state: ConnectionState = { online: true, lostAt: null };
let probeTimer: ReturnType<typeof setTimeout> | null = null;
let probeFailures = 0;

/** The probe: the server's health endpoint, which answers without a session. */
let probe: () => Promise<boolean> = async () => {
  try {
    const response = await fetch('/healthz', { cache: 'no-store' });
    return response.ok;
  } catch {
    return false;
  }
};

function set(next: ConnectionState): void {
  if (next.online === state.online && (next.link?.state ?? null) === (state.link?.state ?? null)) return;
  const previous = state;
  state = next;
  for (const listener of listeners) listener(state, previous);
}

function scheduleProbe(): void {
  if (probeTimer !== null) return;
  // Quick at first, then every few seconds: a restart is back within seconds, an outage may last.
  const delay = Math.min(1000 * 2 ** probeFailures, 5000);
  probeTimer = setTimeout(() => {
    probeTimer = null;
    void probe().then((reachable) => {
      if (reachable) reportReachable();
      else {
        probeFailures += 1;
        if (!state.online) scheduleProbe();
      }
    });
  }, delay);
}

/** A call got an answer (any answer, an error envelope included): the server is there. */
export function reportReachable(): void {
  probeFailures = 0;
  if (probeTimer !== null) {
    clearTimeout(probeTimer);
    probeTimer = null;
  }
  set({ online: true, lostAt: null });
}

/** A call or the push stream could not reach the server: offline until the probe says otherwise. */
export function reportUnreachable(): void {
  if (state.online) set({ online: false, lostAt: Date.now() });
  scheduleProbe();
}

/**
 * A desktop on a team server: its main process's transport says how the link is (it reconnects,
 * resumes events and holds decisions back itself), so the renderer follows it instead of probing.
 */
export function followDesktopLink(on: (event: 'connection:state', listener: (payload: LinkState) => void) => () => void): () => void {
  return on('connection:state', (link) => {
    if (link.state === 'connected') set({ online: true, lostAt: null, link: null });
    else set({ online: false, lostAt: state.online ? Date.now() : state.lostAt, link });
  });
}

/** Something saw a hiccup but cannot tell (the push stream closed): ask the probe. */
export function checkConnection(): void {
  void probe().then((reachable) => (reachable ? reportReachable() : reportUnreachable()));
}

export function connectionState(): ConnectionState {
  return state;
}

/** Called with the new and the previous state on every change between online and offline. */
export function onConnectionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tests swap the probe and start from online. */
export function resetConnectionForTests(nextProbe?: () => Promise<boolean>): void {
  if (probeTimer !== null) clearTimeout(probeTimer);
  probeTimer = null;
  probeFailures = 0;
  state = { online: true, lostAt: null };
  listeners.clear();
  if (nextProbe) probe = nextProbe;
}

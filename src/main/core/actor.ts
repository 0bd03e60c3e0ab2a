import type { Permission, Role } from '../../shared/rpc/permissions';
import type { Locale } from '../../shared/contracts/auth';

/** The signed-in operator behind a call: what audit trails, claims and decisions record. */
export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  locale: Locale;
  permissions: ReadonlySet<Permission>;
  mustChangePassword: boolean;
  sessionId: number;
}

/**
 * Who did it, as audit entries, timelines and exports name them: an operator, or a CLI user
 * (`cli:<os user>`, no operator id). An `Actor` fits as it is; `null` where the app itself did it.
 */
export interface ActorRef {
  id: number | null;
  username: string;
}

/**
 * How a transport lets the auth service bind a new session to the connection: the HTTP server
 * sets a cookie, the IPC adapter remembers the token for the window.
 */
export interface SessionBinding {
  bind(token: string): void;
  clear(): void;
}

export interface CallContext {
  actor: Actor | null;
  transport: 'ipc' | 'http' | 'test';
  csrfToken: string | null;
  session: SessionBinding;
  /** Where the call came from, for the log (never trusted for authorisation). */
  origin?: string;
  /**
   * Who is calling as far as throttles go: the client's address over HTTP (the socket's remote
   * address, or X-Forwarded-For from a trusted proxy: server/client-address.ts), 'local' over IPC. Sign-in attempts are throttled and recorded per source.
   */
  source: string;
  /**
   * The transport writes the answer as JSON (HTTP): data a handler gave already encoded (a read
   * worker's, rpc/encoded-json.ts) reaches it as it is instead of being parsed for it.
   */
  jsonAnswers?: boolean;
}

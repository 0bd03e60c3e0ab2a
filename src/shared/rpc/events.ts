import type { SyncLive } from '../contracts/sync';
import type { ReviewQueue } from '../domain/findings';
import type { ConnectionState } from './connection';
import type { Permission } from './permissions';

/**
 * Pushes from the back end. They broadcast state for screens to refresh; they never drive
 * control flow (a missed event only delays a refresh). Each event names who may receive it.
 */
export interface EventMap {
  /** An operator account changed (created, role, disabled): admin screens refresh. */
  'users:changed': { userId: number };
  /** This session ended on the server side (account disabled, signed out elsewhere). */
  'session:ended': { reason: 'signed-out' | 'disabled' | 'expired' };
  /** Live progress of one institution's sync pass (at most four a second per institution). */
  'sync:progress': { institutionId: number; code: string } & SyncLive;
  /** Something on the Sync page changed (an institution's state, a run, quarantine, reconciliation, the outbox). */
  'sync:state': { institutionId: number | null };
  /** Sync or re-derivation wrote data: lists, queues and dashboards refresh (empty list: every institution). */
  'sync:data-changed': { institutionIds: number[] };
  /**
   * Review tasks changed (claims, decisions, ingest, another process): queue counts and lists
   * refresh. `taskIds`, when present, names the tasks an operator just claimed, released or
   * decided: other clients drop them from their lists at once (absent: refetch the queues).
   */
  'review:changed': { queues: ReviewQueue[]; taskIds?: number[] };
  /**
   * Sent by the team server to one reconnecting event stream when the events it missed cannot be
   * replayed (the server restarted, or too many passed): refetch everything shown.
   */
  'events:resync': { reason: 'restarted' | 'missed' };
  /**
   * The desktop's link to its team server (team mode only; sent by the desktop's own main
   * process, never by a server): the renderer shows a banner and disables decisions unless connected.
   */
  'connection:state': ConnectionState;
  /** Progress of one export, sent only to the operator who started it. */
  'exports:progress': { id: number; status: 'running' | 'completed' | 'failed' | 'cancelled'; rows: number; totalRows: number | null };
}

export type EventName = keyof EventMap;

/** Receivers of each event: 'all' = every signed-in operator, or holders of one permission. */
export const eventAudience: Record<EventName, 'all' | Permission | 'session'> = {
  'users:changed': 'users:manage',
  'session:ended': 'session',
  'sync:progress': 'sync:view',
  'sync:state': 'sync:view',
  'sync:data-changed': 'all',
  'review:changed': 'review:work',
  'exports:progress': 'all',
  'events:resync': 'all',
  'connection:state': 'all',
};

export interface PushedEvent<E extends EventName = EventName> {
  name: E;
  payload: EventMap[E];
}

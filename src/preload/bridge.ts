import type { CallOptions } from '../shared/rpc/call-options';
import type { Envelope } from '../shared/rpc/errors';
import type { EventMap, EventName } from '../shared/rpc/events';

/** What the preload exposes as `window.creditdesk`, and nothing more. */
export interface CreditDeskBridge {
  invoke(channel: string, input: unknown, options?: CallOptions): Promise<Envelope<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

/** IPC channel names between preload and main: internal plumbing, not part of the RPC contract. */
export const ipcInvokeChannel = 'creditdesk:invoke';
export const ipcEventChannel = 'creditdesk:event';

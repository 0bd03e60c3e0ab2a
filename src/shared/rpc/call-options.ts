/**
 * How a call came about, as every transport carries it beside the channel and input (never part of
 * a channel's input). A background call is one the operator did not make just now: a timed
 * refresh, a refetch after a push, a lease renewal, made while nobody touched the window for a
 * while. It is answered like any other call, but it does not slide the session's idle expiry, so
 * an open window on an unattended desk does not keep its session alive until its lifetime.
 */
export interface CallOptions {
  background?: boolean;
}

/** The HTTP header that marks a background call (`1`); absent, a call counts as the operator's. */
export const backgroundCallHeader = 'x-creditdesk-background';

/** The options a transport accepts from a less trusted side (the renderer over IPC): only what is known, well typed. */
export function callOptionsOf(value: unknown): CallOptions {
  return typeof value === 'object' && value !== null && (value as CallOptions).background === true ? { background: true } : {};
}

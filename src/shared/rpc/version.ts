import { z } from 'zod';

/**
 * The version of the wire contract between a desktop and a team server: the channels of
 * contract.ts with their inputs and outputs, the events of events.ts, the error envelope, and
 * the HTTP routes the remote transport uses (/api/rpc, /api/events, /api/version).
 *
 * Bump it (by one) in the commit that makes a change an older peer would misread: a channel or
 * event removed or renamed; an input field added without a default, removed, or narrowed; an
 * output or event field removed, renamed or given another type or meaning; an error code or
 * access rule changed. Adding a channel, an event, an optional input field or an output field
 * older peers can ignore does not bump it. A desktop and a server work together only when their
 * numbers are equal.
 */
export const contractVersion = 1;

/** What GET /api/version answers, without signing in. */
export const serverVersionSchema = z.object({
  contractVersion: z.int().positive(),
  /** The server's CreditDesk release (package.json), for the message that says what to install. */
  appVersion: z.string(),
  /** Changes at every start of the server process: event ids from another instance cannot be resumed. */
  instanceId: z.string().min(1),
});
export type ServerVersion = z.infer<typeof serverVersionSchema>;

/** Which side must be updated for a desktop to talk to a server, or null when they match. */
export function versionMismatch(clientContractVersion: number, server: Pick<ServerVersion, 'contractVersion'>): 'desktop' | 'server' | null {
  if (server.contractVersion === clientContractVersion) return null;
  return server.contractVersion > clientContractVersion ? 'desktop' : 'server';
}

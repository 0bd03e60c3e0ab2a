import { z } from 'zod';

/**
 * Why a sync pass, an outbox delivery or an institution's state did not succeed, closed so the
 * Sync page says it in the user's language; the stored English text stays beside it as the
 * technical detail. The first thirteen are the institution API's error kinds
 * (src/main/institution-api/errors.ts); internal: a fault in this program; interrupted: the
 * process stopped during the run; incomplete: the pass ran to its end with problems (listed with
 * the run). Its own file, below sync.ts and institutions.ts, because both use it and sync.ts
 * imports institutions.ts (zod schemas are built at load time, so a cycle between them breaks).
 */
export const syncErrorCodes = [
  'timeout',
  'network',
  'truncated',
  'server',
  'rate_limited',
  'credentials',
  'client',
  'invalid_response',
  'not_json',
  'clock',
  'circuit_open',
  'aborted',
  'secret_unavailable',
  'internal',
  'interrupted',
  'incomplete',
] as const;
export const syncErrorCodeSchema = z.enum(syncErrorCodes);
export type SyncErrorCode = z.infer<typeof syncErrorCodeSchema>;
/** A failure as stored: its code, the HTTP status when one arrived, and the technical text. */
export interface SyncFailure {
  code: SyncErrorCode;
  status: number | null;
  text: string;
}

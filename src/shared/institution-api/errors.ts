/**
 * Error answers of the institution API: a JSON body { code, message, request_id, details? } with
 * a closed set of codes, each tied to one HTTP status and one client behaviour.
 */
import { z } from 'zod';

/** Every error code and the HTTP status it is sent with. */
export const apiErrorStatus = {
  BAD_REQUEST: 400,
  INVALID_CURSOR: 400,
  INVALID_LIMIT: 400,
  VALIDATION_FAILED: 400,
  IDEMPOTENCY_KEY_MISSING: 400,
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  APP_ID_UNKNOWN: 401,
  TIMESTAMP_OUT_OF_RANGE: 401,
  NONCE_REPLAYED: 401,
  NOT_FOUND: 404,
  RESOURCE_NOT_OFFERED: 404,
  APPLICATION_NOT_REVIEWABLE: 409,
  APPLICATION_VERSION_MISMATCH: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ApiErrorCode = keyof typeof apiErrorStatus;
export const apiErrorCodes = Object.keys(apiErrorStatus) as [ApiErrorCode, ...ApiErrorCode[]];
export const apiErrorCodeSchema = z.enum(apiErrorCodes);

export const apiErrorSchema = z.object({
  code: z
    .string()
    .min(1)
    .max(60)
    .describe('One of the documented codes; a client treats an unknown code by its HTTP status.'),
  message: z.string().max(1000).describe('For people (logs, support); never parse it.'),
  request_id: z.string().max(100).nullable().describe('Quote it when asking the institution about a failure.'),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Statuses a client retries (with backoff; 429 after Retry-After). Everything else is final for that request. */
export const retryableHttpStatuses: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

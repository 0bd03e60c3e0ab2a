import { z } from 'zod';

/**
 * The closed set of error codes every RPC answer may carry. The renderer switches on these,
 * never on messages, so adding one is a contract change.
 */
export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NETWORK',
  'RATE_LIMITED',
  'UPSTREAM',
  'TIMEOUT',
  'DB',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];
export const errorCodeSchema = z.enum(errorCodes);

/** Codes a caller may retry as-is (after a pause); everything else needs a change first. */
export const retryableErrorCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NETWORK',
  'RATE_LIMITED',
  'UPSTREAM',
  'TIMEOUT',
  'DB',
]);

export function isRetryable(code: ErrorCode): boolean {
  return retryableErrorCodes.has(code);
}

export const rpcErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type RpcErrorBody = z.infer<typeof rpcErrorSchema>;

/** The one envelope every call answers with, over IPC and HTTP alike. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: RpcErrorBody };

/**
 * An error a service throws on purpose: its code and message reach the caller unchanged.
 * Anything else thrown becomes INTERNAL with a generic message (details stay in the log).
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** HTTP status used by the headless transport for each code. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'UPSTREAM':
    case 'NETWORK':
      return 502;
    case 'TIMEOUT':
      return 504;
    case 'DB':
      return 503;
    case 'INTERNAL':
      return 500;
    default:
      return assertNever(code);
  }
}

/** Ends a switch over a union: a new member becomes a compile error here. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

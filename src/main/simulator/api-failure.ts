/** An institution API error: thrown by the simulated institution, answered by server.ts with its status. */
import type { ApiErrorCode } from '../../shared/institution-api';

export class ApiFailure extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The wire body of an error the institution answers (and stores, for a decision). */
export function apiError(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
  return { code, message, request_id: null, ...(details === undefined ? {} : { details }) };
}
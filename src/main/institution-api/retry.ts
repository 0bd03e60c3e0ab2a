/**
 * Exponential backoff with full jitter for requests to institutions. 5xx, resets, timeouts and
 * truncated bodies are retried; 429 and 503 wait what Retry-After says (within a cap); everything else (401, other
 * 4xx, a response that breaks the standard) is final for that request.
 */
import { sleep as defaultSleep } from '../core/clock';
import { InstitutionApiError, isInstitutionApiError } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After we honour; a longer one fails the request so the pass can move on. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/** Full jitter: a uniform wait in [0, min(max, base x 2^(attempt-1))]. attempt starts at 1. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Called before each wait, for logs and the Sync page. */
  onRetry?: (info: { attempt: number; delayMs: number; error: InstitutionApiError }) => void;
}

/** Runs `operation` until it succeeds, fails for good, or the attempts run out. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isInstitutionApiError(error) || !error.retryable || attempt >= options.policy.maxAttempts) throw error;
      if (options.signal?.aborted) throw error;
      let delayMs: number;
      // A 503 with Retry-After is a maintenance window saying when it ends: waiting less only spends the attempts.
      if ((error.kind === 'rate_limited' || error.status === 503) && error.retryAfterMs !== null) {
        if (error.retryAfterMs > options.policy.maxRetryAfterMs) throw error;
        delayMs = error.retryAfterMs;
      } else {
        delayMs = backoffDelay(attempt, options.policy, options.random);
      }
      options.onRetry?.({ attempt, delayMs, error });
      try {
        await sleep(delayMs, options.signal);
      } catch {
        throw new InstitutionApiError('aborted', 'Cancelled while waiting to retry', { cause: error });
      }
    }
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * One circuit breaker per institution: after `failureThreshold` consecutive outage-like failures
 * (timeouts, resets, 5xx, truncated bodies) it opens and refuses requests without sending them,
 * so a failing institution is not hammered. After the open period one trial request is let
 * through (half-open); success closes the circuit, failure re-opens it for twice as long.
 */
import { InstitutionApiError } from './errors';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitOptions {
  failureThreshold: number;
  openMs: number;
  maxOpenMs: number;
  now: () => number;
  /** `cause`: the failure that opened the circuit (null when it closes). */
  onChange?: (state: CircuitState, openUntil: number | null, cause: InstitutionApiError | null) => void;
}

export const defaultCircuitOptions = { failureThreshold: 8, openMs: 30_000, maxOpenMs: 10 * 60_000 };

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openings = 0;
  private openUntilMs: number | null = null;
  private trialInFlight = false;

  constructor(private readonly options: CircuitOptions) {}

  get state(): CircuitState {
    if (this.openUntilMs === null) return 'closed';
    return this.options.now() >= this.openUntilMs ? 'half_open' : 'open';
  }

  /** When the open period ends (null while closed). */
  get openUntil(): number | null {
    return this.openUntilMs;
  }

  /** Throws circuit_open unless a request may go out now; in half-open only one trial at a time. */
  acquire(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half_open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return;
    }
    throw new InstitutionApiError('circuit_open', `Circuit open until ${new Date(this.openUntilMs ?? 0).toISOString()} after repeated failures`, {
      retryAfterMs: Math.max(0, (this.openUntilMs ?? 0) - this.options.now()),
    });
  }

  recordSuccess(): void {
    const wasOpen = this.openUntilMs !== null;
    this.consecutiveFailures = 0;
    this.openings = 0;
    this.openUntilMs = null;
    this.trialInFlight = false;
    if (wasOpen) this.options.onChange?.('closed', null, null);
  }

  /** Only outage-like failures count; a 4xx or 429 says the institution is up. */
  recordFailure(error: unknown): void {
    if (!(error instanceof InstitutionApiError) || !error.countsAsOutage) {
      if (this.trialInFlight) this.trialInFlight = false;
      return;
    }
    this.consecutiveFailures++;
    const trialFailed = this.trialInFlight;
    this.trialInFlight = false;
    if (trialFailed || this.consecutiveFailures >= this.options.failureThreshold) {
      const duration = Math.min(this.options.maxOpenMs, this.options.openMs * 2 ** this.openings);
      this.openings++;
      this.openUntilMs = this.options.now() + duration;
      this.options.onChange?.('open', this.openUntilMs, error);
    }
  }

  /** Closes the circuit by hand (an operator's "Sync now" after fixing the cause). */
  reset(): void {
    this.recordSuccess();
  }
}

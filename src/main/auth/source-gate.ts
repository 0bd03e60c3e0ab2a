/**
 * At most a few password checks in flight per source; the attempts beyond them wait their turn
 * in order instead of being refused. The source's failure counter counts failures once they are
 * known (after the hash check), so something has to keep a guesser from sending a thousand
 * guesses at once before the first failure is counted: this gate. A guesser gets at most
 * `concurrent` checks ahead of its counter; a team behind one address that signs in together
 * (a shift starting behind an office NAT) waits a moment in line and gets in.
 *
 * In memory, per process: the counters themselves are in the database (sign-in-throttle.ts).
 */
import { AppError } from '../../shared/rpc/errors';
import { throttleSourceKey } from './source-key';

export interface SourceGatePolicy {
  /** Password checks of one source running at once. */
  concurrent: number;
  /** Attempts of one source waiting for a turn; past it an attempt is refused at once. */
  queued: number;
}

export type SourceGate = ReturnType<typeof createSourceGate>;

export function createSourceGate(policy: SourceGatePolicy) {
  const lanes = new Map<string, { running: number; waiting: Array<() => void> }>();

  /** Resolves with the turn's release once the source has a free slot; throws RATE_LIMITED when its line is full. */
  async function enter(address: string): Promise<() => void> {
    const source = throttleSourceKey(address);
    let lane = lanes.get(source);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      lanes.set(source, lane);
    }
    if (lane.running >= policy.concurrent) {
      if (lane.waiting.length >= policy.queued) {
        throw new AppError('RATE_LIMITED', 'Too many sign-in attempts. Try again in 1 s.', { retryAfterMs: 1000 });
      }
      const current = lane;
      await new Promise<void>((resolve) => current.waiting.push(resolve));
    } else {
      lane.running++;
    }
    let released = false;
    const owned = lane;
    return () => {
      if (released) return;
      released = true;
      const next = owned.waiting.shift();
      // The slot passes straight to the next in line (running stays the same).
      if (next) next();
      else if (--owned.running === 0) lanes.delete(source);
    };
  }

  return { enter, lanes: () => lanes.size };
}

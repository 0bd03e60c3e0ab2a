import { writeTransaction, type Db } from '../db/connection';
import type { SignInThrottleRow } from '../db/schema';
import {
  deleteThrottles,
  deleteThrottlesByPrefix,
  findThrottle,
  findThrottles,
  findThrottlesByPrefix,
  pruneThrottles,
  saveThrottle,
} from '../repositories/sign-in-throttles';
import { throttleSourceKey } from './source-key';

/**
 * How sign-in attempts are slowed (docs/security.md, "Sign-in and sessions", states the rule for people).
 *
 * Three failure counters, each with a wait that doubles after `freeFailures` up to a cap: one per
 * account and source (the guesser's own lane: a long cap), one per account across sources (a
 * short cap, so guesses from elsewhere cannot keep the right operator out for long), and one per
 * source across accounts (password spraying), counted once a password proves wrong: a team
 * behind one address signing in together is not a guesser. A source also has a fixed window of
 * failed or refused attempts.
 * A refused attempt extends no wait, so hammering a waiting account gains nothing and costs the
 * operator nothing.
 */
export interface SignInThrottlePolicy {
  /** Consecutive failures per account (and per account and source) answered without a wait. */
  accountFreeFailures: number;
  /** Consecutive failures per source, over every account, answered without a wait. */
  sourceFreeFailures: number;
  /** The first wait; it doubles with each further failure. */
  waitBaseMs: number;
  /** The longest wait of one account from one source. */
  pairWaitCapMs: number;
  /** The longest wait of one account from every source together. */
  accountWaitCapMs: number;
  /** The longest wait of one source over every account. */
  sourceWaitCapMs: number;
  /** Failed or refused attempts one source may make per window (a right password is not counted). */
  sourceAttemptsPerWindow: number;
  sourceWindowMs: number;
  /** Failures are forgotten after this long without an attempt. */
  forgetAfterMs: number;
  /** Password checks of one source at once, and attempts waiting for a turn (auth/source-gate.ts). */
  sourceConcurrentChecks: number;
  sourceQueuedAttempts: number;
}

export const defaultSignInThrottlePolicy: SignInThrottlePolicy = {
  accountFreeFailures: 5,
  sourceFreeFailures: 20,
  waitBaseMs: 30_000,
  pairWaitCapMs: 15 * 60_000,
  accountWaitCapMs: 60_000,
  sourceWaitCapMs: 15 * 60_000,
  sourceAttemptsPerWindow: 30,
  sourceWindowMs: 60_000,
  forgetAfterMs: 24 * 3_600_000,
  sourceConcurrentChecks: 4,
  sourceQueuedAttempts: 500,
};

/** Which counter refused an attempt. */
export type ThrottleRule = 'account' | 'source';

export type Admission = { admitted: true; accountFailures: number } | { admitted: false; retryAfterMs: number; rule: ThrottleRule };

export function waitAfter(failures: number, freeFailures: number, baseMs: number, capMs: number): number {
  if (failures < freeFailures) return 0;
  // 2^20 already exceeds any sane cap; the exponent stays bounded so the number stays finite.
  return Math.min(baseMs * 2 ** Math.min(failures - freeFailures, 20), capMs);
}

interface Keys {
  account: string;
  pair: string;
  source: string;
}

function keysOf(username: string, source: string): Keys {
  const key = throttleSourceKey(source);
  return { account: `account:${username}`, pair: `pair:${username}@${key}`, source: `source:${key}` };
}

function blank(key: string, now: number): SignInThrottleRow {
  return { key, failures: 0, lastFailureAt: null, windowStart: 0, windowAttempts: 0, updatedAt: now };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;

/**
 * The throttle over the `sign_in_throttles` table. `admit` checks and counts in one write
 * transaction before the password hash is checked, so parallel guesses cannot all read the same
 * count; it is shared by processes on the same database (a CLI `users unlock` reaches the server).
 */
export function createSignInThrottle(db: Db, policy: SignInThrottlePolicy = defaultSignInThrottlePolicy) {
  let admissionsSincePrune = 0;

  function notBefore(row: SignInThrottleRow | undefined, freeFailures: number, capMs: number): number {
    if (!row || row.lastFailureAt === null) return 0;
    return row.lastFailureAt + waitAfter(row.failures, freeFailures, policy.waitBaseMs, capMs);
  }

  function fresh(row: SignInThrottleRow | undefined, key: string, now: number): SignInThrottleRow {
    if (!row || now - row.updatedAt > policy.forgetAfterMs) return blank(key, now);
    return { ...row };
  }

  /**
   * Admits an attempt (and counts it as a failure of the account and the pair until `succeeded`
   * says otherwise) or refuses it with the wait left. The answer depends only on the username as
   * typed and the source, never on whether the account exists. The source's counters are not
   * touched here: a source counts failures (`failed`), not attempts, so a team behind one address
   * signing in together is not taken for a guesser; auth/source-gate.ts keeps a source's
   * unchecked attempts few.
   */
  function admit(username: string, source: string, now: number): Admission {
    const keys = keysOf(username, source);
    const admission = writeTransaction(db, (tx): Admission => {
      const rows = findThrottles(tx, [keys.account, keys.pair, keys.source]);
      const sourceRow = fresh(rows.get(keys.source), keys.source, now);
      if (now - sourceRow.windowStart >= policy.sourceWindowMs) {
        sourceRow.windowStart = now;
        sourceRow.windowAttempts = 0;
      }
      if (sourceRow.windowAttempts >= policy.sourceAttemptsPerWindow) {
        return { admitted: false, retryAfterMs: sourceRow.windowStart + policy.sourceWindowMs - now, rule: 'source' };
      }
      const account = fresh(rows.get(keys.account), keys.account, now);
      const pair = fresh(rows.get(keys.pair), keys.pair, now);
      const sourceWait = notBefore(sourceRow, policy.sourceFreeFailures, policy.sourceWaitCapMs);
      const accountWait = Math.max(
        notBefore(account, policy.accountFreeFailures, policy.accountWaitCapMs),
        notBefore(pair, policy.accountFreeFailures, policy.pairWaitCapMs),
      );
      if (sourceWait > now || accountWait > now) {
        // A refused attempt counts in the source's window (it is not a right password).
        sourceRow.windowAttempts += 1;
        sourceRow.updatedAt = now;
        saveThrottle(tx, sourceRow);
        const rule: ThrottleRule = accountWait >= sourceWait ? 'account' : 'source';
        return { admitted: false, retryAfterMs: Math.max(sourceWait, accountWait) - now, rule };
      }
      // The account's counters are counted before the hash check: parallel guesses at one account take turns.
      for (const row of [account, pair]) {
        row.failures += 1;
        row.lastFailureAt = now;
        row.updatedAt = now;
        saveThrottle(tx, row);
      }
      return { admitted: true, accountFailures: account.failures };
    });
    if (++admissionsSincePrune >= 500) {
      admissionsSincePrune = 0;
      pruneThrottles(db, now - policy.forgetAfterMs);
    }
    return admission;
  }

  /** The admitted attempt's password was wrong: the source counts one failure (and one attempt of its window). */
  function failed(source: string, now: number): void {
    const key = keysOf('', source).source;
    writeTransaction(db, (tx) => {
      const sourceRow = fresh(findThrottle(tx, key), key, now);
      if (now - sourceRow.windowStart >= policy.sourceWindowMs) {
        sourceRow.windowStart = now;
        sourceRow.windowAttempts = 0;
      }
      sourceRow.windowAttempts += 1;
      sourceRow.failures += 1;
      sourceRow.lastFailureAt = now;
      sourceRow.updatedAt = now;
      saveThrottle(tx, sourceRow);
    });
  }

  /** The attempt was right: the account's counters and the source's failures start over. */
  function succeeded(username: string, source: string, now: number): void {
    const keys = keysOf(username, source);
    writeTransaction(db, (tx) => {
      deleteThrottles(tx, [keys.account, keys.pair]);
      // A right password costs the source nothing: operators behind one address (a NAT, the
      // loopback of a test run) may all sign in at the start of a shift.
      const sourceRow = findThrottle(tx, keys.source);
      if (sourceRow && sourceRow.failures > 0) saveThrottle(tx, { ...sourceRow, failures: 0, lastFailureAt: null, updatedAt: now });
    });
  }

  /** An administrator's unlock: every counter of the account, from every source. */
  function clearAccount(username: string): void {
    writeTransaction(db, (tx) => {
      deleteThrottles(tx, [`account:${username}`]);
      deleteThrottlesByPrefix(tx, `pair:${username}@`);
    });
  }

  /**
   * Until when sign-in to the account waits, from every source or from at least one (the users
   * list shows it; an unlock clears it); null when nothing waits.
   */
  function accountWaitsUntil(username: string, now: number): number | null {
    const rows = [findThrottle(db, `account:${username}`), ...findThrottlesByPrefix(db, `pair:${username}@`)];
    let until = 0;
    for (const row of rows) {
      if (!row || now - row.updatedAt > policy.forgetAfterMs) continue;
      const cap = row.key.startsWith('account:') ? policy.accountWaitCapMs : policy.pairWaitCapMs;
      until = Math.max(until, notBefore(row, policy.accountFreeFailures, cap));
    }
    return until > now ? until : null;
  }

  return { admit, failed, succeeded, clearAccount, accountWaitsUntil, policy };
}

import type { Db } from '../db/connection';
import { findOperatorByUsername } from '../repositories/operators';
import type { AuditRecorder } from '../core/audit';
import type { ThrottleRule } from './sign-in-throttle';

interface Pending {
  username: string | null;
  source: string;
  rule: ThrottleRule;
  count: number;
  from: number;
  to: number;
}

/**
 * Refused sign-in attempts go to the audit log as one row per account, source and window with a
 * count, not one row per attempt: an outsider hammering a waiting account cannot fill the log.
 * Rows are written when their window has passed (checked at each refusal and by `flush`, which
 * the service's timer and shutdown call).
 */
export function createRefusalLog(deps: { db: Db; audit: AuditRecorder; windowMs: number }) {
  const pending = new Map<string, Pending>();

  function write(entry: Pending): void {
    // The username typed is recorded only when it names an account: an unknown one may be a
    // password typed into the wrong field.
    const operator = entry.username ? findOperatorByUsername(deps.db, entry.username) : undefined;
    deps.audit.record(deps.db, null, 'auth.sign-in-refused', operator ? { type: 'operator', id: operator.id } : undefined, {
      username: operator ? operator.username : entry.username === null ? null : '(unknown)',
      source: entry.source,
      rule: entry.rule,
      count: entry.count,
      from: entry.from,
      to: entry.to,
    });
  }

  /** Writes the windows that ended before `now` (all of them when `now` is omitted). */
  function flush(now?: number): void {
    for (const [key, entry] of pending) {
      if (now !== undefined && now - entry.from < deps.windowMs) continue;
      pending.delete(key);
      write(entry);
    }
  }

  /** One refused attempt; `username` is null when the source itself was refused. */
  function refused(username: string | null, source: string, rule: ThrottleRule, now: number): void {
    flush(now);
    // A source refused as a whole is one row whatever usernames it tries.
    const key = `${rule === 'source' ? '*' : username}@${source}`;
    const entry = pending.get(key);
    if (entry) {
      entry.count += 1;
      entry.to = now;
      return;
    }
    pending.set(key, { username: rule === 'source' ? null : username, source, rule, count: 1, from: now, to: now });
  }

  return { refused, flush, get pendingCount() { return pending.size; } };
}

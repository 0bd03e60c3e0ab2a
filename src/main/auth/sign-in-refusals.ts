import type { Db } from '../db/connection';
import { findOperatorByUsername } from '../repositories/operators';
import type { AuditRecorder } from '../core/audit';
import { createWindowedSummary } from '../core/windowed-summary';
import type { ThrottleRule } from './sign-in-throttle';

interface Refused {
  username: string | null;
  source: string;
  rule: ThrottleRule;
}

/**
 * Refused sign-in attempts go to the audit log as one row per account, source and window with a
 * count, not one row per attempt: an outsider hammering a waiting account cannot fill the log.
 * Rows are written when their window has passed (checked at each refusal and by `flush`, which
 * the service's timer and shutdown call).
 */
export function createRefusalLog(deps: { db: Db; audit: AuditRecorder; windowMs: number }) {
  const pending = createWindowedSummary<Refused>({
    windowMs: deps.windowMs,
    write({ subject, count, from, to }) {
      // The username typed is recorded only when it names an account: an unknown one may be a
      // password typed into the wrong field.
      const operator = subject.username ? findOperatorByUsername(deps.db, subject.username) : undefined;
      deps.audit.record(deps.db, null, 'auth.sign-in-refused', operator ? { type: 'operator', id: operator.id } : undefined, {
        username: operator ? operator.username : subject.username === null ? null : '(unknown)',
        source: subject.source,
        rule: subject.rule,
        count,
        from,
        to,
      });
    },
  });

  /** One refused attempt; `username` is null when the source itself was refused. */
  function refused(username: string | null, source: string, rule: ThrottleRule, now: number): void {
    // A source refused as a whole is one row whatever usernames it tries.
    const key = `${rule === 'source' ? '*' : username}@${source}`;
    if (pending.count(key, now)) return;
    pending.open(key, { username: rule === 'source' ? null : username, source, rule }, now, 'counted');
  }

  return { refused, flush: pending.flush, get pendingCount() { return pending.pendingCount; } };
}

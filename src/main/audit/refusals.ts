import type { ActorRef } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import type { Db } from '../db/connection';
import { createWindowedSummary } from '../core/windowed-summary';

/** What a summary row repeats: the refusal written at once, or the overflow of an operator. */
interface Refusal {
  actor: ActorRef | null;
  target: { type: string; id: string | number } | undefined;
  details: Record<string, unknown> | undefined;
}

/**
 * Refused calls (`access.refused`: a channel the role may not use, a refused export or reveal)
 * are recorded through here. The first refusal of an operator, target and reason (the details)
 * in a window is written at once, as it comes, so a single refusal is evidence immediately;
 * repeats within the window are counted and written as one summary row (the same target and
 * details plus `count`, `from`, `to`) when the window has passed (checked at each refusal and by
 * `flush`, which a timer and shutdown call). A reviewer calling a forbidden channel in a loop
 * adds two rows a window, not one per call. One operator has at most `perOperator` different
 * refusals written at once per window; past that (cycling through task ids or channels) the rest
 * are counted per target type in one `overflow` row with target id '*'. Summary rows are
 * ordinary chained entries.
 * Every other action passes straight through to the recorder.
 */
export function createRefusalSummaries(deps: { db: Db; recorder: AuditRecorder; clock: Clock; windowMs: number; perOperator?: number }) {
  const perOperator = deps.perOperator ?? 20;
  const summaries = createWindowedSummary<Refusal>({
    windowMs: deps.windowMs,
    write: ({ subject, count, from, to }) => deps.recorder.record(deps.db, subject.actor, 'access.refused', subject.target, { ...subject.details, count, from, to }),
  });
  /** How many different refusals each operator had written at once in its current window (nothing is written of these). */
  const openings = createWindowedSummary<null>({ windowMs: deps.windowMs });

  /** Writes the summaries of windows that ended by `now` (all of them when `now` is omitted). */
  function flush(now?: number): void {
    summaries.flush(now);
    openings.flush(now);
  }

  /** Whether the operator may have one more different refusal written at once in this window. */
  function takeOpening(operator: string, now: number): boolean {
    const budget = openings.count(operator, now) ?? openings.open(operator, null, now, 'counted');
    return budget.count <= perOperator;
  }

  const recorder: AuditRecorder = {
    record(db, actor, action, target, details) {
      if (action !== 'access.refused') {
        deps.recorder.record(db, actor, action, target, details);
        return;
      }
      const now = deps.clock.now();
      const operator = JSON.stringify([actor?.id ?? null, actor?.username ?? null]);
      const key = JSON.stringify([operator, target?.type ?? null, target === undefined ? null : String(target.id), details ?? null]);
      if (summaries.count(key, now)) return;
      if (takeOpening(operator, now)) {
        deps.recorder.record(db, actor, action, target, details);
        summaries.open(key, { actor, target, details }, now, 'written');
        return;
      }
      // Past the operator's share of different refusals (cycling through task ids or channels):
      // the rest are counted per kind of target in one row, target id '*'.
      const overflowKey = JSON.stringify([operator, target?.type ?? null, '*']);
      if (summaries.count(overflowKey, now)) return;
      summaries.open(overflowKey, { actor, target: { type: target?.type ?? 'unknown', id: '*' }, details: { overflow: true } }, now, 'counted');
    },
  };

  return { recorder, flush, get pendingCount() { return summaries.pendingCount; } };
}

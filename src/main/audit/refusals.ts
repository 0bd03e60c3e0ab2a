import type { ActorRef } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import type { Db } from '../db/connection';

interface Window {
  actor: ActorRef | null;
  target: { type: string; id: string | number } | undefined;
  details: Record<string, unknown> | undefined;
  /** When the refusal recorded at once happened: the window runs from here. */
  startedAt: number;
  /** Repeats since that row, not written yet. */
  count: number;
  from: number;
  to: number;
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
  const windows = new Map<string, Window>();
  /** How many different refusals each operator had written at once in its current window. */
  const opened = new Map<string, { startedAt: number; count: number }>();

  function writeSummary(entry: Window): void {
    if (entry.count === 0) return;
    deps.recorder.record(deps.db, entry.actor, 'access.refused', entry.target, {
      ...entry.details,
      count: entry.count,
      from: entry.from,
      to: entry.to,
    });
  }

  /** Writes the summaries of windows that ended by `now` (all of them when `now` is omitted). */
  function flush(now?: number): void {
    for (const [key, entry] of windows) {
      if (now !== undefined && now - entry.startedAt < deps.windowMs) continue;
      windows.delete(key);
      writeSummary(entry);
    }
    for (const [operator, budget] of opened) {
      if (now === undefined || now - budget.startedAt >= deps.windowMs) opened.delete(operator);
    }
  }

  /** Whether the operator may have one more different refusal written at once in this window. */
  function takeOpening(operator: string, now: number): boolean {
    const budget = opened.get(operator) ?? { startedAt: now, count: 0 };
    opened.set(operator, budget);
    if (budget.count >= perOperator) return false;
    budget.count += 1;
    return true;
  }

  function count(entry: Window, now: number): void {
    if (entry.count === 0) entry.from = now;
    entry.count += 1;
    entry.to = now;
  }

  const recorder: AuditRecorder = {
    record(db, actor, action, target, details) {
      if (action !== 'access.refused') {
        deps.recorder.record(db, actor, action, target, details);
        return;
      }
      const now = deps.clock.now();
      flush(now);
      const operator = JSON.stringify([actor?.id ?? null, actor?.username ?? null]);
      const key = JSON.stringify([operator, target?.type ?? null, target === undefined ? null : String(target.id), details ?? null]);
      const entry = windows.get(key);
      if (entry) {
        count(entry, now);
        return;
      }
      if (takeOpening(operator, now)) {
        deps.recorder.record(db, actor, action, target, details);
        windows.set(key, { actor, target, details, startedAt: now, count: 0, from: now, to: now });
        return;
      }
      // Past the operator's share of different refusals (cycling through task ids or channels):
      // the rest are counted per kind of target in one row, target id '*'.
      const overflowKey = JSON.stringify([operator, target?.type ?? null, '*']);
      const overflow = windows.get(overflowKey);
      if (overflow) count(overflow, now);
      else windows.set(overflowKey, { actor, target: { type: target?.type ?? 'unknown', id: '*' }, details: { overflow: true }, startedAt: now, count: 1, from: now, to: now });
    },
  };

  return { recorder, flush, get pendingCount() { return windows.size; } };
}

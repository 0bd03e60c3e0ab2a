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
 * adds two rows a window, not one per call. Summary rows are ordinary chained entries.
 * Every other action passes straight through to the recorder.
 */
export function createRefusalSummaries(deps: { db: Db; recorder: AuditRecorder; clock: Clock; windowMs: number }) {
  const windows = new Map<string, Window>();

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
  }

  const recorder: AuditRecorder = {
    record(db, actor, action, target, details) {
      if (action !== 'access.refused') {
        deps.recorder.record(db, actor, action, target, details);
        return;
      }
      const now = deps.clock.now();
      flush(now);
      const key = JSON.stringify([actor?.id ?? null, actor?.username ?? null, target?.type ?? null, target === undefined ? null : String(target.id), details ?? null]);
      const entry = windows.get(key);
      if (entry) {
        if (entry.count === 0) entry.from = now;
        entry.count += 1;
        entry.to = now;
        return;
      }
      deps.recorder.record(db, actor, action, target, details);
      windows.set(key, { actor, target, details, startedAt: now, count: 0, from: now, to: now });
    },
  };

  return { recorder, flush, get pendingCount() { return windows.size; } };
}

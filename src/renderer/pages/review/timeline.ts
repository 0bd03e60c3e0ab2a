import type { TimelineEvent } from '../../../shared/contracts/review';

/** A timeline line: one event, or a reviewer's claim-then-skip pairs folded into one. */
export type TimelineEntry = { kind: 'event'; event: TimelineEvent } | { kind: 'passed'; id: string; at: number; lastAt: number; operator: TimelineEvent['operator']; count: number };

const passingReasons = new Set(['skipped', 'left']);

/**
 * Folds a claim directly followed by the same reviewer's release for skipping (or leaving) into one
 * "looked and passed" line, and runs of those by the same reviewer into one line with a count: a
 * task skipped by the queue's reviewers all day otherwise buries its decisions in claim/release noise.
 */
export function collapseTimeline(events: readonly TimelineEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as TimelineEvent;
    const next = events[index + 1];
    const passed =
      event.kind === 'claimed' &&
      next?.kind === 'released' &&
      typeof next.details.reason === 'string' &&
      passingReasons.has(next.details.reason) &&
      next.operator?.id === event.operator?.id;
    if (!passed || !next) {
      entries.push({ kind: 'event', event });
      continue;
    }
    index += 1;
    const last = entries[entries.length - 1];
    if (last?.kind === 'passed' && last.operator?.id === event.operator?.id) {
      last.count += 1;
      last.lastAt = next.at;
    } else {
      entries.push({ kind: 'passed', id: `${event.id}+${next.id}`, at: event.at, lastAt: next.at, operator: event.operator, count: 1 });
    }
  }
  return entries;
}

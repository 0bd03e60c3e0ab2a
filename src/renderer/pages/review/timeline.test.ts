import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../../shared/contracts/review';
import { collapseTimeline } from './timeline';

const wang = { id: 2, name: '王' };
const li = { id: 3, name: '李' };
let next = 0;
function event(kind: string, operator: TimelineEvent['operator'], details: Record<string, unknown> = {}): TimelineEvent {
  next += 1;
  return { id: String(next), at: next * 1000, kind, operator, details };
}

describe('collapseTimeline', () => {
  it('folds claim/release-for-skipping pairs into one line per reviewer, with a count', () => {
    const events = [
      event('created', null),
      event('claimed', wang),
      event('released', wang, { reason: 'skipped' }),
      event('claimed', wang),
      event('released', wang, { reason: 'skipped' }),
      event('claimed', li),
      event('released', li, { reason: 'left' }),
      event('claimed', wang),
      event('decided', wang, { action: 'approve' }),
    ];
    const entries = collapseTimeline(events);
    expect(entries.map((entry) => (entry.kind === 'event' ? entry.event.kind : `passed:${entry.operator?.name}×${entry.count}`))).toEqual([
      'created',
      'passed:王×2',
      'passed:李×1',
      'claimed',
      'decided',
    ]);
  });

  it('keeps a release for another reason, or by someone else, as it is', () => {
    const events = [event('claimed', wang), event('released', wang, { reason: 'reassigned' }), event('claimed', wang), event('released', li, { reason: 'skipped' })];
    expect(collapseTimeline(events).every((entry) => entry.kind === 'event')).toBe(true);
  });
});

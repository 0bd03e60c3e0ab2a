import { describe, expect, it } from 'vitest';
import { dayNumberOf, dayNumberOfDate, isoInstant, nextMidnightAfter, startOfDayNumber } from './clock';

describe('isoInstant', () => {
  it('writes Asia/Shanghai wall time with its +08:00 offset, to the millisecond', () => {
    expect(isoInstant(Date.UTC(2026, 10, 25, 1, 30, 0, 5))).toBe('2026-11-25T09:30:00.005+08:00');
    expect(isoInstant(Date.UTC(2026, 1, 28, 16, 0, 0, 0))).toBe('2026-03-01T00:00:00.000+08:00');
    expect(isoInstant(Date.UTC(2024, 1, 28, 16, 0, 0, 0))).toBe('2024-02-29T00:00:00.000+08:00');
    expect(Date.parse(isoInstant(1_764_036_000_123))).toBe(1_764_036_000_123);
  });
});

describe('day numbers', () => {
  it('count Shanghai days, so 23:59 and 00:00 local fall on different days', () => {
    const midnight = Date.UTC(2026, 10, 24, 16, 0, 0);
    expect(dayNumberOf(midnight - 1)).toBe(dayNumberOf(midnight) - 1);
    expect(dayNumberOfDate('2026-11-25')).toBe(dayNumberOf(midnight));
    expect(startOfDayNumber(dayNumberOfDate('2026-11-25'))).toBe(midnight);
    expect(nextMidnightAfter(midnight - 1)).toBe(midnight);
    expect(nextMidnightAfter(midnight)).toBe(midnight + 86_400_000);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonthsClamped,
  compareIsoDates,
  daysBetween,
  isValidIsoDate,
  monthEnd,
  parseTypedDate,
  shanghaiAt,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiInstant,
  shanghaiOffsetMs,
  shanghaiStartOfDay,
  shanghaiWallClock,
} from './time';

describe('shanghaiDate / shanghaiStartOfDay', () => {
  it('reads an instant in UTC+8, not in the host zone', () => {
    // 2024-03-01T15:59:59.999Z is 23:59:59.999 in Shanghai; one ms later it is the 2nd.
    expect(shanghaiDate(Date.UTC(2024, 2, 1, 15, 59, 59, 999))).toBe('2024-03-01');
    expect(shanghaiDate(Date.UTC(2024, 2, 1, 16, 0, 0, 0))).toBe('2024-03-02');
  });

  it('starts a Shanghai day at 16:00 UTC of the previous day', () => {
    expect(shanghaiStartOfDay('2024-03-02')).toBe(Date.UTC(2024, 2, 1, 16));
    expect(shanghaiStartOfDay('1970-01-01')).toBe(-8 * 3_600_000);
  });

  it('round-trips every day start', () => {
    fc.assert(
      fc.property(fc.integer({ min: -60_000, max: 60_000 }), (offset) => {
        const date = addDays('1990-06-15', offset);
        const start = shanghaiStartOfDay(date);
        expect(shanghaiDate(start)).toBe(date);
        expect(shanghaiDate(start - 1)).toBe(addDays(date, -1));
        expect(shanghaiDate(start + 86_399_999)).toBe(date);
      }),
    );
  });

  it('rejects a malformed date', () => {
    expect(() => shanghaiStartOfDay('2024-02-30')).toThrow(RangeError);
  });
});

describe('Shanghai wall clock: shanghaiDateTime / shanghaiInstant / shanghaiAt / shanghaiWallClock', () => {
  // 2026-11-25T01:30:05.007Z is 09:30:05.007 in Shanghai; 16:00 UTC is already the next Shanghai day.
  const morning = Date.UTC(2026, 10, 25, 1, 30, 5, 7);
  const lateUtc = Date.UTC(2026, 11, 31, 16, 0, 0, 0);

  it('is eight hours ahead of UTC', () => {
    expect(shanghaiOffsetMs).toBe(28_800_000);
  });

  it('writes the wall time to the second, crossing midnight and the year by the Shanghai clock', () => {
    expect(shanghaiDateTime(morning)).toBe('2026-11-25 09:30:05');
    expect(shanghaiDateTime(lateUtc)).toBe('2027-01-01 00:00:00');
    expect(shanghaiDateTime(lateUtc - 1)).toBe('2026-12-31 23:59:59');
  });

  it('writes the institution API instant with milliseconds and +08:00', () => {
    expect(shanghaiInstant(morning)).toBe('2026-11-25T09:30:05.007+08:00');
    expect(shanghaiInstant(Date.UTC(2024, 1, 28, 16))).toBe('2024-02-29T00:00:00.000+08:00');
    expect(Date.parse(shanghaiInstant(morning))).toBe(morning);
  });

  it('places a wall time on a Shanghai calendar day', () => {
    expect(shanghaiAt('2026-12-08', 9)).toBe(Date.UTC(2026, 11, 8, 1));
    expect(shanghaiAt('2026-12-08', 0)).toBe(shanghaiStartOfDay('2026-12-08'));
    expect(shanghaiAt('2026-12-08', 23, 59)).toBe(Date.UTC(2026, 11, 8, 15, 59));
    expect(shanghaiAt('2024-03-01', 7, 30)).toBe(Date.UTC(2024, 1, 29, 23, 30));
  });

  it('gives a Date whose UTC fields read the Shanghai wall clock', () => {
    const wall = shanghaiWallClock(lateUtc);
    expect([wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours()]).toEqual([2027, 1, 1, 0]);
  });
});

describe('addMonthsClamped', () => {
  it('clamps month ends', () => {
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonthsClamped('2024-01-31', 2)).toBe('2024-03-31');
    expect(addMonthsClamped('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonthsClamped('2024-11-30', 3)).toBe('2025-02-28');
    expect(addMonthsClamped('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonthsClamped('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonthsClamped('2025-05-15', -17)).toBe('2023-12-15');
  });
});

describe('addDays / daysBetween / monthEnd / isValidIsoDate', () => {
  it('crosses month, year and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2024-01-01')).toBe(-366);
    expect(daysBetween('1900-01-01', '2000-01-01')).toBe(36_524);
  });

  it('agrees with addDays for any offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (offset) => {
        expect(daysBetween('2000-02-29', addDays('2000-02-29', offset))).toBe(offset);
        expect(Math.sign(compareIsoDates(addDays('2000-02-29', offset), '2000-02-29'))).toBe(Math.sign(offset));
      }),
    );
  });

  it('finds month ends', () => {
    expect(monthEnd('2024-02-10')).toBe('2024-02-29');
    expect(monthEnd('1900-02-01')).toBe('1900-02-28');
    expect(monthEnd('2000-02-01')).toBe('2000-02-29');
    expect(monthEnd('2024-04-30')).toBe('2024-04-30');
  });

  it('accepts only real dates in the exact format', () => {
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2023-02-29')).toBe(false);
    expect(isValidIsoDate('2024-13-01')).toBe(false);
    expect(isValidIsoDate('2024-1-01')).toBe(false);
    expect(isValidIsoDate('2024-01-01T00:00')).toBe(false);
    expect(isValidIsoDate('0000-01-01')).toBe(false);
    for (const text of ['2024-0a-01', '2024/01/01', '２０２４-01-01', ' 2024-01-01', '2024-01-01\n', '-024-01-01', '2024-01-+1', '']) expect(isValidIsoDate(text)).toBe(false);
  });
});

describe('parseTypedDate', () => {
  it('reads the ways an operator types a day', () => {
    expect(parseTypedDate('2026-12-03')).toBe('2026-12-03');
    expect(parseTypedDate(' 2026/12/3 ')).toBe('2026-12-03');
    expect(parseTypedDate('2026.1.5')).toBe('2026-01-05');
    expect(parseTypedDate('20240229')).toBe('2024-02-29');
  });

  it('refuses text that names no real day', () => {
    for (const text of ['', '2026-02-30', '20230229', '2026-13-01', '2026-12/03', '26-12-03', '2026-12-03T00:00', '0000-01-01', 'yesterday']) {
      expect(parseTypedDate(text), text).toBeNull();
    }
  });

  it('gives back every valid day it is shown', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (year, month, day) => {
        const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        expect(parseTypedDate(text)).toBe(isValidIsoDate(text) ? text : null);
      }),
    );
  });
});

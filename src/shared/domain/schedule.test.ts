import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateSchedule, scheduleTotals, type RepaymentMethod } from './schedule';

const BASE = { principalFen: 1_000_000, periods: 12, monthlyRate: '0.01', firstDueDate: '2025-02-15' } as const;

describe('DOMAIN.md worked examples: 10,000.00, 12 months, 1%/month', () => {
  it('equal installment: 888.49 every month, interest 661.88', () => {
    const schedule = generateSchedule({ ...BASE, method: 'equal_installment' });
    expect(schedule.map((row) => row.totalFen)).toEqual(Array(12).fill(88_849));
    expect(schedule[0]).toMatchObject({ principalFen: 78_849, interestFen: 10_000 });
    expect(scheduleTotals(schedule)).toEqual({ principalFen: 1_000_000, interestFen: 66_188, feeFen: 0, totalFen: 1_066_188 });
  });

  it('equal principal: 933.33 first, 841.67 last, interest 650.00', () => {
    const schedule = generateSchedule({ ...BASE, method: 'equal_principal' });
    expect(schedule[0]?.totalFen).toBe(93_333);
    expect(schedule[11]?.totalFen).toBe(84_167);
    expect(scheduleTotals(schedule).interestFen).toBe(65_000);
    expect(scheduleTotals(schedule).principalFen).toBe(1_000_000);
  });

  it('interest first: 100.00 x 11 then 10,100.00', () => {
    const schedule = generateSchedule({ ...BASE, method: 'interest_first' });
    expect(schedule.slice(0, 11).map((row) => row.totalFen)).toEqual(Array(11).fill(10_000));
    expect(schedule[11]).toMatchObject({ principalFen: 1_000_000, interestFen: 10_000, totalFen: 1_010_000, remainingPrincipalFen: 0 });
  });

  it('flat 1%: 933.33 (one fen more where the floored principal steps up)', () => {
    const schedule = generateSchedule({ ...BASE, method: 'flat' });
    expect(schedule[0]?.totalFen).toBe(93_333);
    expect(schedule.every((row) => row.interestFen === 10_000)).toBe(true);
    expect(schedule.every((row) => row.totalFen === 93_333 || row.totalFen === 93_334)).toBe(true);
    expect(scheduleTotals(schedule)).toMatchObject({ principalFen: 1_000_000, interestFen: 120_000 });
  });

  it('equal installment + 50.00 service fee each month: 938.49', () => {
    const schedule = generateSchedule({ ...BASE, method: 'equal_installment', feePerPeriodFen: 5_000 });
    expect(schedule.map((row) => row.totalFen)).toEqual(Array(12).fill(93_849));
  });
});

describe('due dates and rounding details', () => {
  it('follows addMonthsClamped from the first due date', () => {
    const schedule = generateSchedule({ ...BASE, firstDueDate: '2024-01-31', periods: 4, method: 'equal_principal' });
    expect(schedule.map((row) => row.dueDate)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
  });

  it('rounds half a fen of interest up', () => {
    // 50 fen x 1% = 0.5 fen of interest.
    const schedule = generateSchedule({ principalFen: 50, periods: 1, monthlyRate: '0.01', method: 'interest_first', firstDueDate: '2025-01-01' });
    expect(schedule[0]?.interestFen).toBe(1);
  });

  it('zero-interest loans split the principal and charge nothing', () => {
    for (const method of ['equal_installment', 'equal_principal', 'interest_first', 'flat'] as const) {
      const schedule = generateSchedule({ principalFen: 100_000, periods: 3, monthlyRate: 0, method, firstDueDate: '2025-01-01' });
      expect(scheduleTotals(schedule)).toEqual({ principalFen: 100_000, interestFen: 0, feeFen: 0, totalFen: 100_000 });
    }
    const level = generateSchedule({ principalFen: 100_000, periods: 3, monthlyRate: '0', method: 'equal_installment', firstDueDate: '2025-01-01' });
    expect(level.map((row) => row.principalFen)).toEqual([33_333, 33_333, 33_334]);
  });

  it('accepts rates as numbers or strings alike', () => {
    const fromNumber = generateSchedule({ ...BASE, monthlyRate: 0.0125, method: 'equal_installment' });
    const fromString = generateSchedule({ ...BASE, monthlyRate: '0.0125', method: 'equal_installment' });
    expect(fromNumber).toEqual(fromString);
  });

  it('refuses impossible input', () => {
    expect(() => generateSchedule({ ...BASE, principalFen: 0, method: 'flat' })).toThrow(RangeError);
    expect(() => generateSchedule({ ...BASE, principalFen: 10.5, method: 'flat' })).toThrow(RangeError);
    expect(() => generateSchedule({ ...BASE, periods: 0, method: 'flat' })).toThrow(RangeError);
    expect(() => generateSchedule({ ...BASE, monthlyRate: '-0.01', method: 'flat' })).toThrow(RangeError);
    expect(() => generateSchedule({ ...BASE, monthlyRate: 'abc', method: 'flat' })).toThrow(RangeError);
    expect(() => generateSchedule({ ...BASE, firstDueDate: '2025-02-30', method: 'flat' })).toThrow(RangeError);
  });
});

describe('schedule properties', () => {
  const methods: RepaymentMethod[] = ['equal_installment', 'equal_principal', 'interest_first', 'flat'];
  it('principal always sums exactly to the loan, nothing negative, balance runs down to zero', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500_000_000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 500 }),
        fc.constantFrom(...methods),
        fc.integer({ min: 0, max: 10_000 }),
        (principalFen, periods, rateBasisPoints, method, feeFen) => {
          const monthlyRate = `${rateBasisPoints / 10_000}`;
          const schedule = generateSchedule({ principalFen, periods, monthlyRate, method, firstDueDate: '2025-01-31', feePerPeriodFen: feeFen });
          expect(schedule).toHaveLength(periods);
          expect(scheduleTotals(schedule).principalFen).toBe(principalFen);
          expect(schedule.at(-1)?.remainingPrincipalFen).toBe(0);
          for (const row of schedule) {
            expect(row.principalFen).toBeGreaterThanOrEqual(0);
            expect(row.interestFen).toBeGreaterThanOrEqual(0);
            expect(row.totalFen).toBe(row.principalFen + row.interestFen + row.feeFen);
          }
        },
      ),
    );
  });

  it('equal installment over many periods at high rates: no period follows a zero balance, the last settles its balance and interest', () => {
    // The cases that ended with interest on nothing (188 periods) and zero-fen rows (360 periods).
    for (const [principalFen, periods] of [
      [100_000, 188],
      [5_000_000, 360],
    ] as const) {
      const schedule = generateSchedule({ principalFen, periods, monthlyRate: '0.03', method: 'equal_installment', firstDueDate: '2025-01-01' });
      expect(scheduleTotals(schedule).principalFen).toBe(principalFen);
      expect(schedule.slice(0, -1).every((row) => row.remainingPrincipalFen > 0 && row.principalFen > 0)).toBe(true);
      const before = schedule.at(-2)?.remainingPrincipalFen ?? 0;
      expect(schedule.at(-1)).toMatchObject({ principalFen: before, interestFen: Math.round(before * 0.03) });
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500_000_000 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 }), (principalFen, periods, rateBasisPoints) => {
        const monthlyRate = `${rateBasisPoints / 10_000}`;
        const schedule = generateSchedule({ principalFen, periods, monthlyRate, method: 'equal_installment', firstDueDate: '2025-01-01' });
        expect(scheduleTotals(schedule).principalFen).toBe(principalFen);
        schedule.forEach((row, index) => {
          // Every period but the first follows a balance still owed.
          if (index > 0) expect(schedule[index - 1]?.remainingPrincipalFen).toBeGreaterThan(0);
          expect(row.principalFen).toBeGreaterThanOrEqual(0);
        });
        // The last period's interest is the interest on its balance, give or take the rounding noise.
        const last = schedule.at(-1);
        const owed = last?.principalFen ?? 0;
        const ordinary = (owed * rateBasisPoints) / 10_000;
        expect(Math.abs((last?.interestFen ?? 0) - ordinary)).toBeLessThanOrEqual(periods + 1);
      }),
      { numRuns: 100 },
    );
  });

  it('equal installment totals are level (the last within a fen per period) or re-amortised, equal principal shares differ by at most one fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: 100_000_000 }), fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 300 }), (principalFen, periods, rateBasisPoints) => {
        const monthlyRate = `${rateBasisPoints / 10_000}`;
        const level = generateSchedule({ principalFen, periods, monthlyRate, method: 'equal_installment', firstDueDate: '2025-01-01' });
        const first = level[0]?.totalFen ?? 0;
        const last = level.at(-1);
        if (level.slice(0, -1).every((row) => row.totalFen === first)) {
          expect(Math.abs((last?.totalFen ?? 0) - first)).toBeLessThanOrEqual(periods);
        } else {
          // Re-amortised: the last installment is its balance and the ordinary interest on it.
          expect(last?.interestFen).toBe(Math.round(((last?.principalFen ?? 0) * rateBasisPoints) / 10_000));
        }
        const shares = generateSchedule({ principalFen, periods, monthlyRate, method: 'equal_principal', firstDueDate: '2025-01-01' }).map((row) => row.principalFen);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

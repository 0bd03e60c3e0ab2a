import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shanghaiStartOfDay } from '../time';
import { generateSchedule } from './schedule';
import {
  addPaidParts,
  bucketOf,
  computeDelinquency,
  fineBucketOf,
  penaltyInterest,
  portfolioAtRisk,
  rollRate,
  type DelinquencyInstallment,
  type PaidParts,
} from './delinquency';

const HOUR = 3_600_000;

function unpaidPlan(firstDueDate = '2025-03-15'): DelinquencyInstallment[] {
  return generateSchedule({ principalFen: 1_000_000, periods: 12, monthlyRate: '0.01', method: 'equal_installment', firstDueDate }).map((row) => ({
    dueDate: row.dueDate,
    principalFen: row.principalFen,
    interestFen: row.interestFen,
    feeFen: row.feeFen,
    penaltyFen: 0,
    paidPrincipalFen: 0,
    paidInterestFen: 0,
    paidFeeFen: 0,
    paidPenaltyFen: 0,
  }));
}

function paidInFull(row: DelinquencyInstallment): DelinquencyInstallment {
  return { ...row, paidPrincipalFen: row.principalFen, paidInterestFen: row.interestFen, paidFeeFen: row.feeFen, paidPenaltyFen: row.penaltyFen };
}

describe('buckets', () => {
  it.each([
    [0, 'M0', 'M0'],
    [1, 'M1', 'M1'],
    [30, 'M1', 'M1'],
    [31, 'M2', 'M2'],
    [60, 'M2', 'M2'],
    [61, 'M3', 'M3'],
    [90, 'M3', 'M3'],
    [91, 'M3+', 'M4'],
    [120, 'M3+', 'M4'],
    [121, 'M3+', 'M5'],
    [150, 'M3+', 'M5'],
    [151, 'M3+', 'M6'],
    [180, 'M3+', 'M6'],
    [181, 'M3+', 'M7'],
    [2000, 'M3+', 'M7'],
  ])('%i DPD is %s (%s)', (dpd, bucket, fine) => {
    expect(bucketOf(dpd)).toBe(bucket);
    expect(fineBucketOf(dpd)).toBe(fine);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5])('refuses %s days past due instead of naming a bucket', (dpd) => {
    expect(() => bucketOf(dpd)).toThrow(RangeError);
    expect(() => fineBucketOf(dpd)).toThrow(RangeError);
  });
});

describe('computeDelinquency', () => {
  it('is current through the whole due date in Shanghai and 1 DPD the next day', () => {
    const plan = unpaidPlan();
    const lastMomentOfDueDate = shanghaiStartOfDay('2025-03-16') - 1;
    expect(computeDelinquency(plan, lastMomentOfDueDate, { graceDays: 0 })).toMatchObject({ dpd: 0, bucket: 'M0', earliestUnpaidDueDate: '2025-03-15', overduePrincipalFen: 0 });
    const nextDay = computeDelinquency(plan, lastMomentOfDueDate + 1, { graceDays: 0 });
    expect(nextDay).toMatchObject({ dpd: 1, bucket: 'M1', inGrace: false, overduePrincipalFen: 78_849, overdueInterestFen: 10_000 });
  });

  it('keeps counting DPD within grace days but stays M0 there', () => {
    const plan = unpaidPlan();
    const day3 = computeDelinquency(plan, shanghaiStartOfDay('2025-03-18') + 12 * HOUR, { graceDays: 3 });
    expect(day3).toMatchObject({ dpd: 3, inGrace: true, bucket: 'M0' });
    const day4 = computeDelinquency(plan, shanghaiStartOfDay('2025-03-19'), { graceDays: 3 });
    expect(day4).toMatchObject({ dpd: 4, inGrace: false, bucket: 'M1' });
  });

  it('counts from the earliest unpaid installment and sums every overdue one', () => {
    const plan = unpaidPlan();
    const at = shanghaiStartOfDay('2025-05-20');
    const result = computeDelinquency(plan, at, { graceDays: 0 });
    expect(result.dpd).toBe(66);
    expect(result.bucket).toBe('M3');
    expect(result.overduePrincipalFen).toBe(78_849 + 79_637 + 80_434);
    expect(result.outstandingPrincipalFen).toBe(1_000_000);
  });

  it('moves to the next installment after partial payments across installments', () => {
    const plan = unpaidPlan();
    const [first, second] = plan;
    if (first === undefined || second === undefined) throw new Error('fixture');
    plan[0] = paidInFull(first);
    // Interest of the second paid, principal only partly: still unpaid.
    plan[1] = { ...second, paidInterestFen: second.interestFen, paidPrincipalFen: 50_000 };
    const result = computeDelinquency(plan, shanghaiStartOfDay('2025-04-25'), { graceDays: 0 });
    expect(result).toMatchObject({ earliestUnpaidDueDate: '2025-04-15', dpd: 10, overduePrincipalFen: second.principalFen - 50_000, overdueInterestFen: 0 });
    expect(result.outstandingPrincipalFen).toBe(1_000_000 - first.principalFen - 50_000);
  });

  it('an unpaid penalty keeps an installment past due', () => {
    const plan = unpaidPlan();
    const [first] = plan;
    if (first === undefined) throw new Error('fixture');
    plan[0] = { ...paidInFull(first), penaltyFen: 444 };
    const result = computeDelinquency(plan, shanghaiStartOfDay('2025-03-30'), { graceDays: 0 });
    expect(result).toMatchObject({ earliestUnpaidDueDate: '2025-03-15', dpd: 15, overduePenaltyFen: 444, overduePrincipalFen: 0 });
  });

  it('a loan paid early is current with nothing outstanding', () => {
    const plan = unpaidPlan().map(paidInFull);
    expect(computeDelinquency(plan, shanghaiStartOfDay('2025-04-01'), { graceDays: 0 })).toEqual({
      dpd: 0,
      bucket: 'M0',
      fineBucket: 'M0',
      earliestUnpaidDueDate: null,
      inGrace: false,
      overduePrincipalFen: 0,
      overdueInterestFen: 0,
      overdueFeeFen: 0,
      overduePenaltyFen: 0,
      outstandingPrincipalFen: 0,
    });
  });

  it('DPD never decreases as time passes (with no new payments)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 600 * 86_400_000 }), { minLength: 2, maxLength: 8 }),
        (paidIndexes, graceDays, offsets) => {
          const plan = unpaidPlan().map((row, index) => (paidIndexes.includes(index) ? paidInFull(row) : row));
          const start = shanghaiStartOfDay('2025-01-01');
          const sorted = [...offsets].sort((a, b) => a - b);
          let previous = -1;
          let previousBucket = 'M0';
          for (const offset of sorted) {
            const result = computeDelinquency(plan, start + offset, { graceDays });
            expect(result.dpd).toBeGreaterThanOrEqual(previous);
            expect(result.bucket >= previousBucket).toBe(true);
            previous = result.dpd;
            previousBucket = result.bucket;
          }
        },
      ),
    );
  });
});

describe('portfolioAtRisk', () => {
  const loans = [
    { dpd: 0, outstandingPrincipalFen: 500_000 },
    { dpd: 31, outstandingPrincipalFen: 200_000 },
    { dpd: 61, outstandingPrincipalFen: 200_000 },
    { dpd: 95, outstandingPrincipalFen: 100_000 },
    { dpd: 30, outstandingPrincipalFen: 0 },
  ];
  it('weights by the whole outstanding principal', () => {
    expect(portfolioAtRisk(loans, 30)).toEqual({ ratio: 0.5, numeratorFen: 500_000, denominatorFen: 1_000_000 });
    expect(portfolioAtRisk(loans, 60).ratio).toBeCloseTo(0.3, 12);
    expect(portfolioAtRisk(loans, 90).ratio).toBeCloseTo(0.1, 12);
    expect(portfolioAtRisk([], 30)).toEqual({ ratio: 0, numeratorFen: 0, denominatorFen: 0 });
  });
});

describe('rollRate', () => {
  it('shares of last month-end bucket balances that rolled one bucket', () => {
    const previous = [
      { loanId: 'a', bucket: 'M0' as const, balanceFen: 600_000 },
      { loanId: 'b', bucket: 'M0' as const, balanceFen: 300_000 },
      { loanId: 'c', bucket: 'M0' as const, balanceFen: 100_000 },
      { loanId: 'd', bucket: 'M1' as const, balanceFen: 200_000 },
      { loanId: 'e', bucket: 'M1' as const, balanceFen: 200_000 },
    ];
    const current = [
      { loanId: 'a', bucket: 'M0' as const, balanceFen: 550_000 },
      { loanId: 'b', bucket: 'M1' as const, balanceFen: 300_000 },
      // c settled: absent now.
      { loanId: 'd', bucket: 'M2' as const, balanceFen: 200_000 },
      { loanId: 'e', bucket: 'M0' as const, balanceFen: 150_000 },
      { loanId: 'f', bucket: 'M1' as const, balanceFen: 999_999 },
    ];
    const result = rollRate(previous, current);
    expect(result.currentToM1).toEqual({ ratio: 0.3, numeratorFen: 300_000, denominatorFen: 1_000_000 });
    expect(result.m1ToM2).toEqual({ ratio: 0.5, numeratorFen: 200_000, denominatorFen: 400_000 });
    expect(result.m2ToM3).toEqual({ ratio: 0, numeratorFen: 0, denominatorFen: 0 });
  });
});

describe('penaltyInterest', () => {
  it('888.49 overdue 10 days at 1.5 x (12%/360) = 4.44', () => {
    expect(penaltyInterest({ overdueFen: 88_849, annualRate: '0.12', days: 10 })).toBe(444);
    expect(penaltyInterest({ overdueFen: 88_849, annualRate: 0.12, days: 10, multiplier: 1.5, dayBasis: 360 })).toBe(444);
  });

  it('is zero for zero days and scales with the day basis', () => {
    expect(penaltyInterest({ overdueFen: 88_849, annualRate: '0.12', days: 0 })).toBe(0);
    expect(penaltyInterest({ overdueFen: 1_000_000, annualRate: '0.365', days: 1, multiplier: 1, dayBasis: 365 })).toBe(1_000);
  });
});

describe('addPaidParts', () => {
  it('sums allocations per period across repayments, each part on its own, without touching the parts given', () => {
    const paid = new Map<number, PaidParts>();
    const first = { period: 1, principalFen: 10_000, interestFen: 300, feeFen: 50, penaltyFen: 0 };
    addPaidParts(paid, [first, { period: 2, principalFen: 2_000, interestFen: 0, feeFen: 0, penaltyFen: 0 }]);
    addPaidParts(paid, [{ period: 1, principalFen: 500, interestFen: 20, feeFen: 5, penaltyFen: 7 }]);
    expect([...paid]).toEqual([
      [1, { principalFen: 10_500, interestFen: 320, feeFen: 55, penaltyFen: 7 }],
      [2, { principalFen: 2_000, interestFen: 0, feeFen: 0, penaltyFen: 0 }],
    ]);
    expect(first).toEqual({ period: 1, principalFen: 10_000, interestFen: 300, feeFen: 50, penaltyFen: 0 });
  });
});

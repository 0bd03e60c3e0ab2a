import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateSchedule } from './schedule';
import {
  NoRateError,
  annualizeDailyRate,
  annualizedRate,
  aprCompliance,
  comparePlans,
  loanApr,
  planInstallmentOf,
  solveMonthlyIrr,
  solveXirr,
} from './apr';

const BASE = { principalFen: 1_000_000, periods: 12, monthlyRate: '0.01', firstDueDate: '2025-02-15' } as const;

function percentPoints(rate: number): number {
  return rate * 100;
}

describe('DOMAIN.md worked examples (10,000.00, 12 months, 1%/month), monthly basis', () => {
  const cases: Array<{ name: string; method: 'equal_installment' | 'equal_principal' | 'interest_first' | 'flat'; receivedFen: number; feePerPeriodFen?: number; nominal: number; effective?: number }> = [
    { name: 'equal installment', method: 'equal_installment', receivedFen: 1_000_000, nominal: 12.0, effective: 12.68 },
    { name: 'equal principal', method: 'equal_principal', receivedFen: 1_000_000, nominal: 12.0, effective: 12.68 },
    { name: 'interest first', method: 'interest_first', receivedFen: 1_000_000, nominal: 12.0, effective: 12.68 },
    { name: 'flat 1%', method: 'flat', receivedFen: 1_000_000, nominal: 21.46, effective: 23.7 },
    { name: '500.00 fee deducted up front', method: 'equal_installment', receivedFen: 950_000, nominal: 21.86, effective: 24.18 },
    { name: '50.00 service fee each month', method: 'equal_installment', receivedFen: 1_000_000, feePerPeriodFen: 5_000, nominal: 22.53 },
  ];
  it.each(cases)('$name: nominal $nominal%', ({ method, receivedFen, feePerPeriodFen, nominal, effective }) => {
    const schedule = generateSchedule({ ...BASE, method, feePerPeriodFen });
    const apr = loanApr({ receivedFen, installments: schedule, basis: 'monthly' });
    expect(Math.abs(percentPoints(apr.nominalApr) - nominal)).toBeLessThanOrEqual(0.01);
    expect(apr.nominalAprBps).toBe(Math.round(nominal * 100));
    if (effective !== undefined) {
      expect(Math.abs(percentPoints(apr.effectiveApr) - effective)).toBeLessThanOrEqual(0.01);
      expect(apr.effectiveAprBps).toBe(Math.round(effective * 100));
    }
  });

  it('flat rate is about 1.8x its quoted rate', () => {
    const apr = loanApr({ receivedFen: 1_000_000, installments: generateSchedule({ ...BASE, method: 'flat' }), basis: 'monthly' });
    expect(apr.nominalApr / 0.12).toBeGreaterThan(1.75);
    expect(apr.nominalApr / 0.12).toBeLessThan(1.85);
  });
});

describe('daily 0.05%', () => {
  it('is 18.00% on 360 days, 18.25% on 365, 20.02% compounded daily', () => {
    expect(percentPoints(annualizeDailyRate('0.0005', 360).nominalApr)).toBeCloseTo(18.0, 10);
    expect(percentPoints(annualizeDailyRate('0.0005', 365).nominalApr)).toBeCloseTo(18.25, 10);
    expect(Math.abs(percentPoints(annualizeDailyRate('0.0005', 365).effectiveApr) - 20.02)).toBeLessThanOrEqual(0.01);
  });

  it('XIRR of a year compounded daily at 0.05% is 20.02%', () => {
    const repaid = Math.round(1_000_000 * 1.0005 ** 365);
    const rate = solveXirr([
      { date: '2025-01-01', amountFen: 1_000_000 },
      { date: '2026-01-01', amountFen: -repaid },
    ]);
    expect(Math.abs(percentPoints(rate) - 20.02)).toBeLessThanOrEqual(0.01);
  });

  it('XIRR of a 30-day loan at 0.05% a day (simple) states the days/365 effect', () => {
    const rate = solveXirr([
      { date: '2025-01-01', amountFen: 1_000_000 },
      { date: '2025-01-31', amountFen: -1_015_000 },
    ]);
    expect(rate).toBeCloseTo(1.015 ** (365 / 30) - 1, 10);
  });
});

describe('solvers', () => {
  it('finds the textbook monthly rate and zero for zero-interest loans', () => {
    expect(solveMonthlyIrr([1_000_000, ...Array(12).fill(-88_849)])).toBeCloseTo(0.01, 5);
    expect(solveMonthlyIrr([300_000, -100_000, -100_000, -100_000])).toBe(0);
    const zero = loanApr({ receivedFen: 300_000, installments: generateSchedule({ principalFen: 300_000, periods: 3, monthlyRate: 0, method: 'equal_installment', firstDueDate: '2025-01-01' }), basis: 'xirr' });
    expect(zero.nominalAprBps).toBe(0);
    expect(zero.effectiveAprBps).toBe(0);
  });

  it('finds negative rates when less is paid back than received', () => {
    expect(solveMonthlyIrr([10_000, -9_000])).toBeCloseTo(-0.1, 10);
  });

  it('returns the rate nearest 0 when the flows have several, on either side of 0', () => {
    // -100 + 230/(1+r) - 132/(1+r)^2 = 0 at r = 10% and r = 20%.
    expect(solveMonthlyIrr([-100, 230, -132])).toBeCloseTo(0.1, 10);
    // (x - 1/0.95)(x - 1/1.3) with x = 1/(1+r): rates of -5% and +30%; -5% is nearer.
    const [low, high] = [1 / 0.95, 1 / 1.3];
    expect(solveMonthlyIrr([low * high, -(low + high), 1])).toBeCloseTo(-0.05, 10);
    expect(solveMonthlyIrr([-low * high, low + high, -1])).toBeCloseTo(-0.05, 10);
  });

  it('throws a NoRateError with a reason when no rate exists', () => {
    const reasonOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        if (error instanceof NoRateError) return error.reason;
        throw error;
      }
      return undefined;
    };
    expect(reasonOf(() => solveMonthlyIrr([10_000]))).toBe('too_few_flows');
    expect(reasonOf(() => solveMonthlyIrr([10_000, 5_000]))).toBe('no_sign_change');
    expect(reasonOf(() => solveMonthlyIrr([0, -5_000]))).toBe('no_sign_change');
    expect(reasonOf(() => solveMonthlyIrr([10_000, Number.NaN]))).toBe('not_finite');
    // 10000 - 5000x + 20000x^2 has no real root.
    expect(reasonOf(() => solveMonthlyIrr([10_000, -5_000, 20_000]))).toBe('no_root');
    expect(reasonOf(() => loanApr({ receivedFen: 10_000, installments: [], basis: 'monthly' }))).toBe('too_few_flows');
    expect(() => solveMonthlyIrr([10_000, 5_000])).toThrow(/received \(positive\) and paid \(negative\)/);
  });

  it('never returns NaN for extreme but valid flows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 60 }),
        (received, payments) => {
          fc.pre(payments.some((payment) => payment > 0));
          const rate = solveMonthlyIrr([received, ...payments.map((payment) => -payment)]);
          expect(Number.isFinite(rate)).toBe(true);
          expect(rate).toBeGreaterThan(-1);
        },
      ),
    );
  });

  it('annualizes a periodic rate', () => {
    expect(annualizedRate(0.02)).toMatchObject({ nominalApr: 0.24 });
    expect(annualizedRate(0.02).effectiveApr).toBeCloseTo(1.02 ** 12 - 1, 12);
  });
});

describe('APR of generated schedules', () => {
  // From 2,000.00 up; on smaller loans rounding each installment to the fen alone can move the
  // rate by more than 0.01 pp.
  it('a schedule generated at monthly rate i has nominal APR 12i (to 0.01 pp)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200_000, max: 100_000_000 }),
        fc.integer({ min: 3, max: 36 }),
        fc.integer({ min: 10, max: 300 }),
        fc.constantFrom('equal_installment' as const, 'equal_principal' as const, 'interest_first' as const),
        (principalFen, periods, rateBasisPoints, method) => {
          const monthlyRate = rateBasisPoints / 10_000;
          const schedule = generateSchedule({ principalFen, periods, monthlyRate, method, firstDueDate: '2025-03-31' });
          const apr = loanApr({ receivedFen: principalFen, installments: schedule, basis: 'monthly' });
          expect(Math.abs(apr.nominalApr - 12 * monthlyRate)).toBeLessThanOrEqual(0.0001);
        },
      ),
    );
  });

  it('a fee larger than the interest dominates the rate', () => {
    // 0.1%/month interest (about 65.00) but a 600.00 fee deducted up front.
    const schedule = generateSchedule({ ...BASE, monthlyRate: '0.001', method: 'equal_installment' });
    const interest = schedule.reduce((sum, row) => sum + row.interestFen, 0);
    expect(interest).toBeLessThan(60_000);
    const apr = loanApr({ receivedFen: 940_000, installments: schedule, basis: 'monthly' });
    expect(apr.nominalAprBps).toBeGreaterThan(1_200);
    expect(aprCompliance(apr.nominalAprBps, { warningBps: 2_400, nonCompliantBps: 3_600 })).toBe('ok');
    const heavy = loanApr({ receivedFen: 800_000, installments: schedule, basis: 'monthly' });
    expect(aprCompliance(heavy.nominalAprBps, { warningBps: 2_400, nonCompliantBps: 3_600 })).toBe('non_compliant');
  });

  it('a loan paid early: the actual flows on actual dates give a rate near the contract rate', () => {
    const schedule = generateSchedule({ ...BASE, firstDueDate: '2025-02-15', method: 'equal_installment' });
    const paid = schedule.slice(0, 3);
    const balance = paid.at(-1)?.remainingPrincipalFen ?? 0;
    // Paid off on the 4th due date with that month's interest.
    const payoff = balance + Math.round(balance * 0.01);
    const apr = loanApr({
      receivedFen: 1_000_000,
      installments: [...paid, { dueDate: '2025-05-15', totalFen: payoff }],
      basis: 'xirr',
      receivedDate: '2025-01-15',
    });
    expect(Math.abs(apr.nominalApr - 0.12)).toBeLessThan(0.002);
  });

  it('xirr basis defaults the disbursement to one month before the first due date', () => {
    const apr = loanApr({ receivedFen: 1_000_000, installments: generateSchedule({ ...BASE, method: 'interest_first' }), basis: 'xirr' });
    expect(apr.receivedDate).toBe('2025-01-15');
    expect(Math.abs(apr.nominalApr - 0.12)).toBeLessThan(0.001);
  });
});

describe('aprCompliance', () => {
  it('warns above 24% and rejects above 36%, thresholds inclusive of ok', () => {
    const thresholds = { warningBps: 2_400, nonCompliantBps: 3_600 };
    expect(aprCompliance(2_400, thresholds)).toBe('ok');
    expect(aprCompliance(2_401, thresholds)).toBe('warning');
    expect(aprCompliance(3_600, thresholds)).toBe('warning');
    expect(aprCompliance(3_601, thresholds)).toBe('non_compliant');
    expect(aprCompliance(1_300, { warningBps: 1_200, nonCompliantBps: 2_400 })).toBe('warning');
  });
});

describe('comparePlans', () => {
  const quoted = generateSchedule({ ...BASE, periods: 3, method: 'equal_installment' });

  it('reports equal plans as equal', () => {
    expect(comparePlans(quoted, quoted.map((row) => ({ ...row })))).toEqual({ equal: true, differences: [] });
  });

  it('lists each differing period and field with both amounts', () => {
    const booked = quoted.map((row) => ({ ...row }));
    const second = booked[1];
    if (second === undefined) throw new Error('fixture');
    second.interestFen += 12;
    second.totalFen += 12;
    second.dueDate = '2025-03-16';
    const result = comparePlans(quoted, booked);
    expect(result.equal).toBe(false);
    expect(result.differences).toEqual([
      { period: 2, field: 'due_date', quotedFen: null, bookedFen: null, quotedDate: '2025-03-15', bookedDate: '2025-03-16' },
      { period: 2, field: 'interest', quotedFen: quoted[1]?.interestFen, bookedFen: (quoted[1]?.interestFen ?? 0) + 12 },
      { period: 2, field: 'total', quotedFen: quoted[1]?.totalFen, bookedFen: (quoted[1]?.totalFen ?? 0) + 12 },
    ]);
  });

  it('compares a booked plan by principal, interest and fee: a penalty or payments on it are no difference', () => {
    const booked = quoted.map((row) => ({
      period: row.period,
      dueDate: row.dueDate,
      principalFen: row.principalFen,
      interestFen: row.interestFen,
      feeFen: row.feeFen,
      penaltyFen: 345,
      paidPrincipalFen: row.principalFen,
      status: 'overdue' as const,
    }));
    const plan = booked.map(planInstallmentOf);
    expect(plan[0]).toEqual({ period: 1, dueDate: quoted[0]?.dueDate, principalFen: quoted[0]?.principalFen, interestFen: quoted[0]?.interestFen, feeFen: quoted[0]?.feeFen, totalFen: quoted[0]?.totalFen });
    expect(comparePlans(quoted, plan)).toEqual({ equal: true, differences: [] });
    const withMoreFee = booked.map((row) => (row.period === 3 ? { ...row, feeFen: row.feeFen + 50 } : row)).map(planInstallmentOf);
    expect(comparePlans(quoted, withMoreFee).differences).toEqual([
      { period: 3, field: 'fee', quotedFen: quoted[2]?.feeFen, bookedFen: (quoted[2]?.feeFen ?? 0) + 50 },
      { period: 3, field: 'total', quotedFen: quoted[2]?.totalFen, bookedFen: (quoted[2]?.totalFen ?? 0) + 50 },
    ]);
  });

  it('reports periods missing on either side', () => {
    const booked = [...quoted.slice(0, 2), { ...quoted[2], period: 4 } as (typeof quoted)[number]];
    expect(comparePlans(quoted, booked).differences).toEqual([
      { period: 3, field: 'missing_in_booked', quotedFen: quoted[2]?.totalFen, bookedFen: null },
      { period: 4, field: 'missing_in_quoted', quotedFen: null, bookedFen: quoted[2]?.totalFen },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { generateSchedule } from '../../shared/domain/schedule';
import { resolveDomainSettings } from '../../shared/domain/settings';
import { shanghaiStartOfDay } from '../../shared/time';
import { computeLineDerived, computeOrderDerived, isOverdueOrder, lineDrawdowns } from './derive';
import type { InstallmentColumns } from '../db/schema';

const settings = resolveDomainSettings({});
const withPlans = { institutionId: 1, repaymentPlans: true, graceDays: 0 };
const withoutPlans = { institutionId: 2, repaymentPlans: false, graceDays: 0 };
// 10,000.00 over 12 months at 1% a month, equal installments (DOMAIN.md: 888.49, 12.00% / 12.68%).
const schedule = generateSchedule({ principalFen: 1_000_000, periods: 12, monthlyRate: '0.01', method: 'equal_installment', firstDueDate: '2026-02-10' });
const quoted = schedule.map((row) => ({ period: row.period, dueDate: row.dueDate, principalFen: row.principalFen, interestFen: row.interestFen, feeFen: row.feeFen, totalFen: row.totalFen }));
const order = { principalFen: 1_000_000, receivedFen: 1_000_000, status: 'REPAYING' as const, disbursedAt: Date.UTC(2026, 0, 10), appliedAt: Date.UTC(2026, 0, 9) };

function booked(paidPeriods: number, change?: { period: number; interestFen: number }): InstallmentColumns[] {
  return schedule.map((row) => {
    const interestFen = change?.period === row.period ? change.interestFen : row.interestFen;
    const paid = row.period <= paidPeriods;
    return {
      period: row.period,
      dueDate: row.dueDate,
      principalFen: row.principalFen,
      interestFen,
      feeFen: 0,
      penaltyFen: 0,
      paidPrincipalFen: paid ? row.principalFen : 0,
      paidInterestFen: paid ? interestFen : 0,
      paidFeeFen: 0,
      paidPenaltyFen: 0,
      status: paid ? 'paid' : 'pending',
      paidOffAt: null,
    };
  });
}

const at = (date: string) => shanghaiStartOfDay(date) + 10 * 3_600_000;

describe('order derivation', () => {
  it('reads APR, plan state and delinquency from the booked plan', () => {
    const derived = computeOrderDerived(order, quoted, booked(2), null, withPlans, at('2026-05-20'), settings);
    expect(derived).toMatchObject({ aprNominalBps: 1200, aprEffectiveBps: 1268, aprFlag: 'ok', planState: 'booked', planMismatch: false, delinquencyBasis: 'booked_plan' });
    // Periods 3 (due 04-10) and 4 (due 05-10) unpaid on 05-20: 40 days past the earliest.
    expect(derived).toMatchObject({ dpd: 40, bucket: 'M2', nextDueDate: '2026-06-10', nextDueFen: 88_849 });
    expect(derived.overduePrincipalFen).toBe((schedule[2]?.principalFen ?? 0) + (schedule[3]?.principalFen ?? 0));
  });

  it('lists the differences between the quoted and the booked plan', () => {
    const derived = computeOrderDerived(order, quoted, booked(0, { period: 3, interestFen: 9_999 }), null, withPlans, at('2026-01-20'), settings);
    expect(derived.planMismatch).toBe(true);
    expect(JSON.parse(derived.planDifferences ?? '[]')).toEqual([
      { period: 3, field: 'interest', quotedFen: schedule[2]?.interestFen, bookedFen: 9_999 },
      { period: 3, field: 'total', quotedFen: schedule[2]?.totalFen, bookedFen: (schedule[2]?.principalFen ?? 0) + 9_999 },
    ]);
  });

  it('flags an all-in APR above the thresholds from the settings', () => {
    // 500.00 deducted up front: 21.86% nominal (DOMAIN.md); with a 20% warning threshold that is a warning.
    const strict = resolveDomainSettings({ aprWarningBps: 2000, aprNonCompliantBps: 2100 });
    expect(computeOrderDerived({ ...order, receivedFen: 950_000 }, quoted, null, null, withPlans, at('2026-01-20'), settings)).toMatchObject({ aprNominalBps: 2186, aprFlag: 'ok' });
    expect(computeOrderDerived({ ...order, receivedFen: 950_000 }, quoted, null, null, withPlans, at('2026-01-20'), strict).aprFlag).toBe('non_compliant');
  });

  it('shows the plan as missing for an institution without plans and estimates delinquency from the quoted plan and the repayments', () => {
    const paid = new Map([[1, { principalFen: schedule[0]?.principalFen ?? 0, interestFen: schedule[0]?.interestFen ?? 0, feeFen: 0, penaltyFen: 0 }]]);
    const derived = computeOrderDerived(order, quoted, null, paid, withoutPlans, at('2026-03-25'), settings);
    expect(derived).toMatchObject({ planState: 'missing', planMismatch: false, delinquencyBasis: 'quoted_plan_and_repayments', dpd: 15, bucket: 'M1' });
    expect(derived.outstandingPrincipalFen).toBe(1_000_000 - (schedule[0]?.principalFen ?? 0));
  });

  it('waits for the plan of an institution that sends plans, and owes nothing before disbursement or after closing', () => {
    expect(computeOrderDerived(order, quoted, null, new Map(), withPlans, at('2026-01-20'), settings).planState).toBe('awaiting');
    expect(computeOrderDerived({ ...order, status: 'AUDITING', disbursedAt: null }, quoted, null, null, withPlans, at('2026-06-01'), settings)).toMatchObject({
      delinquencyBasis: 'not_disbursed',
      dpd: 0,
      outstandingPrincipalFen: 0,
    });
    expect(computeOrderDerived({ ...order, status: 'CLOSED' }, quoted, null, new Map(), withoutPlans, at('2026-06-01'), settings)).toMatchObject({ dpd: 0, outstandingPrincipalFen: 0 });
  });

  it('keeps the bucket at M0 within the institution’s grace days while DPD counts', () => {
    const derived = computeOrderDerived(order, quoted, booked(0), null, { ...withPlans, graceDays: 3 }, at('2026-02-12'), settings);
    expect(derived).toMatchObject({ dpd: 2, bucket: 'M0', inGrace: true });
    expect(isOverdueOrder({ bucket: derived.bucket, status: 'REPAYING' })).toBe(false);
  });
});

describe('line derivation', () => {
  const line = { mode: 'revolving' as const, limitFen: 2_000_000, validFrom: Date.UTC(2026, 0, 1), validTo: Date.UTC(2027, 0, 1), partialDrawAllowed: true };

  it('takes outstanding principal of live drawdowns, holds pending ones, and ignores refused ones', () => {
    const drawdowns = lineDrawdowns([
      { status: 'REPAYING', principalFen: 500_000, outstandingPrincipalFen: 300_000, bucket: 'M0' },
      { status: 'AUDITING', principalFen: 200_000, outstandingPrincipalFen: 0, bucket: 'M0' },
      { status: 'AUDIT_NO_PASS', principalFen: 900_000, outstandingPrincipalFen: 0, bucket: 'M0' },
    ]);
    expect(computeLineDerived(line, drawdowns, Date.UTC(2026, 5, 1), settings)).toEqual({ derivedUsedFen: 500_000, derivedAvailableFen: 1_500_000, derivedState: 'active', flags: '' });
  });

  it('freezes a line while a drawdown is overdue', () => {
    const drawdowns = lineDrawdowns([{ status: 'OVERDUE', principalFen: 500_000, outstandingPrincipalFen: 400_000, bucket: 'M1' }]);
    expect(computeLineDerived(line, drawdowns, Date.UTC(2026, 5, 1), settings)).toMatchObject({ derivedState: 'frozen', derivedAvailableFen: 0, flags: 'frozen_overdue' });
  });
});

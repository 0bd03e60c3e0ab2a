/**
 * The delinquency of a loan as it stood at a past instant, rebuilt from its booked installments
 * and repayments (pure). An installment counts as paid in full from its paid_off_at; before that,
 * what had been paid of each part is the sum of the repayment allocations received by then. DPD,
 * bucket and outstanding principal then follow from the domain rule (computeDelinquency), so a
 * past month-end is computed exactly as the live figure would have been on that day. Loans
 * without a booked plan use their quoted plan and repayment allocations (quotedInstallments).
 */
import { z } from 'zod';
import { addPaidParts, computeDelinquency, type Delinquency, type DelinquencyInstallment, type PaidParts } from '../../shared/domain/delinquency';
import { decodeQuotedPlan } from '../db/json-columns';
import type { InstallmentRow } from '../db/schema';

const allocationPartSchema = z.union([
  z.object({ period: z.number(), principal_fen: z.number(), interest_fen: z.number(), fee_fen: z.number(), penalty_fen: z.number() }).transform((part) => ({
    period: part.period,
    principalFen: part.principal_fen,
    interestFen: part.interest_fen,
    feeFen: part.fee_fen,
    penaltyFen: part.penalty_fen,
  })),
  z.object({ period: z.number(), principalFen: z.number(), interestFen: z.number(), feeFen: z.number(), penaltyFen: z.number() }),
]);
const allocationSchema = z.array(allocationPartSchema);
export type AllocationPart = z.output<typeof allocationPartSchema>;

/** A repayment's stored allocation (wire snake_case or camelCase); [] when unreadable. */
export function parseAllocation(json: string): AllocationPart[] {
  try {
    const parsed = allocationSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export interface PastRepayment {
  paidAt: number;
  allocation: readonly AllocationPart[];
}

/** What the reconstruction needs of an installment (a booked row, or a quoted one). */
export type PastInstallment = Pick<
  InstallmentRow,
  'period' | 'dueDate' | 'principalFen' | 'interestFen' | 'feeFen' | 'penaltyFen' | 'paidPrincipalFen' | 'paidInterestFen' | 'paidFeeFen' | 'paidPenaltyFen' | 'paidOffAt'
>;

/**
 * The quoted plan as installments, for loans whose institution books no plan: what was paid comes
 * only from the repayments' allocations (the sync engine estimates their live DPD the same way).
 * The quoted plan has no penalty, so none is counted as owed.
 */
export function quotedInstallments(quotedPlanJson: string): PastInstallment[] {
  return decodeQuotedPlan(quotedPlanJson).map((row) => ({
    period: row.period,
    dueDate: row.dueDate,
    principalFen: row.principalFen,
    interestFen: row.interestFen,
    feeFen: row.feeFen,
    penaltyFen: 0,
    // Unknown today: the allocations received by then are the only measure.
    paidPrincipalFen: Number.MAX_SAFE_INTEGER,
    paidInterestFen: Number.MAX_SAFE_INTEGER,
    paidFeeFen: Number.MAX_SAFE_INTEGER,
    paidPenaltyFen: 0,
    paidOffAt: null,
  }));
}

/** The installments with what had been paid by `at` (inclusive). */
export function installmentsAsOf(installments: readonly PastInstallment[], repayments: readonly PastRepayment[], at: number): DelinquencyInstallment[] {
  const paid = new Map<number, PaidParts>();
  for (const repayment of repayments) {
    if (repayment.paidAt <= at) addPaidParts(paid, repayment.allocation);
  }
  return installments.map((row) => {
    const paidOff = row.paidOffAt !== null && row.paidOffAt <= at;
    const sum = paid.get(row.period);
    const part = (due: number, paidNow: number, paidThen: number | undefined) => (paidOff ? due : Math.min(paidNow, paidThen ?? 0, due));
    return {
      dueDate: row.dueDate,
      principalFen: row.principalFen,
      interestFen: row.interestFen,
      feeFen: row.feeFen,
      penaltyFen: row.penaltyFen,
      paidPrincipalFen: part(row.principalFen, row.paidPrincipalFen, sum?.principalFen),
      paidInterestFen: part(row.interestFen, row.paidInterestFen, sum?.interestFen),
      paidFeeFen: part(row.feeFen, row.paidFeeFen, sum?.feeFen),
      paidPenaltyFen: part(row.penaltyFen, row.paidPenaltyFen, sum?.penaltyFen),
    };
  });
}

/** computeDelinquency at `at` on the installments as they stood then. */
export function delinquencyAsOf(installments: readonly PastInstallment[], repayments: readonly PastRepayment[], at: number, graceDays: number): Delinquency {
  return computeDelinquency(installmentsAsOf(installments, repayments, at), at, { graceDays });
}

/**
 * Delinquency: days past due (DPD), buckets, portfolio at risk and roll rates.
 *
 * DPD counts Asia/Shanghai calendar days from the earliest due date that is not fully paid: an
 * installment is due through the whole of its due date, so DPD is 0 on it and 1 the day after.
 * Grace days (0-3, per institution or product) do not stop the count; within them the loan stays
 * in bucket M0 and no penalty accrues.
 */
import { z } from 'zod';
import { daysBetween, shanghaiDate, type IsoDate } from '../time';
import { divideRoundHalfUp, parseDecimal, powerOfTen } from './decimal';

export const buckets = ['M0', 'M1', 'M2', 'M3', 'M3+'] as const;
export const bucketSchema = z.enum(buckets);
export type Bucket = z.infer<typeof bucketSchema>;

export const fineBucketSchema = z.enum(['M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7']);
export type FineBucket = z.infer<typeof fineBucketSchema>;

/**
 * M0 current (0), M1 1-30, M2 31-60, M3 61-90, M3+ over 90. Throws a RangeError for a DPD that
 * is not a whole number of days (NaN, Infinity, 1.5): a broken count must not pass as the worst
 * (or any) bucket.
 */
export function bucketOf(dpd: number): Bucket {
  if (!Number.isSafeInteger(dpd)) throw new RangeError(`Days past due must be a whole number, not ${String(dpd)}`);
  if (dpd <= 0) return 'M0';
  if (dpd <= 30) return 'M1';
  if (dpd <= 60) return 'M2';
  if (dpd <= 90) return 'M3';
  return 'M3+';
}

/** As bucketOf, with M3+ split: M4 91-120, M5 121-150, M6 151-180, M7 181 and over. */
export function fineBucketOf(dpd: number): FineBucket {
  const bucket = bucketOf(dpd);
  if (bucket !== 'M3+') return bucket;
  if (dpd <= 120) return 'M4';
  if (dpd <= 150) return 'M5';
  if (dpd <= 180) return 'M6';
  return 'M7';
}

export interface DelinquencyInstallment {
  dueDate: IsoDate;
  principalFen: number;
  interestFen: number;
  feeFen: number;
  penaltyFen: number;
  paidPrincipalFen: number;
  paidInterestFen: number;
  paidFeeFen: number;
  paidPenaltyFen: number;
}

/** What repayments paid of one installment period, in fen. */
export interface PaidParts {
  principalFen: number;
  interestFen: number;
  feeFen: number;
  penaltyFen: number;
}

/** Adds one repayment's allocation to what has been paid per period (the map is updated in place). */
export function addPaidParts(paid: Map<number, PaidParts>, allocation: Iterable<PaidParts & { period: number }>): void {
  for (const part of allocation) {
    const sum = paid.get(part.period);
    if (sum === undefined) {
      paid.set(part.period, { principalFen: part.principalFen, interestFen: part.interestFen, feeFen: part.feeFen, penaltyFen: part.penaltyFen });
      continue;
    }
    sum.principalFen += part.principalFen;
    sum.interestFen += part.interestFen;
    sum.feeFen += part.feeFen;
    sum.penaltyFen += part.penaltyFen;
  }
}

export interface Delinquency {
  /** Days past the earliest unpaid due date (0 when nothing is past due). */
  dpd: number;
  /** Bucket of dpd, but M0 while within grace days. */
  bucket: Bucket;
  fineBucket: FineBucket;
  earliestUnpaidDueDate: IsoDate | null;
  /** Past due, but within the grace days. */
  inGrace: boolean;
  /** Unpaid amounts of installments whose due date has passed (grace or not). */
  overduePrincipalFen: number;
  overdueInterestFen: number;
  overdueFeeFen: number;
  overduePenaltyFen: number;
  /** Unpaid principal of every installment, due or not. */
  outstandingPrincipalFen: number;
}

/**
 * The delinquency of one loan at an instant. An installment counts as unpaid while any of its
 * principal, interest, fee or penalty is unpaid; overpayment of one part never covers another
 * (allocation is the institution's, and arrives in the paid fields).
 */
export function computeDelinquency(
  installments: readonly DelinquencyInstallment[],
  at: number,
  options: { graceDays: number },
): Delinquency {
  if (!Number.isInteger(options.graceDays) || options.graceDays < 0) throw new RangeError('graceDays must be a non-negative integer');
  const today = shanghaiDate(at);
  let earliestUnpaidDueDate: IsoDate | null = null;
  let overduePrincipalFen = 0;
  let overdueInterestFen = 0;
  let overdueFeeFen = 0;
  let overduePenaltyFen = 0;
  let outstandingPrincipalFen = 0;
  for (const row of installments) {
    const principal = unpaid(row.principalFen, row.paidPrincipalFen);
    const interest = unpaid(row.interestFen, row.paidInterestFen);
    const fee = unpaid(row.feeFen, row.paidFeeFen);
    const penalty = unpaid(row.penaltyFen, row.paidPenaltyFen);
    outstandingPrincipalFen += principal;
    if (principal + interest + fee + penalty === 0) continue;
    if (earliestUnpaidDueDate === null || row.dueDate < earliestUnpaidDueDate) earliestUnpaidDueDate = row.dueDate;
    if (daysBetween(row.dueDate, today) > 0) {
      overduePrincipalFen += principal;
      overdueInterestFen += interest;
      overdueFeeFen += fee;
      overduePenaltyFen += penalty;
    }
  }
  const dpd = earliestUnpaidDueDate === null ? 0 : Math.max(0, daysBetween(earliestUnpaidDueDate, today));
  const inGrace = dpd > 0 && dpd <= options.graceDays;
  const effectiveDpd = inGrace ? 0 : dpd;
  return {
    dpd,
    bucket: bucketOf(effectiveDpd),
    fineBucket: fineBucketOf(effectiveDpd),
    earliestUnpaidDueDate,
    inGrace,
    overduePrincipalFen,
    overdueInterestFen,
    overdueFeeFen,
    overduePenaltyFen,
    outstandingPrincipalFen,
  };
}

export interface RatioWithParts {
  /** numeratorFen / denominatorFen as a decimal; 0 when the denominator is 0. */
  ratio: number;
  numeratorFen: number;
  denominatorFen: number;
}

/**
 * PAR30/60/90: outstanding principal of loans more than `days` past due over all outstanding
 * principal (balance-weighted: the whole balance of a delinquent loan counts).
 */
export function portfolioAtRisk(loans: ReadonlyArray<{ dpd: number; outstandingPrincipalFen: number }>, days: 30 | 60 | 90): RatioWithParts {
  let numeratorFen = 0;
  let denominatorFen = 0;
  for (const loan of loans) {
    denominatorFen += loan.outstandingPrincipalFen;
    if (loan.dpd > days) numeratorFen += loan.outstandingPrincipalFen;
  }
  return ratioOf(numeratorFen, denominatorFen);
}

export interface RollRateLoan {
  loanId: string;
  bucket: Bucket;
  balanceFen: number;
}

/**
 * Roll rates between two month-ends. C->M1 = last month-end balance of loans that were M0 then
 * and are M1 now / last month-end balance of all M0 loans; M1->M2 likewise. Both sides use the
 * previous month-end balance so the rate is a share of that cohort (0-1). A loan absent now
 * (settled or written off) did not roll.
 */
export function rollRate(
  previous: readonly RollRateLoan[],
  current: readonly RollRateLoan[],
): { currentToM1: RatioWithParts; m1ToM2: RatioWithParts; m2ToM3: RatioWithParts; m3ToM3Plus: RatioWithParts } {
  const currentBucket = new Map(current.map((loan) => [loan.loanId, loan.bucket]));
  const transition = (from: Bucket, to: Bucket): RatioWithParts => {
    let numeratorFen = 0;
    let denominatorFen = 0;
    for (const loan of previous) {
      if (loan.bucket !== from) continue;
      denominatorFen += loan.balanceFen;
      if (currentBucket.get(loan.loanId) === to) numeratorFen += loan.balanceFen;
    }
    return ratioOf(numeratorFen, denominatorFen);
  };
  return {
    currentToM1: transition('M0', 'M1'),
    m1ToM2: transition('M1', 'M2'),
    m2ToM3: transition('M2', 'M3'),
    m3ToM3Plus: transition('M3', 'M3+'),
  };
}

/**
 * Penalty interest on an overdue amount: amount x multiplier x annual rate / day basis x days,
 * rounded half up to the fen (exact decimal arithmetic). DOMAIN.md: 888.49 overdue 10 days at
 * 1.5 x (12% / 360) = 4.44.
 */
export function penaltyInterest(input: {
  overdueFen: number;
  /** Contract annual rate as a decimal ('0.12' = 12%). */
  annualRate: string | number;
  days: number;
  /** Default 1.5. */
  multiplier?: string | number;
  /** Default 360. */
  dayBasis?: 360 | 365;
}): number {
  const { overdueFen, days } = input;
  if (!Number.isSafeInteger(overdueFen) || overdueFen < 0) throw new RangeError('overdueFen must be a non-negative integer');
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a non-negative integer');
  const rate = parseDecimal(input.annualRate);
  const multiplier = parseDecimal(input.multiplier ?? '1.5');
  if (rate.units < 0n || multiplier.units < 0n) throw new RangeError('Rates must not be negative');
  const numerator = BigInt(overdueFen) * multiplier.units * rate.units * BigInt(days);
  const denominator = powerOfTen(multiplier.scale + rate.scale) * BigInt(input.dayBasis ?? 360);
  return Number(divideRoundHalfUp(numerator, denominator));
}

function unpaid(dueFen: number, paidFen: number): number {
  return Math.max(0, dueFen - paidFen);
}

function ratioOf(numeratorFen: number, denominatorFen: number): RatioWithParts {
  return { ratio: denominatorFen === 0 ? 0 : numeratorFen / denominatorFen, numeratorFen, denominatorFen };
}

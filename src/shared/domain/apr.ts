/**
 * Annualized rates (PBOC announcement 2021 No. 3): the rate of a loan covers interest and every
 * directly related fee, measured on the principal the borrower actually receives.
 *
 * Sign convention: a cash-flow list starts with the amount received (positive) followed by the
 * payments (negative). Only the relative signs matter: the same list with every sign flipped
 * has the same rate.
 *
 * Rates are solved in floating point (the 0.01-percentage-point display accuracy needs about
 * 1e-6 relative precision; bisection gives 1e-12) and reported as decimals and as integer basis
 * points rounded to the nearest basis point (1 bp = 0.01 pp).
 */
import { z } from 'zod';
import { addMonthsClamped, compareIsoDates, daysBetween, isValidIsoDate, type IsoDate } from '../time';
import { decimalToNumber, parseDecimal } from './decimal';

export type NoRateReason = 'too_few_flows' | 'not_finite' | 'no_sign_change' | 'no_root';

/** Thrown when no rate makes the cash flows net to zero. `reason` says why. */
export class NoRateError extends Error {
  readonly code = 'NO_RATE';
  readonly reason: NoRateReason;

  constructor(reason: NoRateReason, message: string) {
    super(message);
    this.name = 'NoRateError';
    this.reason = reason;
  }
}

const MAX_BISECTION_STEPS = 400;
const DAYS_PER_YEAR = 365;

/**
 * The periodic rate r with sum(CF_t / (1+r)^t) = 0, t = 0, 1, 2... (index 0 = amount received).
 * With one sign change (any loan) the root is unique; with several, the root nearest 0 is
 * returned. Throws NoRateError when there is none in (-100%, 10^12) per period.
 */
export function solveMonthlyIrr(cashflowsFen: readonly number[]): number {
  // Loans of one product share their cash flows (same amount, term and price), and a sync solves
  // the rate of every loan: a solved rate is remembered (the function is pure).
  const key = cashflowsFen.join(',');
  const remembered = solvedIrr.get(key);
  if (remembered !== undefined) return remembered;
  checkFlows(cashflowsFen);
  const solved = solveRoot((rate) => {
    let sum = 0;
    const factor = 1 + rate;
    for (let period = cashflowsFen.length - 1; period >= 0; period -= 1) {
      // Horner's scheme on 1/(1+r): no overflow for large periods, exact at r = 0.
      sum = sum / factor + (cashflowsFen[period] ?? 0);
    }
    return sum;
  });
  if (solvedIrr.size >= SOLVED_IRR_LIMIT) solvedIrr.clear();
  solvedIrr.set(key, solved);
  return solved;
}

const SOLVED_IRR_LIMIT = 4096;
const solvedIrr = new Map<string, number>();

/**
 * The annual rate r (effective, days/365) with sum(A_j / (1+r)^(d_j/365)) = 0, where d_j is the
 * number of days from the earliest flow. Flows may come in any order and share dates.
 */
export function solveXirr(flows: ReadonlyArray<{ date: IsoDate; amountFen: number }>): number {
  for (const flow of flows) {
    if (!isValidIsoDate(flow.date)) throw new RangeError(`Cash-flow date is not a calendar date: "${flow.date}"`);
  }
  checkFlows(flows.map((flow) => flow.amountFen));
  const start = flows.reduce((earliest, flow) => (compareIsoDates(flow.date, earliest) < 0 ? flow.date : earliest), flows[0]?.date ?? '');
  const timed = flows.map((flow) => ({ years: daysBetween(start, flow.date) / DAYS_PER_YEAR, amount: flow.amountFen }));
  return solveRoot((rate) => {
    const logGrowth = Math.log1p(rate);
    let sum = 0;
    for (const flow of timed) sum += flow.amount * Math.exp(-logGrowth * flow.years);
    return sum;
  });
}

export interface AnnualizedRate {
  periodicRate: number;
  /** periodicRate x periods per year: the usual quote. */
  nominalApr: number;
  /** (1 + periodicRate)^(periods per year) - 1. */
  effectiveApr: number;
}

/** Nominal and effective annual rates of a periodic rate (12 periods a year by default). */
export function annualizedRate(periodicRate: number, periodsPerYear = 12): AnnualizedRate {
  return {
    periodicRate,
    nominalApr: periodicRate * periodsPerYear,
    effectiveApr: Math.expm1(periodsPerYear * Math.log1p(periodicRate)),
  };
}

/**
 * A daily rate on a stated day basis: nominal = daily x basis (0.05% -> 18.00% on 360,
 * 18.25% on 365); effective = compounded over the 365 days of a year (0.05% -> 20.02%).
 */
export function annualizeDailyRate(dailyRate: string | number, dayBasis: 360 | 365): AnnualizedRate {
  const daily = decimalToNumber(parseDecimal(dailyRate));
  return {
    periodicRate: daily,
    nominalApr: daily * dayBasis,
    effectiveApr: Math.expm1(DAYS_PER_YEAR * Math.log1p(daily)),
  };
}

export const aprBases = ['monthly', 'xirr'] as const;
export const aprBasisSchema = z.enum(aprBases);
export type AprBasis = z.infer<typeof aprBasisSchema>;

export interface LoanAprInput {
  /** The principal the borrower actually receives (after any fee deducted up front). */
  receivedFen: number;
  /** Every payment: principal + interest + every fee of that installment. */
  installments: ReadonlyArray<{ dueDate: IsoDate; totalFen: number }>;
  /**
   * 'monthly': installments are consecutive months in due-date order, r solved per month;
   * 'xirr': actual dates, days/365.
   */
  basis: AprBasis;
  /** Disbursement date for 'xirr'; defaults to one month before the first due date. */
  receivedDate?: IsoDate;
}

export interface LoanApr {
  basis: AprBasis;
  /** Nominal APR in basis points, rounded to the nearest basis point (2146 = 21.46%). */
  nominalAprBps: number;
  /** Effective APR in basis points, rounded to the nearest basis point. */
  effectiveAprBps: number;
  /** Monthly rate (both bases: for 'xirr' the monthly rate equivalent to the effective rate). */
  periodicRate: number;
  nominalApr: number;
  effectiveApr: number;
  /** The disbursement date used ('xirr' only). */
  receivedDate?: IsoDate;
}

/**
 * The annualized rate of a loan. On the 'xirr' basis the effective rate is the XIRR and the
 * nominal rate is 12 x its equivalent monthly rate, so both bases quote the same kind of
 * figure as the 24%/36% thresholds (which are 12 x 2% and 12 x 3% a month).
 */
export function loanApr(input: LoanAprInput): LoanApr {
  const installments = [...input.installments].sort((a, b) => compareIsoDates(a.dueDate, b.dueDate));
  if (installments.length === 0) throw new NoRateError('too_few_flows', 'A loan needs at least one installment to have a rate');
  if (input.basis === 'monthly') {
    const rate = annualizedRate(solveMonthlyIrr([input.receivedFen, ...installments.map((row) => -row.totalFen)]));
    return { basis: 'monthly', ...rate, ...toBasisPoints(rate) };
  }
  const firstDueDate = installments[0]?.dueDate ?? '';
  const receivedDate = input.receivedDate ?? addMonthsClamped(firstDueDate, -1);
  const effectiveApr = solveXirr([
    { date: receivedDate, amountFen: input.receivedFen },
    ...installments.map((row) => ({ date: row.dueDate, amountFen: -row.totalFen })),
  ]);
  const periodicRate = Math.expm1(Math.log1p(effectiveApr) / 12);
  const rate = { periodicRate, nominalApr: periodicRate * 12, effectiveApr };
  return { basis: 'xirr', ...rate, ...toBasisPoints(rate), receivedDate };
}

export type AprCompliance = 'ok' | 'warning' | 'non_compliant';

/**
 * Above warningBps (default 2400) a warning, above nonCompliantBps (default 3600) non-compliant;
 * a rate exactly at a threshold is not above it.
 */
export function aprCompliance(aprBps: number, thresholds: { warningBps: number; nonCompliantBps: number }): AprCompliance {
  if (aprBps > thresholds.nonCompliantBps) return 'non_compliant';
  if (aprBps > thresholds.warningBps) return 'warning';
  return 'ok';
}

export interface PlanInstallment {
  period: number;
  dueDate?: IsoDate;
  principalFen: number;
  interestFen: number;
  feeFen: number;
  totalFen: number;
}

/**
 * A booked installment as a row of its plan, to compare with the quoted plan and for the APR: the
 * total is principal, interest and fee (a penalty is not part of the plan).
 */
export function planInstallmentOf(row: Omit<PlanInstallment, 'totalFen'>): PlanInstallment {
  return {
    period: row.period,
    dueDate: row.dueDate,
    principalFen: row.principalFen,
    interestFen: row.interestFen,
    feeFen: row.feeFen,
    totalFen: row.principalFen + row.interestFen + row.feeFen,
  };
}

export type PlanDifferenceField = 'due_date' | 'principal' | 'interest' | 'fee' | 'total' | 'missing_in_booked' | 'missing_in_quoted';

export interface PlanDifference {
  period: number;
  field: PlanDifferenceField;
  /** The quoted amount (for missing_in_booked: the quoted total; null where not money or absent). */
  quotedFen: number | null;
  bookedFen: number | null;
  /** Set for due_date differences. */
  quotedDate?: IsoDate | null;
  bookedDate?: IsoDate | null;
}

/**
 * Compares the plan quoted at borrowing with the plan booked, period by period: due date (when
 * both sides have one), principal, interest, fee and total; a period on one side only is
 * reported as missing on the other. Differences are ordered by period.
 */
export function comparePlans(
  quoted: readonly PlanInstallment[],
  booked: readonly PlanInstallment[],
): { equal: boolean; differences: PlanDifference[] } {
  // The usual case, both plans listing the same periods in ascending order, compared row by row
  // (a sync compares the plans of every loan); anything else goes through the period maps.
  if (samePeriodsAscending(quoted, booked)) {
    const differences: PlanDifference[] = [];
    for (let index = 0; index < quoted.length; index += 1) {
      const quotedRow = quoted[index];
      const bookedRow = booked[index];
      if (quotedRow !== undefined && bookedRow !== undefined) addRowDifferences(differences, quotedRow.period, quotedRow, bookedRow);
    }
    return { equal: differences.length === 0, differences };
  }
  const quotedByPeriod = new Map(quoted.map((row) => [row.period, row]));
  const bookedByPeriod = new Map(booked.map((row) => [row.period, row]));
  const periods = [...new Set([...quotedByPeriod.keys(), ...bookedByPeriod.keys()])].sort((a, b) => a - b);
  const differences: PlanDifference[] = [];
  for (const period of periods) {
    const quotedRow = quotedByPeriod.get(period);
    const bookedRow = bookedByPeriod.get(period);
    if (bookedRow === undefined) {
      differences.push({ period, field: 'missing_in_booked', quotedFen: quotedRow?.totalFen ?? null, bookedFen: null });
      continue;
    }
    if (quotedRow === undefined) {
      differences.push({ period, field: 'missing_in_quoted', quotedFen: null, bookedFen: bookedRow.totalFen });
      continue;
    }
    addRowDifferences(differences, period, quotedRow, bookedRow);
  }
  return { equal: differences.length === 0, differences };
}

function samePeriodsAscending(quoted: readonly PlanInstallment[], booked: readonly PlanInstallment[]): boolean {
  if (quoted.length !== booked.length) return false;
  for (let index = 0; index < quoted.length; index += 1) {
    const period = quoted[index]?.period;
    if (period === undefined || period !== booked[index]?.period) return false;
    if (index > 0 && !(period > (quoted[index - 1]?.period ?? period))) return false;
  }
  return true;
}

/** One period's differences, in the order comparePlans reports them: due date, principal, interest, fee, total. */
function addRowDifferences(differences: PlanDifference[], period: number, quotedRow: PlanInstallment, bookedRow: PlanInstallment): void {
  if (quotedRow.dueDate !== undefined && bookedRow.dueDate !== undefined && quotedRow.dueDate !== bookedRow.dueDate) {
    differences.push({ period, field: 'due_date', quotedFen: null, bookedFen: null, quotedDate: quotedRow.dueDate, bookedDate: bookedRow.dueDate });
  }
  if (quotedRow.principalFen !== bookedRow.principalFen) differences.push({ period, field: 'principal', quotedFen: quotedRow.principalFen, bookedFen: bookedRow.principalFen });
  if (quotedRow.interestFen !== bookedRow.interestFen) differences.push({ period, field: 'interest', quotedFen: quotedRow.interestFen, bookedFen: bookedRow.interestFen });
  if (quotedRow.feeFen !== bookedRow.feeFen) differences.push({ period, field: 'fee', quotedFen: quotedRow.feeFen, bookedFen: bookedRow.feeFen });
  if (quotedRow.totalFen !== bookedRow.totalFen) differences.push({ period, field: 'total', quotedFen: quotedRow.totalFen, bookedFen: bookedRow.totalFen });
}

function toBasisPoints(rate: { nominalApr: number; effectiveApr: number }): { nominalAprBps: number; effectiveAprBps: number } {
  return { nominalAprBps: Math.round(rate.nominalApr * 10_000), effectiveAprBps: Math.round(rate.effectiveApr * 10_000) };
}

function checkFlows(amounts: readonly number[]): void {
  if (amounts.length < 2) throw new NoRateError('too_few_flows', 'A rate needs at least two cash flows');
  if (amounts.some((amount) => !Number.isFinite(amount))) throw new NoRateError('not_finite', 'Every cash flow must be a finite amount');
  if (!amounts.some((amount) => amount > 0) || !amounts.some((amount) => amount < 0)) {
    throw new NoRateError('no_sign_change', 'No rate exists: the cash flows need money both received (positive) and paid (negative)');
  }
}

// Candidate rates for bracketing, from just above -100% to about 10^12 per period, denser near 0.
const BRACKET_GRID: readonly number[] = buildGrid();

function buildGrid(): number[] {
  const points = new Set<number>([0]);
  for (let step = 1e-4; step <= 1e12; step *= 2) {
    points.add(step);
    if (step < 1) points.add(-step);
  }
  for (let power = 1; power <= 40; power += 1) points.add(-1 + 0.5 ** power);
  return [...points].sort((a, b) => a - b);
}

const ZERO_INDEX = BRACKET_GRID.indexOf(0);

// Finds the sign change on the grid nearest 0, walking outward from 0 (grid intervals in order of
// their nearer end's distance from 0; at a tie the negative side first), then bisects it. Only
// the grid points up to that interval are valued, with no object per point: a sync values the
// rate of every loan. Bisection always converges and never leaves the bracket, so there is no NaN
// and no endless loop. An interval with a value that is not finite is passed over.
function solveRoot(npv: (rate: number) => number): number {
  const atZero = npv(0);
  if (atZero === 0) return 0;
  let up = ZERO_INDEX;
  let upValue = atZero;
  let down = ZERO_INDEX;
  let downValue = atZero;
  let lowRate = Number.NaN;
  let lowValue = Number.NaN;
  let highRate = Number.NaN;
  for (;;) {
    const canGoUp = up + 1 < BRACKET_GRID.length;
    const canGoDown = down > 0;
    if (!canGoUp && !canGoDown) {
      throw new NoRateError('no_root', 'No rate between -100% and 10^14% per period makes these cash flows net to zero');
    }
    const goDown = canGoDown && (!canGoUp || Math.abs(BRACKET_GRID[down] ?? 0) <= Math.abs(BRACKET_GRID[up] ?? 0));
    const fromRate = BRACKET_GRID[goDown ? down : up] ?? Number.NaN;
    const fromValue = goDown ? downValue : upValue;
    const rate = BRACKET_GRID[goDown ? down - 1 : up + 1] ?? Number.NaN;
    const value = npv(rate);
    if (goDown) {
      down -= 1;
      downValue = value;
    } else {
      up += 1;
      upValue = value;
    }
    if (!Number.isFinite(value) || !Number.isFinite(fromValue)) continue;
    if (value === 0) return rate;
    if (Math.sign(value) !== Math.sign(fromValue)) {
      // The bracket, its lower rate first.
      [lowRate, lowValue, highRate] = goDown ? [rate, value, fromRate] : [fromRate, fromValue, rate];
      break;
    }
  }
  for (let step = 0; step < MAX_BISECTION_STEPS; step += 1) {
    const middle = (lowRate + highRate) / 2;
    if (middle === lowRate || middle === highRate) break;
    const value = npv(middle);
    if (value === 0) return middle;
    if (Number.isNaN(value)) throw new NoRateError('no_root', 'The rate search left the range where these cash flows can be valued');
    if (Math.sign(value) === Math.sign(lowValue)) {
      lowRate = middle;
      lowValue = value;
    } else {
      highRate = middle;
    }
  }
  return (lowRate + highRate) / 2;
}

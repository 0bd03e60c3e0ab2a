/**
 * An order's state at any simulated instant: a replay of its repayment intents against the booked
 * schedule, with penalty accruing day by day on what is overdue. Nothing here reads a clock.
 */
import { generateSchedule, type ScheduleInstallment } from '../../shared/domain/schedule';
import type { OrderStatus } from '../../shared/institution-api';
import { addDays, type IsoDate } from '../../shared/time';
import { dayNumberOf, dayNumberOfDate, nextMidnightAfter, startOfDayNumber } from './clock';
import type { OrderModel } from './orders';

interface InstallmentState {
  period: number;
  dueDate: IsoDate;
  dueDay: number;
  principal: number;
  interest: number;
  fee: number;
  paidPrincipal: number;
  paidInterest: number;
  paidFee: number;
  paidPenalty: number;
  /** Penalty accrued, in units of fen x 10^rateScale, up to day number `accruedToDay`. */
  accruedUnits: number;
  accruedToDay: number;
  paidOffAt: number | null;
}

export interface Allocation {
  period: number;
  principal_fen: number;
  interest_fen: number;
  fee_fen: number;
  penalty_fen: number;
}

export interface OrderState {
  status: OrderStatus | null;
  installments: InstallmentState[];
  /** Amount and allocation of each payment intent made so far, by intent index. */
  payments: Array<{ amount: number; allocation: Allocation[] }>;
  closedAt: number | null;
  outstandingPrincipal: number;
  maxDaysPastDue: number;
}

const scheduleCache = new Map<string, { rows: ScheduleInstallment[]; dueDays: number[] }>();

/** The booked schedule. */
export function bookedSchedule(model: OrderModel): ScheduleInstallment[] {
  return cachedSchedule(model).rows;
}

// Bounded cache keyed by the schedule's own terms (ids repeat across institutions and
// simulators): a replay, and every render, needs the schedule again.
export function cachedSchedule(model: OrderModel): { rows: ScheduleInstallment[]; dueDays: number[] } {
  const key = `${model.principalFen}|${model.termMonths}|${model.monthlyRate}|${model.method}|${model.firstDueDate}|${model.perInstallmentFeeFen}`;
  const cached = scheduleCache.get(key);
  if (cached !== undefined) return cached;
  const schedule = generateSchedule({
    principalFen: model.principalFen,
    periods: model.termMonths,
    monthlyRate: model.monthlyRate,
    method: model.method,
    firstDueDate: model.firstDueDate,
    feePerPeriodFen: model.perInstallmentFeeFen,
  });
  if (scheduleCache.size >= 8000) scheduleCache.clear();
  const entry = { rows: schedule, dueDays: schedule.map((row) => dayNumberOfDate(row.dueDate)) };
  scheduleCache.set(key, entry);
  return entry;
}

/** The plan shown at borrowing: the booked one, except for the few orders planned with a mismatch. */
export function quotedSchedule(model: OrderModel): ScheduleInstallment[] {
  const booked = bookedSchedule(model);
  switch (model.mismatch) {
    case null:
      return booked;
    case 'interest':
      return generateSchedule({
        principalFen: model.principalFen,
        periods: model.termMonths,
        monthlyRate: (Number(model.monthlyRate) * 0.9).toFixed(6),
        method: model.method,
        firstDueDate: model.firstDueDate,
        feePerPeriodFen: model.perInstallmentFeeFen,
      });
    case 'fee':
      return booked.map((row) => ({ ...row, feeFen: 0, totalFen: row.totalFen - row.feeFen }));
    case 'due_date':
      return booked.map((row) => ({ ...row, dueDate: addDays(row.dueDate, 1) }));
    default: {
      const unknown: never = model.mismatch;
      throw new RangeError(`Unknown mismatch ${String(unknown)}`);
    }
  }
}

export function rateUnits(rate: string): { units: number; scale: number } {
  const [whole = '0', fraction = ''] = rate.split('.');
  return { units: Number(whole + fraction), scale: 10 ** fraction.length };
}

/** Order state at simulated instant `at`, given the institution's grace days. */
export function replayOrder(model: OrderModel, at: number, graceDays: number): OrderState {
  const state: OrderState = { status: null, installments: [], payments: [], closedAt: null, outstandingPrincipal: 0, maxDaysPastDue: 0 };
  if (at < model.appliedAt) return state;
  if (model.outcome !== 'disbursed' || model.endAt === null || at < model.endAt) {
    state.status = statusBeforeDisbursement(model, at);
    if (state.status === 'AUDITING' || state.status === 'AUDIT_PASS') state.outstandingPrincipal = model.principalFen;
    return state;
  }
  const penalty = rateUnits(model.penaltyDailyRate);
  const schedule = cachedSchedule(model);
  state.installments = schedule.rows.map((row, index) => {
    const dueDay = schedule.dueDays[index] ?? 0;
    return {
      period: row.period,
      dueDate: row.dueDate,
      dueDay,
      principal: row.principalFen,
      interest: row.interestFen,
      fee: row.feeFen,
      paidPrincipal: 0,
      paidInterest: 0,
      paidFee: 0,
      paidPenalty: 0,
      accruedUnits: 0,
      accruedToDay: dueDay,
      paidOffAt: null,
    };
  });
  const installments = state.installments;
  for (const [time, kind, , period, fraction] of model.payments) {
    if (time > at) break;
    const today = dayNumberOf(time);
    let amount = 0;
    let first: InstallmentState | null = null;
    for (const installment of installments) {
      accrue(installment, today, penalty.units);
      if (installment.paidOffAt !== null) continue;
      first ??= installment;
      const owed = remaining(installment, today, graceDays, penalty.scale);
      if (kind === 'early_settlement' || (kind === 'scheduled' && installment.period <= period) || (kind === 'overdue' && installment.dueDay < today)) {
        amount += owed;
      }
    }
    if (kind === 'partial') amount = first === null ? 0 : Math.floor(remaining(first, today, graceDays, penalty.scale) * fraction);
    state.payments.push({ amount, allocation: allocate(installments, amount, time, today, graceDays, penalty.scale) });
  }
  const today = dayNumberOf(at);
  let lastPayoff = 0;
  let allPaid = true;
  for (const installment of installments) {
    accrue(installment, today, penalty.units);
    if (installment.paidOffAt === null) {
      allPaid = false;
      state.outstandingPrincipal += installment.principal - installment.paidPrincipal;
      if (installment.dueDay < today) state.maxDaysPastDue = Math.max(state.maxDaysPastDue, today - installment.dueDay);
    } else {
      lastPayoff = Math.max(lastPayoff, installment.paidOffAt);
    }
  }
  if (allPaid) {
    state.status = 'CLOSED';
    state.closedAt = lastPayoff;
  } else if (state.maxDaysPastDue > graceDays) state.status = 'OVERDUE';
  else state.status = at < nextMidnightAfter(model.endAt) ? 'LOAN_SUCCESS' : 'REPAYING';
  return state;
}

function statusBeforeDisbursement(model: OrderModel, at: number): OrderStatus {
  if (at < model.decidedAt) return 'AUDITING';
  switch (model.outcome) {
    case 'no_pass':
      return 'AUDIT_NO_PASS';
    case 'cancel':
      return model.endAt !== null && at >= model.endAt ? 'LOAN_CANCEL' : 'AUDIT_PASS';
    case 'failed':
      return model.endAt !== null && at >= model.endAt ? 'LOAN_FAILED' : 'AUDIT_PASS';
    case 'disbursed':
      return 'AUDIT_PASS';
    default: {
      const unknown: never = model.outcome;
      throw new RangeError(`Unknown outcome ${String(unknown)}`);
    }
  }
}

// Penalty accrues once per day after the due date on the unpaid principal and interest.
function accrue(installment: InstallmentState, today: number, dailyRateUnits: number): void {
  if (installment.paidOffAt !== null || today <= installment.accruedToDay) return;
  const base = installment.principal - installment.paidPrincipal + installment.interest - installment.paidInterest;
  installment.accruedUnits += base * dailyRateUnits * (today - installment.accruedToDay);
  installment.accruedToDay = today;
}

/** Penalty owed on an installment: nothing while paid within the grace days, else all of it from the due date. */
export function penaltyFen(installment: InstallmentState, today: number, graceDays: number, scale: number): number {
  if (today - installment.dueDay <= graceDays) return 0;
  return Math.round(installment.accruedUnits / scale);
}

function remaining(installment: InstallmentState, today: number, graceDays: number, scale: number): number {
  return (
    installment.principal - installment.paidPrincipal +
    installment.interest - installment.paidInterest +
    installment.fee - installment.paidFee +
    Math.max(0, penaltyFen(installment, today, graceDays, scale) - installment.paidPenalty)
  );
}

// Oldest installment first; within one: penalty, fee, interest, principal.
function allocate(installments: InstallmentState[], amount: number, time: number, today: number, graceDays: number, scale: number): Allocation[] {
  const result: Allocation[] = [];
  let left = amount;
  for (const installment of installments) {
    if (left <= 0) break;
    if (installment.paidOffAt !== null) continue;
    const penalty = Math.min(left, Math.max(0, penaltyFen(installment, today, graceDays, scale) - installment.paidPenalty));
    left -= penalty;
    const fee = Math.min(left, installment.fee - installment.paidFee);
    left -= fee;
    const interest = Math.min(left, installment.interest - installment.paidInterest);
    left -= interest;
    const principal = Math.min(left, installment.principal - installment.paidPrincipal);
    left -= principal;
    installment.paidPenalty += penalty;
    installment.paidFee += fee;
    installment.paidInterest += interest;
    installment.paidPrincipal += principal;
    if (remaining(installment, today, graceDays, scale) === 0) installment.paidOffAt = time;
    if (penalty + fee + interest + principal > 0) {
      result.push({ period: installment.period, principal_fen: principal, interest_fen: interest, fee_fen: fee, penalty_fen: penalty });
    }
  }
  return result;
}

/** The next instant after `at` at which the order (or its plan) may look different; null if never. */
export function orderNextChange(model: OrderModel, at: number, graceDays: number, state?: OrderState): number | null {
  const candidates: number[] = [];
  for (const time of [model.appliedAt, model.decidedAt, model.endAt ?? Number.NaN]) if (time > at) candidates.push(time);
  if (model.outcome === 'disbursed' && model.endAt !== null) {
    if (at < model.endAt) return Math.min(...candidates);
    const midnight = nextMidnightAfter(at);
    if (at < nextMidnightAfter(model.endAt)) candidates.push(nextMidnightAfter(model.endAt));
    const next = model.payments.find(([time]) => time > at);
    if (next !== undefined) candidates.push(next[0]);
    const current = state ?? replayOrder(model, at, graceDays);
    if (current.status !== 'CLOSED') {
      const today = dayNumberOf(at);
      const open = current.installments.find((installment) => installment.paidOffAt === null);
      // Overdue: penalty and days past due move every midnight. Otherwise: the midnight after the next due date.
      if (open !== undefined) candidates.push(open.dueDay < today ? midnight : startOfDayNumber(open.dueDay + 1));
    }
  }
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** Status changes and payments up to `at`: a cheap count for the version of a generated order. */
export function orderEventsUntil(model: OrderModel, at: number, state: OrderState): { count: number; last: number } {
  let count = 0;
  let last = model.appliedAt;
  for (const time of [model.appliedAt, model.decidedAt, model.endAt ?? Number.NaN]) {
    if (time <= at) {
      count += 1;
      last = Math.max(last, time);
    }
  }
  if (model.outcome === 'disbursed' && model.endAt !== null && at >= nextMidnightAfter(model.endAt)) {
    count += 1;
    last = Math.max(last, nextMidnightAfter(model.endAt));
  }
  for (const [time] of model.payments) {
    if (time > at) break;
    count += 1;
    last = Math.max(last, time);
  }
  if (state.maxDaysPastDue > 0) {
    count += state.maxDaysPastDue;
    last = Math.max(last, startOfDayNumber(dayNumberOf(at)));
  }
  return { count, last };
}

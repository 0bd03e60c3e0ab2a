/**
 * Orders (loans), their booked plans, repayments and the credit lines they are drawn on.
 *
 * An order is planned once: terms, outcome and every repayment the borrower will make (as
 * intents: "pay what is due on period 3 at this instant"). Its state at any simulated instant is
 * a replay of those intents against the booked schedule, with penalty accruing day by day on
 * what is overdue. Lines are derived from their orders' states. Nothing here reads a clock.
 */
import { maskBankCard } from '../../shared/domain/mask';
import { generateSchedule, type RepaymentMethod, type ScheduleInstallment } from '../../shared/domain/schedule';
import type {
  CreditLineRecord,
  CreditLineStatus,
  OrderRecord,
  OrderStatus,
  RepaymentPlanRecord,
  RepaymentRecord,
} from '../../shared/institution-api';
import { addDays, addMonthsClamped, type IsoDate, shanghaiDate, shanghaiStartOfDay } from '../../shared/time';
import { banks } from './catalog';
import { dayMs, dayNumberOf, dayNumberOfDate, farFutureMs, hourMs, isoInstant, minuteMs, nextMidnightAfter, startOfDayNumber } from './clock';
import type { ProductConfig } from './institutions';
import { type Person, platformUserIdOf } from './population';
import { Rng } from './rng';

export type PaymentKind = RepaymentRecord['kind'];
export type PaymentChannel = RepaymentRecord['channel'];

/** [instant, kind, channel, period, fraction]: what the borrower does, not what it amounts to. */
export type PaymentIntent = [number, PaymentKind, PaymentChannel, number, number];

export type PlanMismatch = 'interest' | 'fee' | 'due_date';

export interface OrderModel {
  id: string;
  lineId: string;
  applicationId: string;
  person: number;
  product: string;
  appliedAt: number;
  /** AUDIT decision instant. */
  decidedAt: number;
  outcome: 'disbursed' | 'no_pass' | 'cancel' | 'failed';
  /** Disbursement, cancellation or failure instant (null for no_pass). */
  endAt: number | null;
  principalFen: number;
  upfrontFeeFen: number;
  perInstallmentFeeFen: number;
  perInstallmentFeeCode: 'guarantee' | 'membership' | 'insurance';
  termMonths: number;
  method: RepaymentMethod;
  monthlyRate: string;
  penaltyDailyRate: string;
  firstDueDate: IsoDate;
  mismatch: PlanMismatch | null;
  declaredAnnualRate: string;
  payments: PaymentIntent[];
  /** Due date of the first installment the borrower never pays (null when the loan is repaid in full). */
  neverPaidFrom: IsoDate | null;
}

export interface LineModel {
  id: string;
  applicationId: string;
  person: number;
  product: string;
  mode: 'revolving' | 'single_batch';
  limitFen: number;
  partialDrawAllowed: boolean;
  grantedAt: number;
  validTo: number;
  closedAt: number | null;
  orderIds: string[];
}

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
function bookedSchedule(model: OrderModel): ScheduleInstallment[] {
  return cachedSchedule(model).rows;
}

// Bounded cache keyed by the schedule's own terms (ids repeat across institutions and
// simulators): a replay, and every render, needs the schedule again.
function cachedSchedule(model: OrderModel): { rows: ScheduleInstallment[]; dueDays: number[] } {
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
function quotedSchedule(model: OrderModel): ScheduleInstallment[] {
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

function rateUnits(rate: string): { units: number; scale: number } {
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
function penaltyFen(installment: InstallmentState, today: number, graceDays: number, scale: number): number {
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

/** The card bound at withdrawal: drawn from the order's own stream, so it need not be stored. */
function bankCardOf(seed: string, institution: string, orderId: string): { bank: string; masked: string } {
  const rng = Rng.for(seed, institution, 'card', orderId);
  const bank = rng.pick(banks);
  const body = bank.bin + Array.from({ length: bank.length - bank.bin.length - 1 }, () => rng.int(0, 9)).join('');
  return { bank: bank.name, masked: maskBankCard(body + luhnCheckDigit(body)) };
}

export function renderOrder(model: OrderModel, state: OrderState, source: { seed: string; institution: string }): Omit<OrderRecord, 'id' | 'version' | 'updated_at'> {
  const card = bankCardOf(source.seed, source.institution, model.id);
  const fees: OrderRecord['fees'] = [];
  if (model.upfrontFeeFen > 0) fees.push({ code: 'service', name: '服务费', collection: 'upfront_deducted', amount_fen: model.upfrontFeeFen });
  if (model.perInstallmentFeeFen > 0) {
    const names = { guarantee: '担保费', membership: '会员费', insurance: '保险费' } as const;
    fees.push({ code: model.perInstallmentFeeCode, name: names[model.perInstallmentFeeCode], collection: 'per_installment', amount_fen: model.perInstallmentFeeFen });
  }
  const disbursed = model.outcome === 'disbursed' && model.endAt !== null && state.status !== null && !['AUDITING', 'AUDIT_PASS'].includes(state.status);
  return {
    credit_line_id: model.lineId,
    application_id: model.applicationId,
    platform_user_id: platformUserIdOf(model.person),
    product_code: model.product,
    principal_fen: model.principalFen,
    received_fen: model.principalFen - model.upfrontFeeFen,
    term_months: model.termMonths,
    repayment_method: model.method,
    monthly_interest_rate: model.monthlyRate,
    penalty_daily_rate: model.penaltyDailyRate,
    declared_annual_rate: model.declaredAnnualRate,
    fees,
    quoted_plan: quotedSchedule(model).map((row) => ({
      period: row.period,
      due_date: row.dueDate,
      principal_fen: row.principalFen,
      interest_fen: row.interestFen,
      fee_fen: row.feeFen,
      total_fen: row.totalFen,
    })),
    status: state.status ?? 'AUDITING',
    applied_at: isoInstant(model.appliedAt),
    disbursed_at: disbursed && model.endAt !== null ? isoInstant(model.endAt) : null,
    closed_at: state.closedAt === null ? null : isoInstant(state.closedAt),
    bank_card: { bank_name: card.bank, card_number_masked: card.masked, bound_at: isoInstant(model.appliedAt) },
  };
}

export function renderPlan(model: OrderModel, state: OrderState, at: number, graceDays: number): Omit<RepaymentPlanRecord, 'id' | 'version' | 'updated_at'> {
  const today = dayNumberOf(at);
  const scale = rateUnits(model.penaltyDailyRate).scale;
  return {
    order_id: model.id,
    platform_user_id: platformUserIdOf(model.person),
    installments: state.installments.map((installment) => {
      const penalty = installment.paidOffAt === null ? penaltyFen(installment, today, graceDays, scale) : installment.paidPenalty;
      return {
        period: installment.period,
        due_date: installment.dueDate,
        principal_fen: installment.principal,
        interest_fen: installment.interest,
        fee_fen: installment.fee,
        penalty_fen: Math.max(penalty, installment.paidPenalty),
        paid_principal_fen: installment.paidPrincipal,
        paid_interest_fen: installment.paidInterest,
        paid_fee_fen: installment.paidFee,
        paid_penalty_fen: installment.paidPenalty,
        status: installment.paidOffAt !== null ? 'paid' : installment.dueDay < today ? 'overdue' : 'pending',
        paid_off_at: installment.paidOffAt === null ? null : isoInstant(installment.paidOffAt),
      };
    }),
  };
}

/** Repayment `index` of an order (the state must be replayed at or after its instant). */
export function renderRepayment(model: OrderModel, state: OrderState, index: number): Omit<RepaymentRecord, 'id' | 'version' | 'updated_at'> | null {
  const intent = model.payments[index];
  const made = state.payments[index];
  if (intent === undefined || made === undefined || made.amount === 0) return null;
  return {
    order_id: model.id,
    platform_user_id: platformUserIdOf(model.person),
    amount_fen: made.amount,
    allocation: made.allocation,
    paid_at: isoInstant(intent[0]),
    channel: intent[2],
    kind: intent[1],
  };
}

/** Ids of the plan and repayments of an order (the order id with another prefix). */
export function planIdOf(orderId: string): string {
  return `PL${orderId.slice(2)}`;
}
export function repaymentIdOf(orderId: string, index: number): string {
  return `RP${orderId.slice(2)}${String(index).padStart(2, '0')}`;
}
export function orderIdOfRepayment(repaymentId: string): { orderId: string; index: number } {
  return { orderId: `LO${repaymentId.slice(2, -2)}`, index: Number(repaymentId.slice(-2)) };
}

interface OrderPlanInput {
  id: string;
  line: LineModel;
  product: ProductConfig;
  person: Person;
  appliedAt: number;
  principalFen: number;
  seed: string;
  institution: string;
  graceDays: number;
}

/** Plans a drawdown: terms, outcome and the borrower's repayment behaviour. */
function planOrder(input: OrderPlanInput): OrderModel {
  const { product, person, appliedAt, principalFen } = input;
  const rng = Rng.for(input.seed, input.institution, 'order', input.id);
  const decidedAt = appliedAt + rng.int(2, 90) * minuteMs;
  const outcome = rng.weighted<OrderModel['outcome']>([['disbursed', 92], ['no_pass', 4], ['cancel', 2], ['failed', 2]]);
  const endAt = outcome === 'no_pass' ? null : decidedAt + rng.int(5, 180) * minuteMs;
  const method = rng.weighted(product.methods);
  const monthlyRate = rng.pick(product.monthlyRates);
  const feeProfile = rng.weighted(product.fees.map((profile) => [profile, profile.weight] as const));
  const upfrontFeeFen = Math.round(principalFen * (feeProfile.upfrontRate ?? 0));
  const perInstallmentFeeFen = Math.round(principalFen * (feeProfile.perInstallmentRate ?? 0));
  const termMonths = rng.pick(product.termMonths);
  const disbursedDate = shanghaiDate(endAt ?? decidedAt);
  const model: OrderModel = {
    id: input.id,
    lineId: input.line.id,
    applicationId: input.line.applicationId,
    person: person.index,
    product: product.code,
    appliedAt,
    decidedAt,
    outcome,
    endAt,
    principalFen,
    upfrontFeeFen,
    perInstallmentFeeFen,
    perInstallmentFeeCode: rng.pick(['guarantee', 'membership', 'insurance'] as const),
    termMonths,
    method,
    monthlyRate,
    // 1.5 x the contract daily rate on a 360-day year: monthly x 12 x 1.5 / 360 = monthly x 0.05.
    penaltyDailyRate: (Number(monthlyRate) * 0.05).toFixed(6),
    firstDueDate: addMonthsClamped(disbursedDate, 1),
    mismatch: null,
    declaredAnnualRate: '0.0000',
    payments: [],
    neverPaidFrom: null,
  };
  const booked = bookedSchedule(model);
  model.declaredAnnualRate = (12 * monthlyIrr(principalFen - upfrontFeeFen, booked)).toFixed(4);
  if (outcome === 'disbursed' && rng.chance(0.03)) {
    model.mismatch = rng.weighted<PlanMismatch>([['interest', 1], ['fee', perInstallmentFeeFen > 0 ? 1 : 0], ['due_date', 1]]);
  }
  if (outcome === 'disbursed' && endAt !== null) {
    const payments = planPayments(model, person, rng, booked, input.graceDays);
    model.payments = payments.intents;
    model.neverPaidFrom = payments.neverPaidFrom;
  }
  return model;
}

function planPayments(
  model: OrderModel,
  person: Person,
  rng: Rng,
  booked: ScheduleInstallment[],
  graceDays: number,
): { intents: PaymentIntent[]; neverPaidFrom: IsoDate | null } {
  const intents: PaymentIntent[] = [];
  const dueDays = cachedSchedule(model).dueDays;
  const at = (day: number, hour: number) => startOfDayNumber(day) + hour * hourMs + rng.int(0, 59) * minuteMs + rng.int(0, 59) * 1000;
  const defaulting = person.risk === 'defaulter' || person.risk === 'fraud';
  const stopAt = person.risk === 'fraud' ? 1 : defaulting ? rng.weighted(booked.map((row) => [row.period, 1 / row.period] as const)) : Number.POSITIVE_INFINITY;
  const settleAfter = !defaulting && booked.length > 2 && rng.chance(0.06) ? rng.int(1, booked.length - 2) : null;
  let resumeAfter = Number.NEGATIVE_INFINITY;
  for (const row of booked) {
    const dueDay = dueDays[row.period - 1] ?? 0;
    if (startOfDayNumber(dueDay) < resumeAfter) continue;
    if (row.period === stopAt) {
      if (rng.chance(0.3)) intents.push([at(dueDay + rng.int(graceDays + 2, 25), rng.int(9, 21)), 'partial', 'app', row.period, rng.between(0.3, 0.7)]);
      if (person.risk === 'fraud' || !rng.chance(0.35)) break;
      const cure = at(dueDay + rng.int(15, 100), rng.int(9, 21));
      intents.push([cure, 'overdue', rng.pick(['app', 'bank_transfer', 'offline'] as const), row.period, 1]);
      resumeAfter = cure;
      continue;
    }
    if (settleAfter !== null && row.period === settleAfter + 1) {
      intents.push([at(dueDay - rng.int(3, 25), rng.int(9, 22)), 'early_settlement', 'app', row.period, 1]);
      break;
    }
    if (person.risk === 'late' && rng.chance(0.35)) {
      intents.push([at(dueDay + rng.int(1, 25), rng.int(9, 22)), 'overdue', 'app', row.period, 1]);
    } else if (rng.chance(0.7)) {
      intents.push([at(dueDay, rng.int(6, 9)), 'scheduled', 'auto_debit', row.period, 1]);
    } else {
      intents.push([at(dueDay - rng.int(0, 5), rng.int(8, 22)), 'scheduled', 'app', row.period, 1]);
    }
  }
  intents.sort((a, b) => a[0] - b[0]);
  // Drop intents that would pay nothing (already covered by an earlier payment), so every repayment record has an amount.
  const final = replayOrder({ ...model, payments: intents }, farFutureMs, graceDays);
  return {
    intents: intents.filter((_, index) => (final.payments[index]?.amount ?? 0) > 0),
    neverPaidFrom: final.installments.find((installment) => installment.paidOffAt === null)?.dueDate ?? null,
  };
}

/**
 * Monthly IRR of receiving `receivedFen` and paying the schedule's totals monthly, by bisection
 * on 0-100% a month (the net present value falls as the rate rises, so the root is bracketed).
 * The same figure as the domain's loanApr on the monthly basis, which the platform checks it
 * with, but cheap enough to run for every generated order.
 */
function monthlyIrr(receivedFen: number, schedule: readonly ScheduleInstallment[]): number {
  const presentValue = (rate: number) => {
    let value = receivedFen;
    let factor = 1;
    for (const row of schedule) {
      factor /= 1 + rate;
      value -= row.totalFen * factor;
    }
    return value;
  };
  let low = 0;
  let high = 1;
  for (let step = 0; step < 60; step += 1) {
    const middle = (low + high) / 2;
    if (presentValue(middle) < 0) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Line state at `at`, from the states of its orders (already replayed at `at`). */
export function renderLine(line: LineModel, orders: Array<{ model: OrderModel; state: OrderState }>, at: number): Omit<CreditLineRecord, 'id' | 'version' | 'updated_at'> {
  let used = 0;
  let overdue = false;
  let drawn = false;
  for (const { model, state } of orders) {
    if (model.appliedAt > at) continue;
    used += state.outstandingPrincipal;
    if (state.status === 'OVERDUE') overdue = true;
    if (state.status !== null && !['AUDIT_NO_PASS', 'LOAN_CANCEL', 'LOAN_FAILED'].includes(state.status)) drawn = true;
  }
  used = Math.min(used, line.limitFen);
  let status: CreditLineStatus;
  if (line.closedAt !== null && at >= line.closedAt) status = 'closed';
  else if (overdue) status = 'frozen';
  else if (line.mode === 'single_batch' && drawn) status = 'exhausted';
  else if (at >= line.validTo) status = 'expired';
  else if (line.limitFen - used <= 0) status = 'exhausted';
  else status = 'active';
  return {
    application_id: line.applicationId,
    platform_user_id: platformUserIdOf(line.person),
    product_code: line.product,
    mode: line.mode,
    limit_fen: line.limitFen,
    used_fen: used,
    available_fen: status === 'active' ? line.limitFen - used : 0,
    partial_draw_allowed: line.partialDrawAllowed,
    valid_from: isoInstant(line.grantedAt),
    valid_to: isoInstant(line.validTo),
    status,
    frozen_reason: status === 'frozen' ? 'overdue' : null,
    granted_at: isoInstant(line.grantedAt),
  };
}

/** Next instant the line may change: its own dates or the next change of any of its orders. */
export function lineNextChange(line: LineModel, orderNextChanges: ReadonlyArray<number | null>, at: number): number | null {
  let next: number | null = null;
  for (const time of [line.grantedAt, line.validTo, line.closedAt ?? Number.NaN, ...orderNextChanges]) {
    if (time !== null && time > at && (next === null || time < next)) next = time;
  }
  return next;
}

export interface LinePlanInput {
  id: string;
  applicationId: string;
  person: Person;
  product: ProductConfig;
  grantedAt: number;
  limitFen: number;
  seed: string;
  institution: string;
  graceDays: number;
  /** No drawdown is planned after this instant (the generation horizon). */
  horizon: number;
  /** Order ids: `${orderIdPrefix}${two-digit index}`. */
  orderIdPrefix: string;
}

/** Plans a line and every drawdown on it (orders are returned in the order they are applied for). */
export function planLine(input: LinePlanInput): { line: LineModel; orders: OrderModel[] } {
  const { product, person, grantedAt } = input;
  const rng = Rng.for(input.seed, input.institution, 'line', input.id);
  const revolving = product.lineMode === 'revolving';
  const line: LineModel = {
    id: input.id,
    applicationId: input.applicationId,
    person: person.index,
    product: product.code,
    mode: product.lineMode,
    limitFen: input.limitFen,
    partialDrawAllowed: product.partialDrawAllowed,
    grantedAt,
    validTo: grantedAt + (revolving ? 365 : rng.int(7, 15)) * dayMs,
    closedAt: null,
    orderIds: [],
  };
  const orders: OrderModel[] = [];
  const draw = (appliedAt: number, principalFen: number) => {
    const id = `${input.orderIdPrefix}${String(orders.length).padStart(2, '0')}`;
    const order = planOrder({ id, line, product, person, appliedAt, principalFen, seed: input.seed, institution: input.institution, graceDays: input.graceDays });
    orders.push(order);
    line.orderIds.push(id);
  };
  const end = Math.min(line.validTo, input.horizon);
  if (!revolving) {
    if (rng.chance(0.85)) {
      const appliedAt = grantedAt + Math.floor(Math.min(line.validTo - grantedAt - hourMs, rng.between(0.2, 1) ** 3 * (line.validTo - grantedAt)));
      const amount = line.partialDrawAllowed && rng.chance(0.3) ? Math.max(100_000, Math.round((line.limitFen * rng.between(0.5, 1)) / 10_000) * 10_000) : line.limitFen;
      if (appliedAt < end) draw(appliedAt, Math.min(amount, line.limitFen));
    }
  } else if (rng.chance(0.85)) {
    let time = grantedAt + rng.int(10, 60 * 24 * 10) * minuteMs;
    while (time < end && orders.length < 6) {
      const states = orders.map((order) => ({ model: order, state: replayOrder(order, time, input.graceDays) }));
      const view = renderLine(line, states, time);
      if (view.status === 'active' && view.available_fen >= 100_000) {
        const amount = Math.max(100_000, Math.round((view.available_fen * rng.between(0.3, 1)) / 10_000) * 10_000);
        draw(time, Math.min(amount, view.available_fen));
      }
      time += rng.int(20, 120) * dayMs + rng.int(0, 600) * minuteMs;
    }
  }
  // An institution closes the line of a borrower 90 days past due who never came back.
  for (const order of orders) {
    if (order.neverPaidFrom === null) continue;
    const closeAt = shanghaiStartOfDay(addDays(order.neverPaidFrom, 91)) + 2 * hourMs;
    line.closedAt = line.closedAt === null ? closeAt : Math.min(line.closedAt, closeAt);
  }
  return { line, orders };
}

/**
 * Orders (loans), their booked plans and repayments.
 *
 * An order is planned once: terms, outcome and every repayment the borrower will make (as
 * intents: "pay what is due on period 3 at this instant"). Its state at any simulated instant is
 * the replay of order-replay.ts; the records are rendered from that state. Lines (lines.ts) are
 * derived from their orders' states. Nothing here reads a clock.
 */
import { maskBankCard } from '../../shared/domain/mask';
import { type RepaymentMethod, type ScheduleInstallment } from '../../shared/domain/schedule';
import type { OrderRecord, RepaymentPlanRecord, RepaymentRecord } from '../../shared/institution-api';
import { addMonthsClamped, type IsoDate, shanghaiDate } from '../../shared/time';
import { banks } from './catalog';
import { dayNumberOf, farFutureMs, hourMs, isoInstant, minuteMs, startOfDayNumber } from './clock';
import type { ProductConfig } from './institutions';
import type { LineModel } from './lines';
import { bookedSchedule, cachedSchedule, type OrderState, penaltyFen, quotedSchedule, rateUnits, replayOrder } from './order-replay';
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
export function planOrder(input: OrderPlanInput): OrderModel {
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

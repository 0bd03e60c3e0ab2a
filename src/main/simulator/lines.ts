/**
 * Credit lines: planned with every drawdown on them at grant time; a line's state at any instant
 * is derived from its orders' states. Nothing here reads a clock.
 */
import type { CreditLineRecord, CreditLineStatus } from '../../shared/institution-api';
import { addDays, shanghaiStartOfDay } from '../../shared/time';
import { dayMs, hourMs, isoInstant, minuteMs } from './clock';
import type { ProductConfig } from './institutions';
import { type OrderState, replayOrder } from './order-replay';
import { type OrderModel, planOrder } from './orders';
import { type Person, platformUserIdOf } from './population';
import { Rng } from './rng';

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

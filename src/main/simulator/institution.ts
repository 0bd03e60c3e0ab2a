/**
 * One simulated institution at run time: writes its generated plans into the store, serves
 * records rendered at their current version, applies review decisions and moves with the
 * simulated clock. HTTP concerns (signing, faults, status codes on the wire) live in server.ts;
 * the review desk, the images and the ground truth are modules of their own that this class
 * delegates to (decision-desk.ts, institution-images.ts, ground-truth.ts).
 */
import { applicationStatusSchema, type Capabilities, creditLineStatusSchema, orderStatusSchema, type ResourceName, type Stats } from '../../shared/institution-api';
import { ApiFailure } from './api-failure';
import {
  type ApplicationModel,
  applicationChangeTimes,
  applicationStatusAt,
  type ApplicationStub,
  type InstitutionContext,
  expandApplication,
  renderApplication,
} from './applications';
import type { BorrowerPlan } from './borrowers';
import { keepRuleTwo, type Stamp } from './clock-faults';
import { farFutureMs, isoInstant } from './clock';
import { decideApplication, receivedDecisions } from './decision-desk';
import { groundTruth } from './ground-truth';
import { type ImageRequest, imageRequest } from './institution-images';
import { capabilitiesOf, offeredResources } from './institutions';
import { type LineModel, lineNextChange, renderLine } from './lines';
import { type OrderState, orderEventsUntil, orderNextChange, replayOrder } from './order-replay';
import { type OrderModel, orderIdOfRepayment, planIdOf, renderOrder, renderPlan, renderRepayment, repaymentIdOf } from './orders';
import { ModelCache, type PersonCache } from './model-cache';
import { latentRow, pick, recordRow, resourceByCode, statsColumns } from './record-rows';
import { savedFloor, saveFloor } from './saved-state';
import { type RecordRow, resourceCode, type SimStore } from './store';

/** The simulated clock shared by every institution of one simulator. */
export interface SimClock {
  now: number;
}

/** A served record: the wire object. */
export type WireRecord = Record<string, unknown> & { id: string; version: number; updated_at: string };

/** An order with its state at an instant and its next change (what a line's row is built from). */
export interface OrderView {
  model: OrderModel;
  state: OrderState;
  next: number | null;
}

function encodeCursor(row: { updated_ms: number | null; id: string }): string {
  return Buffer.from(`c1|${row.updated_ms ?? 0}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { updatedMs: number; id: string } {
  const text = /^[A-Za-z0-9_-]{1,512}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^c1\|(\d{1,16})\|([A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$/.exec(text);
  if (match === null) throw new ApiFailure('INVALID_CURSOR', 'cursor is not one this server issued');
  return { updatedMs: Number(match[1]), id: match[2] ?? '' };
}

export class SimInstitution {
  /** Highest updated_ms written: new writes go strictly after it, so no cursor can skip them. */
  private maxUpdatedMs = 0;
  /** Recently regenerated application plans. */
  private readonly expanded = new Map<string, ApplicationModel>();

  // store, clock and persons are read by decision-desk.ts, institution-images.ts and ground-truth.ts.
  constructor(
    readonly store: SimStore,
    readonly index: number,
    readonly context: InstitutionContext,
    readonly clock: SimClock,
    readonly persons: PersonCache,
  ) {}

  get config() {
    return this.context.config;
  }

  capabilities(): Capabilities {
    return capabilitiesOf(this.config);
  }

  offers(resource: ResourceName): boolean {
    return offeredResources(this.config).includes(resource);
  }

  // ---- generation -------------------------------------------------------------------------

  /** Stores one borrower's plans with their records as of the clock (call inside a transaction). */
  writeBorrower(plan: BorrowerPlan): void {
    const at = this.clock.now;
    const inst = this.index;
    plan.applications.forEach((application, position) => {
      const stub: ApplicationStub = {
        person: application.person,
        cycle: application.cycle,
        appliedAt: application.appliedAt,
        previousId: plan.applications[position - 1]?.id ?? null,
        lineId: application.lineId,
        review: null,
      };
      this.store.putModel(inst, application.id, stub);
      this.store.putRecord(this.applicationRow(application, at));
    });
    const views = new Map<string, OrderView>();
    for (const order of plan.orders) {
      this.store.putModel(inst, order.id, order);
      views.set(order.id, this.writeOrderRows(order, at));
    }
    for (const line of plan.lines) {
      this.store.putModel(inst, line.id, line);
      this.store.putRecord(this.lineRow(line, line.orderIds.map((id) => views.get(id)).filter((view): view is OrderView => view !== undefined), at));
    }
  }

  /** Call once the bulk load is done. */
  finishGeneration(): void {
    this.maxUpdatedMs = this.store.maxUpdated(this.index) ?? 0;
  }

  /** Call instead of generating when a kept store is resumed: later writes stay after every updated_at it served. */
  resume(): void {
    this.maxUpdatedMs = Math.max(this.store.maxUpdated(this.index) ?? 0, savedFloor(this.store, this.index));
  }

  private applicationRow(application: ApplicationModel, at: number): RecordRow {
    const code = resourceCode('applications');
    if (application.appliedAt > at) return latentRow(this.index, code, application.id, application.id, application.appliedAt);
    const times = applicationChangeTimes(application);
    let version = 0;
    let updated = application.appliedAt;
    let next: number | null = null;
    for (const time of times) {
      if (time <= at) {
        version += 1;
        updated = time;
      } else if (next === null) next = time;
    }
    const status = applicationStatusAt(application, at);
    return recordRow(this.index, code, application.id, application.id, version, updated, application.appliedAt, at, next, status, application.requestedAmountFen, 0);
  }

  /** The lowest updated_at a write at run time may take: after everything served so far. */
  get updateFloorMs(): number {
    return this.maxUpdatedMs + 1;
  }

  /** The updated_at of a write at run time at `now`, after everything served so far, and now taken. */
  claimUpdateMs(now: number): number {
    const updated = Math.max(now, this.maxUpdatedMs + 1);
    this.maxUpdatedMs = updated;
    // Callers are inside the transaction of the write that takes it.
    saveFloor(this.store, this.index, updated);
    return updated;
  }

  /** `floorMs`: updated_at never below it (runtime writes must land after every issued cursor). */
  writeOrderRows(order: OrderModel, at: number, floorMs = 0): OrderView {
    const grace = this.config.graceDays;
    const inst = this.index;
    const state = replayOrder(order, at, grace);
    const next = orderNextChange(order, at, grace, state);
    const view = { model: order, state, next };
    const events = orderEventsUntil(order, at, state);
    const orders = resourceCode('orders');
    this.store.putRecord(
      order.appliedAt > at
        ? latentRow(inst, orders, order.id, order.id, order.appliedAt)
        : recordRow(inst, orders, order.id, order.id, Math.max(1, events.count), Math.max(events.last, floorMs), order.appliedAt, at, next, state.status, order.principalFen, 0),
    );
    if (order.outcome !== 'disbursed' || order.endAt === null) return view;
    if (this.config.repaymentPlans) {
      const plans = resourceCode('repayment-plans');
      const planId = planIdOf(order.id);
      this.store.putRecord(
        order.endAt > at
          ? latentRow(inst, plans, planId, order.id, order.endAt)
          : recordRow(inst, plans, planId, order.id, Math.max(1, events.count - 2), Math.max(order.endAt, events.last, floorMs), order.endAt, at, next, null, 0, 0),
      );
    }
    // Later repayments are not stored yet: the tick that reaches them adds them (see addRepayments).
    this.addRepayments(order, state, Number.NEGATIVE_INFINITY, at, floorMs);
    return view;
  }

  /** Repayment records for the order's payments in (after, until]; `state` is replayed at or after `until`. */
  private addRepayments(order: OrderModel, state: OrderState | (() => OrderState), after: number, until: number, floorMs: number, stamp: Stamp = keepRuleTwo): { count: number; maxUpdated: number } {
    const repayments = resourceCode('repayments');
    let count = 0;
    let maxUpdated = 0;
    let replayed = typeof state === 'function' ? null : state;
    for (let index = 0; index < order.payments.length; index += 1) {
      const paidAt = order.payments[index]?.[0] ?? 0;
      if (paidAt <= after) continue;
      if (paidAt > until) break;
      replayed ??= typeof state === 'function' ? state() : state;
      const id = repaymentIdOf(order.id, index);
      const updated = stamp({ resource: 'repayments', id, version: 1 }, paidAt, floorMs);
      this.store.putRecord(recordRow(this.index, repayments, id, order.id, 1, updated, paidAt, paidAt, null, null, replayed.payments[index]?.amount ?? 0, 0));
      count += 1;
      maxUpdated = Math.max(maxUpdated, updated);
    }
    return { count, maxUpdated };
  }

  lineRow(line: LineModel, orders: OrderView[], at: number): RecordRow {
    const code = resourceCode('credit-lines');
    if (line.grantedAt > at) return latentRow(this.index, code, line.id, line.id, line.grantedAt);
    const view = renderLine(line, orders, at);
    let version = 1;
    let updated = line.grantedAt;
    for (const { model, state } of orders) {
      if (model.appliedAt > at) continue;
      const events = orderEventsUntil(model, at, state);
      version += events.count;
      updated = Math.max(updated, events.last);
    }
    for (const time of [line.validTo, line.closedAt ?? Number.NaN]) {
      if (time <= at) {
        version += 1;
        updated = Math.max(updated, time);
      }
    }
    const next = lineNextChange(line, orders.map((order) => order.next), at);
    return recordRow(this.index, code, line.id, line.id, version, updated, line.grantedAt, at, next, view.status, line.limitFen, view.used_fen);
  }

  /** The plan of an application, regenerated from its stored stub. */
  application(id: string, cache: ModelCache): ApplicationModel {
    const cached = this.expanded.get(id);
    if (cached !== undefined) return cached;
    const stub = cache.get<ApplicationStub>(id);
    const model = expandApplication(this.context, stub, this.persons.get(stub.person), (previousId) => this.application(previousId, cache));
    if (this.expanded.size >= 4000) this.expanded.clear();
    this.expanded.set(id, model);
    return model;
  }

  /** Drops the regenerated plan of an application whose stub changed (a review decision). */
  forgetApplication(id: string): void {
    this.expanded.delete(id);
  }

  // ---- serving ----------------------------------------------------------------------------

  /** One page of a resource after `cursor`. */
  page(resource: ResourceName, cursor: string | null, limit: number): { records: WireRecord[]; rows: RecordRow[]; nextCursor: string | null; hasMore: boolean } {
    if (!this.offers(resource)) throw new ApiFailure('RESOURCE_NOT_OFFERED', `${this.config.code} does not serve ${resource}`);
    const after = cursor === null ? null : decodeCursor(cursor);
    const rows = this.store.page(this.index, resourceCode(resource), after, limit + 1);
    const hasMore = rows.length > limit;
    const pageRows = rows.slice(0, limit);
    const cache = new ModelCache(this.store, this.index);
    const records = pageRows.map((row) => this.render(row, cache));
    const last = pageRows[pageRows.length - 1];
    return { records, rows: pageRows, nextCursor: last === undefined ? cursor : encodeCursor(last), hasMore };
  }

  /** The record right after `row` in paging order, if any (for the out-of-order fault). */
  peekAfter(resource: ResourceName, row: RecordRow): WireRecord | null {
    const [next] = this.store.page(this.index, resourceCode(resource), { updatedMs: row.updated_ms ?? 0, id: row.id }, 1);
    return next === undefined ? null : this.render(next, new ModelCache(this.store, this.index));
  }

  /** Up to `count` records at or before `cursor`, as the previous page ended (for the duplicate fault). */
  recordsBefore(resource: ResourceName, cursor: string, count: number): WireRecord[] {
    const rows = this.store.before(this.index, resourceCode(resource), decodeCursor(cursor), count);
    const cache = new ModelCache(this.store, this.index);
    return rows.reverse().map((row) => this.render(row, cache));
  }

  one(resource: ResourceName, id: string): WireRecord {
    if (!this.offers(resource)) throw new ApiFailure('RESOURCE_NOT_OFFERED', `${this.config.code} does not serve ${resource}`);
    const row = this.store.record(this.index, resourceCode(resource), id);
    if (row === undefined || row.updated_ms === null) throw new ApiFailure('NOT_FOUND', `No ${resource} record ${id}`);
    return this.render(row, new ModelCache(this.store, this.index));
  }

  private render(row: RecordRow, cache: ModelCache): WireRecord {
    return { id: row.id, version: row.version, updated_at: isoInstant(row.updated_ms ?? row.created_ms), ...this.body(row, row.state_ms, cache) };
  }

  private body(row: RecordRow, at: number, cache: ModelCache): Record<string, unknown> {
    const grace = this.config.graceDays;
    const resource = resourceByCode[row.resource];
    switch (resource) {
      case 'applications': {
        const application = this.application(row.id, cache);
        return renderApplication(this.context, application, this.persons.get(application.person), at);
      }
      case 'credit-lines': {
        const line = cache.get<LineModel>(row.id);
        const orders = line.orderIds.map((id) => cache.get<OrderModel>(id)).map((model) => ({ model, state: cache.state(model, at, grace) }));
        return renderLine(line, orders, at);
      }
      case 'orders': {
        const order = cache.get<OrderModel>(row.id);
        return renderOrder(order, cache.state(order, at, grace), { seed: this.context.world.seed, institution: this.config.code });
      }
      case 'repayment-plans': {
        const order = cache.get<OrderModel>(row.model_id);
        return renderPlan(order, cache.state(order, at, grace), at, grace);
      }
      case 'repayments': {
        // A repayment never changes: its allocation is the same in any state after it.
        const order = cache.get<OrderModel>(row.model_id);
        const rendered = renderRepayment(order, cache.state(order, farFutureMs, grace), orderIdOfRepayment(row.id).index);
        if (rendered === null) throw new Error(`Repayment ${row.id} has no amount at ${at}`);
        return rendered;
      }
      case undefined:
        throw new Error(`Unknown resource code ${row.resource}`);
      default: {
        const unknown: never = resource;
        throw new Error(`Unknown resource ${String(unknown)}`);
      }
    }
  }

  /** GET /v1/stats: totals of the visible records, from the record index. */
  stats(): Stats {
    const totals = (resource: ResourceName) => {
      const rows = this.store.totals(this.index, resourceCode(resource));
      let count = 0;
      let amount1 = 0;
      let amount2 = 0;
      let maxUpdated: number | null = null;
      const byStatus: Record<string, number> = {};
      for (const row of rows) {
        count += row.count;
        amount1 += row.amount1;
        amount2 += row.amount2;
        if (row.maxUpdated !== null) maxUpdated = Math.max(maxUpdated ?? 0, row.maxUpdated);
        if (row.status !== null) byStatus[row.status] = row.count;
      }
      return { count, amount1, amount2, byStatus, maxUpdatedAt: maxUpdated === null ? null : isoInstant(maxUpdated) };
    };
    const applications = totals('applications');
    const lines = totals('credit-lines');
    const orders = totals('orders');
    const plans = totals('repayment-plans');
    const repayments = totals('repayments');
    return {
      as_of: isoInstant(this.clock.now),
      applications: { count: applications.count, max_updated_at: applications.maxUpdatedAt, by_status: pick(applications.byStatus, applicationStatusSchema.options) },
      credit_lines: {
        count: lines.count,
        max_updated_at: lines.maxUpdatedAt,
        by_status: pick(lines.byStatus, creditLineStatusSchema.options),
        limit_fen: lines.amount1,
        used_fen: lines.amount2,
      },
      orders: { count: orders.count, max_updated_at: orders.maxUpdatedAt, by_status: pick(orders.byStatus, orderStatusSchema.options), principal_fen: orders.amount1 },
      repayment_plans: this.config.repaymentPlans ? { count: plans.count, max_updated_at: plans.maxUpdatedAt } : null,
      repayments: { count: repayments.count, max_updated_at: repayments.maxUpdatedAt, amount_fen: repayments.amount1 },
    };
  }

  // ---- time -------------------------------------------------------------------------------

  /**
   * Moves this institution to `newNow`: records planned for (old, new] come into existence and
   * every record whose content changed gets version + 1 and a new updated_at. Synchronous, so
   * no request sees half a tick. `stamp` gives each change its updated_at (clock-faults.ts: a
   * node whose clock is ahead); by default after everything served before.
   */
  tick(newNow: number, stamp: Stamp = keepRuleTwo): { created: number; changed: number } {
    const cache = new ModelCache(this.store, this.index);
    const totals = { created: 0, changed: 0, maxWritten: this.maxUpdatedMs };
    const floor = this.maxUpdatedMs + 1;
    this.store.transaction(() => {
      // In chunks, since a long tick can touch most records. A processed row leaves the due set
      // (its next change is after newNow, or there is none), so the loop ends.
      for (;;) {
        const chunk = this.store.due(this.index, newNow, 5000);
        if (chunk.length === 0) break;
        for (const row of chunk) this.tickRow(row, newNow, floor, cache, totals, stamp);
      }
      saveFloor(this.store, this.index, totals.maxWritten);
    });
    this.maxUpdatedMs = totals.maxWritten;
    return { created: totals.created, changed: totals.changed };
  }

  private tickRow(row: RecordRow, newNow: number, floor: number, cache: ModelCache, totals: { created: number; changed: number; maxWritten: number }, stamp: Stamp): void {
    const next = this.nextChange(row, newNow, cache);
    if (row.resource === resourceCode('orders')) {
      // Payments the clock has just reached become repayment records.
      const order = cache.get<OrderModel>(row.id);
      const from = row.updated_ms === null ? Number.NEGATIVE_INFINITY : row.state_ms;
      const added = this.addRepayments(order, () => cache.state(order, farFutureMs, this.config.graceDays), from, newNow, floor, stamp);
      totals.created += added.count;
      totals.maxWritten = Math.max(totals.maxWritten, added.maxUpdated);
    }
    const resource = resourceByCode[row.resource];
    if (resource === undefined) throw new Error(`Unknown resource code ${row.resource}`);
    if (row.updated_ms === null) {
      // A planned record comes into existence (due rows of this kind always have created_ms <= newNow).
      const columns = statsColumns(row.resource, this.body(row, newNow, cache));
      const updated = stamp({ resource, id: row.id, version: 1 }, newNow, floor);
      this.store.updateRecord(row, 1, updated, newNow, next, columns.status, columns.amount1, columns.amount2);
      totals.created += 1;
      totals.maxWritten = Math.max(totals.maxWritten, updated);
      return;
    }
    const before = JSON.stringify(this.body(row, row.state_ms, cache));
    const after = this.body(row, newNow, cache);
    if (JSON.stringify(after) === before) {
      this.store.updateRecord(row, row.version, row.updated_ms, newNow, next, row.status, row.amount1, row.amount2);
      return;
    }
    const columns = statsColumns(row.resource, after);
    const updated = stamp({ resource, id: row.id, version: row.version + 1 }, newNow, floor);
    this.store.updateRecord(row, row.version + 1, updated, newNow, next, columns.status, columns.amount1, columns.amount2);
    totals.changed += 1;
    totals.maxWritten = Math.max(totals.maxWritten, updated);
  }

  private nextChange(row: RecordRow, at: number, cache: ModelCache): number | null {
    const grace = this.config.graceDays;
    switch (resourceByCode[row.resource]) {
      case 'applications': {
        const application = this.application(row.id, cache);
        return applicationChangeTimes(application).find((time) => time > at) ?? null;
      }
      case 'credit-lines': {
        const line = cache.get<LineModel>(row.id);
        return lineNextChange(
          line,
          line.orderIds.map((id) => {
            const order = cache.get<OrderModel>(id);
            return orderNextChange(order, at, grace, cache.state(order, at, grace));
          }),
          at,
        );
      }
      case 'orders':
      case 'repayment-plans': {
        const order = cache.get<OrderModel>(row.model_id);
        return orderNextChange(order, at, grace, cache.state(order, at, grace));
      }
      case 'repayments':
        return null;
      default:
        return null;
    }
  }

  // ---- review decisions, images, ground truth (their own modules) -------------------------

  /** POST /v1/applications/{id}/review-decisions (decision-desk.ts). */
  decide(applicationId: string, idempotencyKey: string, rawBody: Buffer): { status: number; body: unknown; replayed: boolean } {
    return decideApplication(this, applicationId, idempotencyKey, rawBody);
  }

  /** Decisions received, first attempt order, with how often each was replayed. */
  receivedDecisions(): ReturnType<typeof receivedDecisions> {
    return receivedDecisions(this);
  }

  /** What to draw for an image id, or a NOT_FOUND failure (institution-images.ts). */
  image(id: string): ImageRequest {
    return imageRequest(this, id);
  }

  /** What the generator planted, counted over the records visible now (ground-truth.ts). */
  groundTruth(): Record<string, unknown> {
    return groundTruth(this);
  }
}

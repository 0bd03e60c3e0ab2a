/**
 * One simulated institution at run time: writes its generated plans into the store, serves
 * records rendered at their current version, applies review decisions and moves with the
 * simulated clock. HTTP concerns (signing, faults, status codes on the wire) live in server.ts.
 */
import { createHash } from 'node:crypto';
import {
  type ApiErrorCode,
  applicationStatusSchema,
  type Capabilities,
  creditLineStatusSchema,
  orderStatusSchema,
  type ResourceName,
  type ReviewDecisionResponse,
  reviewDecisionRequestSchema,
  type Stats,
} from '../../shared/institution-api';
import {
  type ApplicationModel,
  applicationChangeTimes,
  applicationStatusAt,
  type ApplicationStub,
  applyReview,
  type InstitutionContext,
  expandApplication,
  itemResult,
  parseImageId,
  productOf,
  renderApplication,
} from './applications';
import type { BorrowerPlan } from './borrowers';
import { keepRuleTwo, type Stamp } from './clock-faults';
import { farFutureMs, isoInstant } from './clock';
import { capabilitiesOf, offeredResources } from './institutions';
import {
  type LineModel,
  lineNextChange,
  type OrderModel,
  type OrderState,
  orderEventsUntil,
  orderIdOfRepayment,
  orderNextChange,
  planIdOf,
  planLine,
  renderLine,
  renderOrder,
  renderPlan,
  renderRepayment,
  replayOrder,
  repaymentIdOf,
} from './loans';
import { personAt, type Person } from './population';
import { type RecordRow, resourceCode, type SimStore } from './store';
import { faceSimilarity, vendorThresholds } from './vendors';

/** The simulated clock shared by every institution of one simulator. */
export interface SimClock {
  now: number;
}

/** A served record: the wire object. */
export type WireRecord = Record<string, unknown> & { id: string; version: number; updated_at: string };

export class ApiFailure extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** What GET /v1/images/{id} needs to draw an image. */
export type ImageRequest =
  | { kind: 'idf'; name: string; sex: 'male' | 'female'; ethnicity: string; birthDate: string; address: string; idNumber: string; warnings: string[]; personSeed: string }
  | { kind: 'idb'; authority: string; validFrom: string; validTo: string; warnings: string[] }
  | { kind: 'live' | 'ref'; personSeed: string; similarity: number; sex: 'male' | 'female' };

interface OrderView {
  model: OrderModel;
  state: OrderState;
  next: number | null;
}

const resourceByCode = ['applications', 'credit-lines', 'orders', 'repayment-plans', 'repayments'] as const satisfies readonly ResourceName[];

/** Keeps recently used plans of one operation (a page, a tick) so shared orders load once. */
class ModelCache {
  private readonly models = new Map<string, unknown>();
  constructor(
    private readonly store: SimStore,
    private readonly inst: number,
  ) {}

  get<T>(id: string): T {
    const cached = this.models.get(id);
    if (cached !== undefined) return cached as T;
    const model = this.store.model<T>(this.inst, id);
    if (model === undefined) throw new Error(`Missing plan ${id}`);
    if (this.models.size > 20_000) this.models.clear();
    this.models.set(id, model);
    return model;
  }

  /** Order state at `at`, replayed once per operation. */
  state(order: OrderModel, at: number, graceDays: number): OrderState {
    const key = `${order.id}@${at}`;
    const cached = this.states.get(key);
    if (cached !== undefined) return cached;
    const state = replayOrder(order, at, graceDays);
    if (this.states.size > 5000) this.states.clear();
    this.states.set(key, state);
    return state;
  }

  private readonly states = new Map<string, OrderState>();
}

/** Persons are derived from the seed; keep the most recently used ones. */
export class PersonCache {
  private readonly persons = new Map<number, Person>();
  constructor(private readonly world: InstitutionContext['world']) {}

  get(index: number): Person {
    const cached = this.persons.get(index);
    if (cached !== undefined) return cached;
    const person = personAt(this.world, index);
    if (this.persons.size >= 5000) this.persons.clear();
    this.persons.set(index, person);
    return person;
  }
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

  constructor(
    private readonly store: SimStore,
    readonly index: number,
    readonly context: InstitutionContext,
    private readonly clock: SimClock,
    private readonly persons: PersonCache,
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

  /** `floorMs`: updated_at never below it (runtime writes must land after every issued cursor). */
  private writeOrderRows(order: OrderModel, at: number, floorMs = 0): OrderView {
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

  private lineRow(line: LineModel, orders: OrderView[], at: number): RecordRow {
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
  private application(id: string, cache: ModelCache): ApplicationModel {
    const cached = this.expanded.get(id);
    if (cached !== undefined) return cached;
    const stub = cache.get<ApplicationStub>(id);
    const model = expandApplication(this.context, stub, this.persons.get(stub.person), (previousId) => this.application(previousId, cache));
    if (this.expanded.size >= 4000) this.expanded.clear();
    this.expanded.set(id, model);
    return model;
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

  // ---- review decisions -------------------------------------------------------------------

  /**
   * POST /v1/applications/{id}/review-decisions. Final answers (2xx and 4xx) are stored under
   * the idempotency key and replayed for the same key and body.
   */
  decide(applicationId: string, idempotencyKey: string, rawBody: Buffer): { status: number; body: unknown; replayed: boolean } {
    const bodySha256 = createHash('sha256').update(rawBody).digest('hex');
    const existing = this.store.decision(this.index, idempotencyKey);
    if (existing !== undefined) {
      if (existing.body_sha256 !== bodySha256 || existing.application_id !== applicationId) {
        throw new ApiFailure('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
      }
      this.store.countReplay(this.index, idempotencyKey);
      return { status: existing.status_code, body: JSON.parse(existing.response) as unknown, replayed: true };
    }
    const remember = (status: number, body: unknown, applied: boolean) => {
      this.store.putDecision({
        inst: this.index,
        idempotency_key: idempotencyKey,
        application_id: applicationId,
        body_sha256: bodySha256,
        status_code: status,
        response: JSON.stringify(body),
        applied: applied ? 1 : 0,
        received_ms: Date.now(),
      });
      return { status, body, replayed: false };
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new ApiFailure('BAD_REQUEST', 'Body is not JSON');
    }
    const request = reviewDecisionRequestSchema.safeParse(parsed);
    if (!request.success) {
      throw new ApiFailure('VALIDATION_FAILED', 'Body does not match ReviewDecisionRequest', {
        issues: request.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    const row = this.store.record(this.index, resourceCode('applications'), applicationId);
    if (row === undefined || row.updated_ms === null) throw new ApiFailure('NOT_FOUND', `No application ${applicationId}`);
    const now = this.clock.now;
    return this.store.transaction(() => {
      const cache = new ModelCache(this.store, this.index);
      const application = this.application(applicationId, cache);
      const stub = cache.get<ApplicationStub>(applicationId);
      const status = applicationStatusAt(application, now);
      if (status !== 'MANUAL_REVIEW') {
        return remember(409, apiError('APPLICATION_NOT_REVIEWABLE', `Application is ${status ?? 'unknown'}, not MANUAL_REVIEW`), false);
      }
      if (request.data.application_version !== row.version) {
        return remember(
          409,
          apiError('APPLICATION_VERSION_MISMATCH', `Decision made on version ${request.data.application_version}; the application is at version ${row.version}`),
          false,
        );
      }
      const decisionId = `RD${createHash('sha256').update(`${this.config.code}|${idempotencyKey}`).digest('hex').slice(0, 20).toUpperCase()}`;
      const receivedAt = now;
      let lineId: string | null = null;
      const approvedLimit = request.data.decision === 'approve' ? request.data.approved_limit_fen : null;
      if (approvedLimit !== null) {
        const person = this.persons.get(application.person);
        const suffix = `${decisionId.slice(2, 10)}${String(person.index).padStart(7, '0')}${application.cycle}`;
        const { line, orders } = planLine({
          id: `LN${suffix}`,
          applicationId,
          person,
          product: productOf(this.config, application.product),
          grantedAt: receivedAt,
          limitFen: approvedLimit,
          seed: this.context.world.seed,
          institution: this.config.code,
          graceDays: this.config.graceDays,
          horizon: receivedAt + 365 * 86_400_000,
          orderIdPrefix: `LO${suffix}`,
        });
        lineId = line.id;
        const views = orders.map((order) => {
          this.store.putModel(this.index, order.id, order);
          return this.writeOrderRows(order, now, this.maxUpdatedMs + 1);
        });
        this.store.putModel(this.index, line.id, line);
        const lineRow = this.lineRow(line, views, now);
        const updated = Math.max(now, this.maxUpdatedMs + 1);
        this.store.putRecord({ ...lineRow, version: 1, updated_ms: updated });
        this.maxUpdatedMs = updated;
      }
      applyReview(
        application,
        {
          decisionId,
          decision: request.data.decision,
          reviewerId: request.data.reviewer_id,
          reasonCodes: request.data.reason_codes,
          approvedLimitFen: approvedLimit,
          decidedAt: Date.parse(request.data.decided_at),
          receivedAt,
        },
        lineId,
      );
      this.store.putModel(this.index, applicationId, { ...stub, lineId, review: application.review } satisfies ApplicationStub);
      this.expanded.delete(applicationId);
      const updated = Math.max(now, this.maxUpdatedMs + 1);
      const newStatus = applicationStatusAt(application, now) ?? 'MANUAL_REVIEW';
      this.store.putRecord({ ...row, version: row.version + 1, updated_ms: updated, state_ms: now, status: newStatus, next_ms: applicationChangeTimes(application).find((time) => time > now) ?? null });
      this.maxUpdatedMs = updated;
      const response: ReviewDecisionResponse = {
        decision_id: decisionId,
        application_id: applicationId,
        decision: request.data.decision,
        application_status: newStatus,
        application_version: row.version + 1,
        credit_line_id: lineId,
        approved_limit_fen: approvedLimit,
        received_at: isoInstant(receivedAt),
      };
      return remember(200, response, true);
    });
  }

  /** Decisions received, first attempt order, with how often each was replayed. */
  receivedDecisions(): Array<{ idempotency_key: string; application_id: string; status_code: number; applied: boolean; replays: number; response: unknown }> {
    return this.store.decisions(this.index).map((row) => ({
      idempotency_key: row.idempotency_key,
      application_id: row.application_id,
      status_code: row.status_code,
      applied: row.applied === 1,
      replays: row.replays,
      response: JSON.parse(row.response) as unknown,
    }));
  }

  // ---- images -----------------------------------------------------------------------------

  /** What to draw for an image id, or a NOT_FOUND failure. */
  image(id: string): ImageRequest {
    const parsed = parseImageId(id);
    const notFound = new ApiFailure('NOT_FOUND', `No image ${id}`);
    if (parsed === null) throw notFound;
    const row = this.store.record(this.index, resourceCode('applications'), parsed.applicationId);
    if (row === undefined || row.updated_ms === null) throw notFound;
    const application = this.application(parsed.applicationId, new ModelCache(this.store, this.index));
    const person = this.persons.get(application.person);
    const personSeed = `${this.context.world.seed}:${person.platformUserId}`;
    const ready = (plan: ApplicationModel['items'][keyof ApplicationModel['items']]) => plan !== undefined && plan.sourceId === application.id && plan.readyAt <= this.clock.now;
    const ocrPlan = application.items.id_card_ocr;
    if (parsed.kind === 'idf' || parsed.kind === 'idb') {
      if (ocrPlan === undefined || !ready(ocrPlan)) throw notFound;
      const product = productOf(this.config, application.product);
      const ocr = itemResult(this.context, 'id_card_ocr', ocrPlan, person, product);
      if (parsed.kind === 'idb') {
        return { kind: 'idb', authority: ocr.back.issuing_authority, validFrom: ocr.back.valid_from, validTo: ocr.back.valid_to, warnings: ocr.quality_warnings };
      }
      return {
        kind: 'idf',
        name: ocr.front.name,
        sex: ocr.front.sex,
        ethnicity: ocr.front.ethnicity,
        birthDate: ocr.front.birth_date,
        address: ocr.front.address,
        idNumber: ocr.front.id_number,
        warnings: ocr.quality_warnings,
        personSeed,
      };
    }
    const facePlan = application.items.face_compare;
    const livenessPlan = application.items.liveness;
    if (parsed.kind === 'ref') {
      if (facePlan === undefined || !ready(facePlan)) throw notFound;
      return { kind: 'ref', personSeed, similarity: 1, sex: person.sex };
    }
    if (facePlan !== undefined && ready(facePlan)) {
      const product = productOf(this.config, application.product);
      const thresholds = vendorThresholds(product.faceVendor, product.faceModelVersion);
      return { kind: 'live', personSeed, similarity: faceSimilarity(thresholds, facePlan.traits.faceScore ?? thresholds.far4), sex: person.sex };
    }
    if (livenessPlan === undefined || !ready(livenessPlan)) throw notFound;
    return { kind: 'live', personSeed, similarity: 1, sex: person.sex };
  }

  // ---- ground truth -----------------------------------------------------------------------

  /** What the generator planted, counted over the records visible now (for tests and demos). */
  groundTruth(): Record<string, unknown> {
    const now = this.clock.now;
    const grace = this.config.graceDays;
    const count = (target: Record<string, number>, key: string, by = 1) => {
      target[key] = (target[key] ?? 0) + by;
    };
    const applications = {
      total: 0,
      by_status: {} as Record<string, number>,
      by_product: {} as Record<string, { total: number; abandoned: number; required_items: number }>,
      contact_flags: {} as Record<string, number>,
      face_bands: {} as Record<string, number>,
      ocr_mismatches: {} as Record<string, number>,
      ocr_warnings: {} as Record<string, number>,
      id_card_expired: 0,
      invalid_id_numbers: 0,
      liveness_failed: 0,
      reused_items: 0,
    };
    const truthCache = new ModelCache(this.store, this.index);
    for (const { id, model: stub } of this.store.modelsWithPrefix<ApplicationStub>(this.index, 'APP')) {
      if (stub.appliedAt > now) continue;
      const model = this.application(id, truthCache);
      applications.total += 1;
      const status = applicationStatusAt(model, now) ?? 'AUTHENTICATING';
      count(applications.by_status, status);
      const product = productOf(this.config, model.product);
      const entry = (applications.by_product[product.code] ??= { total: 0, abandoned: 0, required_items: product.requiredItems.length });
      entry.total += 1;
      if (status === 'ABANDONED') entry.abandoned += 1;
      const items = model.items;
      if (items.contacts !== undefined && items.contacts.readyAt <= now) for (const flag of model.truth.contactFlags) count(applications.contact_flags, flag);
      const face = items.face_compare;
      if (face !== undefined && face.readyAt <= now && face.traits.faceBand !== undefined) {
        count(applications.face_bands, `${model.truth.faceVendor} ${model.truth.faceModel} ${face.traits.faceBand}`);
      }
      const ocr = items.id_card_ocr;
      if (ocr !== undefined && ocr.readyAt <= now) {
        if (ocr.traits.ocrMismatch) count(applications.ocr_mismatches, ocr.traits.ocrMismatch);
        for (const warning of ocr.traits.ocrWarnings ?? []) count(applications.ocr_warnings, warning);
        if (model.truth.idCardExpired) applications.id_card_expired += 1;
      }
      if (items.liveness !== undefined && items.liveness.readyAt <= now && items.liveness.traits.livenessPassed === false) applications.liveness_failed += 1;
      if (model.truth.invalidIdNumber) applications.invalid_id_numbers += 1;
      applications.reused_items += Object.values(items).filter((item) => item.sourceId !== model.id).length;
    }
    const lines = { total: 0, by_mode: {} as Record<string, number>, by_status: {} as Record<string, number> };
    const orders = {
      total: 0,
      by_status: {} as Record<string, number>,
      by_method: {} as Record<string, number>,
      apr_over_24: 0,
      apr_over_36: 0,
      plan_mismatches: {} as Record<string, number>,
      overdue_buckets: {} as Record<string, number>,
    };
    const repayments = { total: 0, by_kind: {} as Record<string, number> };
    for (const { model } of this.store.modelsWithPrefix<OrderModel>(this.index, 'LO')) {
      if (model.appliedAt > now) continue;
      orders.total += 1;
      const state = replayOrder(model, now, grace);
      count(orders.by_status, state.status ?? 'AUDITING');
      count(orders.by_method, model.method);
      const aprBps = Math.round(Number(model.declaredAnnualRate) * 10_000);
      if (aprBps > 2400) orders.apr_over_24 += 1;
      if (aprBps > 3600) orders.apr_over_36 += 1;
      if (model.mismatch !== null && model.outcome === 'disbursed') count(orders.plan_mismatches, model.mismatch);
      const days = state.status === 'CLOSED' ? 0 : state.maxDaysPastDue;
      if (days > 0) count(orders.overdue_buckets, days <= 30 ? 'M1' : days <= 60 ? 'M2' : days <= 90 ? 'M3' : 'M3+');
      model.payments.forEach(([paidAt, kind]) => {
        if (paidAt <= now) {
          repayments.total += 1;
          count(repayments.by_kind, kind);
        }
      });
    }
    const lineCache = new ModelCache(this.store, this.index);
    for (const { model } of this.store.modelsWithPrefix<LineModel>(this.index, 'LN')) {
      if (model.grantedAt > now) continue;
      lines.total += 1;
      count(lines.by_mode, model.mode);
      const states = model.orderIds.map((id) => lineCache.get<OrderModel>(id)).map((order) => ({ model: order, state: replayOrder(order, now, grace) }));
      count(lines.by_status, renderLine(model, states, now).status);
    }
    return { institution: this.config.code, as_of: isoInstant(now), applications, credit_lines: lines, orders, repayments };
  }
}

// Positional builders with one object shape: the bulk load makes millions of these.
function recordRow(
  inst: number,
  resource: number,
  id: string,
  modelId: string,
  version: number,
  updatedMs: number | null,
  createdMs: number,
  stateMs: number,
  nextMs: number | null,
  status: string | null,
  amount1: number,
  amount2: number,
): RecordRow {
  return { inst, resource, id, model_id: modelId, version, updated_ms: updatedMs, created_ms: createdMs, state_ms: stateMs, next_ms: nextMs, status, amount1, amount2 };
}

/** A record planned for later: invisible (updated_ms null) until the clock reaches createdMs. */
function latentRow(inst: number, resource: number, id: string, modelId: string, createdMs: number): RecordRow {
  return recordRow(inst, resource, id, modelId, 1, null, createdMs, createdMs, createdMs, null, 0, 0);
}

function statsColumns(resource: number, body: Record<string, unknown>): Pick<RecordRow, 'status' | 'amount1' | 'amount2'> {
  const number = (key: string) => (typeof body[key] === 'number' ? (body[key] as number) : 0);
  const status = typeof body.status === 'string' ? body.status : null;
  switch (resourceByCode[resource]) {
    case 'applications':
      return { status, amount1: number('requested_amount_fen'), amount2: 0 };
    case 'credit-lines':
      return { status, amount1: number('limit_fen'), amount2: number('used_fen') };
    case 'orders':
      return { status, amount1: number('principal_fen'), amount2: 0 };
    case 'repayments':
      return { status: null, amount1: number('amount_fen'), amount2: 0 };
    default:
      return { status: null, amount1: 0, amount2: 0 };
  }
}

function pick<Key extends string>(counts: Record<string, number>, keys: readonly Key[]): Partial<Record<Key, number>> {
  const result: Partial<Record<Key, number>> = {};
  for (const key of keys) if (counts[key] !== undefined) result[key] = counts[key];
  return result;
}

function apiError(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
  return { code, message, request_id: null, ...(details === undefined ? {} : { details }) };
}

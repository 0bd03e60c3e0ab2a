/**
 * What the generator planted in one simulated institution, counted over the records visible now
 * (GET /admin/ground-truth, tests and demos). `SimInstitution.groundTruth()` delegates here.
 */
import { applicationStatusAt, type ApplicationStub, productOf } from './applications';
import { isoInstant } from './clock';
import type { SimInstitution } from './institution';
import { type LineModel, renderLine } from './lines';
import { replayOrder } from './order-replay';
import type { OrderModel } from './orders';
import { ModelCache } from './model-cache';

/** What the generator planted, counted over the records visible now (for tests and demos). */
export function groundTruth(inst: SimInstitution): Record<string, unknown> {
  const now = inst.clock.now;
  const grace = inst.config.graceDays;
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
  const truthCache = new ModelCache(inst.store, inst.index);
  for (const { id, model: stub } of inst.store.modelsWithPrefix<ApplicationStub>(inst.index, 'APP')) {
    if (stub.appliedAt > now) continue;
    const model = inst.application(id, truthCache);
    applications.total += 1;
    const status = applicationStatusAt(model, now) ?? 'AUTHENTICATING';
    count(applications.by_status, status);
    const product = productOf(inst.config, model.product);
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
  for (const { model } of inst.store.modelsWithPrefix<OrderModel>(inst.index, 'LO')) {
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
  const lineCache = new ModelCache(inst.store, inst.index);
  for (const { model } of inst.store.modelsWithPrefix<LineModel>(inst.index, 'LN')) {
    if (model.grantedAt > now) continue;
    lines.total += 1;
    count(lines.by_mode, model.mode);
    const states = model.orderIds.map((id) => lineCache.get<OrderModel>(id)).map((order) => ({ model: order, state: replayOrder(order, now, grace) }));
    count(lines.by_status, renderLine(model, states, now).status);
  }
  return { institution: inst.config.code, as_of: isoInstant(now), applications, credit_lines: lines, orders, repayments };
}

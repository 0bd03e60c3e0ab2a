/**
 * The simulated institution's review desk: POST /v1/applications/{id}/review-decisions applied to
 * an application in MANUAL_REVIEW (an approval grants a credit line with its planned drawdowns),
 * and the decisions received, for tests and the admin API. `SimInstitution.decide()` and
 * `receivedDecisions()` delegate here.
 */
import { createHash } from 'node:crypto';
import { type ReviewDecisionResponse, reviewDecisionRequestSchema } from '../../shared/institution-api';
import { ApiFailure, apiError } from './api-failure';
import { applicationChangeTimes, applicationStatusAt, type ApplicationStub, applyReview, productOf } from './applications';
import { isoInstant } from './clock';
import type { SimInstitution } from './institution';
import { planLine } from './lines';
import { ModelCache } from './model-cache';
import { resourceCode } from './store';

/**
 * POST /v1/applications/{id}/review-decisions. Final answers (2xx and 4xx) are stored under
 * the idempotency key and replayed for the same key and body.
 */
export function decideApplication(inst: SimInstitution, applicationId: string, idempotencyKey: string, rawBody: Buffer): { status: number; body: unknown; replayed: boolean } {
  const bodySha256 = createHash('sha256').update(rawBody).digest('hex');
  const existing = inst.store.decision(inst.index, idempotencyKey);
  if (existing !== undefined) {
    if (existing.body_sha256 !== bodySha256 || existing.application_id !== applicationId) {
      throw new ApiFailure('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    }
    inst.store.countReplay(inst.index, idempotencyKey);
    return { status: existing.status_code, body: JSON.parse(existing.response) as unknown, replayed: true };
  }
  const remember = (status: number, body: unknown, applied: boolean) => {
    inst.store.putDecision({
      inst: inst.index,
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
  const row = inst.store.record(inst.index, resourceCode('applications'), applicationId);
  if (row === undefined || row.updated_ms === null) throw new ApiFailure('NOT_FOUND', `No application ${applicationId}`);
  const now = inst.clock.now;
  return inst.store.transaction(() => {
    const cache = new ModelCache(inst.store, inst.index);
    const application = inst.application(applicationId, cache);
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
    const decisionId = `RD${createHash('sha256').update(`${inst.config.code}|${idempotencyKey}`).digest('hex').slice(0, 20).toUpperCase()}`;
    const receivedAt = now;
    let lineId: string | null = null;
    const approvedLimit = request.data.decision === 'approve' ? request.data.approved_limit_fen : null;
    if (approvedLimit !== null) {
      const person = inst.persons.get(application.person);
      const suffix = `${decisionId.slice(2, 10)}${String(person.index).padStart(7, '0')}${application.cycle}`;
      const { line, orders } = planLine({
        id: `LN${suffix}`,
        applicationId,
        person,
        product: productOf(inst.config, application.product),
        grantedAt: receivedAt,
        limitFen: approvedLimit,
        seed: inst.context.world.seed,
        institution: inst.config.code,
        graceDays: inst.config.graceDays,
        horizon: receivedAt + 365 * 86_400_000,
        orderIdPrefix: `LO${suffix}`,
      });
      lineId = line.id;
      const views = orders.map((order) => {
        inst.store.putModel(inst.index, order.id, order);
        return inst.writeOrderRows(order, now, inst.updateFloorMs);
      });
      inst.store.putModel(inst.index, line.id, line);
      const lineRow = inst.lineRow(line, views, now);
      const updated = inst.claimUpdateMs(now);
      inst.store.putRecord({ ...lineRow, version: 1, updated_ms: updated });
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
    inst.store.putModel(inst.index, applicationId, { ...stub, lineId, review: application.review } satisfies ApplicationStub);
    inst.forgetApplication(applicationId);
    const updated = inst.claimUpdateMs(now);
    const newStatus = applicationStatusAt(application, now) ?? 'MANUAL_REVIEW';
    inst.store.putRecord({ ...row, version: row.version + 1, updated_ms: updated, state_ms: now, status: newStatus, next_ms: applicationChangeTimes(application).find((time) => time > now) ?? null });
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
export function receivedDecisions(inst: SimInstitution): Array<{ idempotency_key: string; application_id: string; status_code: number; applied: boolean; replays: number; response: unknown }> {
  return inst.store.decisions(inst.index).map((row) => ({
    idempotency_key: row.idempotency_key,
    application_id: row.application_id,
    status_code: row.status_code,
    applied: row.applied === 1,
    replays: row.replays,
    response: JSON.parse(row.response) as unknown,
  }));
}

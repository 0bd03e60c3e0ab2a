import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorCode, getPage, pullAll, signedFetch } from '../../../test/fixtures/simulator/client';
import {
  apiErrorSchema,
  applicationRecordSchema,
  capabilitiesSchema,
  type ResourceName,
  resourceNames,
  resourceRecordSchemas,
  reviewDecisionResponseSchema,
  statsSchema,
} from '../../shared/institution-api';
import { demoInstitutions, type RunningSimulator, startSimulator } from './index';

const now = Date.UTC(2026, 10, 25, 2, 0, 0);
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ institutions: demoInstitutions('api-test'), seed: 'api-test', borrowers: 500, now });
});

afterAll(async () => {
  await simulator.close();
});

function institution(code: string) {
  const found = simulator.institutions.find((candidate) => candidate.code === code);
  if (found === undefined) throw new Error(`no ${code}`);
  return found;
}

function offered(code: string): ResourceName[] {
  return institution(code).capabilities.resources;
}

describe('signature checks over HTTP', () => {
  it('accepts a signed request and answers with the capabilities', async () => {
    const response = await signedFetch(institution('qinghe'), '/v1/capabilities');
    expect(response.status).toBe(200);
    const capabilities = capabilitiesSchema.parse(await response.json());
    expect(capabilities.institution.code).toBe('qinghe');
    expect(capabilities.repayment_plans).toBe(true);
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-secret' }, 'SIGNATURE_INVALID'],
    ['a timestamp 6 minutes old', { now: Date.now() - 6 * 60 * 1000 }, 'TIMESTAMP_OUT_OF_RANGE'],
    ['a timestamp 6 minutes ahead', { now: Date.now() + 6 * 60 * 1000 }, 'TIMESTAMP_OUT_OF_RANGE'],
  ])('refuses %s with 401 and a coded error body', async (_label, options, code) => {
    const response = await signedFetch(institution('qinghe'), '/v1/orders?limit=5', options);
    expect(response.status).toBe(401);
    expect(apiErrorSchema.parse(await response.json()).code).toBe(code);
  });

  it('refuses unsigned requests and another institution’s app id', async () => {
    const unsigned = await fetch(`${institution('qinghe').baseUrl}/v1/orders`);
    expect(unsigned.status).toBe(401);
    expect(await errorCode(unsigned)).toBe('SIGNATURE_MISSING');
    const other = institution('beichen');
    const crossed = await signedFetch({ ...institution('qinghe'), appId: other.appId, secret: other.secret }, '/v1/orders');
    expect(crossed.status).toBe(401);
    expect(await errorCode(crossed)).toBe('APP_ID_UNKNOWN');
  });

  it('refuses a replayed request (same nonce) with NONCE_REPLAYED', async () => {
    const options = { nonce: `replay-${Date.now()}-abcdefgh`, now: Date.now() };
    expect((await signedFetch(institution('qinghe'), '/v1/stats', options)).status).toBe(200);
    const replay = await signedFetch(institution('qinghe'), '/v1/stats', options);
    expect(replay.status).toBe(401);
    expect(await errorCode(replay)).toBe('NONCE_REPLAYED');
  });
});

describe('paging', () => {
  it('returns every record exactly once, in (updated_at, id) order, whatever the page size', async () => {
    for (const code of ['qinghe', 'yuanshan']) {
      const stats = statsSchema.parse(await (await signedFetch(institution(code), '/v1/stats')).json());
      for (const resource of offered(code)) {
        const small = await pullAll(institution(code), resource, { limit: 37 });
        const large = await pullAll(institution(code), resource, { limit: 1000 });
        const ids = small.records.map((record) => record.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(new Set(large.records.map((record) => record.id)));
        const expectedCount = {
          applications: stats.applications.count,
          'credit-lines': stats.credit_lines.count,
          orders: stats.orders.count,
          'repayment-plans': stats.repayment_plans?.count,
          repayments: stats.repayments.count,
        }[resource];
        expect(ids.length).toBe(expectedCount);
        for (let index = 1; index < small.records.length; index += 1) {
          const previous = small.records[index - 1]!;
          const current = small.records[index]!;
          const order = Date.parse(previous.updated_at) - Date.parse(current.updated_at) || (previous.id < current.id ? -1 : 1);
          expect(order).toBeLessThan(0);
        }
        expect(small.pages).toBe(Math.max(1, Math.ceil(ids.length / 37)));
      }
    }
  });

  it('serves only records that pass the shared schemas', async () => {
    for (const { code } of simulator.institutions) {
      for (const resource of offered(code)) {
        const { records } = await pullAll(institution(code), resource);
        expect(records.length).toBeGreaterThan(0);
        for (const record of records) {
          const parsed = resourceRecordSchemas[resource].safeParse(record);
          if (!parsed.success) throw new Error(`${code} ${resource} ${record.id}: ${parsed.error.message}`);
        }
      }
    }
  });

  it('reconciles: stats totals equal the sums over the pulled records', async () => {
    const endpoint = institution('beichen');
    const stats = statsSchema.parse(await (await signedFetch(endpoint, '/v1/stats')).json());
    const lines = (await pullAll(endpoint, 'credit-lines')).records;
    const orders = (await pullAll(endpoint, 'orders')).records;
    const repayments = (await pullAll(endpoint, 'repayments')).records;
    const sum = (records: Array<Record<string, unknown>>, field: string) => records.reduce((total, record) => total + (record[field] as number), 0);
    expect(stats.credit_lines.limit_fen).toBe(sum(lines, 'limit_fen'));
    expect(stats.credit_lines.used_fen).toBe(sum(lines, 'used_fen'));
    expect(stats.orders.principal_fen).toBe(sum(orders, 'principal_fen'));
    expect(stats.repayments.amount_fen).toBe(sum(repayments, 'amount_fen'));
    const overdue = orders.filter((order) => order.status === 'OVERDUE').length;
    expect(stats.orders.by_status.OVERDUE ?? 0).toBe(overdue);
  });

  it('refuses a cursor it did not issue and a limit out of range', async () => {
    const badCursor = await signedFetch(institution('qinghe'), '/v1/orders?cursor=bm90LWEtY3Vyc29y');
    expect(badCursor.status).toBe(400);
    expect(await errorCode(badCursor)).toBe('INVALID_CURSOR');
    const badLimit = await signedFetch(institution('qinghe'), '/v1/orders?limit=1001');
    expect(badLimit.status).toBe(400);
    expect(await errorCode(badLimit)).toBe('INVALID_LIMIT');
  });

  it('answers 404 RESOURCE_NOT_OFFERED for plans at an institution without plan sync', async () => {
    expect(institution('yuanshan').capabilities.repayment_plans).toBe(false);
    const response = await signedFetch(institution('yuanshan'), '/v1/repayment-plans');
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('RESOURCE_NOT_OFFERED');
  });

  it('serves one record by id and 404 for an unknown id', async () => {
    const page = await getPage(institution('qinghe'), 'orders', null, 1);
    const order = page.data[0]!;
    const response = await signedFetch(institution('qinghe'), `/v1/orders/${order.id}`);
    expect(await response.json()).toEqual(order);
    const missing = await signedFetch(institution('qinghe'), '/v1/orders/NO-SUCH-ORDER');
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe('NOT_FOUND');
  });
});

describe('time', () => {
  it('moves with ticks: changed records reappear after the stored cursor with a higher version', async () => {
    const endpoint = institution('qinghe');
    for (const resource of ['orders', 'credit-lines', 'repayment-plans', 'applications'] as const) {
      const before = await pullAll(endpoint, resource);
      const versions = new Map(before.records.map((record) => [record.id, record.version]));
      const lastUpdated = Math.max(...before.records.map((record) => Date.parse(record.updated_at)));
      simulator.admin.tick({ days: 20 });
      const incremental = await pullAll(endpoint, resource, { cursor: before.cursor });
      const after = await pullAll(endpoint, resource);
      const changed = after.records.filter((record) => versions.get(record.id) !== record.version);
      expect(changed.length).toBeGreaterThan(0);
      expect(new Set(incremental.records.map((record) => record.id))).toEqual(new Set(changed.map((record) => record.id)));
      for (const record of incremental.records) {
        const previous = versions.get(record.id);
        if (previous !== undefined) expect(record.version).toBeGreaterThan(previous);
        expect(Date.parse(record.updated_at)).toBeGreaterThan(lastUpdated);
      }
    }
  });

  it('brings payments, overdue loans and new records as the clock moves', async () => {
    const endpoint = institution('beichen');
    const statsBefore = statsSchema.parse(await (await signedFetch(endpoint, '/v1/stats')).json());
    const report = simulator.admin.tick({ days: 45 });
    expect(report.institutions.beichen?.created).toBeGreaterThan(0);
    const statsAfter = statsSchema.parse(await (await signedFetch(endpoint, '/v1/stats')).json());
    expect(statsAfter.repayments.count).toBeGreaterThan(statsBefore.repayments.count);
    expect(statsAfter.repayments.amount_fen).toBeGreaterThan(statsBefore.repayments.amount_fen);
    expect(Date.parse(statsAfter.as_of) - Date.parse(statsBefore.as_of)).toBe(45 * 86_400_000);
    expect(statsAfter.orders.count).toBeGreaterThanOrEqual(statsBefore.orders.count);
  });
});

describe('review decisions', () => {
  async function reviewable(code: string) {
    const { records } = await pullAll(institution(code), 'applications');
    const pending = records.filter((record) => record.status === 'MANUAL_REVIEW');
    expect(pending.length).toBeGreaterThan(1);
    return pending;
  }

  function decision(application: { version: number }, overrides: Record<string, unknown> = {}) {
    return JSON.stringify({
      decision: 'approve',
      approved_limit_fen: 500_000,
      reviewer_id: 'reviewer-7',
      reason_codes: [],
      comment: 'contacts verified by phone',
      decided_at: '2026-11-25T10:30:00.000+08:00',
      application_version: application.version,
      face_compare_basis: null,
      ...overrides,
    });
  }

  it('applies a decision once and answers the same key the same way', async () => {
    const endpoint = institution('qinghe');
    const [application] = await reviewable('qinghe');
    const body = decision(application!);
    const path = `/v1/applications/${application!.id}/review-decisions`;
    const key = `decision-${application!.id}`;
    const first = await signedFetch(endpoint, path, { method: 'POST', body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(200);
    const firstBody = reviewDecisionResponseSchema.parse(await first.json());
    expect(firstBody.application_status).toBe('APPROVED');
    expect(firstBody.application_version).toBe(application!.version + 1);
    expect(firstBody.credit_line_id).not.toBeNull();

    const second = await signedFetch(endpoint, path, { method: 'POST', body, headers: { 'Idempotency-Key': key } });
    expect(second.status).toBe(200);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await second.json()).toEqual(firstBody);

    const received = simulator.admin.decisions('qinghe').qinghe!.filter((entry) => entry.application_id === application!.id);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ idempotency_key: key, applied: true, replays: 1 });

    const updated = applicationRecordSchema.parse(await (await signedFetch(endpoint, `/v1/applications/${application!.id}`)).json());
    expect(updated).toMatchObject({ status: 'APPROVED', version: application!.version + 1, credit_line_id: firstBody.credit_line_id });
    expect(updated.review).toMatchObject({ decision: 'approve', reviewer_id: 'reviewer-7', approved_limit_fen: 500_000 });
    const line = await (await signedFetch(endpoint, `/v1/credit-lines/${firstBody.credit_line_id}`)).json();
    expect(line).toMatchObject({ application_id: application!.id, limit_fen: 500_000, status: 'active' });
  });

  it('refuses a reused key with another body, a second decision, a stale version and a missing key', async () => {
    const endpoint = institution('beichen');
    const [first, second] = await reviewable('beichen');
    const path = `/v1/applications/${first!.id}/review-decisions`;
    const key = `decision-${first!.id}`;
    const rejectBody = decision(first!, { decision: 'reject', reason_codes: ['CONTACT_RISK'], approved_limit_fen: undefined });
    expect((await signedFetch(endpoint, path, { method: 'POST', body: rejectBody, headers: { 'Idempotency-Key': key } })).status).toBe(200);

    const reused = await signedFetch(endpoint, path, { method: 'POST', body: decision(first!), headers: { 'Idempotency-Key': key } });
    expect(reused.status).toBe(409);
    expect(await errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');

    const again = await signedFetch(endpoint, path, { method: 'POST', body: decision(first!), headers: { 'Idempotency-Key': `${key}-again` } });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('APPLICATION_NOT_REVIEWABLE');

    const secondPath = `/v1/applications/${second!.id}/review-decisions`;
    const stale = await signedFetch(endpoint, secondPath, {
      method: 'POST',
      body: decision(second!, { application_version: second!.version - 1 }),
      headers: { 'Idempotency-Key': `stale-${second!.id}` },
    });
    expect(stale.status).toBe(409);
    expect(await errorCode(stale)).toBe('APPLICATION_VERSION_MISMATCH');

    const missingKey = await signedFetch(endpoint, secondPath, { method: 'POST', body: decision(second!) });
    expect(missingKey.status).toBe(400);
    expect(await errorCode(missingKey)).toBe('IDEMPOTENCY_KEY_MISSING');

    const invalid = await signedFetch(endpoint, secondPath, { method: 'POST', body: decision(second!, { decision: 'maybe' }), headers: { 'Idempotency-Key': `bad-${second!.id}` } });
    expect(invalid.status).toBe(400);
    expect(await errorCode(invalid)).toBe('VALIDATION_FAILED');
  });
});

describe('images and documents', () => {
  it('serves the ID card and face images an application references', async () => {
    const endpoint = institution('qinghe');
    const { records } = await pullAll(endpoint, 'applications');
    const application = records
      .map((record) => applicationRecordSchema.parse(record))
      .find((record) => record.authentication.face_compare.result !== null && record.authentication.id_card_ocr.result !== null);
    const face = application?.authentication.face_compare.result;
    const ocr = application?.authentication.id_card_ocr.result;
    if (face == null || ocr == null) throw new Error('no application with images');
    const ids = [ocr.front_image_id, ocr.back_image_id, face.reference_image_id, face.live_image_id];
    const types = [];
    for (const id of ids) {
      const response = await signedFetch(endpoint, `/v1/images/${id}`);
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const type = response.headers.get('content-type');
      types.push(type);
      if (type === 'image/png') expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      else expect(bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff');
    }
    expect(types).toEqual(['image/png', 'image/png', 'image/png', 'image/jpeg']);
    const missing = await signedFetch(endpoint, '/v1/images/IMG.idf.NOPE');
    expect(missing.status).toBe(404);
  }, 60_000);

  it('publishes an OpenAPI 3.1 document listing every institution', async () => {
    const raw: unknown = await (await fetch(simulator.openApiUrl)).json();
    const document = z.looseObject({ servers: z.array(z.object({ url: z.string() })), paths: z.record(z.string(), z.unknown()) }).parse(raw);
    const validator = new Validator();
    const result = await validator.validate(raw as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.servers.map((server) => server.url)).toEqual(simulator.institutions.map((entry) => entry.baseUrl));
    for (const resource of resourceNames) expect(Object.keys(document.paths)).toContain(`/v1/${resource}`);
  });

  it('answers admin requests without signing, and ground truth that matches the served data', async () => {
    const clock = z.object({ now_ms: z.number() }).loose().parse(await (await fetch(`${simulator.url}/admin/clock`)).json());
    expect(clock.now_ms).toBe(simulator.admin.now());
    const truthSchema = z.object({ yuanshan: z.object({ orders: z.object({ total: z.number(), by_status: z.record(z.string(), z.number()) }).loose() }).loose() });
    const truth = truthSchema.parse(await (await fetch(`${simulator.url}/admin/ground-truth?institution=yuanshan`)).json());
    const { records } = await pullAll(institution('yuanshan'), 'orders');
    expect(truth.yuanshan.orders.total).toBe(records.length);
    expect(truth.yuanshan.orders.by_status.OVERDUE ?? 0).toBe(records.filter((record) => record.status === 'OVERDUE').length);
    const notFound = await fetch(`${simulator.url}/admin/nothing`);
    expect(notFound.status).toBe(404);
  });
});

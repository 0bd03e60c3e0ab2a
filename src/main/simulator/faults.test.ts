import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getPage, pullAll, signedFetch } from '../../../test/fixtures/simulator/client';
import { apiErrorSchema, resourceRecordSchemas } from '../../shared/institution-api';
import { type FaultConfig, FaultInjector, faultKinds, noFaults, parseFaults } from './faults';
import { demoInstitutions, type RunningSimulator, startSimulator } from './index';
import { clockFaultKinds } from './clock-faults';
import { recordFaultKinds } from './record-faults';

const now = Date.UTC(2026, 10, 25, 2, 0, 0);
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ institutions: demoInstitutions('fault-test').slice(0, 1), seed: 'fault-test', borrowers: 400, now, faultSeed: 'fixed' });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(() => {
  simulator.admin.setFaults(noFaults);
  simulator.admin.clearInjectedFaults();
});

function endpoint() {
  const institution = simulator.institutions[0];
  if (institution === undefined) throw new Error('no institution');
  return institution;
}

function only(fault: Partial<FaultConfig>) {
  simulator.admin.setFaults({ ...noFaults, ...fault });
}

describe('parseFaults', () => {
  it('reads the CLI form, slow with its delay and the 429 Retry-After', () => {
    expect(parseFaults('rate429=0.05,rate5xx=0.1,slow=0.2:1500,reset=0.02,truncate=0.03,invalid=0.01,duplicate=0.02,outOfOrder=0.04,retryAfter=7')).toMatchObject({
      rate429: 0.05,
      rate5xx: 0.1,
      slow: 0.2,
      slowMs: 1500,
      reset: 0.02,
      truncate: 0.03,
      invalid: 0.01,
      duplicate: 0.02,
      outOfOrder: 0.04,
      pageAhead: 0,
      cursorRepeat: 0,
      cursorCycle: 0,
      retryAfterSeconds: 7,
    });
  });

  it('reads the record faults: trickle with its byte delay, a maintenance window in seconds or as a date', () => {
    expect(parseFaults('trickle=0.1:200,maintenance=20:date,duplicatePeriod=0.5,statsDrift=1,bigSum=1,capabilitiesDrift=1,badUtf8=0.2')).toMatchObject({
      trickle: 0.1,
      trickleMs: 200,
      maintenanceSeconds: 20,
      maintenanceDate: 1,
      duplicatePeriod: 0.5,
      statsDrift: 1,
      bigSum: 1,
      capabilitiesDrift: 1,
      badUtf8: 0.2,
    });
  });

  it('refuses unknown faults and rates outside 0-1', () => {
    expect(() => parseFaults('rate418=0.1')).toThrow(/Unknown fault "rate418"/);
    expect(() => parseFaults('reset=1.5')).toThrow(RangeError);
  });
});

describe('fault determinism', () => {
  it('draws the same faults for the same seed and request order, and others for another seed', () => {
    const config = parseFaults('rate429=0.2,rate5xx=0.2,reset=0.1,invalid=0.3');
    const draw = (seed: string) => {
      const injector = new FaultInjector(config, seed);
      return Array.from({ length: 200 }, () => {
        const plan = injector.plan();
        return `${plan.respond429}${plan.respond5xx}${plan.reset}${plan.invalid}`;
      });
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });
});

describe('each fault flag over HTTP', () => {
  it('rate429: answers 429 RATE_LIMITED with Retry-After, and reports it', async () => {
    only({ rate429: 1, retryAfterSeconds: 3 });
    const response = await signedFetch(endpoint(), '/v1/orders?limit=5');
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('3');
    expect(apiErrorSchema.parse(await response.json()).code).toBe('RATE_LIMITED');
    expect(simulator.admin.injectedFaults().counts.rate429).toBe(1);
  });

  it('rate5xx: answers 500 or 503 with a coded body', async () => {
    only({ rate5xx: 1 });
    const statuses = new Set<number>();
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const response = await signedFetch(endpoint(), '/v1/orders?limit=5');
      statuses.add(response.status);
      expect(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE']).toContain(apiErrorSchema.parse(await response.json()).code);
    }
    expect([...statuses].every((status) => status === 500 || status === 503)).toBe(true);
    expect(simulator.admin.injectedFaults().counts.rate5xx).toBe(8);
  });

  it('slow: holds the answer back for the configured delay, then answers normally', async () => {
    only({ slow: 1, slowMs: 400 });
    const started = performance.now();
    const response = await signedFetch(endpoint(), '/v1/orders?limit=5');
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(simulator.admin.injectedFaults().counts.slow).toBe(1);
  });

  it('reset: drops the connection without an answer', async () => {
    only({ reset: 1 });
    await expect(signedFetch(endpoint(), '/v1/orders?limit=5')).rejects.toThrow();
    expect(simulator.admin.injectedFaults().counts.reset).toBe(1);
  });

  it('truncate: sends half the body, then closes', async () => {
    only({ truncate: 1 });
    const response = await signedFetch(endpoint(), '/v1/orders?limit=50');
    await expect(response.text()).rejects.toThrow();
    expect(simulator.admin.injectedFaults().counts.truncate).toBe(1);
  });

  it('invalid: corrupts exactly the reported record, keeping its id', async () => {
    only({ invalid: 1 });
    const seen: Array<{ id: string; valid: boolean }> = [];
    let cursor: string | null = null;
    for (let page = 0; page < 4; page += 1) {
      const result = await getPage(endpoint(), 'orders', cursor, 25);
      for (const record of result.data) seen.push({ id: record.id, valid: resourceRecordSchemas.orders.safeParse(record).success });
      cursor = result.next_cursor;
    }
    const report = simulator.admin.injectedFaults();
    const reported = report.faults.filter((fault) => fault.kind === 'invalid').map((fault) => fault.record_id);
    expect(reported).toHaveLength(4);
    expect(seen.filter((entry) => !entry.valid).map((entry) => entry.id)).toEqual(reported);
  });

  it('duplicate: repeats records of the previous page; following next_cursor still covers everything once', async () => {
    const clean = await pullAll(endpoint(), 'repayments', { limit: 200 });
    only({ duplicate: 1 });
    const faulty = await pullAll(endpoint(), 'repayments', { limit: 200 });
    const ids = faulty.records.map((record) => record.id);
    expect(ids.length).toBeGreaterThan(clean.records.length);
    expect(new Set(ids)).toEqual(new Set(clean.records.map((record) => record.id)));
    const duplicates = simulator.admin.injectedFaults().faults.filter((fault) => fault.kind === 'duplicate');
    expect(duplicates).toHaveLength(faulty.pages);
    expect(ids.length - clean.records.length).toBe(duplicates.reduce((total, fault) => total + (fault.record_ids?.length ?? 0), 0));
  });

  it('outOfOrder: returns pages out of (updated_at, id) order with a record of the next page early', async () => {
    const clean = await pullAll(endpoint(), 'applications', { limit: 100 });
    only({ outOfOrder: 1 });
    const first = await getPage(endpoint(), 'applications', null, 100);
    const sorted = [...first.data].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || (a.id < b.id ? -1 : 1));
    expect(first.data.map((record) => record.id)).not.toEqual(sorted.map((record) => record.id));
    const early = simulator.admin.injectedFaults().faults[0]?.record_ids?.[0];
    expect(early).toBe(clean.records[100]?.id);
    expect(first.data.map((record) => record.id)).toContain(early);
    simulator.admin.clearInjectedFaults();
    const faulty = await pullAll(endpoint(), 'applications', { limit: 100 });
    expect(new Set(faulty.records.map((record) => record.id))).toEqual(new Set(clean.records.map((record) => record.id)));
  });

  it('reset on a decision: applied once, the retry with the same key gets the same answer', async () => {
    const { records } = await pullAll(endpoint(), 'applications');
    const application = records.find((record) => record.status === 'MANUAL_REVIEW');
    expect(application).toBeDefined();
    const body = JSON.stringify({
      decision: 'reject',
      reviewer_id: 'reviewer-2',
      reason_codes: ['FACE_MISMATCH'],
      decided_at: '2026-11-25T11:00:00.000+08:00',
      application_version: application!.version,
    });
    const request = { method: 'POST', body, headers: { 'Idempotency-Key': `lost-answer-${application!.id}` } };
    const path = `/v1/applications/${application!.id}/review-decisions`;
    only({ reset: 1 });
    await expect(signedFetch(endpoint(), path, request)).rejects.toThrow();
    only({});
    const retry = await signedFetch(endpoint(), path, request);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retry.json()).toMatchObject({ decision: 'reject', application_status: 'REJECTED' });
    const received = simulator.admin.decisions().qinghe!.filter((entry) => entry.application_id === application!.id);
    expect(received).toEqual([expect.objectContaining({ applied: true, replays: 1 })]);
  });

  it('reports every kind it knows, and clears the report on request', async () => {
    only({ rate429: 1 });
    await signedFetch(endpoint(), '/v1/stats');
    const reportSchema = z.object({ counts: z.record(z.string(), z.number()), faults: z.array(z.record(z.string(), z.unknown())) }).loose();
    const report = reportSchema.parse(await (await fetch(`${simulator.url}/admin/faults/injected`)).json());
    expect(Object.keys(report.counts).sort()).toEqual([...faultKinds, ...recordFaultKinds, ...clockFaultKinds].sort());
    expect(report.faults[0]).toMatchObject({ kind: 'rate429', institution: 'qinghe', method: 'GET' });
    const cleared = reportSchema.parse(await (await fetch(`${simulator.url}/admin/faults/injected`, { method: 'DELETE' })).json());
    expect(cleared.faults).toEqual([]);
    const set = await (await fetch(`${simulator.url}/admin/faults`, { method: 'PUT', body: JSON.stringify({ rate5xx: 0.25 }) })).json();
    expect(set).toMatchObject({ rate429: 1, rate5xx: 0.25 });
    const refused = await fetch(`${simulator.url}/admin/faults`, { method: 'PUT', body: JSON.stringify({ rate5xx: 3 }) });
    expect(refused.status).toBe(400);
  });
});

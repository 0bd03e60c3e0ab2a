/**
 * One bad record stops nothing else, against the simulator: a record the database would refuse
 * (a plan naming an installment period twice) is refused by the record checks, a record that
 * fails to store for a reason nobody foresaw is quarantined with it, and in both cases the rest of
 * the page and the cursor commit and later passes go on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { noFaults } from '../../src/main/simulator/faults';
import { findInstitutionById } from '../../src/main/repositories/institutions';
import { listQuarantine, listReconciliations, readCursor, resetCursors } from '../../src/main/repositories/sync';
import { resolveDomainSettings } from '../../src/shared/domain/settings';
import { describeToleranceNote, type ToleranceNote } from '../../src/shared/institution-api';
import { reassessApplication } from '../../src/main/sync/assess';
import { FactsCache } from '../../src/main/sync/derive';
import { ingestRecords } from '../../src/main/sync/ingest';
import { createTestBackend } from '../support/backend';
import { institutionId, remoteRecords, startSyncWorld, type RemoteRecord, type SyncWorld } from './sync-support';

let world: SyncWorld;
let qinghe: number;

beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 80, institutions: 1, seed: 'sync-records' });
  qinghe = institutionId(world, 'qinghe');
});
afterAll(() => world.close());
beforeEach(() => {
  world.sim.admin.setFaults(noFaults);
  world.sim.admin.clearInjectedFaults();
});

function count(table: string): number {
  return (world.backend.db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE institution_id = ?`).get(qinghe) as { n: number }).n;
}

function openQuarantine(resource: 'orders' | 'repayment-plans') {
  return listQuarantine(world.backend.db, { institutionId: qinghe, resource, status: 'open', limit: 1000, offset: 0 }).rows;
}

async function pass() {
  const [result] = await world.backend.services.sync.runOnce({ institutionIds: [qinghe] });
  if (!result) throw new Error('no pass');
  return result;
}

describe('a record the database would refuse', () => {
  it('a plan naming an installment period twice is quarantined with the reason; the other plans, the later resources and later passes go on', async () => {
    world.sim.admin.setFaults({ duplicatePeriod: 1 });
    const first = await pass();
    world.sim.admin.setFaults({ duplicatePeriod: 0 });
    const injected = world.sim.admin.injectedFaults().faults.filter((fault) => fault.kind === 'duplicatePeriod');
    expect(injected.length).toBeGreaterThan(0);
    expect(first.status).toBe('succeeded');
    // Quarantine retries fetch each plan again by id, whole: each is settled within the pass.
    const plans = await remoteRecords(world.sim, 'qinghe', 'repayment-plans');
    expect(count('repayment_plans')).toBe(plans.length);
    expect(count('orders')).toBe((await remoteRecords(world.sim, 'qinghe', 'orders')).length);
    const settled = listQuarantine(world.backend.db, { institutionId: qinghe, resource: 'repayment-plans', limit: 1000, offset: 0 }).rows;
    expect(settled.map((row) => row.externalId).sort()).toEqual([...new Set(injected.map((fault) => fault.record_id))].sort());
    expect(JSON.parse(settled[0]?.issues ?? '[]')).toEqual([expect.objectContaining({ code: 'duplicate_period', path: expect.stringMatching(/^installments\.\d+\.period$/) })]);
    expect(openQuarantine('repayment-plans')).toEqual([]);
    expect(first.reconciliation.every((entry) => entry.matched)).toBe(true);
  });

  it('every later pass over such pages succeeds too (each used to crash at the same page)', async () => {
    resetCursors(world.backend.db, qinghe);
    world.sim.admin.setFaults({ duplicatePeriod: 1 });
    const first = await pass();
    const second = await pass();
    world.sim.admin.setFaults({ duplicatePeriod: 0 });
    expect(first.status).toBe('succeeded');
    expect(second.status).toBe('succeeded');
    expect(readCursor(world.backend.db, qinghe, 'repayment-plans')?.cursor).not.toBeNull();
  });
});

describe('a record that fails to store for a reason nobody foresaw', () => {
  it('is quarantined with the database’s reason; the rest of its page and the cursor commit, and the resources after it sync', async () => {
    const db = world.backend.db;
    resetCursors(db, qinghe);
    db.$client.exec(`DELETE FROM credit_lines WHERE institution_id = ${qinghe}`);
    db.$client.exec(`DELETE FROM orders WHERE institution_id = ${qinghe}`);
    const orders = await remoteRecords(world.sim, 'qinghe', 'orders');
    const victim = orders[Math.floor(orders.length / 2)];
    if (!victim) throw new Error('no order');
    db.$client.exec(`CREATE TRIGGER test_refuse_order BEFORE INSERT ON orders WHEN NEW.external_id = '${victim.id}' BEGIN SELECT RAISE(ABORT, 'refused by a rule nobody foresaw'); END`);
    let result;
    try {
      result = await pass();
      expect(result.status).toBe('succeeded');
      expect(count('orders')).toBe(orders.length - 1);
      expect(count('credit_lines')).toBe((await remoteRecords(world.sim, 'qinghe', 'credit-lines')).length);
      const [entry] = openQuarantine('orders');
      expect(entry?.externalId).toBe(victim.id);
      expect(JSON.parse(entry?.issues ?? '[]')).toEqual([expect.objectContaining({ code: 'not_stored', message: expect.stringMatching(/refused by a rule nobody foresaw/) })]);
      expect(JSON.parse(entry?.rawPayload ?? '{}')).toMatchObject({ id: victim.id, version: victim.version });
    } finally {
      db.$client.exec('DROP TRIGGER test_refuse_order');
    }
    // Once the database takes it, the quarantine retry stores it and settles the entry.
    const healed = await pass();
    expect(healed.status).toBe('succeeded');
    expect(count('orders')).toBe(orders.length);
    expect(openQuarantine('orders')).toEqual([]);
  });
});

describe('additions v1 allows, and figures beyond exact range', () => {
  function details(resource: string): { notCompared?: string[]; ignored?: string[] } {
    const row = listReconciliations(world.backend.db, qinghe).find((entry) => entry.resource === resource);
    const stored = JSON.parse(row?.details ?? '{}') as { notCompared?: string[]; ignored?: ToleranceNote[] };
    return { ...stored, ignored: stored.ignored?.map(describeToleranceNote) };
  }
  /** What the Sync page shows an administrator for the institution. */
  function shown() {
    return world.backend.services.sync.overview().institutions.find((entry) => entry.institution.id === qinghe)?.ignored ?? [];
  }

  it('capabilities naming a resource and a product this client does not know: both left out with a note, the rest synced', async () => {
    world.sim.admin.setFaults({ capabilitiesDrift: 1 });
    const result = await pass();
    expect(world.sim.admin.injectedFaults().counts.capabilitiesDrift).toBeGreaterThan(0);
    expect(result.status).toBe('succeeded');
    expect(result.reconciliation.every((entry) => entry.matched)).toBe(true);
    const stored = JSON.parse(findInstitutionById(world.backend.db, qinghe)?.capabilities ?? '{}') as { resources: string[]; products: Array<{ code: string }>; ignored: ToleranceNote[] };
    expect(stored.resources).not.toContain('collections');
    expect(stored.products.map((product) => product.code)).not.toContain('NEW-INSTALMENT-CARD');
    expect(stored.products.length).toBeGreaterThan(0);
    expect(stored.ignored.map(describeToleranceNote)).toEqual([expect.stringMatching(/resource "collections"/), expect.stringMatching(/product "NEW-INSTALMENT-CARD"/)]);
    // Not only in the log: the Sync page's read model carries them for an administrator.
    expect(shown()).toEqual(
      expect.arrayContaining([
        { source: 'capabilities', kind: 'unknown_resource', subject: 'collections', detail: null },
        expect.objectContaining({ source: 'capabilities', kind: 'unreadable_product', subject: 'NEW-INSTALMENT-CARD' }),
      ]),
    );
  });

  it('stats with an unknown status and an unknown key: the status is counted, the key ignored, every resource reconciled', async () => {
    world.sim.admin.setFaults({ statsDrift: 1 });
    const result = await pass();
    expect(result.status).toBe('succeeded');
    expect(result.reconciliation.length).toBe(5);
    expect(result.reconciliation.every((entry) => entry.matched)).toBe(true);
    expect(details('orders').ignored).toEqual(expect.arrayContaining([expect.stringMatching(/orders\.by_status: status "WRITTEN_OFF"/), expect.stringMatching(/key "collections"/)]));
    expect(shown()).toEqual(
      expect.arrayContaining([
        { source: 'stats', kind: 'unknown_status', subject: 'orders', detail: 'WRITTEN_OFF' },
        { source: 'stats', kind: 'unknown_key', subject: 'collections', detail: null },
      ]),
    );
  });

  it('a sum beyond 2^53: the counts and other sums are reconciled, that sum reported as not compared', async () => {
    world.sim.admin.setFaults({ bigSum: 1 });
    const result = await pass();
    expect(result.status).toBe('succeeded');
    const repayments = result.reconciliation.find((entry) => entry.resource === 'repayments');
    expect(repayments).toMatchObject({ matched: true, amounts: [] });
    expect(repayments?.localTotal).toBe(repayments?.remoteTotal);
    expect(details('repayments')).toMatchObject({ notCompared: ['amountFen'], ignored: [expect.stringMatching(/repayments\.amount_fen .*beyond 2\^53/)] });
    expect(shown()).toContainEqual({ source: 'stats', kind: 'inexact_sum', subject: 'repayments.amount_fen', detail: expect.stringMatching(/^≈9\.00719\de\+15$/) });
    expect(result.reconciliation.find((entry) => entry.resource === 'orders')?.amounts.length).toBe(1);
  });
});

describe('people without a usable ID number', () => {
  it('are never merged into one borrower: each such application is quarantined with the reason, while a mistyped number of the right shape still links', async () => {
    // A back end of its own: the records made up here are not the institution's, and would stay
    // in the shared world as records the institution does not serve (reconciliation says so).
    const applications = (await remoteRecords(world.sim, 'qinghe', 'applications')).slice(0, 4);
    const backend = await createTestBackend({ clock: { now: () => world.sim.admin.now() } });
    const db = backend.db;
    const own = backend.services.institutions.create(null, { code: 'QINGHE', name: 'Qinghe', baseUrl: 'http://127.0.0.1:9/inst/qinghe', appId: 'x', secret: 'unused-secret-here' }).id;
    db.$client.prepare('UPDATE institutions SET capabilities = ? WHERE id = ?').run(JSON.stringify(world.sim.institutions[0]?.capabilities), own);
    try {
      const [first, second, third, fourth] = applications;
      if (!first || !second || !third || !fourth) throw new Error('four applications expected');
      const withIdNumber = (record: typeof first, idNumber: string, marker: string) => ({
        ...structuredClone(record),
        id: `${record.id}-${marker}`,
        borrower: { ...(record.borrower as Record<string, unknown>), id_number: idNumber },
      });
      const settings = resolveDomainSettings({});
      const context = { institutionId: own, settings, facts: new FactsCache(db, settings) };
      const before = (db.$client.prepare('SELECT count(*) AS n FROM borrowers').get() as { n: number }).n;
      const result = ingestRecords(db, context, 'applications', [withIdNumber(first, '', 'noid'), withIdNumber(second, '   ', 'noid'), withIdNumber(third, '000000000000000000', 'noid')], world.sim.admin.now());
      expect(result.quarantined).toBe(3);
      expect(result.invalid.map((entry) => entry.issues[0]?.code)).toEqual(['unusable_id_number', 'unusable_id_number', 'unusable_id_number']);
      expect((db.$client.prepare('SELECT count(*) AS n FROM borrowers').get() as { n: number }).n).toBe(before);
      expect(db.$client.prepare(`SELECT count(*) AS n FROM borrowers WHERE id_number IN ('', '000000000000000000')`).get()).toEqual({ n: 0 });
      // The right shape with a wrong check character: kept, and its own finding says the number is invalid.
      const mistyped = withIdNumber(fourth, '440308199901101513', 'typo');
      expect(ingestRecords(db, context, 'applications', [mistyped], world.sim.admin.now())).toMatchObject({ upserted: 1, quarantined: 0 });
    } finally {
      await backend.cleanup();
    }
  });
});

describe('invalid UTF-8 in a record', () => {
  it('is refused to quarantine with the reason, never stored with U+FFFD; the intact copy fetched by id settles it', async () => {
    resetCursors(world.backend.db, qinghe);
    world.sim.admin.setFaults({ badUtf8: 1 });
    const result = await pass();
    world.sim.admin.setFaults({ badUtf8: 0 });
    expect(result.status).toBe('succeeded');
    const injected = world.sim.admin.injectedFaults().faults.filter((fault) => fault.kind === 'badUtf8');
    expect(injected.length).toBeGreaterThan(0);
    const entries = listQuarantine(world.backend.db, { institutionId: qinghe, resource: 'applications', limit: 1000, offset: 0 }).rows.filter((row) => JSON.parse(row.issues)[0]?.code === 'invalid_utf8');
    expect(entries.map((row) => row.externalId).sort()).toEqual([...new Set(injected.map((fault) => fault.record_id))].sort());
    expect(JSON.parse(entries[0]?.issues ?? '[]')[0].message).toMatch(/not valid UTF-8 at byte \d+/);
    expect(world.backend.db.$client.prepare(`SELECT count(*) AS n FROM borrowers WHERE instr(name, char(65533)) > 0`).get()).toEqual({ n: 0 });
    expect(world.backend.db.$client.prepare(`SELECT count(*) AS n FROM applications WHERE instr(record, char(65533)) > 0`).get()).toEqual({ n: 0 });
    expect(entries.every((row) => row.status === 'resolved')).toBe(true);
  });
});

describe('derived findings do not depend on arrival order', () => {
  it('an application arriving after its own overdue order still gives the "contact is an overdue borrower" finding to the applications naming its phone, as a fresh assessment does', async () => {
    // Enough borrowers for the simulator to plant contacts who are overdue borrowers.
    const larger = await startSyncWorld({ borrowers: 400, institutions: 1, seed: 'arrival-order' });
    const applications = await remoteRecords(larger.sim, 'qinghe', 'applications');
    const orders = await remoteRecords(larger.sim, 'qinghe', 'orders');
    const capabilities = larger.sim.institutions[0]?.capabilities;
    const now = larger.sim.admin.now();
    await larger.close();
    const late = new Set(orders.filter((order) => order.status === 'OVERDUE').map((order) => order.application_id as string));
    expect(late.size).toBeGreaterThan(0);
    const settings = resolveDomainSettings({});

    async function findingsAfter(arrivals: Array<['applications' | 'orders', RemoteRecord[]]>) {
      const backend = await createTestBackend({ clock: { now: () => now } });
      try {
        const db = backend.db;
        const id = backend.services.institutions.create(null, { code: 'QINGHE', name: 'Qinghe', baseUrl: 'http://127.0.0.1:9/inst/qinghe', appId: 'x', secret: 'unused-secret-here' }).id;
        db.$client.prepare('UPDATE institutions SET capabilities = ? WHERE id = ?').run(JSON.stringify(capabilities), id);
        const context = { institutionId: id, settings, facts: new FactsCache(db, settings) };
        for (const [resource, records] of arrivals) ingestRecords(db, context, resource, records, now);
        const snapshot = () =>
          db.$client
            .prepare(`SELECT a.external_id AS application, f.code, f.subject FROM application_findings f JOIN applications a ON a.id = f.application_id WHERE f.code = 'contact_overdue_borrower' ORDER BY 1, 3`)
            .all();
        const atIngest = snapshot();
        for (const applicationId of db.$client.prepare('SELECT id FROM applications').pluck().all() as number[]) reassessApplication(db, applicationId, now, settings);
        return { atIngest, fresh: snapshot() };
      } finally {
        await backend.cleanup();
      }
    }

    const inOrder = await findingsAfter([
      ['applications', applications],
      ['orders', orders],
    ]);
    const applicationLast = await findingsAfter([
      ['applications', applications.filter((application) => !late.has(application.id))],
      ['orders', orders],
      ['applications', applications.filter((application) => late.has(application.id))],
    ]);
    const ordersFirst = await findingsAfter([
      ['orders', orders],
      ['applications', applications],
    ]);
    expect(inOrder.fresh.length).toBeGreaterThan(0);
    expect(ordersFirst.atIngest).toEqual(inOrder.atIngest);
    expect(inOrder.atIngest).toEqual(inOrder.fresh);
    expect(applicationLast.atIngest).toEqual(applicationLast.fresh);
    expect(applicationLast.atIngest).toEqual(inOrder.atIngest);
  });
});

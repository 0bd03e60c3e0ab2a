import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeResidentId } from '../../src/shared/domain/idcard';
import { resolveDomainSettings } from '../../src/shared/domain/settings';
import { lineHistory, lineIdByExternalId } from '../../src/main/repositories/credit-lines';
import { readCursor, resetCursors } from '../../src/main/repositories/sync';
import { reassessApplication } from '../../src/main/sync/assess';
import { FactsCache } from '../../src/main/sync/derive';
import { runPass } from '../../src/main/sync/engine';
import { ingestRecords, type IngestContext } from '../../src/main/sync/ingest';
import { institutionId, remoteRecords, startSyncWorld, syncUntilSucceeded, type RemoteRecord, type SyncWorld } from './sync-support';

let world: SyncWorld;
let qinghe: number;
let context: IngestContext;
const settings = resolveDomainSettings({});

beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 160, institutions: 1 });
  qinghe = institutionId(world, 'qinghe');
  context = { institutionId: qinghe, settings, facts: new FactsCache(world.backend.db, settings) };
});
afterAll(() => world.close());

function count(table: string, where = '1 = 1'): number {
  return (world.backend.db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
}

function later(record: RemoteRecord, versions: number, changes: Record<string, unknown> = {}): RemoteRecord {
  const updated = new Date(Date.parse(record.updated_at) + versions * 60_000).toISOString().replace('Z', '+00:00');
  return { ...structuredClone(record), ...changes, version: record.version + versions, updated_at: updated };
}

/** A later copy of `application` under its own id (`marker`), updated `minutes` after it, for a borrower of `idNumber` with `phone`. */
function borrowerApplication(application: RemoteRecord, marker: string, minutes: number, idNumber: string, phone: string): RemoteRecord {
  return {
    ...later(application, 1),
    id: `${application.id}-${marker}`,
    updated_at: new Date(Date.parse(application.updated_at) + minutes * 60_000).toISOString().replace('Z', '+00:00'),
    borrower: { ...(application.borrower as Record<string, unknown>), id_number: idNumber, phone },
  };
}

/** Copies of qinghe's first application for one borrower (`idNumber`), each under its own id (`marker`-suffix). */
async function applicationsOfOneBorrower(idNumber: string, marker: string): Promise<{ application: RemoteRecord; make: (suffix: string, minutes: number, phone: string) => RemoteRecord }> {
  const [application] = await remoteRecords(world.sim, 'qinghe', 'applications');
  if (!application) throw new Error('no application');
  return { application, make: (suffix, minutes, phone) => borrowerApplication(application, `${marker}-${suffix}`, minutes, idNumber, phone) };
}

/**
 * `test_disk_failure()` in SQL throws what a failing disk throws (SQLITE_IOERR): a failure of the
 * database, not of the record being written, so the page fails as a whole.
 */
function registerDiskFailure(): void {
  world.backend.db.$client.function('test_disk_failure', () => {
    throw Object.assign(new Error('disk on fire'), { code: 'SQLITE_IOERR_WRITE' });
  });
}

describe('cursor and rows commit together', () => {
  it('a page that fails part-way leaves neither its rows nor its cursor; retried, it lands once', async () => {
    const orders = (await remoteRecords(world.sim, 'qinghe', 'orders')).slice(0, 40);
    const victim = orders[25];
    const db = world.backend.db;
    registerDiskFailure();
    db.$client.exec(`CREATE TRIGGER test_fail_order BEFORE INSERT ON orders WHEN NEW.external_id = '${victim?.id}' BEGIN SELECT test_disk_failure(); END`);
    try {
      expect(() => ingestRecords(db, context, 'orders', orders, world.sim.admin.now(), { next: 'cursor-after-page' })).toThrow(/disk on fire/);
      expect(count('orders')).toBe(0);
      expect(readCursor(db, qinghe, 'orders')).toBeUndefined();
    } finally {
      db.$client.exec('DROP TRIGGER test_fail_order');
    }
    const retried = ingestRecords(db, context, 'orders', orders, world.sim.admin.now(), { next: 'cursor-after-page' });
    expect(retried.upserted).toBe(40);
    expect(count('orders')).toBe(40);
    expect(readCursor(db, qinghe, 'orders')?.cursor).toBe('cursor-after-page');
    const again = ingestRecords(db, context, 'orders', orders, world.sim.admin.now(), { next: 'cursor-after-page' });
    expect(again).toMatchObject({ upserted: 0, unchanged: 40 });
    expect(count('orders')).toBe(40);
  });

  /**
   * Syncs qinghe from the start with repayments laid out as asked, the repayment at `failAt` (in
   * page order) failing to insert; then again without the failure.
   */
  async function failThenResume(layout: { pageLimit: number; transactionRecords: number; failAt: number }) {
    const db = world.backend.db;
    // Earlier tests saved made-up cursors and rows; start this institution over (re-reads are idempotent).
    resetCursors(db, qinghe);
    db.$client.exec(`DELETE FROM repayments WHERE institution_id = ${qinghe}`);
    const repayments = await remoteRecords(world.sim, 'qinghe', 'repayments');
    const engine = { db, clients: world.backend.services.institutionClients, clock: world.backend.clock, settings: () => settings };
    const ordered = [...repayments].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || (a.id < b.id ? -1 : 1));
    registerDiskFailure();
    db.$client.exec(`CREATE TRIGGER test_fail_repayment BEFORE INSERT ON repayments WHEN NEW.external_id = '${ordered[layout.failAt]?.id}' BEGIN SELECT test_disk_failure(); END`);
    const options = { trigger: 'manual' as const, pageLimit: layout.pageLimit, transactionRecords: layout.transactionRecords };
    let first;
    try {
      first = await runPass(engine, qinghe, { ...options, signal: new AbortController().signal });
    } finally {
      db.$client.exec('DROP TRIGGER test_fail_repayment');
    }
    const committed = count('repayments', `institution_id = ${qinghe}`);
    const resumed = await runPass(engine, qinghe, { ...options, signal: new AbortController().signal });
    return { total: repayments.length, first, committed, resumed };
  }

  it('a pass that fails mid-resource keeps the committed pages and the next pass resumes from their cursor', async () => {
    // Pages of 60, one per transaction: a record of the fourth page fails.
    const { total, first, committed, resumed } = await failThenResume({ pageLimit: 60, transactionRecords: 60, failAt: 200 });
    expect(first.status).toBe('failed');
    expect(first.state).toBe('failed');
    expect(first.resources.repayments?.fetched).toBe(180);
    expect(committed).toBe(180);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resources.repayments?.fetched).toBe(total - 180);
    expect(count('repayments')).toBe(total);
    expect(resumed.reconciliation.every((entry) => entry.matched)).toBe(true);
  });

  it('pages gathered into one transaction commit together: a failure loses the whole group, never part of it, and the next pass resumes after the last committed group', async () => {
    // Pages of 40, three to a transaction (120 records): a record of the second group's third page fails.
    const { total, first, committed, resumed } = await failThenResume({ pageLimit: 40, transactionRecords: 120, failAt: 120 + 85 });
    expect(first.status).toBe('failed');
    expect(first.resources.repayments?.fetched).toBe(120);
    expect(first.resources.repayments?.pages).toBe(3);
    expect(committed).toBe(120);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resources.repayments?.fetched).toBe(total - 120);
    expect(count('repayments')).toBe(total);
    expect(resumed.reconciliation.every((entry) => entry.matched)).toBe(true);
  });
});

describe('stale versions', () => {
  it('keeps the newest version whatever order versions arrive in', async () => {
    const db = world.backend.db;
    const [order] = await remoteRecords(world.sim, 'qinghe', 'orders');
    if (!order) throw new Error('no order');
    const newer = later(order, 2, { status: 'CLOSED', closed_at: new Date(Date.parse(order.updated_at) + 120_000).toISOString() });
    const now = world.sim.admin.now();
    expect(ingestRecords(db, context, 'orders', [newer], now).upserted).toBe(1);
    expect(ingestRecords(db, context, 'orders', [order], now)).toMatchObject({ upserted: 0, unchanged: 1 });
    // Same version, earlier updated_at: still older.
    const sameVersionEarlier = { ...newer, updated_at: order.updated_at, status: 'REPAYING' };
    expect(ingestRecords(db, context, 'orders', [sameVersionEarlier], now)).toMatchObject({ upserted: 0, unchanged: 1 });
    // Same version, later updated_at (another node's clock ahead): the same version again, ignored as the standard says.
    const sameVersionLater = { ...newer, updated_at: new Date(Date.parse(newer.updated_at) + 3_600_000).toISOString(), status: 'OVERDUE' };
    expect(ingestRecords(db, context, 'orders', [sameVersionLater], now)).toMatchObject({ upserted: 0, unchanged: 1 });
    const stored = db.$client.prepare('SELECT version, status, remote_updated_at AS remoteUpdatedAt FROM orders WHERE institution_id = ? AND external_id = ?').get(qinghe, order.id);
    expect(stored).toEqual({ version: order.version + 2, status: 'CLOSED', remoteUpdatedAt: Date.parse(newer.updated_at) });
  });

  it('writes a line history entry with the changed fields for each new version only', async () => {
    const db = world.backend.db;
    const [line] = await remoteRecords(world.sim, 'qinghe', 'credit-lines');
    if (!line) throw new Error('no line');
    const now = world.sim.admin.now();
    ingestRecords(db, context, 'credit-lines', [line], now);
    ingestRecords(db, context, 'credit-lines', [line], now);
    const frozen = later(line, 1, { status: 'frozen', frozen_reason: 'risk_control', available_fen: 0 });
    ingestRecords(db, context, 'credit-lines', [frozen], now);
    const id = lineIdByExternalId(db, qinghe, line.id);
    const history = lineHistory(db, id ?? -1);
    expect(history.map((entry) => entry.version)).toEqual([line.version, line.version + 1]);
    expect(history[0]?.changes.limitFen).toEqual([null, line.limit_fen]);
    expect(history[1]?.changes).toMatchObject({ status: [line.status, 'frozen'], frozenReason: [line.frozen_reason, 'risk_control'] });
  });
});

describe('plans and the orders they name', () => {
  it('a plan re-derives its order when the order is stored, and an order stored after its plan reads the plan', async () => {
    const db = world.backend.db;
    const orders = await remoteRecords(world.sim, 'qinghe', 'orders');
    const [first, second] = (await remoteRecords(world.sim, 'qinghe', 'repayment-plans')).filter((plan) => orders.some((order) => order.id === plan.order_id));
    if (!first || !second) throw new Error('no plans with orders');
    // Copies under ids of their own, so nothing stored before this test names them.
    const copies = (plan: RemoteRecord, marker: string) => {
      const order = { ...structuredClone(orders.find((candidate) => candidate.id === plan.order_id)!), id: `${String(plan.order_id)}-${marker}` };
      return { order, plan: { ...structuredClone(plan), id: `${plan.id}-${marker}`, order_id: order.id } };
    };
    const before = copies(first, 'plan-after');
    const after = copies(second, 'plan-before');
    const planState = (orderId: string) => db.$client.prepare('SELECT plan_state FROM orders WHERE institution_id = ? AND external_id = ?').pluck().get(qinghe, orderId);
    const now = world.sim.admin.now();
    ingestRecords(db, context, 'orders', [before.order], now);
    expect(planState(before.order.id)).toBe('awaiting');
    // One page: a plan whose order is stored and one whose order is not.
    expect(ingestRecords(db, context, 'repayment-plans', [after.plan, before.plan], now).upserted).toBe(2);
    expect(planState(before.order.id)).toBe('booked');
    ingestRecords(db, context, 'orders', [after.order], now);
    expect(planState(after.order.id)).toBe('booked');
  });
});

describe("applications stored as the institution's text", () => {
  it('stores the bytes as sent as text, version after version, and serializes a record zod changed', async () => {
    const db = world.backend.db;
    const applications = await remoteRecords(world.sim, 'qinghe', 'applications');
    const last = applications.at(-1);
    if (!last) throw new Error('no application');
    // Newer than anything an earlier test or pass stored.
    const fresh = later(last, 10);
    const now = world.sim.admin.now();
    const stored = (id: string) =>
      db.$client.prepare("SELECT typeof(record) AS type, record, json_extract(record, '$.borrower.name') AS name FROM applications WHERE institution_id = ? AND external_id = ?").get(qinghe, id) as {
        type: string;
        record: string;
        name: string;
      };
    // Indented and with Chinese, so it can only be the bytes as sent, not a serialization.
    const sentFirst = JSON.stringify(fresh, null, 2);
    expect(ingestRecords(db, context, 'applications', [fresh], now, undefined, [Buffer.from(sentFirst, 'utf8')]).upserted).toBe(1);
    expect(stored(fresh.id)).toEqual({ type: 'text', record: sentFirst, name: (fresh.borrower as { name: string }).name });
    const newer = later(fresh, 1);
    const sentNewer = JSON.stringify(newer, null, 1);
    expect(ingestRecords(db, context, 'applications', [newer], now, undefined, [Buffer.from(sentNewer, 'utf8')]).upserted).toBe(1);
    expect(stored(fresh.id)).toMatchObject({ type: 'text', record: sentNewer });
    // An unknown key zod strips: what is stored is zod's output, as text.
    const extra = { ...later(fresh, 2), unknown_key: '多' };
    ingestRecords(db, context, 'applications', [extra], now, undefined, [Buffer.from(JSON.stringify(extra), 'utf8')]);
    const strippedRow = stored(fresh.id);
    expect(strippedRow.type).toBe('text');
    expect(JSON.parse(strippedRow.record)).not.toHaveProperty('unknown_key');
  });
});

describe('review tasks at ingest', () => {
  it('creates tasks for flagged applications once, and updates the open task when the application changes', async () => {
    const db = world.backend.db;
    const applications = await remoteRecords(world.sim, 'qinghe', 'applications');
    const now = world.sim.admin.now();
    ingestRecords(db, context, 'applications', applications, now);
    const tasks = () => db.$client.prepare('SELECT id, application_id AS applicationId, queue, status, finding_codes AS codes, evidence_hash AS hash FROM review_tasks ORDER BY id').all() as Array<{ id: number; applicationId: number; queue: string; status: string; codes: string; hash: string }>;
    const first = tasks();
    expect(first.length).toBeGreaterThan(0);
    expect(count('review_tasks', "status = 'open'")).toBe(first.length);
    const events = count('review_task_events');

    ingestRecords(db, context, 'applications', applications, now);
    expect(tasks()).toEqual(first);
    expect(count('review_task_events')).toBe(events);

    // A new version with different evidence: a contact's phone changed to the borrower's own.
    const flagged = applications.find((record) => {
      const auth = record.authentication as { contacts: { result: { emergency_contacts: unknown[] } | null } };
      return record.status === 'MANUAL_REVIEW' && (auth.contacts.result?.emergency_contacts.length ?? 0) > 0;
    });
    if (!flagged) throw new Error('no application in manual review with contacts');
    const changed = later(flagged, 1);
    const borrower = changed.borrower as { phone: string };
    const contacts = (changed.authentication as { contacts: { result: { emergency_contacts: Array<{ phone: string }> } } }).contacts.result.emergency_contacts;
    if (contacts[0]) contacts[0].phone = borrower.phone;
    ingestRecords(db, context, 'applications', [changed], now);
    const after = tasks();
    const appId = (db.$client.prepare('SELECT id FROM applications WHERE institution_id = ? AND external_id = ?').get(qinghe, flagged.id) as { id: number }).id;
    const contactTasks = after.filter((task) => task.applicationId === appId && task.queue === 'contacts');
    expect(contactTasks).toHaveLength(1);
    expect(contactTasks[0]?.codes.split(',')).toContain('contact_is_borrower');
    const before = first.find((task) => task.applicationId === appId && task.queue === 'contacts');
    if (before) {
      expect(contactTasks[0]?.id).toBe(before.id);
      expect(contactTasks[0]?.hash).not.toBe(before.hash);
    }
    // Tasks of other applications were not touched, and none was duplicated.
    expect(new Set(after.map((task) => `${task.applicationId}/${task.queue}`)).size).toBe(after.length);
  });
});

describe('lines and orders that arrive before their application', () => {
  let early: SyncWorld;
  beforeAll(async () => {
    early = await startSyncWorld({ borrowers: 40, institutions: 1 });
  });
  afterAll(() => early.close());

  it('take its borrower when it arrives, and later loans take it at once', async () => {
    const db = early.backend.db;
    const id = institutionId(early, 'qinghe');
    const pageContext: IngestContext = { institutionId: id, settings, facts: new FactsCache(db, settings) };
    const now = early.sim.admin.now();
    const [lines, orders, applications] = await Promise.all([
      remoteRecords(early.sim, 'qinghe', 'credit-lines'),
      remoteRecords(early.sim, 'qinghe', 'orders'),
      remoteRecords(early.sim, 'qinghe', 'applications'),
    ]);
    const unlinked = (table: string) =>
      (db.$client.prepare(`SELECT count(*) AS n FROM ${table} l JOIN applications a ON a.institution_id = l.institution_id AND a.external_id = l.application_external_id WHERE l.borrower_id IS NOT a.borrower_id`).get() as { n: number }).n;
    // Half the orders before any application, the other half after.
    const half = Math.floor(orders.length / 2);
    ingestRecords(db, pageContext, 'credit-lines', lines, now);
    ingestRecords(db, pageContext, 'orders', orders.slice(0, half), now);
    expect(lines.length).toBeGreaterThan(0);
    expect(half).toBeGreaterThan(0);
    expect((db.$client.prepare('SELECT count(*) AS n FROM orders WHERE borrower_id IS NULL').get() as { n: number }).n).toBe(half);
    ingestRecords(db, pageContext, 'applications', applications, now);
    ingestRecords(db, pageContext, 'orders', orders.slice(half), now);
    expect(unlinked('credit_lines')).toBe(0);
    expect(unlinked('orders')).toBe(0);
    expect((db.$client.prepare('SELECT count(*) AS n FROM orders WHERE borrower_id IS NOT NULL').get() as { n: number }).n).toBe(orders.length);
  });
});

describe('borrowers within one page', () => {
  it('two applications of one ID number in the same page make one borrower with the newer identity, in either order', async () => {
    const db = world.backend.db;
    const now = world.sim.admin.now();
    const idNumber = '11010519491231002X';
    const { application, make } = await applicationsOfOneBorrower(idNumber, 'PAGE');
    const older = make('A', 1, '13900000001');
    const newer = make('B', 2, '13900000002');
    const borrowerRow = () => db.$client.prepare('SELECT count(*) AS n, max(phone) AS phone FROM borrowers WHERE id_number = ?').get(idNumber);
    expect(ingestRecords(db, context, 'applications', [older, newer], now).upserted).toBe(2);
    expect(borrowerRow()).toEqual({ n: 1, phone: '13900000002' });
    // Newer first, then older, in one page: the newer identity still wins.
    const newest = { ...make('C', 4, '13900000004'), version: newer.version + 1 };
    const stale = { ...make('D', 3, '13900000003'), version: newer.version + 1 };
    expect(ingestRecords(db, context, 'applications', [newest, stale], now).upserted).toBe(2);
    expect(borrowerRow()).toEqual({ n: 1, phone: '13900000004' });
    const linked = db.$client.prepare('SELECT count(DISTINCT borrower_id) AS n FROM applications WHERE external_id LIKE ?').get(`${application.id}-PAGE-%`);
    expect(linked).toEqual({ n: 1 });
  });
});

describe('borrower identity across pages', () => {
  it('an older application never overwrites the identity a newer one confirmed, though confirming it wrote nothing', async () => {
    const db = world.backend.db;
    const now = world.sim.admin.now();
    const idNumber = '110105194912310049';
    const { make } = await applicationsOfOneBorrower(idNumber, 'IDENT');
    const row = () => db.$client.prepare('SELECT count(*) AS n, max(phone) AS phone, max(source_updated_at) AS at FROM borrowers WHERE id_number = ?').get(idNumber) as { n: number; phone: string; at: number };
    // Each in its own page (transaction), so nothing is remembered between them but the database.
    ingestRecords(db, context, 'applications', [make('A', 1, '13900000011')], now);
    const first = row();
    expect(first).toMatchObject({ n: 1, phone: '13900000011' });
    // A newer application with the same identity: nothing about the borrower changes.
    ingestRecords(db, context, 'applications', [make('B', 5, '13900000011')], now);
    expect(row()).toEqual(first);
    // Older than B, with another phone: B's identity stands.
    ingestRecords(db, context, 'applications', [make('C', 3, '13900000033')], now);
    expect(row()).toEqual(first);
    // Newer than every one of them: its identity is taken.
    ingestRecords(db, context, 'applications', [make('D', 6, '13900000066')], now);
    expect(row()).toMatchObject({ n: 1, phone: '13900000066', at: Date.parse(make('D', 6, '').updated_at) });
  });
});

describe('contact findings at ingest', () => {
  /** Applications of new borrowers (one ID number each) giving `phone` as their only emergency contact. */
  async function applicantsGiving(phone: string, tag: string, count: number, first: number): Promise<RemoteRecord[]> {
    const [template] = await remoteRecords(world.sim, 'qinghe', 'applications');
    if (!template) throw new Error('no application');
    return Array.from({ length: count }, (_, index) => {
      const record = later(template, 1, { id: `${template.id}-${tag}-${index}` });
      const idNumber = composeResidentId('110105', '1990-01-01', first + index);
      (record.borrower as Record<string, unknown>).id_number = idNumber;
      (record.borrower as Record<string, unknown>).phone = `1390${String(first + index).padStart(7, '0')}`;
      const contacts = ((record.authentication as Record<string, Record<string, Record<string, unknown>>>).contacts?.result ?? {}) as Record<string, unknown>;
      const [contact] = contacts.emergency_contacts as Array<Record<string, unknown>>;
      contacts.emergency_contacts = [{ ...contact, phone }];
      return record;
    });
  }

  function sharedFindings(phone: string): Array<{ application_id: number; actual: string; evidence: string }> {
    return world.backend.db.$client
      .prepare(`SELECT application_id, actual, evidence FROM application_findings WHERE code = 'contact_shared_phone' AND subject = ? ORDER BY application_id`)
      .all(phone) as Array<{ application_id: number; actual: string; evidence: string }>;
  }

  function expectFreshAssessment(phone: string) {
    const db = world.backend.db;
    const ids = db.$client.prepare('SELECT DISTINCT application_id FROM contact_phones WHERE phone = ?').pluck().all(phone) as number[];
    const findings = () => db.$client.prepare(`SELECT application_id, code, subject, actual, evidence FROM application_findings WHERE application_id IN (SELECT value FROM json_each(?)) ORDER BY id`).all(JSON.stringify(ids));
    const hashes = () => db.$client.prepare('SELECT id, evidence_hash FROM applications WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(JSON.stringify(ids));
    const before = { findings: findings(), hashes: hashes() };
    for (const id of ids) reassessApplication(db, id, world.sim.admin.now(), settings);
    // Same rows in the same order (ids included would differ after a reassessment's replace, so they are not compared).
    expect({ findings: findings().map((row) => ({ ...(row as object) })).sort(byApplicationAndCode), hashes: hashes() }).toEqual({
      findings: before.findings.map((row) => ({ ...(row as object) })).sort(byApplicationAndCode),
      hashes: before.hashes,
    });
  }
  /** threshold + `beyond` new applicants giving `phone`, ingested as one page. */
  async function storedApplicants(phone: string, tag: string, beyond: number, first: number) {
    const db = world.backend.db;
    const now = world.sim.admin.now();
    const threshold = settings.sharedContactMinApplicants;
    const stored = await applicantsGiving(phone, tag, threshold + beyond, first);
    ingestRecords(db, context, 'applications', stored, now);
    return { db, now, phone, threshold, stored };
  }
  const byApplicationAndCode = (a: object, b: object) => JSON.stringify(a).localeCompare(JSON.stringify(b));

  it('a shared phone whose count grows on later pages shows the new number on every earlier finding', async () => {
    const { db, now, phone, threshold, stored: firstPage } = await storedApplicants('13812340001', 'GROW-A', 2, 100);
    expect(sharedFindings(phone).map((row) => row.actual)).toEqual(firstPage.map(() => String(threshold + 1)));
    ingestRecords(db, context, 'applications', await applicantsGiving(phone, 'GROW-B', 2, 200), now);
    const grown = sharedFindings(phone);
    expect(grown).toHaveLength(threshold + 4);
    expect(new Set(grown.map((row) => row.actual))).toEqual(new Set([String(threshold + 3)]));
    expect(new Set(grown.map((row) => (JSON.parse(row.evidence) as { otherApplicants: number }).otherApplicants))).toEqual(new Set([threshold + 3]));
    expectFreshAssessment(phone);
  });

  it('a page that drops a shared phone and adds it again leaves no application with a count of the page\'s middle', async () => {
    // Exactly at the threshold: each of threshold + 1 applicants sees threshold others.
    const { db, now, phone, threshold, stored } = await storedApplicants('13812340002', 'DROP-A', 1, 300);
    expect(sharedFindings(phone)).toHaveLength(threshold + 1);
    const [leaver, stayer] = stored;
    if (!leaver || !stayer) throw new Error('too few applicants');
    // One page: the first applicant moves to another phone (the count falls below the threshold),
    // the second is re-sent unchanged but newer (assessed at the lower count), then a new applicant
    // gives the phone (the count is back where it started).
    const moved = later(leaver, 1);
    const movedContacts = (moved.authentication as Record<string, Record<string, Record<string, unknown>>>).contacts?.result as Record<string, unknown>;
    movedContacts.emergency_contacts = (movedContacts.emergency_contacts as Array<Record<string, unknown>>).map((contact) => ({ ...contact, phone: '13812340099' }));
    const [newcomer] = await applicantsGiving(phone, 'DROP-B', 1, 400);
    ingestRecords(db, context, 'applications', [moved, later(stayer, 1), newcomer], now);
    const findings = sharedFindings(phone);
    expect(findings).toHaveLength(threshold + 1);
    expect(new Set(findings.map((row) => row.actual))).toEqual(new Set([String(threshold)]));
    expectFreshAssessment(phone);
  });

  it('equal a fresh assessment of every application once the pass is over, shared-phone counts included', async () => {
    // Three institutions share borrowers, so contact phones are shared across pages and institutions.
    const shared = await startSyncWorld({ borrowers: 300, institutions: 3, seed: 'contact-facts' });
    try {
      const db = shared.backend.db;
      await syncUntilSucceeded(shared);
      const snapshot = () => ({
        findings: db.$client
          .prepare(`SELECT application_id, code, subject, actual, evidence FROM application_findings WHERE queue = 'contacts' ORDER BY application_id, code, subject, actual`)
          .all(),
        hashes: db.$client.prepare('SELECT id, evidence_hash FROM applications ORDER BY id').all(),
      });
      const atIngest = snapshot();
      const codes = new Set((atIngest.findings as Array<{ code: string }>).map((row) => row.code));
      expect(codes.has('contact_shared_phone')).toBe(true);
      const ids = db.$client.prepare('SELECT id FROM applications').pluck().all() as number[];
      const at = shared.sim.admin.now();
      for (const id of ids) reassessApplication(db, id, at, settings);
      expect(snapshot()).toEqual(atIngest);
    } finally {
      await shared.close();
    }
  });
});

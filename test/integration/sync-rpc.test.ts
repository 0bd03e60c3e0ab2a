import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/main/core/actor';
import { operatorContext } from '../support/backend';
import { startSyncWorld, syncUntilSucceeded, type SyncWorld } from './sync-support';

let world: SyncWorld;
let admin: CallContext;
let supervisor: CallContext;
let reviewer: CallContext;

beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 80, institutions: 2 });
  admin = await operatorContext(world.backend, 'sync-admin', 'admin');
  supervisor = await operatorContext(world.backend, 'sync-supervisor', 'supervisor');
  reviewer = await operatorContext(world.backend, 'sync-reviewer', 'reviewer');
  await syncUntilSucceeded(world);
});
afterAll(() => world.close());

function call(channel: string, input: unknown, context: CallContext) {
  return world.backend.router.call(channel, input, context);
}

describe('sync and institution channels', () => {
  it('shows each institution’s reconciliation and last run on the overview', async () => {
    const result = await call('sync:overview', {}, supervisor);
    if (!result.ok) throw new Error(result.error.message);
    const overview = result.data as { institutions: Array<{ institution: { code: string; state: string }; lastRun: { status: string } | null; reconciliation: Array<{ matched: boolean }> }> };
    expect(overview.institutions).toHaveLength(2);
    for (const entry of overview.institutions) {
      expect(entry.lastRun?.status).toBe('succeeded');
      expect(entry.reconciliation.length).toBeGreaterThanOrEqual(4);
      expect(entry.reconciliation.every((row) => row.matched)).toBe(true);
    }
  });

  it('let supervisors watch sync but only administrators change it; reviewers see neither', async () => {
    expect((await call('sync:overview', {}, reviewer)).ok).toBe(false);
    expect(await call('sync:overview', {}, reviewer)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await call('sync:overview', {}, supervisor)).ok).toBe(true);
    expect((await call('sync:reconciliation', {}, supervisor)).ok).toBe(true);
    expect(await call('sync:now', {}, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('institutions:create', { code: 'NEW1', name: 'n', baseUrl: 'http://127.0.0.1:1', appId: 'a', secret: 'secret-123' }, supervisor)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((await call('sync:now', {}, admin)).ok).toBe(true);
  });

  it('refuses bad configuration before it reaches the service, and duplicate codes', async () => {
    expect(await call('institutions:create', { code: 'a', name: 'x', baseUrl: 'ftp://x', appId: 'a', secret: 'short' }, admin)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const existing = world.sim.institutions[0]?.code.toLowerCase() ?? '';
    expect(await call('institutions:create', { code: existing, name: 'dup', baseUrl: 'http://127.0.0.1:1', appId: 'a', secret: 'secret-123' }, admin)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('tells which connection check failed', async () => {
    const [info] = world.sim.institutions;
    if (!info) throw new Error('institution expected');
    const unreachable = await call('institutions:test-connection', { baseUrl: 'http://127.0.0.1:9/inst/x', appId: 'a', secret: 'secret-123' }, admin);
    expect(unreachable).toMatchObject({ ok: true, data: { ok: false, reachability: { ok: false, checked: true }, signature: { checked: false }, capabilities: { checked: false } } });
    const refused = await call('institutions:test-connection', { baseUrl: info.baseUrl, appId: info.appId, secret: 'not-the-secret-123' }, admin);
    expect(refused).toMatchObject({ ok: true, data: { ok: false, reachability: { ok: true }, signature: { ok: false, checked: true }, capabilities: { checked: false } } });
    const fine = await call('institutions:test-connection', { baseUrl: info.baseUrl, appId: info.appId, secret: info.secret }, admin);
    expect(fine).toMatchObject({ ok: true, data: { ok: true, institution: { code: info.code } } });
  });

  it('changes business settings with validation and recomputes derived data', async () => {
    expect(await call('settings:set-domain', { settings: { aprWarningBps: 5000, aprNonCompliantBps: 4000 } }, admin)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const flags = () => world.backend.db.$client.prepare("SELECT count(*) AS n FROM orders WHERE apr_flag = 'non_compliant'").get() as { n: number };
    const before = flags().n;
    const changed = await call('settings:set-domain', { settings: { aprWarningBps: 100, aprNonCompliantBps: 200 } }, admin);
    expect(changed).toMatchObject({ ok: true, data: { aprNonCompliantBps: 200, graceDays: 0 } });
    await world.backend.services.sync.settled();
    expect(flags().n).toBeGreaterThan(before);
    expect((await call('settings:get-domain', {}, reviewer)).ok).toBe(true);
    expect(await call('settings:set-domain', { settings: { graceDays: 1 } }, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('hot sync queries use an index', () => {
  const plans = [
    ['SELECT count(DISTINCT borrower_id) FROM contact_phones WHERE phone = ? AND borrower_id != ?', 'contact_phones_phone_idx'],
    ["SELECT 1 FROM orders WHERE borrower_id = ? AND (bucket != 'M0' OR status = 'OVERDUE')", 'orders_borrower_idx'],
    ['SELECT id FROM orders WHERE institution_id = ? AND credit_line_external_id = ?', 'orders_line_idx'],
    ['SELECT id FROM credit_lines WHERE institution_id = ? AND application_external_id = ?', 'credit_lines_application_idx'],
    ['SELECT id FROM orders WHERE institution_id = ? AND application_external_id = ?', 'orders_application_idx'],
    ['SELECT allocation FROM repayments WHERE institution_id = ? AND order_external_id = ?', 'repayments_order_idx'],
    ['SELECT i.period FROM repayment_plans p JOIN installments i ON i.plan_id = p.id WHERE p.institution_id = ? AND p.order_external_id = ?', 'repayment_plans_order_idx'],
    ["SELECT id FROM quarantine WHERE institution_id = ? AND status = 'open' AND resource = ?", 'INDEX quarantine_'],
    ['SELECT id FROM applications WHERE institution_id = ? AND external_id IN (SELECT value FROM json_each(?))', 'applications_external_unique'],
  ] as const;
  for (const [query, index] of plans) {
    it(`${query.slice(0, 70)}… uses ${index}`, () => {
      const parameters = query.split('?').length - 1;
      const rows = world.backend.db.$client.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...Array.from({ length: parameters }, () => '1')) as Array<{ detail: string }>;
      expect(rows.map((row) => row.detail).join(' | ')).toContain(index);
    });
  }
});

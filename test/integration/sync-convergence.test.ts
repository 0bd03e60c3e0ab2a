import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQuarantine, listReconciliations } from '../../src/main/repositories/sync';
import { differences, everyFault, institutionId, startSyncWorld, syncUntilSucceeded, type SyncWorld } from './sync-support';

describe('a full sync against the simulator with every fault flag on', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await startSyncWorld({ borrowers: 260, faults: everyFault });
    await syncUntilSucceeded(world);
  });
  afterAll(() => world.close());

  it('met every kind of fault on the way', () => {
    const counts = world.sim.admin.injectedFaults().counts;
    for (const kind of ['rate429', 'rate5xx', 'slow', 'reset', 'truncate', 'invalid', 'duplicate', 'outOfOrder'] as const) {
      expect(counts[kind], kind).toBeGreaterThan(0);
    }
  });

  it('ends with exactly the simulator’s records: every id once, at its current version', async () => {
    expect(await differences(world)).toEqual([]);
  });

  it('reconciles every resource of every institution with /v1/stats', () => {
    const rows = listReconciliations(world.backend.db);
    expect(rows.length).toBeGreaterThanOrEqual(14);
    expect(rows.filter((row) => !row.matched)).toEqual([]);
  });

  it('keeps every injected invalid record in quarantine, and nowhere else', () => {
    const faults = world.sim.admin.injectedFaults().faults;
    // A corrupted record on a page whose body was then cut short never reached us: nothing to keep.
    const truncated = new Set(faults.filter((fault) => fault.kind === 'truncate').map((fault) => fault.sequence));
    const injected = faults.filter((fault) => fault.kind === 'invalid' && !truncated.has(fault.sequence));
    expect(injected.length).toBeGreaterThan(0);
    for (const fault of injected) {
      const id = institutionId(world, fault.institution);
      const entries = listQuarantine(world.backend.db, { institutionId: id, limit: 1000, offset: 0 }).rows.filter(
        (row) => row.resource === fault.resource && row.externalId === fault.record_id,
      );
      expect(entries.length, `${fault.institution} ${fault.resource} ${fault.record_id}`).toBeGreaterThan(0);
      // The stored copy is never the corrupted one: it validates, and carries a real version.
      const table = { applications: 'applications', 'credit-lines': 'credit_lines', orders: 'orders', 'repayment-plans': 'repayment_plans', repayments: 'repayments' }[fault.resource ?? 'orders'];
      const stored = world.backend.db.$client.prepare(`SELECT version FROM ${table} WHERE institution_id = ? AND external_id = ?`).get(id, fault.record_id) as { version: unknown } | undefined;
      expect(typeof stored?.version).toBe('number');
    }
  });

  it('a second pass changes nothing', async () => {
    const before = await differences(world);
    const results = await world.backend.services.sync.runOnce({ trigger: 'manual' });
    for (const result of results) {
      for (const stats of Object.values(result.resources)) expect(stats?.upserted ?? 0).toBe(0);
    }
    expect(await differences(world)).toEqual(before);
  });
});

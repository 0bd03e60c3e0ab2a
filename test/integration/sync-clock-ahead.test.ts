/**
 * An institution with one server node whose clock runs ahead (simulator fault clockAhead): after
 * the desk has read changes that node stamped ahead, later changes stamped by the other node land
 * behind the desk's cursor, and no incremental pull reads them. The trailing window (window.ts)
 * reads them on the next pass, so it ends with exactly the institution's records; a loss the
 * window cannot reach (records missing far behind it) is healed by reconciliation's re-read,
 * bounded as heal.ts says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNames } from '../../src/shared/institution-api';
import { noFaults } from '../../src/main/simulator/faults';
import { resolveDomainSettings } from '../../src/shared/domain/settings';
import { runPass, type PassResult } from '../../src/main/sync/engine';
import { differences, institutionId, localVersions, remoteRecords, startSyncWorld, type SyncWorld } from './sync-support';

const skewMs = 3 * 86_400_000;
let world: SyncWorld;

async function pass(trigger: 'manual' | 'cli' = 'manual'): Promise<PassResult> {
  const [result] = await world.backend.services.sync.runOnce({ trigger });
  if (!result) throw new Error('no pass ran');
  return result;
}

describe('one server node whose clock is ahead', () => {
  let third: PassResult;
  let behind: Array<{ resource?: string; record_id?: string; version?: number }>;

  beforeAll(async () => {
    world = await startSyncWorld({ borrowers: 300, institutions: 1, seed: 's4' });
    expect((await pass()).status).toBe('succeeded');
    world.sim.admin.setFaults({ ...noFaults, clockAhead: 0.5, clockAheadMs: skewMs });
    // Day 1: half the changes are stamped three days ahead; the desk reads them, its cursors move there.
    world.sim.admin.tick({ days: 1 });
    expect((await pass()).status).toBe('succeeded');
    world.sim.admin.clearInjectedFaults();
    // Day 2: the changes of the node whose clock is right are stamped before those cursors.
    world.sim.admin.tick({ days: 1 });
    behind = world.sim.admin.injectedFaults().faults.filter((fault) => fault.kind === 'clockAhead');
    third = await pass();
  }, 180_000);
  afterAll(() => world.close());

  it('stamps changes behind what was served (the fault bites)', () => {
    expect(behind.length).toBeGreaterThan(5);
    expect(new Set(behind.map((fault) => fault.resource)).size).toBeGreaterThanOrEqual(2);
  });

  it('reads the changes stamped behind the cursor in the trailing window and ends with exactly the institution’s records', async () => {
    expect(third.problems).toEqual([]);
    expect(third.status).toBe('succeeded');
    // The incremental pull did not read them (its cursor was past their stamps): the window wrote them, in more than one resource.
    const windowWrote = resourceNames.filter((resource) => (third.resources[resource]?.window?.upserted ?? 0) > 0);
    expect(windowWrote.length).toBeGreaterThanOrEqual(2);
    // So the figures agreed without a full re-read.
    expect(resourceNames.filter((resource) => third.resources[resource]?.reread !== undefined)).toEqual([]);
    expect(third.reconciliation.every((entry) => entry.outcome === 'matched')).toBe(true);
    expect(await differences(world)).toEqual([]);
  });

  it('a loss behind the window: re-read, then every resource; a scheduled pass soon after re-reads only what disagrees, "Sync now" everything again', async () => {
    const id = institutionId(world, 'qinghe');
    const engine = { db: world.backend.db, clients: world.backend.services.institutionClients, clock: world.backend.clock, settings: () => resolveDomainSettings({}) };
    const loseRepayments = () => world.backend.db.$client.prepare(`DELETE FROM repayments WHERE institution_id = ? AND id IN (SELECT id FROM repayments WHERE institution_id = ? ORDER BY id LIMIT 20)`).run(id, id);
    loseRepayments();
    // Figures cannot show every stale record (a plan whose installment was paid moves no count,
    // sum or status): once a re-read found records the pulls missed, every resource is re-read.
    const first = await runPass(engine, id, { trigger: 'schedule', signal: new AbortController().signal, pageLimit: 60 });
    expect(first.status).toBe('succeeded');
    expect(first.resources.repayments?.reread?.upserted).toBe(20);
    expect(resourceNames.filter((resource) => first.resources[resource]?.reread === undefined)).toEqual([]);
    loseRepayments();
    const scheduled = await runPass(engine, id, { trigger: 'schedule', signal: new AbortController().signal, pageLimit: 60 });
    expect(scheduled.status).toBe('succeeded');
    expect(scheduled.resources.repayments?.reread?.upserted).toBe(20);
    expect(resourceNames.filter((resource) => scheduled.resources[resource]?.reread !== undefined)).toEqual(['repayments']);
    loseRepayments();
    const asked = await pass('manual');
    expect(asked.resources.repayments?.reread?.upserted).toBe(20);
    expect(resourceNames.filter((resource) => asked.resources[resource]?.reread === undefined)).toEqual([]);
    expect(await differences(world)).toEqual([]);
  });

  it('holds every change stamped behind the cursor at its version', async () => {
    const id = institutionId(world, 'qinghe');
    for (const fault of behind) {
      const resource = fault.resource as (typeof resourceNames)[number];
      const remote = (await remoteRecords(world.sim, 'qinghe', resource)).find((record) => record.id === fault.record_id);
      const local = localVersions(world.backend.db, id, resource).get(fault.record_id ?? '');
      expect(local?.version, `${resource} ${fault.record_id}`).toBe(remote?.version);
    }
  });
});

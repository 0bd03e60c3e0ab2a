/**
 * Changes stamped behind the cursor that no figure of /v1/stats shows. One server node's clock is
 * three days ahead (simulator fault clockAhead); once the desk has read a change it stamped, later
 * changes stamped by the other node land behind the desk's cursor. For seed 'e2' the sixth day's
 * such changes are plans only (a penalty accruing on an overdue plan, an installment paid): plans
 * have a count and a latest updated_at in /v1/stats and nothing else, so every figure agrees, no
 * re-read starts, and without the trailing window the desk keeps those plans (and the delinquency
 * derived from them) at their old versions for good. The trailing window (sync/window.ts) reads
 * them on the next pass, at the cost of the records changed since the previous pass began.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNames } from '../../src/shared/institution-api';
import { noFaults } from '../../src/main/simulator/faults';
import { resolveDomainSettings } from '../../src/shared/domain/settings';
import { runPass, type PassResult } from '../../src/main/sync/engine';
import { windowMarginMs } from '../../src/main/sync/window';
import { differences, institutionId, localVersions, remoteRecords, startSyncWorld, type SyncWorld } from './sync-support';

const dayMs = 86_400_000;
let world: SyncWorld;
let last: PassResult;
let lastStartedAt: number;
let previousStartedAt: number;
let behind: Array<{ resource?: string; record_id?: string; version?: number }>;

async function pass(): Promise<PassResult> {
  const engine = { db: world.backend.db, clients: world.backend.services.institutionClients, clock: world.backend.clock, settings: () => resolveDomainSettings({}) };
  return runPass(engine, institutionId(world, 'qinghe'), { trigger: 'schedule', signal: new AbortController().signal, pageLimit: 60 });
}

describe('changes stamped behind the cursor that move no figure', () => {
  beforeAll(async () => {
    world = await startSyncWorld({ borrowers: 150, institutions: 1, seed: 'e2' });
    expect((await pass()).status).toBe('succeeded');
    world.sim.admin.setFaults({ ...noFaults, clockAhead: 0.05, clockAheadMs: 3 * dayMs });
    lastStartedAt = world.sim.admin.now();
    for (let day = 1; day <= 6; day++) {
      world.sim.admin.clearInjectedFaults();
      world.sim.admin.tick({ days: 1 });
      previousStartedAt = lastStartedAt;
      lastStartedAt = world.sim.admin.now();
      last = await pass();
      expect(last.status, `day ${day}`).toBe('succeeded');
    }
    behind = world.sim.admin.injectedFaults().faults.filter((fault) => fault.kind === 'clockAhead');
  }, 240_000);
  afterAll(() => world.close());

  it('meets changes behind the cursor that every figure misses (no full re-read starts)', () => {
    expect(behind.filter((fault) => fault.resource === 'repayment-plans').length).toBeGreaterThanOrEqual(5);
    expect(resourceNames.filter((resource) => last.resources[resource]?.reread !== undefined)).toEqual([]);
    expect(last.reconciliation.every((entry) => entry.outcome === 'matched')).toBe(true);
  });

  it('holds every record at the institution’s version: the trailing window read the plans again', async () => {
    expect(await differences(world)).toEqual([]);
    expect(last.resources['repayment-plans']?.window?.upserted ?? 0).toBeGreaterThan(0);
    const id = institutionId(world, 'qinghe');
    for (const fault of behind) {
      const resource = fault.resource as (typeof resourceNames)[number];
      const remote = (await remoteRecords(world.sim, 'qinghe', resource)).find((record) => record.id === fault.record_id);
      expect(localVersions(world.backend.db, id, resource).get(fault.record_id ?? '')?.version, `${resource} ${fault.record_id}`).toBe(remote?.version);
    }
  });

  it('costs the records stamped since the previous pass began (less the margin), within one page', async () => {
    for (const resource of resourceNames) {
      const since = (await remoteRecords(world.sim, 'qinghe', resource)).filter((record) => Date.parse(record.updated_at) > previousStartedAt - windowMarginMs).length;
      const read = last.resources[resource]?.window?.fetched ?? 0;
      expect(read, resource).toBeGreaterThanOrEqual(since);
      expect(read, resource).toBeLessThanOrEqual(since + 60);
    }
  });
});

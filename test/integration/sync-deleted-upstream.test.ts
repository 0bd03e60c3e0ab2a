/**
 * An institution that deletes records the desk already holds (simulator admin purge, breaking
 * "records are never deleted"): the desk then holds more than /v1/stats counts. That is never
 * taken as agreement and never "fixed" by deleting local data: the pass is incomplete, the
 * problem carries its numbers, and every record held stays. Nor is the resource re-read: a
 * re-read writes only what the institution serves, so it cannot remove a surplus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInstitutionById } from '../../src/main/repositories/institutions';
import type { PassResult } from '../../src/main/sync/engine';
import { institutionId, localVersions, remoteRecords, startSyncWorld, type SyncWorld } from './sync-support';

let world: SyncWorld;
let id: number;
let held: number;
let purged: string[];
let result: PassResult;

async function pass(): Promise<PassResult> {
  const [outcome] = await world.backend.services.sync.runOnce({ trigger: 'manual' });
  if (!outcome) throw new Error('no pass ran');
  return outcome;
}

describe('records deleted upstream', () => {
  beforeAll(async () => {
    world = await startSyncWorld({ borrowers: 200, institutions: 1, seed: 'deleted-upstream' });
    id = institutionId(world, 'qinghe');
    expect((await pass()).status).toBe('succeeded');
    held = localVersions(world.backend.db, id, 'repayments').size;
    purged = world.sim.admin.purge('qinghe', 'repayments', 3);
    result = await pass();
  }, 120_000);
  afterAll(() => world.close());

  it('makes the pass incomplete with the numbers: how many at the institution, here, and how many more here', async () => {
    expect(purged).toHaveLength(3);
    expect((await remoteRecords(world.sim, 'qinghe', 'repayments')).length).toBe(held - 3);
    expect(result.status).toBe('incomplete');
    expect(result.state).toBe('incomplete');
    expect(findInstitutionById(world.backend.db, id)?.state).toBe('incomplete');
    expect(result.problems).toEqual([
      expect.objectContaining({ resource: 'repayments', kind: 'unreconciled', remoteTotal: held - 3, localTotal: held, quarantinedOnly: 0, unexplained: -3 }),
    ]);
    expect(result.error).toMatch(/repayments: totals disagree with \/v1\/stats \(\d+ at the institution, \d+ here, 3 more here than served/);
    expect(result.reconciliation.find((entry) => entry.resource === 'repayments')).toMatchObject({ outcome: 'unexplained', matched: false, unexplained: -3 });
  });

  it('does not re-read the resource, on this pass or the next: a re-read cannot remove a surplus', async () => {
    expect(result.resources.repayments?.reread).toBeUndefined();
    expect(result.reconciliation.find((entry) => entry.resource === 'repayments')?.reread).toBeNull();
    expect(result.error).toMatch(/3 more here than served.*\), not re-read \(a re-read cannot remove records deleted upstream\)/);
    const again = await pass();
    expect(again.resources.repayments?.reread).toBeUndefined();
    expect(again.problems).toEqual([expect.objectContaining({ resource: 'repayments', unexplained: -3, rereads: 0, nextRereadAt: null })]);
  });

  it('deletes nothing here: the records the institution no longer serves are kept', () => {
    const local = localVersions(world.backend.db, id, 'repayments');
    expect(local.size).toBe(held);
    for (const externalId of purged) expect(local.has(externalId), externalId).toBe(true);
  });

  it('shows it on the Sync page’s read model until it is resolved, and the next pass says it again', async () => {
    const overview = world.backend.services.sync.overview();
    const status = overview.institutions.find((entry) => entry.institution.id === id);
    expect(status?.lastRun?.problems).toEqual([expect.objectContaining({ resource: 'repayments', unexplained: -3 })]);
    expect(status?.reconciliation.find((entry) => entry.resource === 'repayments')).toMatchObject({ outcome: 'unexplained', unexplained: -3 });
    const again = await pass();
    expect(again.status).toBe('incomplete');
    expect(again.problems).toEqual([expect.objectContaining({ resource: 'repayments', unexplained: -3 })]);
    expect(localVersions(world.backend.db, id, 'repayments').size).toBe(held);
  });
});

/**
 * A back end that answers people writes a sync group in short transactions and lets the event
 * loop run between them (src/main/sync/sliced-ingest.ts), without giving up the group's crash
 * safety: a failure between slices leaves the cursor where it was, and the next pass lands every
 * record once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveDomainSettings } from '../../src/shared/domain/settings';
import type * as connectionModule from '../../src/main/db/connection';
import { readCursor, resetCursors } from '../../src/main/repositories/sync';
import { runPass } from '../../src/main/sync/engine';
import { institutionId, remoteRecords, startSyncWorld, type SyncWorld } from './sync-support';

/** Every write transaction of the process timed, while `on` (all of the sync's writes go through writeTransaction). */
const longestTransaction = vi.hoisted(() => ({ ms: 0, on: false }));
vi.mock('../../src/main/db/connection', async (original) => {
  const actual = await original<typeof connectionModule>();
  return {
    ...actual,
    writeTransaction: <T>(db: Parameters<typeof actual.writeTransaction>[0], work: (tx: typeof db) => T): T => {
      const began = performance.now();
      try {
        return actual.writeTransaction(db, work);
      } finally {
        if (longestTransaction.on) longestTransaction.ms = Math.max(longestTransaction.ms, performance.now() - began);
      }
    },
  };
});

let world: SyncWorld;
let qinghe: number;
const settings = resolveDomainSettings({});

beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 700, institutions: 1, seed: 'sliced-ingest' });
  qinghe = institutionId(world, 'qinghe');
});
afterAll(() => world.close());

function count(table: string, where = '1 = 1'): number {
  return (world.backend.db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
}

function startOver(): void {
  const db = world.backend.db.$client;
  resetCursors(world.backend.db, qinghe);
  db.exec('DELETE FROM review_task_events; DELETE FROM review_task_codes; DELETE FROM review_tasks');
  db.exec(`DELETE FROM applications WHERE institution_id = ${qinghe}`);
}

/** Every resource in one group (the largest transaction a pass could make), written in slices of 10 ms. */
function pass(signal = new AbortController().signal) {
  const engine = { db: world.backend.db, clients: world.backend.services.institutionClients, clock: world.backend.clock, settings: () => settings, ingestSliceMs: 10 };
  return runPass(engine, qinghe, { trigger: 'manual', pageLimit: 100, transactionRecords: 100_000, signal });
}

describe('a sync group written in slices', () => {
  it('never holds the thread for the whole group: no write transaction of the pass is long', { timeout: 120_000 }, async () => {
    startOver();
    longestTransaction.ms = 0;
    longestTransaction.on = true;
    const began = performance.now();
    let result;
    try {
      result = await pass();
    } finally {
      longestTransaction.on = false;
    }
    const took = performance.now() - began;
    expect(result.status).toBe('succeeded');
    expect(count('applications', `institution_id = ${qinghe}`)).toBe((await remoteRecords(world.sim, 'qinghe', 'applications')).length);
    // Written as one transaction the group takes several hundred milliseconds here; a slice aims at
    // 10 ms, and the margin is for a machine whose cores other work shares.
    expect(longestTransaction.ms, `longest transaction ${longestTransaction.ms.toFixed(0)} ms in a ${took.toFixed(0)} ms pass`).toBeLessThan(250);
  });

  it('a failure between slices keeps the cursor; the next pass writes every record once', { timeout: 120_000 }, async () => {
    startOver();
    const applications = await remoteRecords(world.sim, 'qinghe', 'applications');
    const db = world.backend.db;
    db.$client.function('test_disk_failure', () => {
      throw Object.assign(new Error('disk on fire'), { code: 'SQLITE_IOERR_WRITE' });
    });
    // The 300th application fails to insert: several slices before it have committed.
    db.$client.exec(`CREATE TRIGGER test_fail_application BEFORE INSERT ON applications WHEN (SELECT count(*) FROM applications WHERE institution_id = ${qinghe}) >= 300 BEGIN SELECT test_disk_failure(); END`);
    let first;
    try {
      first = await pass();
    } finally {
      db.$client.exec('DROP TRIGGER test_fail_application');
    }
    expect(first.status).toBe('failed');
    const written = count('applications', `institution_id = ${qinghe}`);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(300);
    expect(readCursor(db, qinghe, 'applications')?.cursor ?? null).toBeNull();

    const resumed = await pass();
    expect(resumed.status).toBe('succeeded');
    expect(count('applications', `institution_id = ${qinghe}`)).toBe(applications.length);
    expect(resumed.resources.applications?.upserted).toBe(applications.length - written);
    expect(resumed.resources.applications?.unchanged).toBe(written);
    // One task per application and queue, however often its records were written.
    expect(count('(SELECT application_id, queue FROM review_tasks GROUP BY application_id, queue HAVING count(*) > 1)')).toBe(0);
    expect(readCursor(db, qinghe, 'applications')?.fetched).toBe(applications.length);
    expect(resumed.reconciliation.every((entry) => entry.matched)).toBe(true);
  });
});

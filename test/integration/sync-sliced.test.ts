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
import { createPacer, interactivePacing } from '../../src/main/core/pacer';
import { institutionId, remoteRecords, startSyncWorld, type SyncWorld } from './sync-support';

/**
 * Every write transaction of the process while `on`, with the rows it changed (SQLite's
 * total_changes before and after) and the event-loop turn it ran in (all of the sync's writes go
 * through writeTransaction).
 */
const transactions = vi.hoisted(() => ({ on: false, turn: 0, list: [] as Array<{ changes: number; turn: number }> }));
vi.mock('../../src/main/db/connection', async (original) => {
  const actual = await original<typeof connectionModule>();
  const totalChanges = (db: Parameters<typeof actual.writeTransaction>[0]) => (db.$client.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  return {
    ...actual,
    writeTransaction: <T>(db: Parameters<typeof actual.writeTransaction>[0], work: (tx: typeof db) => T): T => {
      if (!transactions.on) return actual.writeTransaction(db, work);
      const before = totalChanges(db);
      try {
        return actual.writeTransaction(db, work);
      } finally {
        transactions.list.push({ changes: totalChanges(db) - before, turn: transactions.turn });
      }
    },
  };
});

/** Counts event-loop turns (a setImmediate chain) while the pass runs. */
function countTurns(): () => void {
  let running = true;
  const next = () => {
    if (!running) return;
    transactions.turn += 1;
    setImmediate(next);
  };
  setImmediate(next);
  return () => {
    running = false;
  };
}

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

/** Every resource in one group (the largest transaction a pass could make), written in slices as the desktop and `serve` write them, nobody calling. */
function pass(signal = new AbortController().signal) {
  const pacer = createPacer({ load: () => ({ inFlight: 0, started: 0 }), ...interactivePacing });
  const engine = { db: world.backend.db, clients: world.backend.services.institutionClients, clock: world.backend.clock, settings: () => settings, pacer };
  return runPass(engine, qinghe, { trigger: 'manual', pageLimit: 100, transactionRecords: 100_000, signal });
}

describe('a sync group written in slices', () => {
  it('never holds the thread for the whole group: its records go in many small transactions, the event loop run between them', { timeout: 120_000 }, async () => {
    startOver();
    transactions.list = [];
    transactions.on = true;
    const stopCounting = countTurns();
    let result;
    try {
      result = await pass();
    } finally {
      transactions.on = false;
      stopCounting();
    }
    expect(result.status).toBe('succeeded');
    expect(count('applications', `institution_id = ${qinghe}`)).toBe((await remoteRecords(world.sim, 'qinghe', 'applications')).length);
    // Structure, not time (how long a slice takes is in docs/performance.md, "Team server"): a
    // slice starts at 5 records and at most doubles, so every resource of the group goes in
    // several transactions whatever the machine's speed, none of them most of the pass.
    const writing = transactions.list.filter((transaction) => transaction.changes > 0);
    const changed = writing.reduce((sum, transaction) => sum + transaction.changes, 0);
    const largest = Math.max(...writing.map((transaction) => transaction.changes));
    expect(writing.length).toBeGreaterThanOrEqual(20);
    expect(largest, `largest transaction ${largest} of ${changed} rows changed`).toBeLessThan(changed / 3);
    // The thread was let go between slices: the writes ran in many different event-loop turns.
    expect(new Set(writing.map((transaction) => transaction.turn)).size).toBeGreaterThanOrEqual(writing.length / 2);
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

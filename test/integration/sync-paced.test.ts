/**
 * A sync pass on a back end that people are calling over HTTP (src/main/core/pacer.ts): the pass
 * finishes, a call waits for at most the slice under way, and people get most of the thread while
 * the pass runs: the same pass written back to back (share 1, as before pacing) lets far fewer
 * calls through. Counted in slices and calls, not in milliseconds: the machine's speed moves
 * both runs alike.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type * as connectionModule from '../../src/main/db/connection';
import { startHttpServer, type RunningHttpServer } from '../../src/main/server/http-server';
import type { BackendOptions } from '../../src/main/runtime/backend';
import { testAdminPassword } from '../support/backend';
import { institutionId, remoteRecords, startSyncWorld, type SyncWorld } from './sync-support';

/**
 * The sync's write transactions that changed rows while `on` (every slice goes through
 * writeTransaction).
 */
const slices = vi.hoisted(() => ({ on: false, count: 0 }));
vi.mock('../../src/main/db/connection', async (original) => {
  const actual = await original<typeof connectionModule>();
  const totalChanges = (db: Parameters<typeof actual.writeTransaction>[0]) => (db.$client.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  return {
    ...actual,
    writeTransaction: <T>(db: Parameters<typeof actual.writeTransaction>[0], work: (tx: typeof db) => T): T => {
      if (!slices.on) return actual.writeTransaction(db, work);
      const before = totalChanges(db);
      try {
        return actual.writeTransaction(db, work);
      } finally {
        if (totalChanges(db) > before) slices.count += 1;
      }
    },
  };
});

const worlds: Array<{ world: SyncWorld; server: RunningHttpServer }> = [];
afterAll(async () => {
  for (const { world, server } of worlds) {
    await server.close();
    await world.close();
  }
});

/** A person at the desk over HTTP: signed in, asking again as soon as the answer comes. */
async function signedIn(server: RunningHttpServer): Promise<(channel: string, input: unknown) => Promise<void>> {
  const response = await fetch(`${server.url}/api/rpc/auth:sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: testAdminPassword }) });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const csrf = ((await response.json()) as { data: { csrfToken: string } }).data.csrfToken;
  return async (channel, input) => {
    const answer = await fetch(`${server.url}/api/rpc/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify(input) });
    const body = (await answer.json()) as { ok: boolean };
    if (!body.ok) throw new Error(`${channel} failed: ${JSON.stringify(body)}`);
  };
}

const callers = 4;

/**
 * The first pass of one institution on a fresh back end while `callers` people call without a
 * pause: the calls answered while it ran, and per call the slices that committed between its
 * request and its answer.
 */
async function passWhilePeopleCall(syncPacing: BackendOptions['syncPacing']) {
  const world = await startSyncWorld({ borrowers: 700, institutions: 1, seed: 'paced-sync', backend: { syncPacing } });
  const server = await startHttpServer({ backend: world.backend, host: '127.0.0.1', port: 0 });
  worlds.push({ world, server });
  const qinghe = institutionId(world, 'qinghe');
  const people = await Promise.all(Array.from({ length: callers }, () => signedIn(server)));
  const seen: number[] = [];
  let syncing = true;
  slices.count = 0;
  slices.on = true;
  const calling = people.map(async (call) => {
    while (syncing) {
      const before = slices.count;
      await call('auth:session', {});
      if (syncing) seen.push(slices.count - before);
    }
  });
  let results;
  try {
    results = await world.backend.services.sync.runOnce({ institutionIds: [qinghe], trigger: 'manual' });
  } finally {
    syncing = false;
    slices.on = false;
    await Promise.all(calling);
  }
  expect(results.map((result) => result.status)).toEqual(['succeeded']);
  const applications = (world.backend.db.$client.prepare('SELECT count(*) AS n FROM applications WHERE institution_id = ?').get(qinghe) as { n: number }).n;
  expect(applications).toBe((await remoteRecords(world.sim, 'qinghe', 'applications')).length);
  const sorted = [...seen].sort((a, b) => a - b);
  return { calls: seen.length, slices: slices.count, ninth: sorted[Math.floor(sorted.length * 0.9)] ?? Number.NaN, most: sorted.at(-1) ?? Number.NaN };
}

describe('a sync pass while people call', () => {
  it('finishes, each call waits for at most the slice under way, and people get the thread while it runs', { timeout: 240_000 }, async () => {
    const paced = await passWhilePeopleCall(undefined);
    const backToBack = await passWhilePeopleCall({ share: 1 });
    const summary = `paced: ${JSON.stringify(paced)}; back to back: ${JSON.stringify(backToBack)}`;
    // The pass was written in many slices, and people kept being answered all through it.
    expect(paced.slices, summary).toBeGreaterThanOrEqual(20);
    // A call that arrives waits for the slice under way, then the sync rests while calls are
    // answered: not one slice for every turn of the event loop a call needs (request, reading,
    // answer).
    expect(paced.ninth, summary).toBeLessThanOrEqual(1);
    // The same pass, the same people: paced, they got most of the thread while it ran (share 0.2:
    // four times the sync's time, against about as much back to back).
    expect(paced.calls, summary).toBeGreaterThanOrEqual(2 * backToBack.calls);
  });
});

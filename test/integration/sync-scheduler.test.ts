import { afterEach, describe, expect, it } from 'vitest';
import type { PushedEvent } from '../../src/shared/rpc/events';
import { permissionsOf } from '../../src/shared/rpc/permissions';
import { findInstitutionById } from '../../src/main/repositories/institutions';
import { listCursors, listRuns } from '../../src/main/repositories/sync';
import { resolveDomainSettings } from '../../src/shared/domain/settings';
import { SyncScheduler } from '../../src/main/sync/scheduler';
import { institutionId, startSyncWorld, type SyncWorld } from './sync-support';
import { until } from '../support/until';

let world: SyncWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('the sync scheduler', () => {
  it('never runs more than N institutions at once, and runs each requested one', async () => {
    world = await startSyncWorld({ borrowers: 90 });
    const { backend } = world;
    let running = 0;
    let most = 0;
    const scheduler = new SyncScheduler(
      { db: backend.db, clock: backend.clock, clients: backend.services.institutionClients, settings: () => resolveDomainSettings({}) },
      { maxConcurrent: 2, checkEveryMs: 1000, pageLimit: 40 },
      {
        onPassStarted: () => {
          running++;
          most = Math.max(most, running);
        },
        onPassFinished: () => running--,
      },
    );
    const ids = Object.values(world.ids);
    const results = await scheduler.request(ids, 'manual');
    expect(results.map((result) => result?.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(most).toBe(2);
    await scheduler.stop();
  });

  it('syncs each enabled institution in the background on its own, and leaves a disabled one alone', async () => {
    world = await startSyncWorld({ borrowers: 60, backend: { sync: { checkEveryMs: 25, pageLimit: 60 } } });
    const { backend, sim } = world;
    const [first, second, third] = sim.institutions;
    if (!first || !second || !third) throw new Error('three institutions expected');
    backend.services.institutions.update(null, { id: institutionId(world, third.code), enabled: false });
    backend.services.sync.start();
    await until(() => [first, second].every((info) => findInstitutionById(backend.db, institutionId(world as SyncWorld, info.code))?.lastSuccessAt != null), 'both institutions synced once', 60_000);
    expect(findInstitutionById(backend.db, institutionId(world, third.code))).toMatchObject({ lastAttemptAt: null, state: 'disabled' });
    const overview = backend.services.sync.overview();
    const enabled = overview.institutions.find((entry) => entry.institution.code === first.code.toUpperCase());
    // The next run is one interval after the last attempt.
    expect(enabled?.nextRunAt).toBe((findInstitutionById(backend.db, institutionId(world, first.code))?.lastAttemptAt ?? 0) + 300_000);
    expect(overview.institutions.find((entry) => entry.institution.code === third.code.toUpperCase())?.nextRunAt).toBeNull();
  });

  it('stops between pages on shutdown: the run is cancelled and the pages committed before it stay', async () => {
    world = await startSyncWorld({ borrowers: 120, institutions: 1, faults: { slow: 1, slowMs: 30 }, backend: { sync: { pageLimit: 20 } } });
    const { backend } = world;
    const id = Object.values(world.ids)[0] ?? -1;
    const pass = backend.services.sync.runOnce({ institutionIds: [id] });
    await until(() => listCursors(backend.db, id).some((cursor) => cursor.fetched >= 40), 'a cursor past 40 records', 60_000);
    await backend.services.sync.stop();
    const [result] = await pass;
    expect(result).toMatchObject({ status: 'cancelled', state: 'idle', error: null });
    expect(listRuns(backend.db, { limit: 5, offset: 0 }).rows[0]).toMatchObject({ status: 'cancelled', errorCode: 'aborted' });
    const committed = listCursors(backend.db, id).reduce((sum, cursor) => sum + cursor.fetched, 0);
    expect(committed).toBeGreaterThanOrEqual(40);
    expect(findInstitutionById(backend.db, id)?.state).toBe('idle');
  });

  it('pushes live progress with a total on a first pass, and a state change when it ends', async () => {
    world = await startSyncWorld({ borrowers: 80, institutions: 1, backend: { sync: { pageLimit: 25 } } });
    const { backend } = world;
    const received: PushedEvent[] = [];
    const viewer = { id: 99, username: 'viewer', displayName: 'viewer', role: 'supervisor' as const, locale: 'en' as const, permissions: permissionsOf('supervisor'), mustChangePassword: false, sessionId: 1 };
    backend.events.subscribe({ actor: () => viewer, send: (event) => received.push(event) });
    await backend.services.sync.runOnce({ institutionIds: Object.values(world.ids) });
    const progress = received.filter((event): event is PushedEvent<'sync:progress'> => event.name === 'sync:progress');
    expect(progress.length).toBeGreaterThan(0);
    const pulling = progress.filter((event) => event.payload.phase === 'pulling');
    expect(pulling.length).toBeGreaterThan(0);
    expect(pulling.every((event) => event.payload.total !== null && event.payload.total > 0)).toBe(true);
    expect(received.some((event) => event.name === 'sync:state')).toBe(true);
    expect(received.some((event) => event.name === 'sync:data-changed')).toBe(true);
  });
});

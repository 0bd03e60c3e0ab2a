/**
 * Saying what happened, against the simulator: an HTML page answered with 200 is "not JSON", not
 * a cut body; a clock the institution refuses is a clock problem, not rejected credentials, and
 * leaves the institution on the schedule in a state that says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveDomainSettings } from '../../src/shared/domain/settings';
import { findInstitutionById } from '../../src/main/repositories/institutions';
import { abandonRunningRuns, insertRun } from '../../src/main/repositories/sync';
import { noFaults } from '../../src/main/simulator/faults';
import { createInstitutionClient, type InstitutionClients } from '../../src/main/institution-api/client';
import { runPass } from '../../src/main/sync/engine';
import { nextRunAt } from '../../src/main/sync/scheduler';
import { fastTuning, institutionId, startSyncWorld, type SyncWorld } from './sync-support';
import { institutionFailure } from '../support/institution-failure';

let world: SyncWorld;
beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 30, institutions: 1, seed: 'error-kinds' });
});
afterAll(() => world.close());
beforeEach(() => {
  world.sim.admin.setFaults(noFaults);
  world.sim.admin.clearInjectedFaults();
});

function info() {
  const institution = world.sim.institutions[0];
  if (!institution) throw new Error('no institution');
  return institution;
}

describe('an HTML page with status 200', () => {
  it('is reported as a page, not the API’s JSON, and retried like an outage', async () => {
    world.sim.admin.setFaults({ html200: 1 });
    const client = createInstitutionClient(info(), { fetch: (input, init) => fetch(input, init), circuit: null, tuning: { ...fastTuning, retry: { ...fastTuning.retry, maxAttempts: 2 } } });
    const error = await institutionFailure(client.capabilities());
    expect(error.kind).toBe('not_json');
    expect(error.message).toMatch(/is an HTML or XML page \(text\/html\), not the API's JSON: “<!DOCTYPE html>/);
    expect(world.sim.admin.injectedFaults().counts.html200).toBe(2);
    world.sim.admin.setFaults({ html200: 0 });
    expect((await client.capabilities()).api_version).toBe('v1');
  });
});

describe('a clock the institution refuses', () => {
  it('is a clock error after the freshly signed retry, and the pass leaves the institution "clock out of sync", still on the schedule', async () => {
    const skewed = () => Date.now() - 10 * 60_000;
    const skewedClient = () => createInstitutionClient(info(), { fetch: (input, init) => fetch(input, init), circuit: null, tuning: fastTuning, wallClock: skewed });
    const error = await institutionFailure(skewedClient().capabilities());
    expect(error.kind).toBe('clock');
    expect(error.apiCode).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(error.message).toMatch(/clock/);

    const id = institutionId(world, info().code);
    const real = world.backend.services.institutionClients;
    const clients: InstitutionClients = { ...real, forInstitution: () => skewedClient() };
    const settings = resolveDomainSettings({});
    const result = await runPass({ db: world.backend.db, clients, clock: world.backend.clock, settings: () => settings }, id, { trigger: 'manual', signal: new AbortController().signal });
    expect(result).toMatchObject({ status: 'failed', state: 'clock_skew', errorKind: 'clock' });
    const row = findInstitutionById(world.backend.db, id);
    expect(row?.state).toBe('clock_skew');
    expect(row?.stateReason).toMatch(/system clock/);
    expect(row?.stateReasonCode).toBe('clock');
    // Unlike refused credentials, a clock is usually put right on its own (NTP): the schedule keeps trying.
    expect(nextRunAt(row ?? ({} as never), world.backend.clock.now())).not.toBeNull();
  });
});

describe('a failed pass', () => {
  it('stores what went wrong as a closed code and the HTTP status beside the technical text, and the Sync history reads them', async () => {
    world.sim.admin.setFaults({ rate5xx: 1 });
    const id = institutionId(world, info().code);
    const real = world.backend.services.institutionClients;
    const failing = createInstitutionClient(info(), { fetch: (input, init) => fetch(input, init), circuit: null, tuning: { ...fastTuning, retry: { ...fastTuning.retry, maxAttempts: 2 } } });
    const clients: InstitutionClients = { ...real, forInstitution: () => failing };
    const settings = resolveDomainSettings({});
    const result = await runPass({ db: world.backend.db, clients, clock: world.backend.clock, settings: () => settings }, id, { trigger: 'manual', signal: new AbortController().signal });
    expect(result).toMatchObject({ status: 'failed', errorKind: 'server' });
    const row = world.backend.db.$client.prepare('SELECT error, error_code AS code, error_status AS status FROM sync_runs WHERE id = ?').get(result.runId) as { error: string; code: string; status: number };
    expect(row.code).toBe('server');
    expect([500, 503]).toContain(row.status);
    expect(row.error).toContain(`HTTP ${row.status}`);
    const listed = world.backend.services.sync.runs({ institutionId: id, limit: 5, offset: 0 }).rows.find((run) => run.id === result.runId);
    expect(listed).toMatchObject({ status: 'failed', errorCode: 'server', errorStatus: row.status, error: row.error });
    // The institution's state carries the same reason, code and status, for the Sync page's card.
    expect(findInstitutionById(world.backend.db, id)).toMatchObject({ state: 'failed', stateReason: row.error, stateReasonCode: 'server', stateReasonStatus: row.status });
  });

  it('stores "network" when the institution cannot be reached', async () => {
    const id = institutionId(world, info().code);
    const real = world.backend.services.institutionClients;
    const unreachable = createInstitutionClient(
      { ...info(), baseUrl: 'http://127.0.0.1:1' },
      { fetch: (input, init) => fetch(input, init), circuit: null, tuning: { ...fastTuning, retry: { ...fastTuning.retry, maxAttempts: 1 } } },
    );
    const clients: InstitutionClients = { ...real, forInstitution: () => unreachable };
    const settings = resolveDomainSettings({});
    const result = await runPass({ db: world.backend.db, clients, clock: world.backend.clock, settings: () => settings }, id, { trigger: 'manual', signal: new AbortController().signal });
    expect(result).toMatchObject({ status: 'failed', errorKind: 'network' });
    const row = world.backend.db.$client.prepare('SELECT error_code AS code, error_status AS status FROM sync_runs WHERE id = ?').get(result.runId);
    expect(row).toEqual({ code: 'network', status: null });
  });

  it('stores "interrupted" for a run a process left running when it stopped', () => {
    const runId = insertRun(world.backend.db, institutionId(world, info().code), 'schedule', world.backend.clock.now());
    abandonRunningRuns(world.backend.db, world.backend.clock.now());
    const row = world.backend.db.$client.prepare('SELECT status, error_code AS code FROM sync_runs WHERE id = ?').get(runId);
    expect(row).toEqual({ status: 'cancelled', code: 'interrupted' });
  });
});

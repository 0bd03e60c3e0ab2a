/**
 * Time limits that hold against the simulator: one deadline covers a whole exchange (a body that
 * trickles fails at the deadline, even after garbage collections), and a 503 maintenance window's
 * Retry-After is waited out (seconds and HTTP-date forms) instead of spending the attempts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoInstitutions, startSimulator, type RunningSimulator } from '../../src/main/simulator';
import { noFaults } from '../../src/main/simulator/faults';
import { createInstitutionClient, type ClientTuning } from '../../src/main/institution-api/client';
import { institutionFailure } from '../support/institution-failure';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ institutions: demoInstitutions('time-limits').slice(0, 1), seed: 'time-limits', borrowers: 20, now: Date.UTC(2026, 10, 20, 4) });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.admin.setFaults(noFaults);
  sim.admin.clearInjectedFaults();
});

function client(tuning: ClientTuning) {
  const info = sim.institutions[0];
  if (!info) throw new Error('no institution');
  return createInstitutionClient(info, { fetch: (input, init) => fetch(input, init), circuit: null, tuning });
}

describe('one deadline for the whole exchange', () => {
  it('gives up on a body trickling a byte at a time at the deadline, garbage collections or not', async () => {
    sim.admin.setFaults({ trickle: 1, trickleMs: 50 });
    const collector = setInterval(gc, 100);
    const started = Date.now();
    try {
      // A caller's signal, as the engine passes one: the combined signal is what a collection used to take away.
      const error = await institutionFailure(client({ timeoutMs: 2_000, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1000 } }).capabilities({ signal: new AbortController().signal }));
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/2,?000 ms|2 s/);
    } finally {
      clearInterval(collector);
    }
    // Two attempts of 2 s each; the body alone would take tens of seconds.
    expect(Date.now() - started).toBeLessThan(10_000);
    // At most the two attempts reached the body (on a loaded machine the first attempt's deadline
    // can pass before the simulator starts serving it, so it may count one; a deadline of 2 s, not
    // 0.8, leaves a loaded machine time to start serving at least one).
    const trickled = sim.admin.injectedFaults().counts.trickle ?? 0;
    expect(trickled).toBeGreaterThanOrEqual(1);
    expect(trickled).toBeLessThanOrEqual(2);
  }, 20_000);

  it('still reads a slow body that finishes within the deadline', async () => {
    sim.admin.setFaults({ trickle: 1, trickleMs: 1 });
    const capabilities = await client({ timeoutMs: 10_000, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1000 } }).capabilities();
    expect(capabilities.api_version).toBe('v1');
  }, 20_000);
});

describe('503 with Retry-After', () => {
  const tuning: ClientTuning = { timeoutMs: 5_000, retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 20, maxRetryAfterMs: 10_000 } };

  it('waits out a maintenance window announced in seconds instead of spending the attempts in milliseconds', async () => {
    sim.admin.setFaults({ maintenanceSeconds: 2 });
    const started = Date.now();
    const stats = await client(tuning).stats();
    expect(stats.applications?.count).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(sim.admin.injectedFaults().counts.maintenance).toBeLessThanOrEqual(2);
  }, 20_000);

  it('waits out a maintenance window announced as an HTTP date', async () => {
    sim.admin.setFaults({ maintenanceSeconds: 2, maintenanceDate: 1 });
    const stats = await client(tuning).stats();
    expect(stats.applications?.count).toBeGreaterThan(0);
    expect(sim.admin.injectedFaults().counts.maintenance).toBeLessThanOrEqual(3);
  }, 20_000);

  it('fails at once when the window is longer than the cap, so the pass can move on', async () => {
    sim.admin.setFaults({ maintenanceSeconds: 60 });
    const started = Date.now();
    const error = await institutionFailure(client({ ...tuning, retry: { ...tuning.retry, maxRetryAfterMs: 5_000 } }).stats());
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect(error.retryAfterMs).toBeGreaterThan(5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    sim.admin.setFaults({ maintenanceSeconds: 0 });
  }, 20_000);
});

/**
 * Crash safety: `creditdesk sync` is SIGKILLed at random moments during its passes, several
 * times, then run to the end; the database must equal the one an uninterrupted sync produced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, demoInstitutions, type RunningSimulator } from '../../src/main/simulator';
import { configuredDataDir as configured, killedSync, runSync as runSyncProcess, snapshot } from '../support/sync-differential';
import { tempFolders } from '../support/temp-folders';
import { simulatedNow } from './sync-support';

let sim: RunningSimulator;
const folders = tempFolders('creditdesk-kill-');

beforeAll(async () => {
  sim = await startSimulator({ institutions: demoInstitutions('kill-test'), seed: 'kill-test', borrowers: 200, now: simulatedNow, faults: { duplicate: 0.1, outOfOrder: 0.1 } });
});
afterAll(async () => {
  await sim.close();
  folders.removeAll();
});

const configuredDataDir = () => configured(sim, folders);

const pageLimit = 20;
const runSync = (dataDir: string) => runSyncProcess(dataDir, pageLimit);

describe('creditdesk sync killed with SIGKILL', () => {
  it('ends, after restarts, with exactly the database an uninterrupted sync produces', { timeout: 240_000 }, async () => {
    const uninterrupted = await configuredDataDir();
    const reference = await runSync(uninterrupted).exited;
    expect(reference.code, reference.output).toBe(0);
    const expected = snapshot(uninterrupted);
    expect((expected.orders ?? []).length).toBeGreaterThan(100);

    const killed = await configuredDataDir();
    let killedMidPass = 0;
    for (let round = 0; round < 4; round++) {
      const { midPass, outcome } = await killedSync(killed, pageLimit, () => Math.floor(Math.random() * 1500));
      if (midPass) killedMidPass++;
      expect(outcome.signal === 'SIGKILL' || outcome.code === 0, outcome.output).toBe(true);
    }
    expect(killedMidPass).toBeGreaterThanOrEqual(3);

    const final = await runSync(killed).exited;
    expect(final.code, final.output).toBe(0);
    const actual = snapshot(killed);
    for (const key of Object.keys(expected)) expect(actual[key], key).toEqual(expected[key]);
  });
});

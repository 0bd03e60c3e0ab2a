/**
 * A kept simulator (`startSimulator({ stateDir })`, what the demo mode runs) resumes after a
 * restart exactly where it stopped, catches up with a later `now` as one that never stopped
 * would have, and a process killed while generating or ticking leaves a state it resumes from.
 */
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullAll, signedFetch } from '../../../test/fixtures/simulator/client';
import { tempFolders } from '../../../test/support/temp-folders';
import { demoInstitutions, type RunningSimulator, SimStoreInUseError, startSimulator } from './index';
import { SimInstitution } from './institution';
import { PersonCache } from './model-cache';
import { SimStore } from './store';
import { until } from '../../../test/support/until';

const now = Date.UTC(2026, 10, 25, 2, 0, 0);
const dayMs = 86_400_000;
const folders = tempFolders('creditdesk-kept-sim-');
const running: RunningSimulator[] = [];

afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.close();
  folders.removeAll();
});

async function start(options: { stateDir?: string; seed?: string; borrowers?: number; now?: number } = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? 'kept-test';
  const simulator = await startSimulator({ institutions: demoInstitutions(seed), seed, borrowers: options.borrowers ?? 300, now: options.now ?? now, stateDir: options.stateDir });
  running.push(simulator);
  return simulator;
}

async function stop(simulator: RunningSimulator): Promise<void> {
  running.splice(running.indexOf(simulator), 1);
  await simulator.close();
  // This process's fetch keeps pooled connections to the address; a resumed simulator listens on
  // it again within milliseconds, before the pool has read the old connections' end.
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Every institution's /v1/stats and applications: enough to tell two generations apart, cheaper than everything. */
async function summary(simulator: RunningSimulator): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  for (const institution of simulator.institutions) {
    all[`${institution.code} applications`] = (await pullAll(institution, 'applications')).records;
    all[`${institution.code} stats`] = await (await signedFetch(institution, '/v1/stats')).json();
  }
  return all;
}

/** Every record every institution serves, and its /v1/stats (as_of included: the clock). */
async function everything(simulator: RunningSimulator): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  for (const institution of simulator.institutions) {
    for (const resource of institution.capabilities.resources) {
      all[`${institution.code} ${resource}`] = (await pullAll(institution, resource)).records;
    }
    all[`${institution.code} stats`] = await (await signedFetch(institution, '/v1/stats')).json();
  }
  return all;
}

function institution(simulator: RunningSimulator, code: string) {
  const found = simulator.institutions.find((candidate) => candidate.code === code);
  if (found === undefined) throw new Error(`no ${code}`);
  return found;
}

/** Posts a review decision on the first application in manual review; returns the request to replay it. */
async function decideOne(simulator: RunningSimulator, code: string, decision: 'approve' | 'reject'): Promise<{ path: string; body: string; key: string; answer: unknown }> {
  const endpoint = institution(simulator, code);
  const { records } = await pullAll(endpoint, 'applications');
  const application = records.find((record) => record.status === 'MANUAL_REVIEW');
  if (application === undefined) throw new Error(`no application in manual review at ${code}`);
  const body = JSON.stringify({
    decision,
    ...(decision === 'approve' ? { approved_limit_fen: 800_000 } : {}),
    reviewer_id: 'reviewer-7',
    reason_codes: decision === 'approve' ? [] : ['CONTACT_RISK'],
    comment: '',
    decided_at: '2026-11-25T10:30:00.000+08:00',
    application_version: application.version,
    face_compare_basis: null,
  });
  const path = `/v1/applications/${application.id}/review-decisions`;
  const key = `kept-${code}-${application.id}`;
  const response = await signedFetch(endpoint, path, { method: 'POST', body, headers: { 'Idempotency-Key': key } });
  expect(response.status).toBe(200);
  return { path, body, key, answer: await response.json() };
}

describe('a kept simulator', () => {
  it('resumes after a restart with the same records, decisions, clock and address', { timeout: 60_000 }, async () => {
    const stateDir = folders.folder();
    const first = await start({ stateDir });
    const approved = await decideOne(first, 'qinghe', 'approve');
    await decideOne(first, 'beichen', 'reject');
    first.admin.tick({ days: 2 });
    const before = await everything(first);
    const decisions = first.admin.decisions();
    const clock = first.admin.now();
    const url = first.url;
    await stop(first);

    const second = await start({ stateDir });
    expect(second.url).toBe(url);
    expect(second.admin.now()).toBe(clock);
    expect(second.admin.decisions()).toEqual(decisions);
    expect(await everything(second)).toEqual(before);
    // The decision's idempotency record came back too: the same request is answered, not applied again.
    const replay = await signedFetch(institution(second, 'qinghe'), approved.path, { method: 'POST', body: approved.body, headers: { 'Idempotency-Key': approved.key } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.json()).toEqual(approved.answer);
  });

  it('catches up with a later now as a simulator that never stopped', { timeout: 60_000 }, async () => {
    const stateDir = folders.folder();
    const kept = await start({ stateDir });
    kept.admin.tick({ days: 1 });
    await decideOne(kept, 'qinghe', 'approve');
    await stop(kept);
    const resumed = await start({ stateDir, now: now + 5 * dayMs });
    expect(resumed.admin.now()).toBe(now + 5 * dayMs);

    const reference = await start();
    reference.admin.tick({ days: 1 });
    await decideOne(reference, 'qinghe', 'approve');
    reference.admin.tick({ days: 4 });
    const [expected, actual] = [await everything(reference), await everything(resumed)];
    // The address differs (two servers); everything served is the same.
    expect(actual).toEqual(expected);
  });

  it('is generated anew from other options, or from a file SQLite cannot read', { timeout: 60_000 }, async () => {
    const stateDir = folders.folder();
    await stop(await start({ stateDir, seed: 'kept-a' }));
    const other = await start({ stateDir, seed: 'kept-b' });
    const fresh = await start({ seed: 'kept-b' });
    const expected = await everything(fresh);
    expect(await everything(other)).toEqual(expected);
    await stop(other);

    writeFileSync(path.join(stateDir, 'simulator.sqlite'), 'not a database, whatever wrote it');
    const regenerated = await start({ stateDir, seed: 'kept-b' });
    expect(await everything(regenerated)).toEqual(expected);
    if (process.platform !== 'win32') expect(statSync(path.join(stateDir, 'simulator.sqlite')).mode & 0o077).toBe(0);
  });

  it('refuses a second simulator on the folder while the first one runs', { timeout: 60_000 }, async () => {
    const stateDir = folders.folder();
    await start({ stateDir });
    await expect(start({ stateDir })).rejects.toBeInstanceOf(SimStoreInUseError);
  });
});

describe('the saved update floor', () => {
  /** The saved floor after a tick, then after a decision's write (what each of them saves), of one institution on `store`. */
  function floorsAfterTickAndDecision(store: SimStore): Array<string | undefined> {
    const world = { seed: 'kept-floor', size: 10, anchorMs: now };
    const config = demoInstitutions('kept-floor')[0];
    if (config === undefined) throw new Error('no demo institution');
    const institution = new SimInstitution(store, 0, { world, config }, { now }, new PersonCache(world));
    institution.tick(now + dayMs);
    const afterTick = store.meta('floor:0');
    store.transaction(() => institution.claimUpdateMs(now + dayMs));
    return [afterTick, store.meta('floor:0')];
  }

  it('is not written by a simulator whose state is not kept', () => {
    const store = new SimStore({ inMemory: true });
    try {
      expect(floorsAfterTickAndDecision(store)).toEqual([undefined, undefined]);
    } finally {
      store.close();
    }
  });

  it('is written by a kept one, on a tick and on a decision', () => {
    const store = new SimStore({ inMemory: false, keep: { dir: folders.folder(), identity: 'kept-floor' } });
    try {
      expect(floorsAfterTickAndDecision(store)).toEqual(['0', String(now + dayMs)]);
    } finally {
      store.close();
    }
  });
});

interface Child {
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

function child(mode: 'generate' | 'tick', stateDir: string, borrowers: number): Child {
  const process_ = spawn(process.execPath, ['--import', 'tsx', 'test/support/kept-simulator-child.ts', mode, stateDir, 'kept-kill', String(borrowers), String(now)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffer = '';
  process_.stdout.on('data', (chunk) => {
    buffer += String(chunk);
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  process_.stderr.on('data', (chunk) => lines.push(`stderr: ${String(chunk)}`));
  return {
    lines,
    exited: new Promise((resolve) => process_.once('exit', (code, signal) => resolve({ code, signal }))),
    kill: () => process_.kill('SIGKILL'),
  };
}

describe('a kept simulator killed with SIGKILL', () => {
  it('mid-generation: the next start generates it whole, as if never interrupted', { timeout: 120_000 }, async () => {
    const stateDir = folders.folder();
    // Three batches of generation (1000, 1000, 1): killed after the first.
    const generating = child('generate', stateDir, 2001);
    await until(() => generating.lines.some((line) => line.startsWith('generated 1000/')), 'the first batch', 60_000, 5);
    generating.kill();
    expect((await generating.exited).signal).toBe('SIGKILL');
    expect(generating.lines).not.toContain('ready');

    const resumed = await start({ stateDir, seed: 'kept-kill', borrowers: 2001 });
    const fresh = await start({ seed: 'kept-kill', borrowers: 2001 });
    expect(await summary(resumed)).toEqual(await summary(fresh));
  });

  it('mid-tick: the state is the one after the last committed tick, never part of one', { timeout: 120_000 }, async () => {
    const stateDir = folders.folder();
    for (let round = 0; round < 3; round++) {
      const ticking = child('tick', stateDir, 300);
      const ticksBefore = () => ticking.lines.filter((line) => line.startsWith('tick ')).length;
      await until(() => ticksBefore() >= 3 + round * 5, 'some ticks', 60_000, 5);
      ticking.kill();
      expect((await ticking.exited).signal, ticking.lines.join('\n')).toBe('SIGKILL');
    }
    // Resumed without catching up (its clock is past `now`): exactly the last committed tick's state.
    const resumed = await start({ stateDir, seed: 'kept-kill' });
    const ticks = (resumed.admin.now() - now) / (6 * 3_600_000);
    expect(Number.isInteger(ticks) && ticks >= 3).toBe(true);
    const reference = await start({ seed: 'kept-kill' });
    for (let tick = 0; tick < ticks; tick++) reference.admin.tick({ hours: 6 });
    expect(await everything(resumed)).toEqual(await everything(reference));
  });
});

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { writeTransaction } from '../db/connection';
import { operatorsTable } from '../db/schema';
import type { Backend } from '../runtime/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';
import { call, clock, detail, failure, grey, ingest, reviewer, reviewer2, sql, supervisor, useReviewWorld, zhang } from '../../../test/support/review-world';

const worker = fileURLToPath(new URL('../../../test/support/claim-worker.ts', import.meta.url));
let backend: Backend & { cleanup(): Promise<void> };

interface WorkerResult {
  operatorId: number;
  viaNext: number[];
  direct: number[];
}

/**
 * Starts one claiming process per operator; each opens the database and says "ready", and only
 * when all are ready are they told to go, so they really claim side by side (a slow start under
 * load must not let one process take everything before the others exist).
 */
async function runWorkers(operatorIds: number[], taskIds: number[]): Promise<WorkerResult[]> {
  const children = operatorIds.map((operatorId) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, backend.paths.database, String(operatorId), 'face', taskIds.join(',')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      if (output.startsWith('ready\n')) markReady();
    });
    child.stderr.on('data', (chunk) => (errors += String(chunk)));
    const done = new Promise<WorkerResult>((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.slice('ready\n'.length)) as WorkerResult) : reject(new Error(`worker exited ${code}: ${errors}`)))),
    );
    return { child, ready, done };
  });
  await Promise.race([Promise.all(children.map((entry) => entry.ready)), Promise.all(children.map((entry) => entry.done))]);
  for (const { child } of children) child.stdin.end('go\n');
  return Promise.all(children.map((entry) => entry.done));
}

describe('processes side by side', () => {
  beforeEach(async () => {
    backend = await createTestBackend();
  });
  afterEach(async () => backend.cleanup());

  it('four processes claiming from one database file never hold the same task', async () => {
    const now = Date.now();
    const institutionId = insertFixtureInstitution(backend.db, 'HNXD');
    writeTransaction(backend.db, (tx) => {
      for (let index = 0; index < 120; index++) {
        ingestFixtureApplication(tx, institutionId, fixtureRecord({ externalId: `APP-${index}`, face: { score: 65 } }, now), now - (120 - index) * 1000);
      }
    });
    const operators = writeTransaction(backend.db, (tx) =>
      [1, 2, 3, 4].map(
        (index) =>
          tx
            .insert(operatorsTable)
            .values({ username: `claimer${index}`, displayName: `Claimer ${index}`, role: 'reviewer', passwordHash: 'unused', createdAt: now, updatedAt: now })
            .returning({ id: operatorsTable.id })
            .get().id,
      ),
    );
    const results = await runWorkers(operators, []);
    const claimed = results.flatMap((result) => result.viaNext);
    expect(claimed).toHaveLength(120);
    expect(new Set(claimed).size).toBe(120);
    // Each process got some of the work (they really ran side by side).
    expect(results.filter((result) => result.viaNext.length > 0).length).toBeGreaterThan(1);
    const holders = backend.db.$client.prepare('SELECT id, claimed_by AS holder FROM review_tasks').all() as Array<{ id: number; holder: number }>;
    for (const result of results) {
      for (const taskId of result.viaNext) expect(holders.find((row) => row.id === taskId)?.holder).toBe(result.operatorId);
    }

    // Then 30 tasks come back, and every process tries "next" and then claiming each of them directly.
    const contested = holders.slice(0, 30).map((row) => row.id);
    backend.db.$client.prepare(`UPDATE review_tasks SET status = 'open', claimed_by = NULL, lease_expires_at = NULL WHERE id IN (${contested.join(',')})`).run();
    const second = await runWorkers(operators, contested);
    // What each process believes it holds (by "next" or by claiming it directly): disjoint, and all of them.
    const held = second.flatMap((result) => [...new Set([...result.viaNext, ...result.direct])]);
    expect(held.sort((a, b) => a - b)).toEqual([...contested].sort((a, b) => a - b));
  }, 120_000);
});

describe('claiming', () => {
  useReviewWorld();

  it('"next task" claims the oldest eligible task, and two reviewers never get the same one', async () => {
    ingest(grey('APP-1'));
    clock.advance(60_000);
    ingest(grey('APP-2', zhang));
    const first = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const second = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer2);
    const none = await call<{ taskId: number | null }>('review:next', { queue: 'face' }, supervisor);
    const [app1Task] = sql<{ id: number }>("SELECT t.id FROM review_tasks t JOIN applications a ON a.id = t.application_id WHERE a.external_id = 'APP-1'");
    expect(first.taskId).toBe(app1Task?.id);
    expect(second.taskId).not.toBe(first.taskId);
    expect(none.taskId).toBeNull();
    const claim = await failure('review:claim', { taskId: first.taskId }, reviewer2);
    expect(claim).toMatchObject({ code: 'CONFLICT', message: 'wang is working on this task.' });
  });

  it('a lease that runs out frees the task for someone else, and the timeline says so', async () => {
    ingest(grey('APP-1'));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    clock.advance(60_000);
    await call('review:renew', { taskId }, reviewer);
    clock.advance(119_000);
    expect((await failure('review:claim', { taskId }, reviewer2)).code).toBe('CONFLICT');
    clock.advance(2_000);
    expect(await call('review:claim', { taskId }, reviewer2)).toMatchObject({ taskId });
    expect((await failure('review:renew', { taskId }, reviewer)).message).toMatch(/no longer hold/);
    const kinds = (await detail(taskId, reviewer2)).timeline.map((event) => [event.kind, event.operator?.name ?? null]);
    expect(kinds).toEqual([
      ['created', null],
      ['claimed', 'wang'],
      ['lease_expired', null],
      ['claimed', 'li'],
    ]);
  });

  it('leaving a task gives it back, and "next" skips the task on screen', async () => {
    ingest(grey('APP-1'));
    ingest(grey('APP-2', zhang));
    const first = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const skipped = await call<{ taskId: number }>('review:next', { queue: 'face', releaseTaskId: first.taskId }, reviewer);
    expect(skipped.taskId).not.toBe(first.taskId);
    expect(await call('review:release', { taskId: skipped.taskId }, reviewer)).toEqual({ released: true });
    expect((await call<{ rows: Array<{ id: number }> }>('review:list', { queue: 'face' }, reviewer)).rows).toHaveLength(2);
  });

  it('a supervisor assigns tasks in bulk: the assignee gets them first, a holder loses the claim', async () => {
    ingest(grey('APP-1'));
    clock.advance(1000);
    ingest(grey('APP-2', zhang));
    const ids = sql<{ id: number }>('SELECT id FROM review_tasks ORDER BY id').map((row) => row.id);
    const held = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const liId = sql<{ id: number }>("SELECT id FROM operators WHERE username = 'li'")[0]?.id;
    expect(await call('review:assign', { taskIds: ids, operatorId: liId }, supervisor)).toEqual({ updated: 2, skipped: 0 });
    expect((await failure('review:renew', { taskId: held.taskId }, reviewer)).code).toBe('CONFLICT');
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer)).taskId).toBeNull();
    expect((await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBe(ids[0]);
    const workload = await call<Array<{ operator: { name: string }; held: unknown[]; assigned: Record<string, number> }>>('review:workload', {}, supervisor);
    expect(workload.find((entry) => entry.operator.name === 'li')).toMatchObject({ held: [{ taskId: ids[0], queue: 'face' }], assigned: { face: 1 } });
    expect((await failure('review:assign', { taskIds: ids, operatorId: null }, reviewer)).code).toBe('FORBIDDEN');
  });
});

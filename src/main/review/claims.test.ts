import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { writeTransaction } from '../db/connection';
import { operatorsTable } from '../db/schema';
import type { Backend } from '../runtime/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';

const worker = fileURLToPath(new URL('../../../test/support/claim-worker.ts', import.meta.url));
let backend: Backend & { cleanup(): Promise<void> };

beforeEach(async () => {
  backend = await createTestBackend();
});
afterEach(async () => backend.cleanup());

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

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isRetryable, type Envelope } from '../../shared/rpc/errors';
import { findMigrationsFolder } from '../db/connection';
import { silentLogger } from '../logging/logger';
import { createHandlers } from '../rpc/handlers';
import { createRouter, type Router } from '../rpc/router';
import type { CallContext } from '../core/actor';
import { createTestBackend, ManualClock, operatorContext, signedInContext, testAdminPassword } from '../../../test/support/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution, type FixtureOptions } from '../../../test/support/review-fixtures';
import { servedByWorkers, startReadPool, type ReadPool } from './read-pool';

let backend: Awaited<ReturnType<typeof createTestBackend>>;
let clock: ManualClock;
let institutionId: number;
/** The same services answered on the main thread only, as a back end without read workers would. */
let mainThread: Router;

/** A fresh back end for each test of the calling suite, with this many read workers. */
function useBackend(readWorkers: number): void {
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 10, 25, 2, 0, 0));
    backend = await createTestBackend({ clock, readWorkers });
    institutionId = insertFixtureInstitution(backend.db, 'HNXD');
    mainThread = createRouter(createHandlers(backend.services), silentLogger, { validateOutput: true });
  });
  afterEach(async () => backend.cleanup());
}

function ingest(options: FixtureOptions) {
  return ingestFixtureApplication(backend.db, institutionId, fixtureRecord(options, clock.now()), clock.now());
}

function taskIdOf(externalId: string, queue: string): number {
  const row = backend.db.$client.prepare('SELECT t.id FROM review_tasks t JOIN applications a ON a.id = t.application_id WHERE a.external_id = ? AND t.queue = ?').get(externalId, queue) as { id: number } | undefined;
  if (!row) throw new Error(`no ${queue} task for ${externalId}`);
  return row.id;
}

async function ok<T>(router: Router, channel: string, input: unknown, context: CallContext): Promise<T> {
  const envelope = (await router.call(channel, input, context)) as Envelope<T>;
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.data;
}

function served(): number {
  return backend.readPool?.stats().served ?? 0;
}

describe('read workers', () => {
  useBackend(1);

  it('answer the task screen and the queue page, and nothing that writes', async () => {
    ingest({ externalId: 'APP-1', face: { score: 65 } });
    const reviewer = await operatorContext(backend, 'wang', 'reviewer');
    const taskId = taskIdOf('APP-1', 'face');
    expect(backend.readPool?.stats()).toMatchObject({ workers: 1, served: 0 });
    const detail = await ok<{ task: { id: number } }>(backend.router, 'review:task', { taskId }, reviewer);
    expect(detail.task.id).toBe(taskId);
    const page = await ok<{ rows: Array<{ id: number }> }>(backend.router, 'review:list', { queue: 'face' }, reviewer);
    expect(page.rows.map((row) => row.id)).toEqual([taskId]);
    expect(served()).toBe(2);
    // A claim, a renew and the counts stay on the main thread.
    await ok(backend.router, 'review:claim', { taskId }, reviewer);
    await ok(backend.router, 'review:renew', { taskId }, reviewer);
    await ok(backend.router, 'review:counts', {}, reviewer);
    expect(served()).toBe(2);
  });

  it('answer every role exactly as the main thread does: the same masks, the same refusals and errors', async () => {
    ingest({ externalId: 'APP-1', face: { score: 65 }, contacts: [{ name: '赵六', phone: '13900000009', relationship: 'mother', addressBook: { displayName: '赵六', remark: '妈妈' }, callCount: 3 }] });
    ingest({ externalId: 'APP-2', face: { score: 65 }, riskResult: 'reject', borrower: { name: '张三', idNumber: '440308199901101512', phone: '13700000001' } });
    ingest({ externalId: 'APP-3', ocr: { idNumber: '11010519491231002X', sex: 'female', birthDate: '1949-12-31', warnings: ['photocopy'] } });
    const reviewer = await operatorContext(backend, 'wang', 'reviewer');
    const reviewer2 = await operatorContext(backend, 'li', 'reviewer');
    const supervisor = await operatorContext(backend, 'zhao', 'supervisor');
    const support = await operatorContext(backend, 'sun', 'support');
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const held = taskIdOf('APP-1', 'face');
    const waiting = taskIdOf('APP-2', 'face');
    await ok(backend.router, 'review:claim', { taskId: held }, reviewer);
    // An approval against the institution's automatic rejection waits for a supervisor.
    await ok(backend.router, 'review:claim', { taskId: waiting }, reviewer2);
    const evidenceHash = (await ok<{ task: { evidenceHash: string } }>(mainThread, 'review:task', { taskId: waiting }, reviewer2)).task.evidenceHash;
    expect(await ok<{ outcome: string }>(backend.router, 'review:decide', { taskId: waiting, action: 'approve', note: '', evidenceHash }, reviewer2)).toMatchObject({ outcome: 'awaiting_second' });
    const taskIds = (backend.db.$client.prepare('SELECT id FROM review_tasks ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);
    const calls: Array<[string, unknown]> = [
      ...taskIds.map((taskId): [string, unknown] => ['review:task', { taskId }]),
      ['review:task', { taskId: 424_242 }],
      ['review:list', { queue: 'face' }],
      ['review:list', { queue: 'face', assignee: 'me' }],
      ['review:list', { queue: 'face', status: 'awaiting_second' }],
      ['review:list', { queue: 'ocr', limit: 1 }],
      ['review:list', { queue: 'contacts', cursor: 'not-a-cursor' }],
      ['review:list', { queue: 'nowhere' }],
    ];
    clock.advance(30_000);
    const before = served();
    let answers = 0;
    for (const [role, context] of Object.entries({ reviewer, reviewer2, supervisor, support, admin })) {
      for (const [channel, input] of calls) {
        const fromWorker = await backend.router.call(channel, input, context);
        const fromMain = await mainThread.call(channel, input, context);
        expect({ role, channel, input, envelope: fromWorker }).toEqual({ role, channel, input, envelope: fromMain });
        if (fromWorker.ok) answers++;
      }
    }
    // Support is refused on the main thread (no review:work), as are invalid inputs: they never reach a worker.
    expect(answers).toBeGreaterThan(20);
    expect(served() - before).toBe(4 * (taskIds.length + 6));
  });

  it('see a decision the moment it is answered: a reviewer reads their own write', async () => {
    for (let index = 0; index < 12; index++) ingest({ externalId: `APP-${index}`, face: { score: 65 } });
    const reviewer = await operatorContext(backend, 'wang', 'reviewer');
    const before = served();
    let taskId = (await ok<{ taskId: number | null }>(backend.router, 'review:next', { queue: 'face' }, reviewer)).taskId;
    let rounds = 0;
    while (taskId !== null) {
      const held = await ok<{ task: { heldByMe: boolean; status: string; evidenceHash: string } }>(backend.router, 'review:task', { taskId }, reviewer);
      expect(held.task).toMatchObject({ heldByMe: true, status: 'in_review' });
      const answer = await ok<{ nextTaskId: number | null }>(backend.router, 'review:decide', { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', note: '', evidenceHash: held.task.evidenceHash, next: { excludeTaskIds: [] } }, reviewer);
      const decided = await ok<{ task: { status: string; heldByMe: boolean }; timeline: Array<{ kind: string }> }>(backend.router, 'review:task', { taskId }, reviewer);
      expect(decided.task).toMatchObject({ status: 'decided', heldByMe: false });
      expect(decided.timeline.map((event) => event.kind)).toContain('decided');
      const open = await ok<{ rows: Array<{ id: number }> }>(backend.router, 'review:list', { queue: 'face', limit: 100 }, reviewer);
      expect(open.rows.map((row) => row.id)).not.toContain(taskId);
      taskId = answer.nextTaskId;
      rounds++;
    }
    expect(rounds).toBe(12);
    expect(served() - before).toBe(12 * 3);
  });
});

describe('a read worker that fails', () => {
  /** The tasks test/support/crashing-read-worker.ts crashes on and never answers. */
  const crashingTaskId = 999_999;
  const hangingTaskId = 999_998;
  // The pool under test is started by the test itself, with the crashing entry.
  useBackend(0);
  let pool: ReadPool | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  it('that dies: its call answers a retryable error, and a new worker serves the next calls', async () => {
    ingest({ externalId: 'APP-1', face: { score: 65 } });
    const reviewer = await operatorContext(backend, 'wang', 'reviewer');
    const taskId = taskIdOf('APP-1', 'face');
    const router = breakableWorkers(30_000);
    expect(await router.call('review:task', { taskId }, reviewer)).toMatchObject({ ok: true });
    expect(pool?.stats()).toMatchObject({ served: 1, replaced: 0 });

    const crashed = await router.call('review:task', { taskId: crashingTaskId }, reviewer);
    expect(crashed).toMatchObject({ ok: false, error: { code: 'DB', details: { reason: 'read_worker_stopped' } } });
    expect(!crashed.ok && isRetryable(crashed.error.code)).toBe(true);
    expect(pool?.stats()).toMatchObject({ replaced: 1, workers: 1, gaveUp: false });

    const again = await router.call('review:task', { taskId }, reviewer);
    expect(again).toEqual(await mainThread.call('review:task', { taskId }, reviewer));
    expect(pool?.stats()).toMatchObject({ served: 2, replaced: 1 });
  }, 90_000);

  it('that never answers: the call answers TIMEOUT, the worker is replaced, the next call is served', async () => {
    ingest({ externalId: 'APP-1', face: { score: 65 } });
    const reviewer = await operatorContext(backend, 'wang', 'reviewer');
    const taskId = taskIdOf('APP-1', 'face');
    const router = breakableWorkers(2_000);
    // Once the worker is up: its start counts against a call's time, and takes longer from the sources (tsx).
    await expect.poll(() => pool?.stats().ready, { timeout: 60_000 }).toBe(1);
    expect(await router.call('review:task', { taskId }, reviewer)).toMatchObject({ ok: true });

    const hung = await router.call('review:task', { taskId: hangingTaskId }, reviewer);
    expect(hung).toMatchObject({ ok: false, error: { code: 'TIMEOUT', details: { reason: 'read_worker_timeout' } } });
    expect(!hung.ok && isRetryable(hung.error.code)).toBe(true);
    await expect.poll(() => pool?.stats(), { timeout: 60_000 }).toMatchObject({ replaced: 1, ready: 1 });
    expect(await router.call('review:list', { queue: 'face' }, reviewer)).toEqual(await mainThread.call('review:list', { queue: 'face' }, reviewer));
    expect(pool?.stats()).toMatchObject({ served: 2, replaced: 1, workers: 1 });
  }, 90_000);

  /** A router whose two read channels go to one worker of the breakable entry. */
  function breakableWorkers(callTimeoutMs: number): Router {
    pool = startReadPool({ size: 1, file: backend.paths.database, migrationsFolder: findMigrationsFolder(), logger: silentLogger, callTimeoutMs, entry: new URL('../../../test/support/crashing-read-worker.ts', import.meta.url) });
    return createRouter(servedByWorkers(createHandlers(backend.services), pool, { clock, settings: () => backend.services.review.settings() }), silentLogger, { validateOutput: true });
  }
});

describe('closing the read pool', () => {
  useBackend(0);
  let pool: ReadPool | null = null;
  afterEach(async () => {
    vi.useRealTimers();
    await pool?.close();
    pool = null;
  });

  it('answers the call in hand, then stops the worker the moment it is answered: no timer drives it', async () => {
    ingest({ externalId: 'APP-1', face: { score: 65 } });
    const reviewer = await operatorContext(backend, 'wang', 'reviewer');
    const taskId = taskIdOf('APP-1', 'face');
    pool = startReadPool({ size: 1, file: backend.paths.database, migrationsFolder: findMigrationsFolder(), logger: silentLogger });
    await expect.poll(() => pool?.stats().ready, { timeout: 60_000 }).toBe(1);
    // With no timer ever firing, a close that waited by polling would never end.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const answer = pool.call('review:task', { taskId }, reviewer.actor as NonNullable<typeof reviewer.actor>, clock.now(), backend.services.review.settings());
    const closed = pool.close();
    await expect(answer).resolves.toBeTruthy();
    await closed;
    expect(pool.stats()).toMatchObject({ workers: 0, served: 1 });
    expect(pool.available()).toBe(false);
  }, 90_000);
});

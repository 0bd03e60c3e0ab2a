import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, call, clock, detail, ingest, grey, reviewer, reviewer2, sql, useReviewWorld, zhang } from '../../../test/support/review-world';

/** The SQL texts of the statements run on the back end's connection while `work` runs. */
async function statementsRunBy(work: () => Promise<unknown>): Promise<string[]> {
  const prototype = Object.getPrototypeOf(backend.db.$client.prepare('SELECT 1')) as Record<'run' | 'get' | 'all', (...args: unknown[]) => unknown>;
  const originals = { run: prototype.run, get: prototype.get, all: prototype.all };
  const texts: string[] = [];
  for (const method of ['run', 'get', 'all'] as const) {
    prototype[method] = function (this: { source: string }, ...args: unknown[]) {
      texts.push(this.source);
      return originals[method].apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(prototype, originals);
  }
  return texts;
}

const looksForExpiredLeases = (text: string) => /lease_expires_at < \?/.test(text);

describe('housekeeping before a claim', () => {
  useReviewWorld();
  let other: Database.Database | null = null;
  afterEach(() => {
    other?.close();
    other = null;
  });

  it('is skipped while nothing can have come due, and runs once a lease may have run out', async () => {
    ingest(grey('APP-1'));
    ingest(grey('APP-2', zhang));
    const first = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    // Nothing has come due since the first claim looked: the second claim does not look again.
    const quiet = await statementsRunBy(() => call('review:next', { queue: 'face' }, reviewer2));
    expect(quiet.filter(looksForExpiredLeases)).toEqual([]);
    await call('review:release', { taskId: first.taskId }, reviewer);
    clock.advance(121_000);
    // The second lease ran out: the next claim looks, frees it and takes it.
    const due = await statementsRunBy(() => call('review:next', { queue: 'face' }, reviewer));
    expect(due.filter(looksForExpiredLeases).length).toBeGreaterThan(0);
    const kinds = sql<{ kind: string }>('SELECT kind FROM review_task_events ORDER BY id').map((row) => row.kind);
    expect(kinds).toContain('lease_expired');
  });

  it('a lease that ran out between two calls is freed at the next claim, never left held', async () => {
    ingest(grey('APP-1'));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    // Quiet calls in between (nothing due yet).
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBeNull();
    clock.advance(119_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBeNull();
    clock.advance(2_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBe(taskId);
    expect((await detail(taskId, reviewer2)).timeline.map((event) => event.kind)).toEqual(['created', 'claimed', 'lease_expired', 'claimed']);
  });

  it('a lease another process set is expired on time, though this process never saw it granted', async () => {
    ingest(grey('APP-1'));
    ingest(grey('APP-2', zhang));
    // This process looks once and finds nothing held: nothing is due, ever, as far as it knows.
    await call('review:next', { queue: 'ocr' }, reviewer);
    const [task] = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'face' ORDER BY id LIMIT 1");
    const liId = sql<{ id: number }>("SELECT id FROM operators WHERE username = 'li'")[0]?.id;
    // Another process (its own connection) claims the task with a short lease.
    other = new Database(backend.paths.database);
    other
      .prepare("UPDATE review_tasks SET status = 'in_review', claimed_by = ?, claimed_at = ?, lease_expires_at = ? WHERE id = ?")
      .run(liId, clock.now(), clock.now() + 5_000, task?.id);
    clock.advance(6_000);
    const next = await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer);
    expect(next.taskId).toBe(task?.id);
    expect(sql<{ kind: string }>('SELECT kind FROM review_task_events WHERE task_id = ? ORDER BY id', task?.id).map((row) => row.kind)).toEqual(['created', 'lease_expired', 'claimed']);
  });

  it('the task a decision claims as the next one is freed when its lease runs out', async () => {
    ingest(grey('APP-1'));
    ingest(grey('APP-2', zhang));
    // Looked once with nothing held: as far as it knows, nothing is ever due.
    await call('review:next', { queue: 'ocr' }, reviewer);
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const { task } = await detail(taskId);
    const decided = await call<{ nextTaskId: number }>('review:decide', { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', note: '', evidenceHash: task.evidenceHash, next: {} }, reviewer);
    expect(decided.nextTaskId).not.toBeNull();
    clock.advance(119_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBeNull();
    clock.advance(2_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBe(decided.nextTaskId);
  });

  it('a snoozed task wakes on time, with quiet claims before it', async () => {
    ingest(grey('APP-1'));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    await call('review:snooze', { taskId, until: clock.now() + 600_000, reason: 'call back' }, reviewer);
    clock.advance(300_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBeNull();
    clock.advance(299_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBeNull();
    clock.advance(1_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBe(taskId);
    expect((await detail(taskId, reviewer2)).timeline.map((event) => event.kind)).toEqual(['created', 'claimed', 'snoozed', 'snooze_ended', 'claimed']);
  });
});

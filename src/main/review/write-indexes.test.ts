/**
 * The indexes a claim and a decision write (migration 0030): each one they move is a page of the
 * transaction's COMMIT, so the indexes that do not serve a query on every row are partial, and an
 * institution's page by age walks its priority index. These tests hold the queries those indexes
 * served to an index walk (EXPLAIN QUERY PLAN of the statements the repositories really prepare)
 * and the narrowed indexes to the rows they are for.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../core/actor';
import { countTasks, heldAndAssigned, taskPage, type TaskListRow } from '../repositories/review-queue';
import { heldTasks } from '../repositories/presence';
import { decisionsAwaitingDelivery, deliveryNewsQuery } from '../repositories/review-decisions';
import { seedOpenTasks } from '../../../bench/seed-tasks';
import { backend, reviewer, sql, useReviewWorld } from '../../../test/support/review-world';

useReviewWorld();
afterEach(() => vi.restoreAllMocks());

/** The SQL texts prepared while `work` runs. */
function preparedDuring(work: () => void): string[] {
  const prepared: string[] = [];
  const prepare = backend.db.$client.prepare.bind(backend.db.$client);
  vi.spyOn(backend.db.$client, 'prepare').mockImplementation((source: string) => {
    prepared.push(source);
    return prepare(source);
  });
  work();
  vi.restoreAllMocks();
  return [...new Set(prepared)];
}

/** The plan of a statement, every parameter bound to `value`. */
function planOf(text: string, value: unknown = 1): string {
  const parameters = text.match(/\?/g)?.length ?? 0;
  return (backend.db.$client.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...Array.from({ length: parameters }, () => value)) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
}

/** Leaf entries of an index, as SQLite stores them (not what a query with the index's condition reads). */
function entriesOf(index: string): number {
  return (sql<{ n: number | null }>("SELECT sum(ncell) AS n FROM dbstat WHERE name = ? AND pagetype = 'leaf'", index)[0]?.n ?? 0);
}

/** Open tasks on the bench's five institutions, three priority levels and many ties in age. */
function seedLevels(count: number): void {
  seedOpenTasks(backend.db.$client, count);
  backend.db.$client.exec('UPDATE review_tasks SET priority = 1 + id % 3, queued_at = 1700000000000 + (id % 40) * 60000');
}

function pageIds(query: Parameters<typeof taskPage>[1]): number[] {
  const ids: number[] = [];
  let after: { priority: number; queuedAt: number; id: number } | undefined;
  for (;;) {
    const page = taskPage(backend.db, { ...query, after });
    ids.push(...page.rows.map((row: TaskListRow) => row.id));
    const last = page.rows.at(-1);
    if (!page.more || !last) return ids;
    after = { priority: last.priority, queuedAt: last.queuedAt, id: last.id };
  }
}

describe('the indexes a claim and a decision write', () => {
  it("an institution's pages by age come in age order and page through every task once", () => {
    seedLevels(600);
    const institution = (sql<{ id: number }>("SELECT id FROM institutions WHERE code = 'B2'")[0] as { id: number }).id;
    const expected = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'face' AND status = 'open' AND institution_id = ? ORDER BY queued_at, id", institution).map((row) => row.id);
    expect(expected.length).toBeGreaterThan(30);
    expect(new Set(sql<{ priority: number }>('SELECT DISTINCT priority FROM review_tasks WHERE institution_id = ?', institution).map((row) => row.priority))).toEqual(new Set([1, 2, 3]));
    expect(pageIds({ queue: 'face', status: 'open', institutionId: institution, sort: 'oldest', limit: 7 })).toEqual(expected);
    expect(pageIds({ queue: 'face', status: 'open', institutionId: institution, sort: 'newest', limit: 7 })).toEqual([...expected].reverse());
    expect(pageIds({ queue: 'face', status: 'open', institutionId: institution, sort: 'oldest', limit: 500 })).toEqual(expected);
    expect(countTasks(backend.db, { queue: 'face', status: 'open', institutionId: institution }, 1000)).toEqual({ total: expected.length, capped: false });
    expect(countTasks(backend.db, { queue: 'face', status: 'open', institutionId: institution }, 5)).toEqual({ total: 5, capped: true });
  });

  it("an institution's page by age and its count walk the institution's priority index level by level, each walk bounded by its full prefix", () => {
    seedLevels(300);
    const texts = preparedDuring(() => {
      taskPage(backend.db, { queue: 'face', status: 'open', institutionId: 1, sort: 'oldest', limit: 50 });
      taskPage(backend.db, { queue: 'face', status: 'open', institutionId: 1, sort: 'newest', limit: 50, after: { priority: 2, queuedAt: 1700000000000, id: 5 } });
      countTasks(backend.db, { queue: 'face', status: 'open', institutionId: 1, queuedFrom: 0 }, 1000);
    }).filter((text) => /review_tasks/.test(text));
    expect(texts.length).toBe(3);
    for (const text of texts) {
      const plan = planOf(text);
      // Every walk is one priority level's, by its full prefix: no status of the institution but the page's is read.
      expect(plan.match(/review_tasks_institution_priority_idx \(queue=\? AND institution_id=\? AND priority=\? AND status=\?/g)?.length).toBe(3);
      expect(plan).not.toMatch(/SCAN t\b|SCAN review_tasks\b/);
    }
    // The levels' walks are merged (their sorts are of at most a page each, after the LIMIT).
    expect(planOf(texts[0] as string)).toMatch(/MERGE \(UNION ALL\)/);
  });

  it('who holds what and presence walk the held and assigned tasks only; those indexes hold nothing else', async () => {
    seedLevels(300);
    const { taskId } = await backend.router.call('review:next', { queue: 'face' }, reviewer).then((result) => (result.ok ? (result.data as { taskId: number }) : { taskId: 0 }));
    expect(taskId).toBeGreaterThan(0);
    const texts = preparedDuring(() => {
      expect(heldAndAssigned(backend.db).map((row) => row.id)).toEqual([taskId]);
      expect(heldTasks(backend.db).map((row) => row.taskId)).toEqual([taskId]);
    }).filter((text) => /review_tasks/.test(text));
    const plans = texts.map((text) => planOf(text)).join('\n');
    expect(plans).toMatch(/review_tasks_claimed_idx \(claimed_by>\?\)/);
    expect(plans).toMatch(/review_tasks_assigned_idx \(assigned_to>\?\)/);
    // 300 open tasks, one held, none assigned: a claim of an unassigned task moved no entry of the
    // assignment index and added one to the holders' index (whole-table indexes held 301 each).
    expect(entriesOf('review_tasks_claimed_idx')).toBe(1);
    expect(entriesOf('review_tasks_assigned_idx')).toBe(0);
    backend.services.review.release(reviewer.actor as Actor, taskId);
    expect(entriesOf('review_tasks_claimed_idx')).toBe(0);
  });

  it("a delivery finds its message's decisions by a seek on the message, however many decisions wait", () => {
    seedLevels(3);
    // The monitor's walk of what moved on reads the two partial indexes, not the table (on a table
    // mostly delivered; with most decisions pending, scanning it is as good and SQLite may).
    const newsPlans = (['pending', 'failed'] as const)
      .map((state) => {
        const query = deliveryNewsQuery(backend.db, state, 100).toSQL();
        return (backend.db.$client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
      })
      .join('\n');
    expect(newsPlans).toMatch(/review_decisions_delivery_idx/);
    expect(newsPlans).toMatch(/review_decisions_delivery_failed_idx/);
    expect(newsPlans).not.toMatch(/SCAN review_decisions$/m);
    // 20,000 undelivered decisions (an institution that is down), the planner with statistics.
    backend.db.$client.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
      INSERT INTO review_decisions (task_id, application_id, queue, action, stage, state, operator_id, reason_code, evidence_hash, application_version, decided_at, outbox_id, delivery_state)
      SELECT (SELECT min(id) FROM review_tasks), 1, 'face', 'reject', 'single', 'effective', 1, 'X', 'h', 1, i, i, CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'pending' END FROM n`);
    backend.db.$client.exec('ANALYZE');
    let found: number[] = [];
    const texts = preparedDuring(() => {
      found = [...decisionsAwaitingDelivery(backend.db, 12_345), ...decisionsAwaitingDelivery(backend.db, 12_340)].map((row) => row.outboxId as number);
    }).filter((text) => /review_decisions/.test(text));
    expect(found).toEqual([12_345, 12_340]);
    expect(texts.length).toBe(2);
    const plans = texts.map((text) => planOf(text)).join('\n');
    expect(plans).toMatch(/USING INDEX review_decisions_delivery_idx \(outbox_id=\?\)/);
    expect(plans).toMatch(/USING INDEX review_decisions_delivery_failed_idx \(outbox_id=\?\)/);
  });
});

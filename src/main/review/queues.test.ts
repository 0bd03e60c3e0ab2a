import { describe, expect, it } from 'vitest';
import { countTasks } from '../repositories/review-queue';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';
import { backend, call, clock, detail, grey, ingest, institutionId, reviewer, sql, useReviewWorld, zhang } from '../../../test/support/review-world';

useReviewWorld();

describe('queue pages', () => {
  it('filters by institution, finding, assignee and SLA, sorts, and pages through every task exactly once', async () => {
    const other = insertFixtureInstitution(backend.db, 'ZYXF');
    for (let index = 0; index < 7; index++) {
      const record = fixtureRecord(grey(`A-${index}`, { face: { score: index % 2 === 0 ? 65 : 50 } }), clock.now());
      ingestFixtureApplication(backend.db, index < 5 ? institutionId : other, record, clock.now());
      clock.advance(30 * 60_000);
    }
    const all = await call<{ rows: Array<{ id: number; findingCodes: string[]; sla: string; borrowerName: string; priority: number }>; total: number }>('review:list', { queue: 'face' }, reviewer);
    expect(all.total).toBe(7);
    expect(all.rows[0]?.borrowerName).toBe('王**');
    // Face SLA 120 minutes, due soon from 90: ages 210, 180, 150, 120, 90, 60 and 30 minutes.
    expect(all.rows.map((row) => row.sla)).toEqual(['breached', 'breached', 'breached', 'breached', 'due_soon', 'within', 'within']);
    const pages: number[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await call<{ rows: Array<{ id: number }>; nextCursor: string | null }>('review:list', { queue: 'face', limit: 3, cursor: cursor ?? undefined, sort: 'priority' }, reviewer);
      pages.push(...page.rows.map((row) => row.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(pages).size).toBe(7);
    const byPriority = await call<{ rows: Array<{ priority: number }> }>('review:list', { queue: 'face', sort: 'priority' }, reviewer);
    expect(byPriority.rows.map((row) => row.priority)).toEqual([3, 3, 3, 2, 2, 2, 2]);
    expect((await call<{ total: number }>('review:list', { queue: 'face', institutionId: other }, reviewer)).total).toBe(2);
    expect((await call<{ total: number }>('review:list', { queue: 'face', findingCode: 'face_score_reject' }, reviewer)).total).toBe(3);
    expect((await call<{ total: number }>('review:list', { queue: 'face', sla: 'breached' }, reviewer)).total).toBe(4);
    expect((await call<{ total: number }>('review:list', { queue: 'face', sla: 'due_soon' }, reviewer)).total).toBe(1);
    expect((await call<{ total: number }>('review:list', { queue: 'face', minAgeMinutes: 100 }, reviewer)).total).toBe(4);
    const newest = await call<{ rows: Array<{ id: number }> }>('review:list', { queue: 'face', sort: 'newest' }, reviewer);
    expect(newest.rows.map((row) => row.id)).toEqual([...all.rows.map((row) => row.id)].reverse());
    await call('review:next', { queue: 'face' }, reviewer);
    expect((await call<{ total: number }>('review:list', { queue: 'face', assignee: 'unassigned' }, reviewer)).total).toBe(6);
    const counts = await call<{ queues: Record<string, { open: number; inReview: number; breached: number; dueSoon: number }> }>('review:counts', {}, reviewer);
    expect(counts.queues.face).toMatchObject({ open: 6, inReview: 1, breached: 3, dueSoon: 1 });
  });

  it('keeps exact queue sizes through claims, decisions and re-syncs; a filtered total stops counting at its cap', async () => {
    ingest(grey('APP-1', { contacts: [{ name: '赵六', phone: '13900000009', relationship: 'friend', addressBook: null, callCount: 3 }] }));
    ingest(grey('APP-2', zhang));
    ingest(grey('APP-3', { borrower: { name: '李四', idNumber: '11010519491231002X', phone: '13700000002' }, ocr: { sex: 'female', birthDate: '1949-12-31' } }));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    await call('review:decide', { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', evidenceHash: (await detail(taskId)).task.evidenceHash, next: {} }, reviewer);
    ingest(grey('APP-2', { ...zhang, face: { score: 50 }, version: 2 }));
    const kept = sql('SELECT queue, status, count AS n FROM review_queue_counts WHERE count <> 0 ORDER BY queue, status');
    const actual = sql('SELECT queue, status, count(*) AS n FROM review_tasks GROUP BY queue, status ORDER BY queue, status');
    expect(kept).toEqual(actual);
    expect(kept.length).toBeGreaterThan(2);
    const query = { queue: 'face' as const, status: 'in_review' as const, institutionId };
    expect(countTasks(backend.db, query, 5)).toEqual({ total: 1, capped: false });
    expect(countTasks(backend.db, { queue: 'face', status: 'open', institutionId }, 0)).toEqual({ total: 0, capped: true });
  });

  it('walks an index for every page and for "next task"', () => {
    const plan = (text: string) => (sql<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`).map((row) => row.detail).join(' | '));
    expect(plan("SELECT id FROM review_tasks INDEXED BY review_tasks_assignee_age_idx WHERE queue = 'face' AND status = 'open' AND assigned_to IS NULL ORDER BY queued_at, id LIMIT 1")).toMatch(
      /USING (COVERING )?INDEX review_tasks_assignee_age_idx \(queue=\? AND status=\? AND assigned_to=\?\)/,
    );
    expect(plan("SELECT id FROM review_tasks INDEXED BY review_tasks_institution_priority_idx WHERE queue = 'face' AND status = 'open' AND institution_id = 1 AND priority = 3 ORDER BY queued_at, id LIMIT 51")).toMatch(
      /INDEX review_tasks_institution_priority_idx \(queue=\? AND institution_id=\? AND priority=\? AND status=\?\)/,
    );
    expect(plan("SELECT t.id FROM review_task_codes c CROSS JOIN review_tasks t ON t.id = c.task_id WHERE c.code = 'face_score_reject' AND t.queue = 'face'")).toMatch(
      /INDEX review_task_codes_code_idx \(code=\?\)/,
    );
    expect(plan("SELECT id FROM review_tasks WHERE queue = 'face' AND status = 'open' ORDER BY queued_at, id LIMIT 51")).not.toMatch(/TEMP B-TREE/);
  });
});

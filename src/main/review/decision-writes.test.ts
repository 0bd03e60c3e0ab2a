import { SQLiteDialect } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../core/actor';
import { verifyAuditChain } from '../audit/verify';
import { findTask } from '../repositories/review';
import { decisionsAwaitingDelivery, effectiveDecisionsOfApplication, waitingDecision } from '../repositories/review-decisions';
import { backend, grey, ingest, reviewer, sql, supervisor, useReviewWorld } from '../../../test/support/review-world';

useReviewWorld();
afterEach(() => vi.restoreAllMocks());

function evidenceHashOf(taskId: number): string {
  return (findTask(backend.db, taskId) as { evidenceHash: string }).evidenceHash;
}

describe("a decision's statements, prepared once", () => {
  it('after the first round, taking, claiming and deciding tasks build no SQL text', () => {
    for (let index = 1; index <= 8; index++) ingest(grey(`APP-${index}`));
    const actor = reviewer.actor as Actor;
    const review = backend.services.review;
    let key = 0;
    // One round of the team bench's loop and its approval twin: next, decide with next, claim, approve.
    const round = () => {
      const taken = review.next(actor, { queue: 'face', excludeTaskIds: [] }).taskId as number;
      const decided = review.decide(actor, { taskId: taken, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', note: 'x', evidenceHash: evidenceHashOf(taken), next: { excludeTaskIds: [] }, idempotencyKey: `key-${++key}` });
      expect(decided).toMatchObject({ outcome: 'decided', applicationOutcome: 'reject' });
      const held = decided.nextTaskId as number;
      review.release(actor, held);
      review.claim(actor, held);
      expect(review.decide(actor, { taskId: held, action: 'approve', note: '', evidenceHash: evidenceHashOf(held) })).toMatchObject({ applicationOutcome: 'approve' });
    };
    round();
    const building = vi.spyOn(SQLiteDialect.prototype, 'sqlToQuery');
    round();
    round();
    expect(building).not.toHaveBeenCalled();
    expect(sql('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 6 }]);
  });

  it("the application's effective decisions are read through its tasks, not by walking every decision", () => {
    const app = ingest(grey('APP-1'));
    const prepared: string[] = [];
    const prepare = backend.db.$client.prepare.bind(backend.db.$client);
    vi.spyOn(backend.db.$client, 'prepare').mockImplementation((source: string) => {
      prepared.push(source);
      return prepare(source);
    });
    expect(effectiveDecisionsOfApplication(backend.db, app.applicationId)).toEqual([]);
    const text = prepared.find((source) => /from\s+["`]?review_decisions/i.test(source));
    expect(text).toBeDefined();
    const values = (text?.match(/\?/g) ?? []).map(() => app.applicationId);
    const plan = (backend.db.$client.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...values) as Array<{ detail: string }>).map((row) => row.detail);
    expect(plan.join('\n')).toMatch(/review_decisions USING INDEX review_decisions_task_idx \(task_id=\?\)/);
    expect(plan.join('\n')).toMatch(/review_tasks USING (COVERING )?INDEX review_tasks_app_queue_unique \(application_id=\?\)/);
    expect(plan.join('\n')).not.toMatch(/SCAN review_decisions/);
  });

  it('the waiting decision and the decisions a delivery settles are planned once: their state is written out, not bound', () => {
    // SQLite plans a value bound against a partial index's condition with that value, so each new
    // binding prepared the statement again (25 µs a run against 2 µs on an empty table here).
    const prepared: string[] = [];
    const prepare = backend.db.$client.prepare.bind(backend.db.$client);
    vi.spyOn(backend.db.$client, 'prepare').mockImplementation((source: string) => {
      prepared.push(source);
      return prepare(source);
    });
    expect(waitingDecision(backend.db, 1)).toBeUndefined();
    expect(decisionsAwaitingDelivery(backend.db, 1)).toEqual([]);
    const texts = [...new Set(prepared.filter((source) => /from\s+["`]?review_decisions/i.test(source)))];
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(text).not.toMatch(/state["`]?\s*=\s*\?/);
    const plans = texts.map((text) => (backend.db.$client.prepare(`EXPLAIN QUERY PLAN ${text}`).all(1) as Array<{ detail: string }>).map((row) => row.detail)).join('\n');
    expect(plans).toMatch(/USING INDEX review_decisions_delivery_idx/);
    expect(plans).toMatch(/USING INDEX review_decisions_delivery_failed_idx/);
  });

  it('the audit chain verifies after many decisions of every kind', () => {
    const review = backend.services.review;
    const actor = reviewer.actor as Actor;
    const boss = supervisor.actor as Actor;
    const actions = ['reject', 'approve', 'escalate', 'resubmit'] as const;
    for (let index = 1; index <= 24; index++) ingest(grey(`APP-${index}`, index % 6 === 0 ? { face: { score: 50 } } : {}));
    let decided = 0;
    for (let index = 0; index < 24; index++) {
      const taskId = review.next(index % 6 === 5 ? boss : actor, { queue: 'face', excludeTaskIds: [] }).taskId as number;
      const who = index % 6 === 5 ? boss : actor;
      const action = index % 6 === 5 ? 'approve' : actions[index % actions.length]!;
      review.decide(who, { taskId, action, reasonCode: action === 'approve' ? undefined : reasonFor(action), note: `n${index}`, evidenceHash: evidenceHashOf(taskId) });
      decided++;
    }
    expect(sql("SELECT count(*) AS n FROM audit_log WHERE action = 'review.decided'")).toEqual([{ n: decided }]);
    expect(sql("SELECT count(*) AS n FROM review_decisions WHERE state = 'awaiting_second'")).toEqual([{ n: 4 }]);
    const verification = verifyAuditChain(backend.db, { key: backend.auditKey });
    expect(verification).toMatchObject({ ok: true, broken: null });
    expect(verification.checked).toBe((sql<{ n: number }>('SELECT count(*) AS n FROM audit_log')[0] as { n: number }).n);
  });
});

function reasonFor(action: 'reject' | 'escalate' | 'resubmit'): string {
  const code = sql<{ code: string }>("SELECT code FROM review_reason_codes WHERE queue = 'face' AND action = ? AND active = 1 ORDER BY sort_order LIMIT 1", action)[0]?.code;
  if (!code) throw new Error(`no ${action} reason for the face queue`);
  return code;
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reviewDecisionRequestSchema } from '../../shared/institution-api/decisions';
import type { Envelope } from '../../shared/rpc/errors';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';
import { markOutboxDelivered } from '../repositories/outbox';
import { countTasks } from '../repositories/review-queue';
import { recordDeliveries } from './monitor';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution, type FixtureOptions } from '../../../test/support/review-fixtures';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let reviewer: CallContext;
let reviewer2: CallContext;
let supervisor: CallContext;
let supervisor2: CallContext;
let institutionId: number;

const start = Date.UTC(2026, 10, 25, 2, 0, 0);

beforeEach(async () => {
  clock = new ManualClock(start);
  backend = await createTestBackend({ clock });
  reviewer = await operatorContext(backend, 'wang', 'reviewer');
  reviewer2 = await operatorContext(backend, 'li', 'reviewer');
  supervisor = await operatorContext(backend, 'zhao', 'supervisor');
  supervisor2 = await operatorContext(backend, 'qian', 'supervisor');
  institutionId = insertFixtureInstitution(backend.db, 'HNXD');
});
afterEach(async () => backend.cleanup());

async function call<T>(channel: string, input: unknown, context: CallContext): Promise<T> {
  const result = (await backend.router.call(channel, input, context)) as Envelope<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data;
}

async function failure(channel: string, input: unknown, context: CallContext): Promise<{ code: string; message: string; details?: unknown }> {
  const result = await backend.router.call(channel, input, context);
  if (result.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return result.error;
}

function ingest(options: FixtureOptions, at = clock.now()) {
  return ingestFixtureApplication(backend.db, institutionId, fixtureRecord(options, at), at);
}

function sql<T>(text: string, ...params: unknown[]): T[] {
  return backend.db.$client.prepare(text).all(...params) as T[];
}

/** A face score in the grey band (review), everything else clean: one face task. */
const grey = (externalId: string, extra: Partial<FixtureOptions> = {}): FixtureOptions => ({ externalId, face: { score: 65 }, ...extra });
/** Another borrower (a valid number whose encoded birth date the OCR reads the same). */
const zhang = { borrower: { name: '张三', idNumber: '440308199901101512', phone: '13700000001' }, ocr: { birthDate: '1999-01-10' } };

interface TaskDetailLike {
  task: { id: number; status: string; evidenceHash: string; canDecide: boolean; returnNote: string | null; fourEyesOnApprove: string[]; heldByMe: boolean };
  timeline: Array<{ kind: string; operator: { name: string } | null; details: Record<string, unknown> }>;
  borrower: { name: { value: string; revealKey: string | null } };
  findings: Array<{ code: string }>;
}

async function detail(taskId: number, context: CallContext = reviewer): Promise<TaskDetailLike> {
  return call<TaskDetailLike>('review:task', { taskId }, context);
}

function outbox() {
  return sql<{ kind: string; subject_id: string; payload: string; idempotency_key: string; state: string; id: number }>('SELECT * FROM outbox ORDER BY id');
}

describe('claiming', () => {
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
      /INDEX review_tasks_institution_priority_idx \(queue=\? AND status=\? AND institution_id=\? AND priority=\?\)/,
    );
    expect(plan("SELECT t.id FROM review_task_codes c CROSS JOIN review_tasks t ON t.id = c.task_id WHERE c.code = 'face_score_reject' AND t.queue = 'face'")).toMatch(
      /INDEX review_task_codes_code_idx \(code=\?\)/,
    );
    expect(plan("SELECT id FROM review_tasks WHERE queue = 'face' AND status = 'open' ORDER BY queued_at, id LIMIT 51")).not.toMatch(/TEMP B-TREE/);
  });
});

describe('deciding', () => {
  it('refuses a rejection without a reason, with a clear message', async () => {
    ingest(grey('APP-1'));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const { task } = await detail(taskId);
    const refused = await failure('review:decide', { taskId, action: 'reject', evidenceHash: task.evidenceHash }, reviewer);
    expect(refused).toMatchObject({ code: 'VALIDATION', message: 'A rejection needs a reason: choose one from the list.', details: { field: 'reasonCode', reason: 'required' } });
    const unknown = await failure('review:decide', { taskId, action: 'reject', reasonCode: 'ID_FORGED', evidenceHash: task.evidenceHash }, reviewer);
    expect(unknown.message).toMatch(/not a reason for this queue/);
    expect(outbox()).toEqual([]);
  });

  it('a rejection commits at once with the institution message, closes the application’s other tasks and opens the next task', async () => {
    // Grey face score and an emergency contact missing from the address book: two queues.
    const app = ingest(
      grey('APP-1', {
        contacts: [{ name: '赵六', phone: '13900000009', relationship: 'friend', addressBook: null, callCount: 0 }],
      }),
    );
    ingest(grey('APP-2', zhang));
    expect(sql('SELECT queue FROM review_tasks WHERE application_id = ? ORDER BY queue', app.applicationId)).toEqual([{ queue: 'contacts' }, { queue: 'face' }]);
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const { task } = await detail(taskId);
    const result = await call('review:decide', { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', note: '明显不是同一人', evidenceHash: task.evidenceHash, next: {} }, reviewer);
    expect(result).toMatchObject({ outcome: 'decided', applicationOutcome: 'reject' });
    const nextTaskId = (result as { nextTaskId: number }).nextTaskId;
    expect(nextTaskId).not.toBeNull();
    expect((await detail(nextTaskId)).task.heldByMe).toBe(true);
    const [message] = outbox();
    expect(message).toMatchObject({ kind: 'review-decision', subject_id: 'APP-1', state: 'pending' });
    const payload = reviewDecisionRequestSchema.parse(JSON.parse(message?.payload ?? '{}'));
    expect(payload).toMatchObject({ decision: 'reject', reviewer_id: 'wang', reason_codes: ['FACE_NOT_SAME_PERSON'], application_version: 1, comment: '[face] 明显不是同一人' });
    expect(payload.face_compare_basis).toEqual({ vendor: 'faceplusplus', model_version: '3.0', score: 65, pass_threshold: 69.101, reject_threshold: 62.327 });
    expect(payload.decided_at).toMatch(/\+08:00$/);
    expect(sql('SELECT queue, status FROM review_tasks WHERE application_id = ? ORDER BY queue', app.applicationId)).toEqual([
      { queue: 'contacts', status: 'closed' },
      { queue: 'face', status: 'decided' },
    ]);
    expect(sql("SELECT action FROM audit_log WHERE action LIKE 'review.%'")).toEqual([{ action: 'review.decided' }]);
  });

  it('an application is approved once, when its last open queue is approved', async () => {
    const app = ingest(grey('APP-1', { contacts: [{ name: '赵六', phone: '13900000009', relationship: 'friend', addressBook: null, callCount: 3 }] }));
    const face = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const first = await call('review:decide', { taskId: face.taskId, action: 'approve', evidenceHash: (await detail(face.taskId)).task.evidenceHash }, reviewer);
    expect(first).toMatchObject({ outcome: 'decided', applicationOutcome: null });
    expect(outbox()).toEqual([]);
    const contacts = await call<{ taskId: number }>('review:next', { queue: 'contacts' }, reviewer2);
    const second = await call('review:decide', { taskId: contacts.taskId, action: 'approve', note: '已电话核实', evidenceHash: (await detail(contacts.taskId, reviewer2)).task.evidenceHash }, reviewer2);
    expect(second).toMatchObject({ applicationOutcome: 'approve' });
    const messages = outbox();
    expect(messages).toHaveLength(1);
    expect(reviewDecisionRequestSchema.parse(JSON.parse(messages[0]?.payload ?? '{}'))).toMatchObject({ decision: 'approve', approved_limit_fen: 1_500_000, reviewer_id: 'li' });
    expect(sql('SELECT count(*) AS n FROM review_decisions WHERE application_id = ? AND outbox_id IS NOT NULL', app.applicationId)).toEqual([{ n: 1 }]);
  });

  it('four-eyes: approving against a reject-band score waits for a different supervisor', async () => {
    ingest(grey('APP-1', { face: { score: 50 } }));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, supervisor);
    const shown = await detail(taskId, supervisor);
    expect(shown.task.fourEyesOnApprove).toEqual(['reject_band']);
    const first = await call('review:decide', { taskId, action: 'approve', evidenceHash: shown.task.evidenceHash }, supervisor);
    expect(first).toMatchObject({ outcome: 'awaiting_second', applicationOutcome: null });
    expect(outbox()).toEqual([]);
    const same = await failure('review:second-decision', { taskId, decision: 'confirm', evidenceHash: shown.task.evidenceHash }, supervisor);
    expect(same).toMatchObject({ code: 'FORBIDDEN', message: 'You made the first decision on this task; another supervisor must give the second.' });
    expect((await failure('review:second-decision', { taskId, decision: 'confirm', evidenceHash: shown.task.evidenceHash }, reviewer)).code).toBe('FORBIDDEN');
    const inbox = await call<{ awaitingSecond: Array<{ id: number; waitingDecision: { operator: { name: string } } }> }>('review:inbox', {}, supervisor2);
    expect(inbox.awaitingSecond).toMatchObject([{ id: taskId, waitingDecision: { operator: { name: 'zhao' } } }]);
    expect(await call('review:second-decision', { taskId, decision: 'confirm', evidenceHash: shown.task.evidenceHash }, supervisor2)).toEqual({ applicationOutcome: 'approve' });
    expect(outbox()).toHaveLength(1);
    expect(sql('SELECT stage, state FROM review_decisions ORDER BY id')).toEqual([
      { stage: 'first', state: 'confirmed' },
      { stage: 'second', state: 'effective' },
    ]);
  });

  it('four-eyes: overturning the institution’s automatic rejection, overruled by the second supervisor', async () => {
    ingest(grey('APP-1', { riskResult: 'reject' }));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const { task } = await detail(taskId);
    expect(task.fourEyesOnApprove).toEqual(['overturns_automatic_rejection']);
    await call('review:decide', { taskId, action: 'approve', evidenceHash: task.evidenceHash }, reviewer);
    expect((await failure('review:second-decision', { taskId, decision: 'overrule', evidenceHash: task.evidenceHash }, supervisor)).message).toMatch(/needs a reason/);
    expect(await call('review:second-decision', { taskId, decision: 'overrule', reasonCode: 'LIVENESS_SPOOF', evidenceHash: task.evidenceHash }, supervisor)).toEqual({ applicationOutcome: 'reject' });
    expect(reviewDecisionRequestSchema.parse(JSON.parse(outbox()[0]?.payload ?? '{}'))).toMatchObject({ decision: 'reject', reason_codes: ['LIVENESS_SPOOF'], reviewer_id: 'zhao' });
  });

  it('four-eyes for any high-severity finding when the setting asks for it', async () => {
    const admin = await operatorContext(backend, 'root2', 'admin');
    // A failed liveness check is a high-severity finding, the score itself is in the review band.
    ingest(grey('APP-1', { face: { score: 65, livenessPassed: false } }));
    ingest(grey('APP-2', { ...zhang, face: { score: 65, livenessPassed: false } }));
    const first = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    expect((await detail(first.taskId)).task.fourEyesOnApprove).toEqual([]);
    expect(await call('review:decide', { taskId: first.taskId, action: 'approve', evidenceHash: (await detail(first.taskId)).task.evidenceHash }, reviewer)).toMatchObject({ outcome: 'decided' });
    const current = await call<Record<string, unknown>>('review:settings', {}, admin);
    await call('review:save-settings', { ...current, fourEyesOnHighSeverity: true }, admin);
    const second = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    expect((await detail(second.taskId)).task.fourEyesOnApprove).toEqual(['high_severity']);
    expect(await call('review:decide', { taskId: second.taskId, action: 'approve', evidenceHash: (await detail(second.taskId)).task.evidenceHash }, reviewer)).toMatchObject({ outcome: 'awaiting_second' });
  });

  it('new evidence cancels a waiting four-eyes decision and returns the task with a note', async () => {
    ingest(grey('APP-1', { face: { score: 50 } }));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const before = await detail(taskId);
    await call('review:decide', { taskId, action: 'approve', evidenceHash: before.task.evidenceHash }, reviewer);
    clock.advance(60_000);
    ingest(grey('APP-1', { face: { score: 52 }, version: 2 }));
    const after = await detail(taskId);
    expect(after.task).toMatchObject({ status: 'open', returnNote: 'second_decision_cancelled_evidence_changed' });
    expect(sql('SELECT state, cancel_reason AS reason FROM review_decisions')).toEqual([{ state: 'cancelled', reason: 'evidence_changed' }]);
    expect(after.timeline.map((event) => event.kind)).toContain('second_decision_cancelled');
    expect((await failure('review:second-decision', { taskId, decision: 'confirm', evidenceHash: after.task.evidenceHash }, supervisor)).code).toBe('CONFLICT');
  });

  it('a decision on evidence that changed since the task opened is refused', async () => {
    ingest(grey('APP-1'));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const { task } = await detail(taskId);
    ingest(grey('APP-1', { face: { score: 66 }, version: 2 }));
    const refused = await failure('review:decide', { taskId, action: 'approve', evidenceHash: task.evidenceHash }, reviewer);
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { reason: 'evidence_changed' } });
  });

  it('a resubmission request sends nothing and waits for new evidence; an escalation reaches the supervisors’ inbox', async () => {
    ingest(grey('APP-1'));
    ingest(grey('APP-2', zhang));
    const first = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    expect(
      await call('review:decide', { taskId: first.taskId, action: 'resubmit', reasonCode: 'FACE_RETAKE', evidenceHash: (await detail(first.taskId)).task.evidenceHash }, reviewer),
    ).toMatchObject({ outcome: 'awaiting_resubmission', applicationOutcome: null });
    const second = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    await call('review:decide', { taskId: second.taskId, action: 'escalate', reasonCode: 'SUSPECTED_FRAUD', note: '背景可疑', evidenceHash: (await detail(second.taskId)).task.evidenceHash }, reviewer);
    expect(outbox()).toEqual([]);
    const inbox = await call<{ escalated: Array<{ id: number; escalation: { reasonCode: string; note: string } }> }>('review:inbox', {}, supervisor);
    expect(inbox.escalated).toMatchObject([{ id: second.taskId, escalation: { reasonCode: 'SUSPECTED_FRAUD', note: '背景可疑' } }]);
    expect((await failure('review:claim', { taskId: second.taskId }, reviewer2)).code).toBe('CONFLICT');
    await call('review:claim', { taskId: second.taskId }, supervisor);
    const escalatedTask = await detail(second.taskId, supervisor);
    expect(escalatedTask.task).toMatchObject({ status: 'escalated', canDecide: true });
    expect(await call('review:decide', { taskId: second.taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', evidenceHash: escalatedTask.task.evidenceHash }, supervisor)).toMatchObject({
      applicationOutcome: 'reject',
    });
    // The borrower retook the photo: the re-sync brings new evidence and the task is back.
    ingest(grey('APP-1', { face: { score: 66 }, version: 2 }));
    expect((await detail(first.taskId)).task).toMatchObject({ status: 'open', returnNote: 'reopened_evidence_changed' });
  });

  it('snoozes a held task until a time, with a reason; it resurfaces then', async () => {
    ingest(grey('APP-1'));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    const refused = await failure('review:snooze', { taskId, until: clock.now() + 1000, reason: '等待客户回电' }, reviewer);
    expect(refused.code).toBe('VALIDATION');
    await call('review:snooze', { taskId, until: clock.now() + 3_600_000, reason: '等待客户回电' }, reviewer);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBeNull();
    clock.advance(3_600_000);
    expect((await call<{ taskId: number | null }>('review:next', { queue: 'face' }, reviewer2)).taskId).toBe(taskId);
    const kinds = (await detail(taskId, reviewer2)).timeline.map((event) => event.kind);
    expect(kinds).toEqual(['created', 'claimed', 'snoozed', 'snooze_ended', 'claimed']);
  });

  it('records the delivery to the institution on the timeline once the outbox says so', async () => {
    ingest(grey('APP-1'));
    const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
    await call('review:decide', { taskId, action: 'approve', evidenceHash: (await detail(taskId)).task.evidenceHash }, reviewer);
    expect((await detail(taskId)).timeline.at(-1)).toMatchObject({ kind: 'delivery_pending', details: { derived: true } });
    const message = outbox()[0];
    markOutboxDelivered(backend.db, message?.id ?? 0, { application_status: 'APPROVED', decision_id: 'D-1' }, clock.now() + 5000);
    expect(recordDeliveries(backend.db)).toBe(1);
    expect(recordDeliveries(backend.db)).toBe(0);
    const last = (await detail(taskId)).timeline.at(-1);
    expect(last).toMatchObject({ kind: 'delivered', operator: null, details: { applicationStatus: 'APPROVED', institutionDecisionId: 'D-1' } });
  });
});

describe('evidence', () => {
  it('face: the score with its vendor, model, band and thresholds; liveness with attempts', async () => {
    ingest(grey('APP-1', { face: { score: 65, attempts: 3 } }));
    const taskId = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'face'")[0]?.id ?? 0;
    const face = (await call<{ face: unknown }>('review:task', { taskId }, reviewer)).face;
    expect(face).toMatchObject({
      compare: { vendor: 'faceplusplus', modelVersion: '3.0', score: 65, vendorThresholds: [{ falseAcceptRate: '1e-3', score: 62.327 }, { falseAcceptRate: '1e-4' }, { falseAcceptRate: '1e-5' }] },
      band: { band: 'review', rejectBelow: 62.327, passAtOrAbove: 69.101 },
      liveness: { passed: true, attempts: 3 },
    });
  });

  it('ID OCR: each mismatch flagged, the checksum and what the number encodes, validity and quality warnings', async () => {
    // The card reads another (valid) number and the photo is a photocopy.
    ingest({ externalId: 'APP-1', ocr: { idNumber: '11010519491231002X', sex: 'female', birthDate: '1949-12-31', warnings: ['photocopy', 'glare'] } });
    const taskId = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'ocr'")[0]?.id ?? 0;
    const ocr = (await call<{ ocr: { fields: Array<{ field: string; mismatch: boolean; ocr: { value: string } }>; submittedId: unknown; ocrId: unknown; qualityWarnings: string[]; validity: unknown } }>('review:task', { taskId }, reviewer)).ocr;
    expect(ocr.fields.filter((field) => field.mismatch).map((field) => field.field)).toEqual(['idNumber', 'sex', 'birthDate']);
    expect(ocr.fields.find((field) => field.field === 'idNumber')?.ocr.value).toBe('110105********002X');
    // The birth dates are the digits the numbers' masks hide: masked, with the age band and the comparison instead.
    expect(ocr.submittedId).toMatchObject({
      valid: true,
      checkExpected: '0',
      checkActual: '0',
      sex: 'male',
      birthDate: { value: '****-**-**', revealKey: 'borrower.birthDate' },
      ageBand: '35-39',
      province: '北京市',
    });
    expect(ocr.ocrId).toMatchObject({ valid: true, checkExpected: 'X', checkActual: 'X', sex: 'female', birthDate: { value: '****-**-**', revealKey: 'ocr.idNumber.birthDate' }, ageBand: '75-79' });
    expect(ocr.fields.find((field) => field.field === 'birthDate')?.ocr).toEqual({ value: '****-**-**', revealKey: 'ocr.birthDate' });
    const whole = await call<{ findings: Array<{ code: string; expected: string | null; actual: string | null }> }>('review:task', { taskId }, reviewer);
    expect(whole.findings.find((finding) => finding.code === 'ocr_birth_date_mismatch')).toMatchObject({ expected: null, actual: 'year,month,day' });
    expect(JSON.stringify(whole)).not.toMatch(/1990-?03-?07|1949-?12-?31|1990年|1949年/);
    expect(ocr.qualityWarnings).toEqual(['photocopy', 'glare']);
    expect(ocr.validity).toMatchObject({ from: '2015-03-01', to: '2035-03-01', state: 'valid', longTerm: false });
  });

  it('contacts: address-book match and remark, calls, findings, other applicants sharing the phone, names masked', async () => {
    const shared = { name: '赵六', phone: '13900000009', relationship: 'mother' as const, addressBook: { displayName: '赵六', remark: null }, callCount: 0 };
    ingest(grey('OTHER-1', { ...zhang, contacts: [shared] }));
    const mine = ingest(grey('APP-1', { contacts: [shared] }));
    ingest(grey('APP-0', { contacts: [shared] }));
    const taskId = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'contacts' AND application_id = ?", mine.applicationId)[0]?.id ?? 0;
    const otherTask = sql<{ id: number }>("SELECT t.id FROM review_tasks t JOIN applications a ON a.id = t.application_id WHERE t.queue = 'contacts' AND a.external_id = 'OTHER-1'")[0]?.id;
    const detailed = await call<{ contacts: { contacts: unknown[] }; findings: Array<{ code: string; actual: string | null }> }>('review:task', { taskId }, reviewer);
    expect(detailed.contacts.contacts).toEqual([
      expect.objectContaining({
        name: { value: '赵*', revealKey: 'contact.0.name' },
        phone: { value: '139****0009', revealKey: 'contact.0.phone' },
        relationship: 'mother',
        // Saved name and remark masked whole; what they say is derived.
        addressBook: {
          displayName: { value: '****', revealKey: 'contact.0.addressBookName' },
          remark: null,
          suggests: [],
          suggestsFrom: 'name',
          nameMatchesContact: true,
          sharesBorrowerSurname: false,
        },
        callCount: 0,
        findings: ['contact_relationship_unconfirmed', 'contact_never_called'],
        // The same borrower's other application (APP-0) is not another applicant.
        sharedWith: [expect.objectContaining({ externalId: 'OTHER-1', taskId: otherTask })],
        sharedTotal: 1,
      }),
    ]);
    expect(detailed.findings.find((finding) => finding.code === 'contact_relationship_unconfirmed')?.actual).toBeNull();
  });
});

describe('personal data', () => {
  it('is masked; a reviewer reveals a field only on a task they hold, and the reveal is recorded', async () => {
    ingest(grey('APP-1'));
    const taskId = sql<{ id: number }>('SELECT id FROM review_tasks')[0]?.id ?? 0;
    const shown = await detail(taskId);
    expect(shown.borrower.name).toEqual({ value: '王**', revealKey: 'borrower.name' });
    expect(await failure('review:reveal', { taskId, field: 'borrower.name' }, reviewer)).toMatchObject({ code: 'FORBIDDEN' });
    await call('review:claim', { taskId }, reviewer);
    expect(await call('review:reveal', { taskId, field: 'borrower.name' }, reviewer)).toEqual({ value: '王小明' });
    expect(await call('review:reveal', { taskId, field: 'contact.0.phone' }, reviewer)).toEqual({ value: '13900000001' });
    expect((await failure('review:reveal', { taskId, field: 'contact.7.phone' }, reviewer)).code).toBe('NOT_FOUND');
    expect(await call('review:reveal', { taskId, field: 'ocr.idNumber' }, reviewer)).toEqual({ value: '110101199003078670' });
    const audit = sql<{ action: string; details: string }>("SELECT action, details FROM audit_log WHERE action = 'review.pii-revealed'");
    expect(audit.map((row) => JSON.parse(row.details))).toEqual([{ field: 'borrower.name' }, { field: 'contact.0.phone' }, { field: 'ocr.idNumber' }]);
    expect(audit.some((row) => row.details.includes('王小明'))).toBe(false);
    expect((await detail(taskId)).timeline.filter((event) => event.kind === 'pii_revealed')).toHaveLength(3);
  });
});

describe('settings and reason codes', () => {
  it('an admin edits reason codes and SLA; reviewers cannot', async () => {
    const admin = await operatorContext(backend, 'root2', 'admin');
    const created = await call<{ id: number }>('review:save-reason-code', { queue: 'face', action: 'reject', code: 'FACE_MASK', labelZh: '佩戴口罩', labelEn: 'Face covered by a mask' }, admin);
    expect((await failure('review:save-reason-code', { queue: 'face', action: 'reject', code: 'FACE_MASK', labelZh: 'x', labelEn: 'x' }, admin)).code).toBe('CONFLICT');
    await call('review:save-reason-code', { id: created.id, queue: 'face', action: 'reject', code: 'FACE_MASK', labelZh: '佩戴口罩', labelEn: 'Mask', active: false }, admin);
    const active = await call<Array<{ code: string }>>('review:reason-codes', { queue: 'face' }, reviewer);
    expect(active.map((row) => row.code)).not.toContain('FACE_MASK');
    expect((await failure('review:save-reason-code', { queue: 'face', action: 'reject', code: 'X1', labelZh: 'x', labelEn: 'x' }, reviewer)).code).toBe('FORBIDDEN');
    const settings = { queues: { contacts: { slaMinutes: 60, dueSoonMinutes: 15 }, face: { slaMinutes: 30, dueSoonMinutes: 10 }, ocr: { slaMinutes: 90, dueSoonMinutes: 30 } }, leaseSeconds: 300 };
    expect(await call('review:save-settings', settings, admin)).toEqual({ ...settings, fourEyesOnHighSeverity: false });
    expect(await call('review:settings', {}, reviewer)).toEqual({ ...settings, fourEyesOnHighSeverity: false });
    expect((await failure('review:save-settings', { ...settings, queues: { ...settings.queues, face: { slaMinutes: 30, dueSoonMinutes: 30 } } }, admin)).code).toBe('VALIDATION');
  });
});

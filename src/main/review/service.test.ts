import { describe, expect, it } from 'vitest';
import { reviewDecisionRequestSchema } from '../../shared/institution-api/decisions';
import { operatorContext } from '../../../test/support/backend';
import { backend, call, clock, detail, failure, grey, ingest, outbox, reviewer, reviewer2, sql, supervisor, supervisor2, useReviewWorld, zhang } from '../../../test/support/review-world';

useReviewWorld();

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
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/rpc/errors';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let reviewer: CallContext;
let reviewer2: CallContext;
let institutionId: number;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 25, 2, 0, 0));
  backend = await createTestBackend({ clock });
  reviewer = await operatorContext(backend, 'wang', 'reviewer');
  reviewer2 = await operatorContext(backend, 'li', 'reviewer');
  institutionId = insertFixtureInstitution(backend.db, 'HNXD');
});
afterEach(async () => backend.cleanup());

function call(channel: string, input: unknown, context: CallContext): Promise<Envelope<unknown>> {
  return backend.router.call(channel, input, context);
}

async function claimedFaceTask(externalId: string): Promise<{ taskId: number; evidenceHash: string }> {
  ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId, face: { score: 65 } }, clock.now()), clock.now());
  const next = (await call('review:next', { queue: 'face' }, reviewer)) as Envelope<{ taskId: number }>;
  if (!next.ok) throw new Error(next.error.message);
  const detail = (await call('review:task', { taskId: next.data.taskId }, reviewer)) as Envelope<{ task: { evidenceHash: string } }>;
  if (!detail.ok) throw new Error(detail.error.message);
  return { taskId: next.data.taskId, evidenceHash: detail.data.task.evidenceHash };
}

function count(sql: string, ...params: unknown[]): number {
  return (backend.db.$client.prepare(sql).get(...params) as { n: number }).n;
}

describe('review:decide with an idempotency key', () => {
  it('applies a retried decision once and answers the retry with the first answer', async () => {
    const { taskId, evidenceHash } = await claimedFaceTask('APP-1');
    const input = { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', evidenceHash, idempotencyKey: 'desk-7f3a9c1e-0001' };
    const first = await call('review:decide', input, reviewer);
    expect(first).toEqual({ ok: true, data: { outcome: 'decided', applicationOutcome: 'reject', nextTaskId: null } });
    // The answer was lost on the way back; the transport sends the same call again.
    const retry = await call('review:decide', input, reviewer);
    expect(retry).toEqual(first);
    expect(count('SELECT count(*) AS n FROM review_decisions WHERE task_id = ?', taskId)).toBe(1);
    expect(count("SELECT count(*) AS n FROM outbox WHERE kind = 'review-decision'")).toBeLessThanOrEqual(1);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'review.decided'")).toBe(1);
  });

  it('keeps keys per operator and per task, and a call without a key stays refused once the task is decided', async () => {
    const { taskId, evidenceHash } = await claimedFaceTask('APP-2');
    const input = { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', evidenceHash };
    expect((await call('review:decide', { ...input, idempotencyKey: 'desk-7f3a9c1e-0002' }, reviewer)).ok).toBe(true);
    const again = await call('review:decide', input, reviewer);
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'not_held' } } });
    // Another operator's identical key is not the first operator's answer.
    const other = await call('review:decide', { ...input, idempotencyKey: 'desk-7f3a9c1e-0002' }, reviewer2);
    expect(other).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'not_held' } } });
    const { taskId: secondTask, evidenceHash: secondHash } = await claimedFaceTask('APP-3');
    const reused = await call('review:decide', { taskId: secondTask, action: 'approve', evidenceHash: secondHash, idempotencyKey: 'desk-7f3a9c1e-0002' }, reviewer);
    expect(reused).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'idempotency_key_reused' } } });
  });
});

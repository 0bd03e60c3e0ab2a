import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/rpc/errors';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let reviewer: CallContext;
let supervisor: CallContext;
let supervisor2: CallContext;
let support: CallContext;
let institutionId: number;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 25, 2, 0, 0));
  backend = await createTestBackend({ clock });
  reviewer = await operatorContext(backend, 'wang', 'reviewer');
  supervisor = await operatorContext(backend, 'zhao', 'supervisor');
  supervisor2 = await operatorContext(backend, 'qian', 'supervisor');
  support = await operatorContext(backend, 'sun', 'support');
  institutionId = insertFixtureInstitution(backend.db, 'HNXD');
});
afterEach(async () => backend.cleanup());

async function answer(channel: string, input: unknown, context: CallContext): Promise<Envelope<unknown>> {
  return backend.router.call(channel, input, context);
}

function faceTask(externalId: string, score: number): number {
  const now = clock.now();
  const { applicationId } = ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId, face: { score } }, now), now);
  return (backend.db.$client.prepare("SELECT id FROM review_tasks WHERE application_id = ? AND queue = 'face'").get(applicationId) as { id: number }).id;
}

describe('reveals of a review task', () => {
  it('need the task held under a live lease: not after the lease ran out, not by a supervisor who does not hold it, never by support', async () => {
    const taskId = faceTask('APP-1', 65);
    expect(await answer('review:claim', { taskId }, reviewer)).toMatchObject({ ok: true });
    expect(await answer('review:reveal', { taskId, field: 'borrower.name' }, reviewer)).toEqual({ ok: true, data: { value: '王小明' } });
    // A supervisor's pii:reveal is the borrower page's; on a task it takes holding it.
    expect(await answer('review:reveal', { taskId, field: 'ocr.idNumber' }, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await answer('review:reveal', { taskId, field: 'borrower.idNumber' }, support)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const task = await answer('review:task', { taskId }, supervisor);
    expect(task).toMatchObject({ ok: true, data: { task: { canReveal: false, canSeeImages: false } } });
    // The lease (120 s) runs out without renewal: the claim row still names the reviewer until housekeeping.
    clock.advance(121_000);
    expect(await answer('review:reveal', { taskId, field: 'borrower.phone' }, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await answer('review:task', { taskId }, reviewer)).toMatchObject({ ok: true, data: { task: { canReveal: false, canSeeImages: false } } });
    const recorded = backend.db.$client.prepare("SELECT details FROM audit_log WHERE action = 'review.pii-revealed'").all() as Array<{ details: string }>;
    expect(recorded.map((row) => JSON.parse(row.details))).toEqual([{ field: 'borrower.name' }]);
  });

  it('are open to the supervisor who can give the second decision an approval waits for, never to its first decider', async () => {
    const taskId = faceTask('APP-2', 50);
    await answer('review:claim', { taskId }, supervisor);
    const detail = (await answer('review:task', { taskId }, supervisor)) as { ok: true; data: { task: { evidenceHash: string } } };
    expect(await answer('review:decide', { taskId, action: 'approve', evidenceHash: detail.data.task.evidenceHash }, supervisor)).toMatchObject({ ok: true, data: { outcome: 'awaiting_second' } });
    expect(await answer('review:reveal', { taskId, field: 'borrower.name' }, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await answer('review:reveal', { taskId, field: 'borrower.name' }, supervisor2)).toEqual({ ok: true, data: { value: '王小明' } });
    expect(await answer('review:reveal', { taskId, field: 'borrower.name' }, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('reveal the birth dates and address-book texts the task masks, each recorded', async () => {
    const taskId = faceTask('APP-3', 65);
    await answer('review:claim', { taskId }, reviewer);
    expect(await answer('review:reveal', { taskId, field: 'borrower.birthDate' }, reviewer)).toEqual({ ok: true, data: { value: '1990-03-07' } });
    expect(await answer('review:reveal', { taskId, field: 'ocr.birthDate' }, reviewer)).toMatchObject({ ok: true });
    const fields = (backend.db.$client.prepare("SELECT details FROM audit_log WHERE action = 'review.pii-revealed'").all() as Array<{ details: string }>).map((row) => JSON.parse(row.details).field);
    expect(fields).toEqual(['borrower.birthDate', 'ocr.birthDate']);
  });

  it('are recorded when refused: asking for a task’s personal data or images without holding it leaves an entry', async () => {
    const taskId = faceTask('APP-4', 65);
    await answer('review:claim', { taskId }, reviewer);
    expect(await answer('review:reveal', { taskId, field: 'ocr.idNumber' }, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await answer('review:image', { taskId, which: 'id_front' }, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    clock.advance(121_000);
    expect(await answer('review:reveal', { taskId, field: 'borrower.phone' }, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const refused = backend.db.$client
      .prepare("SELECT operator_name AS operator, target_type AS type, target_id AS id, details FROM audit_log WHERE action = 'access.refused' ORDER BY id")
      .all() as Array<{ operator: string; type: string; id: string; details: string }>;
    expect(refused.map((row) => [row.operator, row.type, Number(row.id), JSON.parse(row.details)])).toEqual([
      ['zhao', 'review_task', taskId, { reason: 'not_held', field: 'ocr.idNumber' }],
      ['zhao', 'review_task', taskId, { reason: 'not_held', image: 'id_front' }],
      ['wang', 'review_task', taskId, { reason: 'not_held', field: 'borrower.phone' }],
    ]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence } from '../../shared/contracts/presence';
import type { Envelope } from '../../shared/rpc/errors';
import type { PushedEvent } from '../../shared/rpc/events';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let wang: CallContext;
let li: CallContext;
let zhao: CallContext;
let institutionId: number;

beforeEach(async () => {
  // 10:00 in Shanghai.
  clock = new ManualClock(Date.UTC(2026, 10, 25, 2, 0, 0));
  backend = await createTestBackend({ clock });
  wang = await operatorContext(backend, 'wang', 'reviewer');
  li = await operatorContext(backend, 'li', 'reviewer');
  zhao = await operatorContext(backend, 'zhao', 'supervisor');
  institutionId = insertFixtureInstitution(backend.db, 'HNXD');
});
afterEach(async () => backend.cleanup());

function call<T>(channel: string, input: unknown, context: CallContext): Promise<Envelope<T>> {
  return backend.router.call(channel, input, context) as Promise<Envelope<T>>;
}

async function claim(context: CallContext, externalId: string): Promise<{ taskId: number; evidenceHash: string }> {
  ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId, face: { score: 65 } }, clock.now()), clock.now());
  const next = await call<{ taskId: number }>('review:next', { queue: 'face' }, context);
  if (!next.ok) throw new Error(next.error.message);
  const detail = await call<{ task: { evidenceHash: string } }>('review:task', { taskId: next.data.taskId }, context);
  if (!detail.ok) throw new Error(detail.error.message);
  return { taskId: next.data.taskId, evidenceHash: detail.data.task.evidenceHash };
}

async function presence(): Promise<Presence> {
  const answer = await call<Presence>('presence:list', {}, zhao);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

describe('presence for supervisors', () => {
  it('shows who is signed in, what each holds and since when, and decisions today', async () => {
    // Yesterday's decision (Shanghai) does not count today.
    const old = await claim(li, 'APP-OLD');
    clock.set(Date.UTC(2026, 10, 24, 15, 0, 0));
    expect((await call('review:decide', { taskId: old.taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', evidenceHash: old.evidenceHash }, li)).ok).toBe(true);
    clock.set(Date.UTC(2026, 10, 25, 2, 0, 0));

    const held = await claim(wang, 'APP-HELD');
    clock.advance(90_000);
    const decided = await claim(li, 'APP-DONE');
    expect((await call('review:decide', { taskId: decided.taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', evidenceHash: decided.evidenceHash }, li)).ok).toBe(true);

    const seen = await presence();
    expect(seen.dayStart).toBe(Date.UTC(2026, 10, 24, 16, 0, 0));
    const byName = Object.fromEntries(seen.operators.map((entry) => [entry.name, entry]));
    expect(Object.keys(byName).sort()).toEqual(['li', 'wang', 'zhao']);
    expect(byName.wang).toMatchObject({ online: true, decisionsToday: 0, held: [{ taskId: held.taskId, queue: 'face', applicationExternalId: 'APP-HELD', since: Date.UTC(2026, 10, 25, 2, 0, 0), stale: false }] });
    expect(byName.li).toMatchObject({ online: true, decisionsToday: 1, held: [] });
    expect(byName.zhao).toMatchObject({ online: true, role: 'supervisor' });
    // No borrower data travels with it.
    expect(JSON.stringify(seen)).not.toMatch(/borrower|idNumber|phone/i);
  });

  it('lets a supervisor release a stale claim, recorded in the audit log and the timeline, and tells every client', async () => {
    const held = await claim(wang, 'APP-STALE');
    clock.advance(10 * 60_000);
    expect((await presence()).operators.find((entry) => entry.name === 'wang')?.held[0]?.stale).toBe(true);

    const pushed: PushedEvent[] = [];
    const untap = backend.events.tap((event) => void pushed.push(event));
    expect(await call('presence:release-claim', { taskId: held.taskId, reason: 'left for lunch' }, zhao)).toEqual({ ok: true, data: { released: true } });
    untap();
    expect(pushed).toContainEqual({ name: 'review:changed', payload: { queues: ['face'], taskIds: [held.taskId] } });
    const task = backend.db.$client.prepare('SELECT status, claimed_by AS claimedBy FROM review_tasks WHERE id = ?').get(held.taskId);
    expect(task).toEqual({ status: 'open', claimedBy: null });
    const audit = backend.db.$client.prepare("SELECT operator_name AS who, target_id AS target, details FROM audit_log WHERE action = 'review.claim-released'").all() as Array<{ who: string; target: string; details: string }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ who: 'zhao', target: String(held.taskId) });
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ reason: 'left for lunch', heldSince: Date.UTC(2026, 10, 25, 2, 0, 0) });
    const event = backend.db.$client.prepare("SELECT kind, details FROM review_task_events WHERE task_id = ? ORDER BY id DESC LIMIT 1").get(held.taskId) as { kind: string; details: string };
    expect(event.kind).toBe('released');
    expect(JSON.parse(event.details)).toMatchObject({ reason: 'supervisor', note: 'left for lunch' });

    // Nobody holds it now; and the holder learns it on the next renewal.
    expect(await call('presence:release-claim', { taskId: held.taskId }, zhao)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call('review:renew', { taskId: held.taskId }, wang)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('is for supervisors only', async () => {
    const held = await claim(wang, 'APP-MINE');
    expect(await call('presence:list', {}, li)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('presence:release-claim', { taskId: held.taskId }, li)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(backend.db.$client.prepare('SELECT claimed_by AS claimedBy FROM review_tasks WHERE id = ?').get(held.taskId)).toMatchObject({ claimedBy: expect.any(Number) });
  });
});

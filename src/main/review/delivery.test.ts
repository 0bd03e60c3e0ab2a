import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/rpc/errors';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';
import type { CallContext } from '../core/actor';
import type { InstitutionClients } from '../institution-api/client';
import { InstitutionApiError } from '../institution-api/errors';
import { markOutboxDelivered, requeueFailedOutbox, type OutboxHook } from '../repositories/outbox';
import type { Backend } from '../runtime/backend';
import { createOutboxDelivery } from '../sync/outbox';
import { recordDecisionDelivery, recordDeliveries } from './delivery';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let reviewer: CallContext;
let institutionId: number;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 25, 2, 0, 0));
  backend = await createTestBackend({ clock });
  reviewer = await operatorContext(backend, 'wang', 'reviewer');
  institutionId = insertFixtureInstitution(backend.db, 'HNXD');
});
afterEach(async () => backend.cleanup());

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = (await backend.router.call(channel, input, reviewer)) as Envelope<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data;
}

interface Timeline {
  task: { evidenceHash: string };
  timeline: Array<{ kind: string; at: number; details: Record<string, unknown> }>;
}

/** A grey-band face score: one face task, approved by the reviewer, which queues the application's approval. */
async function approveOne(): Promise<number> {
  ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId: 'APP-1', face: { score: 65 } }, clock.now()), clock.now());
  const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' });
  const detail = await call<Timeline>('review:task', { taskId });
  await call('review:decide', { taskId, action: 'approve', evidenceHash: detail.task.evidenceHash });
  return taskId;
}

/** The institution's side, answering every decision the same way (or failing as told). */
function institution(answer: () => Promise<Record<string, unknown>>): InstitutionClients {
  const client = {
    postReviewDecision: async () => ({ response: await answer(), replayed: false }),
  };
  return { forInstitution: () => client } as unknown as InstitutionClients;
}

const approved = async () => ({ application_status: 'APPROVED', decision_id: 'D-1' });

function delivery(clients: InstitutionClients, hook: OutboxHook = recordDecisionDelivery) {
  return createOutboxDelivery({ db: backend.db, clients, clock, random: () => 0, hooks: { 'review-decision': hook } });
}

function decisionState(taskId: number): string {
  const row = backend.db.$client.prepare('SELECT delivery_state AS state FROM review_decisions WHERE task_id = ?').get(taskId) as { state: string };
  return row.state;
}

function outboxState(): { state: string; attempts: number } {
  return backend.db.$client.prepare('SELECT state, attempts FROM outbox').get() as { state: string; attempts: number };
}

describe("a decision's delivery", () => {
  it('is on the timeline and in the decision as soon as the outbox delivered it, with no monitor tick', async () => {
    const taskId = await approveOne();
    expect((await call<Timeline>('review:task', { taskId })).timeline.at(-1)?.kind).toBe('application_decision_queued');
    clock.advance(2_000);
    expect(await delivery(institution(approved)).deliverDue(new AbortController().signal)).toMatchObject({ delivered: 1 });
    const timeline = (await call<Timeline>('review:task', { taskId })).timeline;
    expect(timeline.at(-1)).toMatchObject({ kind: 'delivered', at: clock.now(), details: { applicationStatus: 'APPROVED', institutionDecisionId: 'D-1', attempts: 1 } });
    expect(timeline.filter((event) => event.details.derived !== undefined)).toEqual([]);
    expect(decisionState(taskId)).toBe('delivered');
  });

  it('commits with the outbox row or not at all: a hook that throws leaves the message undelivered', async () => {
    const taskId = await approveOne();
    const failing: OutboxHook = (tx, message, outcome) => {
      if (outcome.state === 'delivered') throw new Error('review side unavailable');
      recordDecisionDelivery(tx, message, outcome);
    };
    expect(await delivery(institution(approved), failing).deliverDue(new AbortController().signal)).toMatchObject({ delivered: 0, retrying: 1 });
    expect(outboxState().state).toBe('pending');
    expect(decisionState(taskId)).toBe('pending');
    expect((await call<Timeline>('review:task', { taskId })).timeline.map((event) => event.kind)).not.toContain('delivered');
  });

  it('records a final refusal at the attempt, and the delivery after a retry', async () => {
    const taskId = await approveOne();
    clock.advance(7_000);
    const refusing = institution(async () => {
      throw new InstitutionApiError('client', 'version moved on', { status: 409 });
    });
    expect(await delivery(refusing).deliverDue(new AbortController().signal)).toMatchObject({ failed: 1 });
    expect((await call<Timeline>('review:task', { taskId })).timeline.at(-1)).toMatchObject({ kind: 'delivery_failed', at: clock.now(), details: { lastError: 'version moved on', lastErrorCode: 'client', lastErrorStatus: 409 } });
    expect(decisionState(taskId)).toBe('failed');
    const id = (backend.db.$client.prepare('SELECT id FROM outbox').get() as { id: number }).id;
    expect(requeueFailedOutbox(backend.db, [id], clock.now())).toBe(1);
    await delivery(institution(approved)).deliverDue(new AbortController().signal);
    expect((await call<Timeline>('review:task', { taskId })).timeline.at(-1)?.kind).toBe('delivered');
    expect(decisionState(taskId)).toBe('delivered');
  });

  it('settles, once, a delivery an older build recorded without the hook', async () => {
    const taskId = await approveOne();
    const id = (backend.db.$client.prepare('SELECT id FROM outbox').get() as { id: number }).id;
    markOutboxDelivered(backend.db, id, { application_status: 'APPROVED', decision_id: 'D-1' }, clock.now() + 5000);
    expect(recordDeliveries(backend.db)).toBe(1);
    expect(recordDeliveries(backend.db)).toBe(0);
    expect((await call<Timeline>('review:task', { taskId })).timeline.at(-1)).toMatchObject({ kind: 'delivered', details: { applicationStatus: 'APPROVED' } });
  });
});

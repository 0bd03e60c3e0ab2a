import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReviewDecisionRequest } from '../../src/shared/institution-api';
import { enqueueOutbox, nextDueOutboxQuery } from '../../src/main/repositories/outbox';
import { insertInstitution } from '../support/rows';
import { createInstitutionClients } from '../../src/main/institution-api/client';
import { createSecretVault, createKeyFileSecretBox } from '../../src/main/institution-api/secrets';
import { createOutboxDelivery } from '../../src/main/sync/outbox';
import type { Envelope } from '../../src/shared/rpc/errors';
import { operatorContext } from '../support/backend';
import { fastTuning, institutionId, remoteRecords, startSyncWorld, syncUntilSucceeded, type SyncWorld } from './sync-support';

let world: SyncWorld;
let qinghe: number;

beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 200, institutions: 1 });
  qinghe = institutionId(world, 'qinghe');
});
afterAll(() => world.close());

function outboxRow(id: number) {
  return world.backend.db.$client.prepare('SELECT state, attempts, last_error AS lastError, last_error_code AS lastErrorCode, last_error_status AS lastErrorStatus, response FROM outbox WHERE id = ?').get(id) as {
    state: string;
    attempts: number;
    lastError: string | null;
    lastErrorCode: string | null;
    lastErrorStatus: number | null;
    response: string | null;
  };
}

/** A fresh delivery loop with its own client factory: what a restarted process would build. */
function restartedDelivery(fetchImpl?: typeof fetch, clock = world.backend.clock) {
  const vault = createSecretVault(createKeyFileSecretBox(world.backend.paths.keys));
  const clients = createInstitutionClients({ db: world.backend.db, vault, tuning: fastTuning, now: () => world.backend.clock.now(), fetch: fetchImpl ? (input, init) => fetchImpl(input, init) : undefined });
  return createOutboxDelivery({ db: world.backend.db, clients, clock, random: () => 0 });
}

async function manualReviewApplications() {
  return (await remoteRecords(world.sim, 'qinghe', 'applications')).filter((record) => record.status === 'MANUAL_REVIEW');
}

function decision(applicationVersion: number): ReviewDecisionRequest {
  return {
    decision: 'reject',
    reviewer_id: 'reviewer-7',
    reason_codes: ['CONTACT_UNVERIFIED'],
    comment: 'contact could not be reached',
    decided_at: new Date(world.sim.admin.now()).toISOString(),
    application_version: applicationVersion,
    face_compare_basis: null,
  };
}

function enqueue(applicationId: string, key: string, payload: ReviewDecisionRequest): number {
  const row = enqueueOutbox(world.backend.db, { institutionId: qinghe, kind: 'review-decision', subjectId: applicationId, idempotencyKey: key, payload }, 0);
  if (!row) throw new Error('not queued');
  return row.id;
}

describe('the outbox', () => {
  it('delivers a decision exactly once across lost answers, a crash and a restart', async () => {
    const [application] = await manualReviewApplications();
    if (!application) throw new Error('no application in manual review');
    const id = enqueue(application.id, 'decision-key-0001', decision(application.version));

    // The institution applies the decision but every answer is lost on the way back.
    world.sim.admin.setFaults({ reset: 1 });
    const first = await restartedDelivery().deliverDue(new AbortController().signal);
    expect(first).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(outboxRow(id)).toMatchObject({ state: 'pending', attempts: 1 });

    // The process dies right after the institution answered, before the acknowledgement was written.
    world.sim.admin.setFaults({ reset: 0 });
    world.backend.db.$client.prepare('UPDATE outbox SET next_attempt_at = 0 WHERE id = ?').run(id);
    const dying = new AbortController();
    const crashAfterAnswer: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      dying.abort(new Error('process killed'));
      return response;
    };
    await restartedDelivery(crashAfterAnswer)
      .deliverDue(dying.signal)
      .catch(() => undefined);
    expect(outboxRow(id).state).toBe('pending');

    // Restarted: delivered, and the institution answers from its idempotency record.
    const restarted = await restartedDelivery().deliverDue(new AbortController().signal);
    expect(restarted.delivered).toBe(1);
    const row = outboxRow(id);
    expect(row.state).toBe('delivered');
    expect(JSON.parse(row.response ?? '{}')).toMatchObject({ application_id: application.id, decision: 'reject', application_status: 'REJECTED', replayed: true });

    const received = world.sim.admin.decisions('qinghe').qinghe?.filter((entry) => entry.idempotency_key === 'decision-key-0001') ?? [];
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ applied: true });
    expect(received[0]?.replays).toBeGreaterThanOrEqual(2);
    // The application moved once: one version step, REJECTED.
    const after = (await remoteRecords(world.sim, 'qinghe', 'applications')).find((record) => record.id === application.id);
    expect(after).toMatchObject({ status: 'REJECTED', version: application.version + 1 });

    // Delivering again sends nothing.
    expect(await restartedDelivery().deliverDue(new AbortController().signal)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
  });

  it('fails a decision the institution will never accept, keeps why, and can put it back in line', async () => {
    const [, application] = await manualReviewApplications();
    if (!application) throw new Error('a second application in manual review is needed');
    const id = enqueue(application.id, 'decision-key-0002', decision(application.version + 5));
    const outcome = await restartedDelivery().deliverDue(new AbortController().signal);
    expect(outcome).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(outboxRow(id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(outboxRow(id).lastError).toMatch(/APPLICATION_VERSION_MISMATCH/);
    // Why, as a code the Sync page words in the user's language, the text kept as the technical detail.
    expect(outboxRow(id)).toMatchObject({ lastErrorCode: 'client', lastErrorStatus: 409 });
    expect(world.backend.services.sync.outbox({ limit: 10, offset: 0 }).rows.find((row) => row.id === id)).toMatchObject({ lastErrorCode: 'client', lastErrorStatus: 409 });

    const requeued = world.backend.services.sync.retryOutbox(null, { ids: [id] });
    expect(requeued).toEqual({ requeued: 1 });
    expect(outboxRow(id).state).toBe('pending');
    const listed = world.backend.services.sync.outbox({ limit: 10, offset: 0 });
    expect(listed.rows.find((row) => row.id === id)).toMatchObject({ state: 'pending', institutionCode: 'QINGHE', idempotencyKey: 'decision-key-0002' });
  });
});

describe('a review decision', () => {
  it('reaches the institution at once, not at the next tick of the outbox', async () => {
    // An hour between ticks: only the decision itself can have started the delivery.
    const quick = await startSyncWorld({ borrowers: 120, institutions: 1, seed: 'deliver-at-once', backend: { sync: { pageLimit: 60, maxConcurrent: 2, outboxEveryMs: 3_600_000 } } });
    try {
      await syncUntilSucceeded(quick);
      const reviewer = await operatorContext(quick.backend, 'wang', 'reviewer');
      const call = async <T>(channel: string, input: unknown): Promise<T> => {
        const result = (await quick.backend.router.call(channel, input, reviewer)) as Envelope<T>;
        if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
        return result.data;
      };
      let taskId: number | null = null;
      for (const queue of ['face', 'contacts', 'ocr'] as const) {
        taskId = (await call<{ taskId: number | null }>('review:next', { queue })).taskId;
        if (taskId !== null) break;
      }
      if (taskId === null) throw new Error('the simulator gave no application to review');
      const detail = await call<{ task: { evidenceHash: string }; reasonCodes: Array<{ code: string; action: string }> }>('review:task', { taskId });
      const reason = detail.reasonCodes.find((code) => code.action === 'reject');
      quick.backend.services.sync.start();
      await call('review:decide', { taskId, action: 'reject', reasonCode: reason?.code, evidenceHash: detail.task.evidenceHash });
      const outbox = () => quick.backend.db.$client.prepare('SELECT state FROM outbox').all() as Array<{ state: string }>;
      await vi.waitFor(() => expect(outbox()).toEqual([{ state: 'delivered' }]), { timeout: 15_000, interval: 100 });
      const timeline = (await call<{ timeline: Array<{ kind: string }> }>('review:task', { taskId })).timeline;
      expect(timeline.filter((event) => event.kind === 'delivered')).toHaveLength(1);
    } finally {
      await quick.close();
    }
  }, 120_000);

  it('holds the messages of a disabled institution without trying them, shows them held, and delivers them once it is enabled again', async () => {
    const [application] = await manualReviewApplications();
    if (!application) throw new Error('no application in manual review');
    world.backend.services.institutions.update(null, { id: qinghe, enabled: false });
    const id = enqueue(application.id, 'decision-key-held', decision(application.version));
    const delivery = restartedDelivery();
    for (let round = 0; round < 3; round++) {
      expect(await delivery.deliverDue(new AbortController().signal)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    }
    expect(outboxRow(id)).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
    const listed = world.backend.services.sync.outbox({ limit: 500, offset: 0 }).rows.find((row) => row.id === id);
    expect(listed).toMatchObject({ state: 'pending', held: true });

    world.backend.services.institutions.update(null, { id: qinghe, enabled: true });
    expect(world.backend.services.sync.outbox({ limit: 500, offset: 0 }).rows.find((row) => row.id === id)).toMatchObject({ held: false });
    const resumed = await delivery.deliverDue(new AbortController().signal);
    expect(resumed.delivered).toBeGreaterThanOrEqual(1);
    expect(outboxRow(id)).toMatchObject({ state: 'delivered', lastError: null });
  });

  it('lets no institution that is down, or its backlog, hold up another institution’s decisions', async () => {
    const [application] = await manualReviewApplications();
    if (!application) throw new Error('no application in manual review');
    // An institution whose API answers nothing, with a backlog older than the decision below.
    const down = insertInstitution(world.backend.db, 'DOWN');
    for (let index = 0; index < 250; index++) {
      enqueueOutbox(world.backend.db, { institutionId: down, kind: 'review-decision', subjectId: `DOWN-${index}`, idempotencyKey: `down-key-${index}`, payload: decision(1) }, 0);
    }
    const id = enqueue(application.id, 'decision-key-fair', decision(application.version));
    world.backend.db.$client.prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(1, id);

    const outcome = await restartedDelivery().deliverDue(new AbortController().signal);
    expect(outboxRow(id)).toMatchObject({ state: 'delivered', lastError: null });
    expect(outcome.delivered).toBeGreaterThanOrEqual(1);
    // The institution that is down was tried once in this run; the rest of its backlog waits, untried and uncounted.
    const tried = world.backend.db.$client.prepare('SELECT count(*) AS n, sum(attempts) AS attempts FROM outbox WHERE institution_id = ? AND attempts > 0').get(down) as { n: number; attempts: number };
    expect(tried).toEqual({ n: 1, attempts: 1 });
    world.backend.services.institutions.update(null, { id: down, enabled: false });
  });

  it('tries an institution that is down once per hold, not once per delivery turn (a turn follows every decision)', async () => {
    const down = insertInstitution(world.backend.db, 'DOWN-HOLD');
    for (let index = 0; index < 300; index++) {
      enqueueOutbox(world.backend.db, { institutionId: down, kind: 'review-decision', subjectId: `HOLD-${index}`, idempotencyKey: `hold-key-${index}`, payload: decision(1) }, 0);
    }
    let now = world.backend.clock.now();
    const delivery = restartedDelivery(undefined, { now: () => now });
    const attempts = () => (world.backend.db.$client.prepare('SELECT sum(attempts) AS n FROM outbox WHERE institution_id = ?').get(down) as { n: number }).n;
    for (let turn = 0; turn < 5; turn++) await delivery.deliverDue(new AbortController().signal);
    expect(attempts()).toBe(1);
    // Past the first retry delay (5 s with this jitter), the institution is tried again: once.
    now += 10_000;
    for (let turn = 0; turn < 3; turn++) await delivery.deliverDue(new AbortController().signal);
    expect(attempts()).toBe(2);
    world.backend.services.institutions.update(null, { id: down, enabled: false });
  });

  it('finds an institution\'s next due message by a seek on its index, however long any backlog is', () => {
    const query = nextDueOutboxQuery(world.backend.db, qinghe, world.backend.clock.now()).toSQL();
    const plan = (world.backend.db.$client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as Array<{ detail: string }>).map((row) => row.detail).join(' | ');
    expect(plan).toMatch(/SEARCH outbox USING INDEX outbox_institution_due_idx \(institution_id=\? AND state=\? AND next_attempt_at<\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});

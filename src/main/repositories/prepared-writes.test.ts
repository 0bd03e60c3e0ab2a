import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { applicationFindingsTable, applicationsTable, outboxTable, reviewDecideRequestsTable, reviewDecisionsTable, reviewTasksTable, type ReviewTaskRow } from '../db/schema';
import { grey, backend, ingest, useReviewWorld } from '../../../test/support/review-world';
import { enqueueOutbox } from './outbox';
import { findTask, transitionTask, updateTask } from './review';
import { findDecideRequest, insertDecision, recordDecideRequest, updateDecision } from './review-decisions';
import { findApplication, findingsOfApplication } from './review-evidence';

useReviewWorld();

type TaskPatch = Partial<Omit<ReviewTaskRow, 'id'>>;

/** Distinct values per column, so a value bound to the wrong column shows (operators 1-5 exist: the admin and the world's four). */
function patches(now: number): TaskPatch[] {
  const released = { claimedBy: null, claimedAt: null, leaseExpiresAt: null, updatedAt: now + 1, returnNote: null };
  return [
    // The claim a supervisor assigns over (claims.ts), then the decisions' shapes (service.ts).
    { assignedTo: 1, updatedAt: now + 2 },
    { assignedTo: 2, updatedAt: now + 3, claimedBy: 3, claimedAt: now + 4, leaseExpiresAt: now + 5, status: 'in_review' },
    { ...released, status: 'escalated' },
    { ...released, status: 'awaiting_resubmission', decision: 'resubmit', decidedAt: now + 6 },
    { ...released, status: 'decided', decision: 'reject', decidedAt: now + 7 },
    { ...released, status: 'awaiting_second' },
    { status: 'closed', claimedBy: 4, claimedAt: now + 8, leaseExpiresAt: now + 9, snoozedUntil: now + 10, updatedAt: now + 11 },
    // The same shape again with other values: the statement is reused, the values are new.
    { status: 'snoozed', claimedBy: null, claimedAt: now + 12, leaseExpiresAt: null, snoozedUntil: null, updatedAt: now + 13 },
    // An undefined value leaves its column alone (as drizzle's `set` did), null writes NULL.
    { status: 'open', decision: undefined, returnNote: 'back', queuedAt: now + 14, assignedTo: null },
  ];
}

function defined(patch: TaskPatch): TaskPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

describe('a task patch prepared once per set of columns', () => {
  it('writes exactly its columns and leaves every other one as it was', () => {
    const app = ingest(grey('APP-1'));
    const other = ingest(grey('APP-2'));
    const [task] = backend.db.$client.prepare('SELECT id FROM review_tasks WHERE application_id = ?').all(app.applicationId) as Array<{ id: number }>;
    const [bystander] = backend.db.$client.prepare('SELECT id FROM review_tasks WHERE application_id = ?').all(other.applicationId) as Array<{ id: number }>;
    const untouched = findTask(backend.db, bystander!.id);
    for (const patch of patches(Date.UTC(2026, 10, 26))) {
      const before = findTask(backend.db, task!.id) as ReviewTaskRow;
      const returned = updateTask(backend.db, task!.id, patch);
      const after = findTask(backend.db, task!.id);
      expect(after).toEqual({ ...before, ...defined(patch) });
      expect(returned).toEqual(after);
    }
    expect(findTask(backend.db, bystander!.id)).toEqual(untouched);
  });

  it('a transition changes the task only from the statuses given, and only for its holder when one is named', () => {
    const app = ingest(grey('APP-1'));
    const { id } = backend.db.$client.prepare('SELECT id FROM review_tasks WHERE application_id = ?').get(app.applicationId) as { id: number };
    const now = Date.UTC(2026, 10, 26);
    updateTask(backend.db, id, { status: 'in_review', claimedBy: 2, claimedAt: now, leaseExpiresAt: now + 60_000 });
    const held = findTask(backend.db, id) as ReviewTaskRow;
    expect(transitionTask(backend.db, id, ['awaiting_second'], { status: 'decided' })).toBeUndefined();
    expect(transitionTask(backend.db, id, ['open', 'in_review'], { status: 'snoozed', snoozedUntil: now + 1 }, 3)).toBeUndefined();
    expect(findTask(backend.db, id)).toEqual(held);
    const moved = transitionTask(backend.db, id, ['open', 'in_review'], { status: 'snoozed', snoozedUntil: now + 2, claimedBy: null }, 2);
    expect(moved).toEqual({ ...held, status: 'snoozed', snoozedUntil: now + 2, claimedBy: null });
    expect(transitionTask(backend.db, id, ['snoozed'], { status: 'open', snoozedUntil: null })).toEqual({ ...held, status: 'open', snoozedUntil: null, claimedBy: null });
  });
});

describe('rows inserted by prepared statements', () => {
  it('a decision is stored as drizzle stored it, schema defaults included', () => {
    const app = ingest(grey('APP-1'));
    const { id: taskId } = backend.db.$client.prepare('SELECT id FROM review_tasks WHERE application_id = ?').get(app.applicationId) as { id: number };
    const operatorId = (backend.db.$client.prepare("SELECT id FROM operators WHERE username = 'wang'").get() as { id: number }).id;
    const row = {
      taskId,
      applicationId: app.applicationId,
      queue: 'face',
      action: 'reject',
      stage: 'single',
      state: 'effective',
      operatorId,
      reasonCode: 'FACE_NOT_SAME_PERSON',
      evidenceHash: 'hash',
      applicationVersion: 3,
      decidedAt: 1_700_000_000_000,
    } as const;
    const ours = insertDecision(backend.db, row);
    const drizzles = backend.db.insert(reviewDecisionsTable).values(row).returning().get();
    expect({ ...ours, id: 0 }).toEqual({ ...drizzles, id: 0 });
    expect(ours).toMatchObject({ note: '', fourEyesReasons: '[]', secondOfId: null, outboxId: null, deliveryState: null, cancelledAt: null });
    const stored = backend.db.$client.prepare('SELECT * FROM review_decisions WHERE id IN (?, ?) ORDER BY id').all(ours.id, drizzles.id) as Array<Record<string, unknown>>;
    expect({ ...stored[0], id: 0 }).toEqual({ ...stored[1], id: 0 });

    updateDecision(backend.db, ours.id, { outboxId: 42, deliveryState: 'pending' });
    updateDecision(backend.db, ours.id, { deliveryState: 'delivered', note: undefined });
    expect(backend.db.select().from(reviewDecisionsTable).all().find((decision) => decision.id === ours.id)).toEqual({ ...ours, outboxId: 42, deliveryState: 'delivered' });
  });

  it('an outbox message is queued once per idempotency key', () => {
    const institutionId = (backend.db.$client.prepare('SELECT id FROM institutions LIMIT 1').get() as { id: number }).id;
    const message = { institutionId, kind: 'review-decision', subjectId: 'APP-1', idempotencyKey: 'key-1', payload: { decision: 'reject' } } as const;
    const first = enqueueOutbox(backend.db, message, 1000);
    expect(first).toMatchObject({ institutionId, kind: 'review-decision', subjectId: 'APP-1', idempotencyKey: 'key-1', payload: '{"decision":"reject"}', state: 'pending', attempts: 0, nextAttemptAt: 1000, createdAt: 1000, deliveredAt: null });
    expect(enqueueOutbox(backend.db, { ...message, payload: { decision: 'approve' } }, 2000)).toBeUndefined();
    expect(backend.db.select().from(outboxTable).all()).toEqual([first]);
  });

  it("the decision's look-ups by id read the rows drizzle reads", () => {
    const { applicationId } = ingest(grey('APP-9', { contacts: [{ name: '赵六', phone: '13900000009', relationship: 'friend', addressBook: null, callCount: 0 }] }));
    expect(findApplication(backend.db, applicationId)).toEqual(backend.db.select().from(applicationsTable).where(eq(applicationsTable.id, applicationId)).get());
    const findings = backend.db.select().from(applicationFindingsTable).where(eq(applicationFindingsTable.applicationId, applicationId)).orderBy(applicationFindingsTable.id).all();
    expect(findings.length).toBeGreaterThan(1);
    expect(findingsOfApplication(backend.db, applicationId)).toEqual(findings);
    const tasks = backend.db.select().from(reviewTasksTable).where(eq(reviewTasksTable.applicationId, applicationId)).all();
    for (const task of tasks) expect(findTask(backend.db, task.id)).toEqual(task);
    const request = { operatorId: 1, requestKey: 'key-9', taskId: tasks[0]?.id ?? 0, response: '{"outcome":"decided"}', createdAt: 1_700_000_000_000 };
    recordDecideRequest(backend.db, request, 86_400_000);
    expect(findDecideRequest(backend.db, 1, 'key-9')).toEqual(backend.db.select().from(reviewDecideRequestsTable).get());
    expect(findDecideRequest(backend.db, 1, 'key-9')).toEqual(request);
    expect(findDecideRequest(backend.db, 2, 'key-9')).toBeUndefined();
  });
});

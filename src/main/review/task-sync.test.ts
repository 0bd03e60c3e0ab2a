import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFinding, type Finding } from '../../shared/domain/findings';
import { createTestBackend } from '../../../test/support/backend';
import { insertApplication, insertBorrower, insertInstitution } from '../../../test/support/rows';
import type { Backend } from '../runtime/backend';
import { syncReviewTasks, type ApplicationForReview } from './task-sync';

let backend: Backend & { cleanup(): Promise<void> };
let base: Omit<ApplicationForReview, 'findings' | 'evidenceHash'>;

beforeEach(async () => {
  backend = await createTestBackend();
  const institutionId = insertInstitution(backend.db);
  const borrowerId = insertBorrower(backend.db);
  const applicationId = insertApplication(backend.db, { institutionId, borrowerId });
  base = { applicationId, institutionId, borrowerId, awaitingManualReview: true };
});
afterEach(async () => backend.cleanup());

const notInBook = makeFinding('contact_not_in_address_book', { subject: '13900000001', evidence: {} });
const faceGrey = makeFinding('face_score_review', { subject: 'faceplusplus/3.0', evidence: { score: 65 } });
const livenessFailed = makeFinding('face_liveness_failed', { evidence: {} });

function tasks() {
  return backend.db.$client.prepare('SELECT queue, status, priority, finding_codes AS codes FROM review_tasks ORDER BY queue').all();
}
function events() {
  return (backend.db.$client.prepare('SELECT kind FROM review_task_events ORDER BY id').all() as Array<{ kind: string }>).map((row) => row.kind);
}
function run(findings: Finding[], evidenceHash = 'h1', awaitingManualReview = true) {
  return syncReviewTasks(backend.db, { ...base, findings, evidenceHash, awaitingManualReview }, 1_790_000_000_000);
}

describe('review tasks at ingest', () => {
  it('creates one task per queue with findings, prioritised by the worst severity', () => {
    expect(run([notInBook, faceGrey, livenessFailed])).toEqual({ created: 2, updated: 0, closed: 0, reopened: 0 });
    expect(tasks()).toEqual([
      { queue: 'contacts', status: 'open', priority: 2, codes: 'contact_not_in_address_book' },
      { queue: 'face', status: 'open', priority: 3, codes: 'face_liveness_failed,face_score_review' },
    ]);
  });

  it('is idempotent: the same application twice changes nothing', () => {
    run([notInBook, faceGrey]);
    expect(run([notInBook, faceGrey])).toEqual({ created: 0, updated: 0, closed: 0, reopened: 0 });
    expect(events()).toEqual(['created', 'created']);
  });

  it('updates the open task when the application changes', () => {
    run([faceGrey]);
    expect(run([faceGrey, livenessFailed], 'h2')).toMatchObject({ updated: 1 });
    expect(tasks()).toEqual([{ queue: 'face', status: 'open', priority: 3, codes: 'face_liveness_failed,face_score_review' }]);
    expect(events()).toEqual(['created', 'evidence_changed']);
  });

  it('returns a task awaiting a second decision to the queue when the evidence changes', () => {
    run([faceGrey]);
    backend.db.$client.prepare("UPDATE review_tasks SET status = 'awaiting_second'").run();
    expect(run([faceGrey], 'h2')).toMatchObject({ reopened: 1 });
    expect(tasks()).toMatchObject([{ queue: 'face', status: 'open' }]);
    expect(events()).toEqual(['created', 'second_decision_cancelled']);
  });

  it('closes live tasks when the application leaves manual review, and leaves decided ones alone', () => {
    run([notInBook, faceGrey]);
    backend.db.$client.prepare("UPDATE review_tasks SET status = 'decided' WHERE queue = 'face'").run();
    expect(run([notInBook, faceGrey], 'h1', false)).toMatchObject({ closed: 1 });
    expect(tasks()).toEqual([
      { queue: 'contacts', status: 'closed', priority: 2, codes: 'contact_not_in_address_book' },
      { queue: 'face', status: 'decided', priority: 2, codes: 'face_score_review' },
    ]);
  });

  it('keeps the timeline append-only', () => {
    run([notInBook]);
    expect(() => backend.db.$client.prepare("UPDATE review_task_events SET kind = 'x'").run()).toThrow(/append-only/);
  });
});

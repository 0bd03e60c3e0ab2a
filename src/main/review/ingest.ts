import { and, eq, inArray } from 'drizzle-orm';
import type { Finding, FindingSeverity, ReviewQueue } from '../../shared/domain/findings';
import type { Db } from '../db/connection';
import { reviewTasksTable, type ReviewTaskRow, type ReviewTaskStatus } from '../db/schema';
import { prepared } from '../repositories/sync';
import { cancelWaitingDecisions } from '../repositories/reviewDecisions';

const severityPriority: Record<FindingSeverity, number> = { info: 1, warning: 2, high: 3 };

/** Statuses in which a task still waits for people; a re-sync may update or close these. */
const liveStatuses: ReviewTaskStatus[] = ['open', 'in_review', 'awaiting_second', 'escalated', 'snoozed'];

export interface ApplicationForReview {
  applicationId: number;
  institutionId: number;
  borrowerId: number;
  /** Only applications the institution holds for a person get tasks. */
  awaitingManualReview: boolean;
  evidenceHash: string;
  findings: Finding[];
}

export interface ReviewIngestOutcome {
  created: number;
  updated: number;
  closed: number;
  /** Tasks whose waiting four-eyes decision was cancelled because the evidence changed. */
  reopened: number;
}

// Prepared statements, not query builders: this runs for every application a sync writes.
function event(db: Db, taskId: number, at: number, kind: string, details: Record<string, unknown>): void {
  prepared(db, `INSERT INTO review_task_events (task_id, at, operator_id, kind, details) VALUES (?, ?, NULL, ?, ?)`).run(taskId, at, kind, JSON.stringify(details));
}

type ExistingTask = Pick<ReviewTaskRow, 'id' | 'queue' | 'status' | 'priority' | 'findingCodes' | 'findingCount' | 'evidenceHash'>;

function tasksOfApplication(db: Db, applicationId: number): ExistingTask[] {
  return prepared(
    db,
    `SELECT id, queue, status, priority, finding_codes AS findingCodes, finding_count AS findingCount, evidence_hash AS evidenceHash FROM review_tasks WHERE application_id = ?`,
  ).all(applicationId) as ExistingTask[];
}

function setTaskCodes(db: Db, taskId: number, codes: readonly string[], existing: boolean): void {
  if (existing) prepared(db, `DELETE FROM review_task_codes WHERE task_id = ?`).run(taskId);
  const insert = prepared(db, `INSERT INTO review_task_codes (task_id, code) VALUES (?, ?) ON CONFLICT DO NOTHING`);
  for (const code of codes) insert.run(taskId, code);
}

/**
 * Brings an application's review tasks in line with its findings, inside the ingest transaction.
 * Idempotent: the same application and findings change nothing. One task per queue with
 * findings; a task for a queue whose findings vanished, or for an application that left manual
 * review, is closed. When the evidence changes under a task that waits for a second (four-eyes)
 * decision, that decision is void: its row is cancelled here, in the caller's transaction, and the
 * task returns to the queue with a note and a timeline event saying why. A decided task (or one
 * awaiting the borrower's resubmission) that sees new evidence starts over as a new round.
 */
export function syncReviewTasks(db: Db, application: ApplicationForReview, now: number): ReviewIngestOutcome {
  const outcome: ReviewIngestOutcome = { created: 0, updated: 0, closed: 0, reopened: 0 };
  const byQueue = new Map<ReviewQueue, Finding[]>();
  if (application.awaitingManualReview) {
    for (const finding of application.findings) {
      const list = byQueue.get(finding.queue) ?? [];
      list.push(finding);
      byQueue.set(finding.queue, list);
    }
  }
  const existing = tasksOfApplication(db, application.applicationId);
  const existingByQueue = new Map<ReviewQueue, ExistingTask>(existing.map((task) => [task.queue, task]));

  for (const [queue, findings] of byQueue) {
    const codes = [...new Set(findings.map((finding) => finding.code))].sort().join(',');
    const priority = Math.max(...findings.map((finding) => severityPriority[finding.severity]));
    const task = existingByQueue.get(queue);
    if (!task) {
      const created = prepared(
        db,
        `INSERT INTO review_tasks (application_id, institution_id, borrower_id, queue, status, priority, finding_codes, finding_count, evidence_hash, created_at, updated_at, queued_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ).get(application.applicationId, application.institutionId, application.borrowerId, queue, priority, codes, findings.length, application.evidenceHash, now, now, now) as { id: number };
      setTaskCodes(db, created.id, codes.split(','), false);
      event(db, created.id, now, 'created', { findingCodes: codes.split(',') });
      outcome.created++;
      continue;
    }
    const evidenceChanged = task.evidenceHash !== application.evidenceHash;
    if (!evidenceChanged && task.findingCodes === codes && task.priority === priority && task.findingCount === findings.length) continue;
    if (task.findingCodes !== codes) setTaskCodes(db, task.id, codes.split(','), true);
    if (!liveStatuses.includes(task.status)) {
      // A decided or closed task that sees new evidence (the institution put the application
      // back into manual review with new data) starts over as a new round.
      if (!evidenceChanged) continue;
      db.update(reviewTasksTable)
        .set({
          status: 'open',
          priority,
          findingCodes: codes,
          findingCount: findings.length,
          evidenceHash: application.evidenceHash,
          updatedAt: now,
          queuedAt: now,
          claimedBy: null,
          claimedAt: null,
          leaseExpiresAt: null,
          decidedAt: null,
          snoozedUntil: null,
          decision: null,
          returnNote: 'reopened_evidence_changed',
        })
        .where(eq(reviewTasksTable.id, task.id))
        .run();
      event(db, task.id, now, 'reopened', { reason: 'evidence_changed', previousStatus: task.status, findingCodes: codes.split(',') });
      outcome.reopened++;
      continue;
    }
    const waiting = task.status === 'awaiting_second' && evidenceChanged;
    db.update(reviewTasksTable)
      .set({
        priority,
        findingCodes: codes,
        findingCount: findings.length,
        evidenceHash: application.evidenceHash,
        updatedAt: now,
        ...(waiting
          ? { status: 'open' as const, queuedAt: now, claimedBy: null, claimedAt: null, leaseExpiresAt: null, returnNote: 'second_decision_cancelled_evidence_changed' }
          : {}),
      })
      .where(eq(reviewTasksTable.id, task.id))
      .run();
    if (waiting) {
      const cancelled = cancelWaitingDecisions(db, task.id, 'evidence_changed', now);
      event(db, task.id, now, 'second_decision_cancelled', {
        reason: 'evidence_changed',
        decisionIds: cancelled.map((decision) => decision.id),
        findingCodes: codes.split(','),
      });
      outcome.reopened++;
    } else {
      event(db, task.id, now, evidenceChanged ? 'evidence_changed' : 'findings_changed', { findingCodes: codes.split(',') });
      outcome.updated++;
    }
  }

  const toClose = existing.filter((task) => !byQueue.has(task.queue) && liveStatuses.includes(task.status));
  if (toClose.length > 0) {
    db.update(reviewTasksTable)
      .set({ status: 'closed', updatedAt: now, claimedBy: null, claimedAt: null, leaseExpiresAt: null, snoozedUntil: null })
      .where(and(inArray(reviewTasksTable.id, toClose.map((task) => task.id))))
      .run();
    for (const task of toClose) {
      if (task.status === 'awaiting_second') cancelWaitingDecisions(db, task.id, 'task_closed', now);
      event(db, task.id, now, 'closed', {
        reason: application.awaitingManualReview ? 'findings_resolved' : 'application_left_manual_review',
      });
    }
    outcome.closed += toClose.length;
  }
  return outcome;
}

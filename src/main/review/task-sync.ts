import { severityPriority, type Finding, type ReviewQueue } from '../../shared/domain/findings';
import type { Db } from '../db/connection';
import type { ReviewTaskRow } from '../db/schema';
import {
  appendTaskEvent,
  closeTasks,
  insertIngestedTask,
  liveTaskStatuses,
  refreshTaskFindings,
  reopenTask,
  replaceTaskCodes,
  tasksOfApplication,
} from '../repositories/review';
import { cancelWaitingDecisions } from '../repositories/review-decisions';


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
  const existingByQueue = new Map<ReviewQueue, ReviewTaskRow>(existing.map((task) => [task.queue, task]));

  for (const [queue, findings] of byQueue) {
    const codes = [...new Set(findings.map((finding) => finding.code))].sort().join(',');
    const priority = Math.max(...findings.map((finding) => severityPriority[finding.severity]));
    const task = existingByQueue.get(queue);
    if (!task) {
      const createdId = insertIngestedTask(
        db,
        { applicationId: application.applicationId, institutionId: application.institutionId, borrowerId: application.borrowerId, queue, priority, findingCodes: codes, findingCount: findings.length, evidenceHash: application.evidenceHash },
        now,
      );
      replaceTaskCodes(db, createdId, codes.split(','));
      appendTaskEvent(db, createdId, now, null, 'created', { findingCodes: codes.split(',') });
      outcome.created++;
      continue;
    }
    const evidenceChanged = task.evidenceHash !== application.evidenceHash;
    if (!evidenceChanged && task.findingCodes === codes && task.priority === priority && task.findingCount === findings.length) continue;
    if (task.findingCodes !== codes) replaceTaskCodes(db, task.id, codes.split(','));
    if (!liveTaskStatuses.includes(task.status)) {
      // A decided or closed task that sees new evidence (the institution put the application
      // back into manual review with new data) starts over as a new round.
      if (!evidenceChanged) continue;
      reopenTask(db, task.id, { priority, findingCodes: codes, findingCount: findings.length, evidenceHash: application.evidenceHash }, now);
      appendTaskEvent(db, task.id, now, null, 'reopened', { reason: 'evidence_changed', previousStatus: task.status, findingCodes: codes.split(',') });
      outcome.reopened++;
      continue;
    }
    const waiting = task.status === 'awaiting_second' && evidenceChanged;
    refreshTaskFindings(db, task.id, { priority, findingCodes: codes, findingCount: findings.length, evidenceHash: application.evidenceHash }, waiting, now);
    if (waiting) {
      const cancelled = cancelWaitingDecisions(db, task.id, 'evidence_changed', now);
      appendTaskEvent(db, task.id, now, null, 'second_decision_cancelled', {
        reason: 'evidence_changed',
        decisionIds: cancelled.map((decision) => decision.id),
        findingCodes: codes.split(','),
      });
      outcome.reopened++;
    } else {
      appendTaskEvent(db, task.id, now, null, evidenceChanged ? 'evidence_changed' : 'findings_changed', { findingCodes: codes.split(',') });
      outcome.updated++;
    }
  }

  const toClose = existing.filter((task) => !byQueue.has(task.queue) && liveTaskStatuses.includes(task.status));
  if (toClose.length > 0) {
    closeTasks(db, toClose.map((task) => task.id), now);
    for (const task of toClose) {
      if (task.status === 'awaiting_second') cancelWaitingDecisions(db, task.id, 'task_closed', now);
      appendTaskEvent(db, task.id, now, null, 'closed', {
        reason: application.awaitingManualReview ? 'findings_resolved' : 'application_left_manual_review',
      });
    }
    outcome.closed += toClose.length;
  }
  return outcome;
}

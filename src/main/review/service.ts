/**
 * The review service: claims under leases, the evidence of one task, decisions (with four-eyes),
 * snoozes, assignments, reveals of personal data, reason codes and SLA settings. This file holds
 * the decisions and puts the parts together over one context (context.ts): the lists
 * (queues.ts), claims and leases (claims.ts), the task screen (task-view.ts) and configuration
 * (configuration.ts).
 *
 * What reaches the institution (POST /v1/applications/{id}/review-decisions only knows approve
 * and reject): an application's tasks are decided queue by queue; a rejection in any queue is the
 * application's rejection, queued at once (its other open tasks close); an approval is queued
 * when every task of the application still in play is approved. A resubmission request goes to
 * the borrower through the platform, not to the institution: the task waits until a re-sync
 * brings new evidence. An escalation goes to the supervisors' inbox and sends nothing. The body
 * sent is built by institution-api/decision-payload.ts.
 */
import type { ReviewQueue } from '../../shared/domain/findings';
import type { ApplicationRecord } from '../../shared/institution-api/applications';
import type { ReviewDecisionRequest } from '../../shared/institution-api/decisions';
import type { ReasonAction, ReviewAction } from '../../shared/contracts/review';
import { AppError } from '../../shared/rpc/errors';
import { writeTransaction, type Db } from '../db/connection';
import type { ApplicationRow, ReviewDecisionRow, ReviewReasonCodeRow, ReviewTaskRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import { decisionIdempotencyKey, reviewDecisionPayload } from '../institution-api/decision-payload';
import { enqueueOutbox } from '../repositories/outbox';
import { appendTaskEvent, claimNextTask, liveTaskStatuses, tasksOfApplication, transitionTask, updateTask } from '../repositories/review';
import {
  cancelWaitingDecisions,
  effectiveDecisionsOfApplication,
  findDecideRequest,
  insertDecision,
  recordDecideRequest,
  updateDecision,
  waitingDecision,
} from '../repositories/review-decisions';
import { findApplication, findingsOfApplication } from '../repositories/review-evidence';
import { findReasonCode } from '../repositories/review-reason-codes';
import type { Actor } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import { createClaims } from './claims';
import { createConfiguration } from './configuration';
import { createReviewContext, isHeld } from './context';
import { faceEvidence, parseFindings, parseRecord } from './evidence';
import { fourEyesReasons } from './four-eyes';
import type { ImageFetcher } from './images';
import { createQueueReads } from './queues';
import { createTaskView } from './task-view';

export interface ReviewServiceDeps {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  logger: Logger;
  /** Fetches evidence images from the institution; absent = images are unavailable. */
  fetchImage?: ImageFetcher;
  /**
   * Called after every change this process makes to tasks (pushes 'review:changed'); `taskIds`
   * names the tasks an operator's claim, release or decision changed, so other clients can drop them at once.
   */
  onChanged?: (queues: ReviewQueue[], taskIds?: number[]) => void;
  /** Bytes of images kept in memory (default 48 MB). */
  imageCacheBytes?: number;
  /** After a decision that queued the application's answer committed: deliver it now (runtime wires sync's `deliverSoon`). */
  onDecisionQueued?: () => void;
}

function actionLabel(action: ReasonAction): string {
  return action === 'reject' ? 'A rejection' : action === 'resubmit' ? 'A resubmission request' : 'An escalation';
}

export type ReviewService = ReturnType<typeof createReviewService>;

/** What a decide call answers (and what a repeated idempotency key gets back). */
interface DecideAnswer {
  outcome: 'decided' | 'awaiting_second' | 'escalated' | 'awaiting_resubmission';
  applicationOutcome: 'approve' | 'reject' | null;
  nextTaskId: number | null;
}

/** How long a decision's idempotency key is remembered: far longer than any retry of a dropped call. */
const decideKeyKeepMs = 24 * 60 * 60 * 1000;

export function createReviewService(deps: ReviewServiceDeps) {
  const context = createReviewContext(deps);
  const { db, clock, audit, logger, settings, leaseMs, housekeeping, requireTask, changed, changedTasks } = context;

  // ---- Deciding --------------------------------------------------------------------------

  function requireReason(tx: Db, queue: ReviewQueue, action: ReasonAction, code: string | undefined): ReviewReasonCodeRow {
    if (code === undefined || code.trim() === '') {
      throw new AppError('VALIDATION', `${actionLabel(action)} needs a reason: choose one from the list.`, { field: 'reasonCode', reason: 'required', action });
    }
    const row = findReasonCode(tx, queue, action, code);
    if (!row || !row.active) {
      throw new AppError('VALIDATION', `“${code}” is not a reason for this queue; choose one from the list.`, { field: 'reasonCode', reason: 'unknown', action });
    }
    return row;
  }

  /** The face score and thresholds the decision applied, for the wire's face_compare_basis. */
  function faceBasis(tx: Db, applicationId: number, record: ApplicationRecord | null): ReviewDecisionRequest['face_compare_basis'] {
    const face = faceEvidence(record, parseFindings(findingsOfApplication(tx, applicationId)));
    if (!face?.compare || !face.band || face.band.passAtOrAbove === null || face.band.rejectBelow === null) return null;
    const vendor = record?.authentication.face_compare.result?.vendor;
    if (!vendor) return null;
    return {
      vendor,
      model_version: face.compare.modelVersion,
      score: face.compare.score,
      pass_threshold: face.band.passAtOrAbove,
      reject_threshold: face.band.rejectBelow,
    };
  }

  /**
   * Queues the application's decision for the institution in the caller's transaction, tied to
   * the decision that completed it. Returns the outbox id. `application` is the row the caller
   * read in this transaction (the application's stored record is parsed here, once).
   */
  function queueApplicationDecision(tx: Db, input: { application: ApplicationRow; decision: 'approve' | 'reject'; completing: ReviewDecisionRow; reviewer: string; now: number }): number {
    const { application } = input;
    const effective = effectiveDecisionsOfApplication(tx, application.id).filter((row) => row.evidenceHash === application.evidenceHash || row.id === input.completing.id);
    const reasonCodes = input.decision === 'reject' ? [...new Set(effective.filter((row) => row.action === 'reject' && row.reasonCode).map((row) => row.reasonCode as string))] : [];
    const comment = effective
      .filter((row) => row.note.trim() !== '')
      .map((row) => `[${row.queue}] ${row.note.trim()}`)
      .join('\n')
      .slice(0, 1000);
    const record = parseRecord(application);
    const approvedLimit = record?.risk_decision?.suggested_limit_fen ?? application.requestedAmountFen;
    const payload = reviewDecisionPayload({
      decision: input.decision,
      reviewer: input.reviewer,
      decidedAt: input.now,
      applicationVersion: application.version,
      approvedLimitFen: approvedLimit,
      reasonCodes: reasonCodes.length > 0 ? reasonCodes : [input.completing.reasonCode ?? 'REJECTED'],
      comment,
      faceCompareBasis: faceBasis(tx, application.id, record),
    });
    const key = decisionIdempotencyKey(application.externalId, input.completing.id);
    const row = enqueueOutbox(tx, { institutionId: application.institutionId, kind: 'review-decision', subjectId: application.externalId, idempotencyKey: key, payload }, input.now);
    if (!row) throw new Error('The outbox refused a fresh idempotency key');
    updateDecision(tx, input.completing.id, { outboxId: row.id, deliveryState: 'pending' });
    return row.id;
  }

  /** After a task's approval: queues the application's approval when every task still in play is approved. */
  function approveApplicationIfComplete(tx: Db, application: ApplicationRow, completing: ReviewDecisionRow, reviewer: string, now: number): boolean {
    const tasks = tasksOfApplication(tx, application.id).filter((task) => task.status !== 'closed');
    const allApproved = tasks.length > 0 && tasks.every((task) => task.status === 'decided' && task.decision === 'approve');
    if (!allApproved) return false;
    queueApplicationDecision(tx, { application, decision: 'approve', completing, reviewer, now });
    for (const task of tasks) appendTaskEvent(tx, task.id, now, null, 'application_decision_queued', { decision: 'approve', completingDecisionId: completing.id });
    return true;
  }

  /** A rejection in one queue rejects the application: queue it and close the other tasks still in play. */
  function rejectApplication(tx: Db, task: ReviewTaskRow, application: ApplicationRow, completing: ReviewDecisionRow, reviewer: string, now: number): ReviewQueue[] {
    queueApplicationDecision(tx, { application, decision: 'reject', completing, reviewer, now });
    appendTaskEvent(tx, task.id, now, null, 'application_decision_queued', { decision: 'reject', completingDecisionId: completing.id });
    const touched: ReviewQueue[] = [];
    for (const other of tasksOfApplication(tx, task.applicationId)) {
      if (other.id === task.id || (!liveTaskStatuses.includes(other.status) && other.status !== 'awaiting_resubmission')) continue;
      if (other.status === 'awaiting_second') cancelWaitingDecisions(tx, other.id, 'application_rejected', now);
      updateTask(tx, other.id, { status: 'closed', claimedBy: null, claimedAt: null, leaseExpiresAt: null, snoozedUntil: null, updatedAt: now });
      appendTaskEvent(tx, other.id, now, null, 'closed', { reason: 'application_rejected', byTaskId: task.id, queue: task.queue });
      touched.push(other.queue);
    }
    return touched;
  }

  function decide(
    actor: Actor,
    input: { taskId: number; action: ReviewAction; reasonCode?: string; note: string; evidenceHash: string; next?: { excludeTaskIds: number[] }; idempotencyKey?: string },
  ): DecideAnswer {
    const now = clock.now();
    const lease = leaseMs();
    const result = writeTransaction(db, (tx): DecideAnswer & { touched: ReviewQueue[]; replayed: boolean } => {
      if (input.idempotencyKey) {
        const earlier = findDecideRequest(tx, actor.id, input.idempotencyKey);
        if (earlier) {
          if (earlier.taskId !== input.taskId) throw new AppError('CONFLICT', 'This idempotency key was used for another task.', { reason: 'idempotency_key_reused' });
          return { ...(JSON.parse(earlier.response) as DecideAnswer), touched: [], replayed: true };
        }
      }
      const task = requireTask(tx, input.taskId);
      if (task.claimedBy !== actor.id || !isHeld(task)) {
        throw new AppError('CONFLICT', 'You do not hold this task any more (it was released, reassigned or decided); claim it again to decide.', { reason: 'not_held' });
      }
      if (task.evidenceHash !== input.evidenceHash) {
        throw new AppError('CONFLICT', 'The evidence changed since you opened this task (a re-sync brought new data); look at it again before deciding.', { reason: 'evidence_changed' });
      }
      if (task.status === 'escalated' && input.action === 'escalate') throw new AppError('CONFLICT', 'This task is already escalated.', { reason: 'already_escalated' });
      const application = findApplication(tx, task.applicationId);
      if (!application) throw new AppError('NOT_FOUND', `No application ${task.applicationId}.`);
      const reason = input.action === 'approve' ? null : requireReason(tx, task.queue, input.action, input.reasonCode);
      const touched: ReviewQueue[] = [task.queue];
      const base = {
        taskId: task.id,
        applicationId: task.applicationId,
        queue: task.queue,
        action: input.action,
        operatorId: actor.id,
        reasonCode: reason?.code ?? null,
        note: input.note.trim(),
        evidenceHash: task.evidenceHash,
        applicationVersion: application.version,
        decidedAt: now,
      } as const;
      const released = { claimedBy: null, claimedAt: null, leaseExpiresAt: null, updatedAt: now, returnNote: null };
      let outcome: 'decided' | 'awaiting_second' | 'escalated' | 'awaiting_resubmission';
      let applicationOutcome: 'approve' | 'reject' | null = null;
      const eventDetails = { action: input.action, reasonCode: reason?.code ?? null, note: base.note };

      if (input.action === 'escalate') {
        const decision = insertDecision(tx, { ...base, stage: 'single', state: 'effective' });
        updateTask(tx, task.id, { ...released, status: 'escalated' });
        appendTaskEvent(tx, task.id, now, actor.id, 'escalated', { ...eventDetails, decisionId: decision.id });
        outcome = 'escalated';
      } else if (input.action === 'resubmit') {
        const decision = insertDecision(tx, { ...base, stage: 'single', state: 'effective' });
        updateTask(tx, task.id, { ...released, status: 'awaiting_resubmission', decision: 'resubmit', decidedAt: now });
        appendTaskEvent(tx, task.id, now, actor.id, 'decided', { ...eventDetails, decisionId: decision.id });
        outcome = 'awaiting_resubmission';
      } else if (input.action === 'reject') {
        const decision = insertDecision(tx, { ...base, stage: 'single', state: 'effective' });
        updateTask(tx, task.id, { ...released, status: 'decided', decision: 'reject', decidedAt: now });
        appendTaskEvent(tx, task.id, now, actor.id, 'decided', { ...eventDetails, decisionId: decision.id });
        touched.push(...rejectApplication(tx, task, application, decision, actor.username, now));
        outcome = 'decided';
        applicationOutcome = 'reject';
      } else {
        const reasons = fourEyesReasons(task, application.riskResult, settings());
        if (reasons.length > 0) {
          const decision = insertDecision(tx, { ...base, stage: 'first', state: 'awaiting_second', fourEyesReasons: JSON.stringify(reasons) });
          updateTask(tx, task.id, { ...released, status: 'awaiting_second' });
          appendTaskEvent(tx, task.id, now, actor.id, 'decided', { ...eventDetails, decisionId: decision.id, awaitingSecond: true, fourEyesReasons: reasons });
          outcome = 'awaiting_second';
        } else {
          const decision = insertDecision(tx, { ...base, stage: 'single', state: 'effective' });
          updateTask(tx, task.id, { ...released, status: 'decided', decision: 'approve', decidedAt: now });
          appendTaskEvent(tx, task.id, now, actor.id, 'decided', { ...eventDetails, decisionId: decision.id });
          if (approveApplicationIfComplete(tx, application, decision, actor.username, now)) applicationOutcome = 'approve';
          outcome = 'decided';
        }
      }
      audit.record(tx, actor, 'review.decided', { type: 'review_task', id: task.id }, {
        queue: task.queue,
        action: input.action,
        reasonCode: reason?.code ?? null,
        outcome,
        applicationId: task.applicationId,
        applicationOutcome,
      });

      let nextTaskId: number | null = null;
      if (input.next) {
        touched.push(...housekeeping(now));
        const claimed = claimNextTask(tx, { queue: task.queue, operatorId: actor.id, now, leaseMs: lease, exclude: [...input.next.excludeTaskIds, task.id] });
        if (claimed) {
          appendTaskEvent(tx, claimed.id, now, actor.id, 'claimed', { via: 'next' });
          nextTaskId = claimed.id;
        }
      }
      if (input.idempotencyKey) {
        const response = JSON.stringify({ outcome, applicationOutcome, nextTaskId } satisfies DecideAnswer);
        recordDecideRequest(tx, { operatorId: actor.id, requestKey: input.idempotencyKey, taskId: task.id, response, createdAt: now }, decideKeyKeepMs);
      }
      return { outcome, applicationOutcome, nextTaskId, touched, replayed: false };
    });
    if (result.replayed) {
      logger.info('review decision replayed for its idempotency key', { taskId: input.taskId });
      return { outcome: result.outcome, applicationOutcome: result.applicationOutcome, nextTaskId: result.nextTaskId };
    }
    changedTasks([input.taskId, result.nextTaskId], ...result.touched);
    if (result.applicationOutcome !== null) deps.onDecisionQueued?.();
    logger.info('review decision', { taskId: input.taskId, action: input.action, outcome: result.outcome, applicationOutcome: result.applicationOutcome });
    return { outcome: result.outcome, applicationOutcome: result.applicationOutcome, nextTaskId: result.nextTaskId };
  }

  function secondDecision(
    actor: Actor,
    input: { taskId: number; decision: 'confirm' | 'overrule'; reasonCode?: string; note: string; evidenceHash: string },
  ): { applicationOutcome: 'approve' | 'reject' | null } {
    const now = clock.now();
    const result = writeTransaction(db, (tx) => {
      const task = requireTask(tx, input.taskId);
      const waiting = waitingDecision(tx, task.id);
      if (task.status !== 'awaiting_second' || !waiting) {
        throw new AppError('CONFLICT', 'This task is not waiting for a second decision any more.', { reason: 'not_waiting' });
      }
      if (waiting.operatorId === actor.id) {
        throw new AppError('FORBIDDEN', 'You made the first decision on this task; another supervisor must give the second.', { reason: 'same_person' });
      }
      if (task.evidenceHash !== input.evidenceHash) {
        throw new AppError('CONFLICT', 'The evidence changed since you opened this task; look at it again.', { reason: 'evidence_changed' });
      }
      const application = findApplication(tx, task.applicationId);
      if (!application) throw new AppError('NOT_FOUND', `No application ${task.applicationId}.`);
      const confirm = input.decision === 'confirm';
      const reason = confirm ? null : requireReason(tx, task.queue, 'reject', input.reasonCode);
      const decision = insertDecision(tx, {
        taskId: task.id,
        applicationId: task.applicationId,
        queue: task.queue,
        action: confirm ? 'approve' : 'reject',
        stage: 'second',
        state: 'effective',
        operatorId: actor.id,
        reasonCode: reason?.code ?? null,
        note: input.note.trim(),
        secondOfId: waiting.id,
        evidenceHash: task.evidenceHash,
        applicationVersion: application.version,
        decidedAt: now,
      });
      updateDecision(tx, waiting.id, { state: confirm ? 'confirmed' : 'overruled' });
      const moved = transitionTask(tx, task.id, ['awaiting_second'], { status: 'decided', decision: confirm ? 'approve' : 'reject', decidedAt: now, updatedAt: now, returnNote: null });
      if (!moved) throw new AppError('CONFLICT', 'This task is not waiting for a second decision any more.', { reason: 'not_waiting' });
      appendTaskEvent(tx, task.id, now, actor.id, 'second_decision', {
        decision: input.decision,
        firstDecisionId: waiting.id,
        decisionId: decision.id,
        reasonCode: reason?.code ?? null,
        note: decision.note,
      });
      const touched: ReviewQueue[] = [task.queue];
      let applicationOutcome: 'approve' | 'reject' | null = null;
      if (confirm) {
        if (approveApplicationIfComplete(tx, application, decision, actor.username, now)) applicationOutcome = 'approve';
      } else {
        touched.push(...rejectApplication(tx, moved, application, decision, actor.username, now));
        applicationOutcome = 'reject';
      }
      audit.record(tx, actor, 'review.second-decision', { type: 'review_task', id: task.id }, {
        decision: input.decision,
        firstDecisionId: waiting.id,
        reasonCode: reason?.code ?? null,
        applicationOutcome,
      });
      return { applicationOutcome, touched };
    });
    changed(...result.touched);
    if (result.applicationOutcome !== null) deps.onDecisionQueued?.();
    return { applicationOutcome: result.applicationOutcome };
  }

  return {
    ...createQueueReads(context),
    ...createClaims(context),
    decide,
    secondDecision,
    ...createTaskView(context, { fetchImage: deps.fetchImage, imageCacheBytes: deps.imageCacheBytes }),
    ...createConfiguration(context),
    settings,
    /** Lease expiry and snooze wake-ups (the monitor's tick); returns the queues touched. */
    housekeeping(): ReviewQueue[] {
      const now = clock.now();
      return writeTransaction(db, () => housekeeping(now, true));
    },
  };
}

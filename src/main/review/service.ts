/**
 * The review service: claims under leases, the evidence of one task, decisions (with four-eyes),
 * snoozes, assignments, reveals of personal data, reason codes and SLA settings.
 *
 * What reaches the institution (POST /v1/applications/{id}/review-decisions only knows approve
 * and reject): an application's tasks are decided queue by queue; a rejection in any queue is the
 * application's rejection, queued at once (its other open tasks close); an approval is queued
 * when every task of the application still in play is approved. A resubmission request goes to
 * the borrower through the platform, not to the institution: the task waits until a re-sync
 * brings new evidence. An escalation goes to the supervisors' inbox and sends nothing.
 */
import { randomBytes } from 'node:crypto';
import { findingCatalog, type ReviewQueue } from '../../shared/domain/findings';
import { maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import { reviewDecisionRequestSchema, type ReviewDecisionRequest } from '../../shared/institution-api/decisions';
import type {
  ImageKind,
  QueueCounts,
  ReasonAction,
  ReasonCode,
  ReviewAction,
  ReviewSettings,
  SlaState,
  TaskDetail,
  TaskListFilter,
  TaskRow,
  TimelineEvent,
} from '../../shared/contracts/review';
import { AppError } from '../../shared/rpc/errors';
import { roleHas } from '../../shared/rpc/permissions';
import { writeTransaction, type Db } from '../db/connection';
import type { ReviewDecisionRow, ReviewReasonCodeRow, ReviewTaskRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import { enqueueOutbox } from '../repositories/outbox';
import {
  appendTaskEvent,
  claimNextTask,
  claimTask,
  expireLeases,
  findTask,
  liveTaskStatuses,
  releaseTask,
  renewLease,
  taskEvents,
  tasksForAssignment,
  tasksOfApplication,
  transitionTask,
  updateTask,
  wakeSnoozedTasks,
} from '../repositories/review';
import {
  cancelWaitingDecisions,
  decisionsOfTask,
  effectiveDecisionsOfApplication,
  findDecideRequest,
  insertDecision,
  recordDecideRequest,
  latestEscalations,
  updateDecision,
  waitingDecision,
  waitingDecisionsOf,
} from '../repositories/review-decisions';
import { countOpenQueuedBefore, countTasks, heldAndAssigned, queueStatusCounts, taskListRow, taskPage, tasksInStatus, type TaskListRow, type TaskPageQuery } from '../repositories/review-queue';
import {
  applicationsOfBorrower,
  applicationsSharingPhone,
  findApplication,
  findBorrower,
  findInstitution,
  findingsOfApplication,
  institutionRefs,
  linesOfBorrower,
  loansOfBorrower,
  operatorNames,
  operatorRefs,
  tasksOfApplications,
} from '../repositories/review-evidence';
import { findReasonCode, findReasonCodeById, insertReasonCode, listReasonCodes, updateReasonCode } from '../repositories/review-reason-codes';
import type { Actor } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import {
  checklist,
  contactsEvidence,
  faceEvidence,
  findingView,
  imageIds,
  ocrEvidence,
  parseFindings,
  parseRecord,
  revealValue,
} from './evidence';
import { ImageCache, servableImageType, type EvidenceImage, type ImageFetcher } from './images';
import { mayDisclose, refuseNotHeld } from './disclosure';
import { readReviewSettings, writeReviewSettings } from './settings';

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

/** Finding codes whose presence makes an approval need a supervisor's second decision. */
const rejectBandCodes = new Set(['face_score_reject']);
const queues: readonly ReviewQueue[] = ['contacts', 'face', 'ocr'];
const heldStatuses = ['in_review', 'escalated'] as const;
const cursorVersion = 1;
/** Filtered totals and SLA counts stop counting here: past it the screen shows "1,000+". */
const countCap = 1000;
const settingsCacheMs = 2000;
const countsCacheMs = 1000;

function encodeCursor(row: { priority: number; queuedAt: number; id: number }): string {
  return Buffer.from(JSON.stringify([cursorVersion, row.priority, row.queuedAt, row.id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): TaskPageQuery['after'] {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 4 && value[0] === cursorVersion && value.slice(1).every((part) => Number.isInteger(part))) {
      return { priority: value[1] as number, queuedAt: value[2] as number, id: value[3] as number };
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'The page cursor is not valid; reload the list.');
}

/** '2026-11-25T09:30:00.000+08:00': the wire's instants carry the Shanghai offset. */
export function shanghaiInstant(epochMs: number): string {
  return `${new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 23)}+08:00`;
}

function slaOf(settings: ReviewSettings, queue: ReviewQueue, queuedAt: number, now: number): { state: SlaState; dueAt: number } {
  const { slaMinutes, dueSoonMinutes } = settings.queues[queue];
  const dueAt = queuedAt + slaMinutes * 60_000;
  const state: SlaState = now >= dueAt ? 'breached' : now >= dueAt - dueSoonMinutes * 60_000 ? 'due_soon' : 'within';
  return { state, dueAt };
}

function toTaskRow(row: TaskListRow, settings: ReviewSettings, now: number): TaskRow {
  const sla = slaOf(settings, row.queue, row.queuedAt, now);
  return {
    id: row.id,
    queue: row.queue,
    status: row.status,
    priority: row.priority,
    institution: { id: row.institutionId, code: row.institutionCode, name: row.institutionName },
    applicationId: row.applicationId,
    applicationExternalId: row.applicationExternalId,
    productName: row.productName,
    requestedAmountFen: row.requestedAmountFen,
    borrowerId: row.borrowerId,
    borrowerName: maskName(row.borrowerName),
    findingCodes: row.findingCodes === '' ? [] : row.findingCodes.split(','),
    findingCount: row.findingCount,
    queuedAt: row.queuedAt,
    sla: sla.state,
    slaDueAt: sla.dueAt,
    assignedTo: row.assignedTo === null ? null : { id: row.assignedTo, name: row.assignedName ?? `#${row.assignedTo}` },
    claimedBy: row.claimedBy === null ? null : { id: row.claimedBy, name: row.claimedName ?? `#${row.claimedBy}` },
    claimedAt: row.claimedAt,
    leaseExpiresAt: row.leaseExpiresAt,
    snoozedUntil: row.snoozedUntil,
    decision: row.decision,
  };
}

function toReasonCode(row: ReviewReasonCodeRow): ReasonCode {
  return { id: row.id, queue: row.queue, action: row.action, code: row.code, labelZh: row.labelZh, labelEn: row.labelEn, active: row.active, sortOrder: row.sortOrder };
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseList(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
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
  const { db, clock, audit, logger } = deps;
  const images = new ImageCache(deps.imageCacheBytes ?? 48 * 1024 * 1024);

  function changed(...changedQueues: ReviewQueue[]): void {
    cachedCounts = null;
    deps.onChanged?.([...new Set(changedQueues)]);
  }

  /** `changed` for an operator's claim, release or decision: names the tasks as well. */
  function changedTasks(taskIds: Array<number | null | undefined>, ...changedQueues: ReviewQueue[]): void {
    cachedCounts = null;
    deps.onChanged?.([...new Set(changedQueues)], [...new Set(taskIds.filter((id): id is number => typeof id === 'number'))]);
  }

  // Read on every call of the hot paths; another process may change them, so kept only briefly.
  let cachedSettings: { value: ReviewSettings; until: number } | null = null;
  function settings(): ReviewSettings {
    const now = Date.now();
    if (!cachedSettings || cachedSettings.until < now) cachedSettings = { value: readReviewSettings(db), until: now + settingsCacheMs };
    return cachedSettings.value;
  }

  function leaseMs(): number {
    return settings().leaseSeconds * 1000;
  }

  function requireTask(tx: Db, taskId: number): ReviewTaskRow {
    const task = findTask(tx, taskId);
    if (!task) throw new AppError('NOT_FOUND', `No review task ${taskId}.`);
    return task;
  }

  /**
   * Releases expired leases and wakes snoozed tasks whose time came, with their timeline events.
   * Runs in the caller's transaction before every claim, and on the monitor's tick. The hot claim
   * path uses the root handle inside the transaction on purpose: one connection, so the cached
   * statements (reviewStatements.ts) run inside the open transaction.
   */
  function housekeeping(now: number): ReviewTaskRow['queue'][] {
    const touched: ReviewQueue[] = [];
    for (const expired of expireLeases(db, now)) {
      appendTaskEvent(db, expired.id, now, null, 'lease_expired', { holderId: expired.claimedBy });
      const task = findTask(db, expired.id);
      if (task) touched.push(task.queue);
    }
    for (const woken of wakeSnoozedTasks(db, now)) {
      appendTaskEvent(db, woken.id, now, null, 'snooze_ended', {});
      const task = findTask(db, woken.id);
      if (task) touched.push(task.queue);
    }
    return touched;
  }

  function holderConflict(tx: Db, task: ReviewTaskRow, actorId: number): AppError {
    if (task.claimedBy !== null && task.claimedBy !== actorId) {
      const name = operatorNames(tx, [task.claimedBy]).get(task.claimedBy) ?? `#${task.claimedBy}`;
      return new AppError('CONFLICT', `${name} is working on this task.`, { reason: 'held_by_other', holder: name });
    }
    if (task.assignedTo !== null && task.assignedTo !== actorId) {
      return new AppError('CONFLICT', 'This task is assigned to someone else.', { reason: 'assigned_to_other' });
    }
    return new AppError('CONFLICT', `This task cannot be claimed now (it is ${task.status.replace('_', ' ')}).`, { reason: 'not_claimable', status: task.status });
  }

  // ---- Lists and counts ------------------------------------------------------------------

  function pageQuery(actor: Actor, filter: TaskListFilter, now: number, reviewSettings: ReviewSettings): Omit<TaskPageQuery, 'limit' | 'after'> {
    const { slaMinutes, dueSoonMinutes } = reviewSettings.queues[filter.queue];
    const breachedAt = now - slaMinutes * 60_000;
    const dueSoonAt = now - (slaMinutes - dueSoonMinutes) * 60_000;
    let queuedFrom: number | undefined;
    let queuedTo: number | undefined;
    if (filter.sla === 'breached') queuedTo = breachedAt;
    else if (filter.sla === 'due_soon') {
      queuedFrom = breachedAt + 1;
      queuedTo = dueSoonAt;
    } else if (filter.sla === 'within') queuedFrom = dueSoonAt + 1;
    if (filter.minAgeMinutes !== undefined) {
      const limit = now - filter.minAgeMinutes * 60_000;
      queuedTo = queuedTo === undefined ? limit : Math.min(queuedTo, limit);
    }
    const assignedTo = filter.assignee === 'any' ? undefined : filter.assignee === 'unassigned' ? null : filter.assignee === 'me' ? actor.id : filter.assignee;
    return {
      queue: filter.queue,
      status: filter.status,
      institutionId: filter.institutionId,
      findingCode: filter.findingCode,
      assignedTo,
      queuedFrom,
      queuedTo,
      sort: filter.sort,
    };
  }

  function list(actor: Actor, input: TaskListFilter & { cursor?: string; limit: number }): { rows: TaskRow[]; total: number; totalCapped: boolean; nextCursor: string | null; now: number } {
    const now = clock.now();
    const reviewSettings = settings();
    const query = pageQuery(actor, input, now, reviewSettings);
    const page = taskPage(db, { ...query, after: decodeCursor(input.cursor), limit: input.limit });
    const last = page.rows[page.rows.length - 1];
    const count = countTasks(db, query, countCap);
    return {
      rows: page.rows.map((row) => toTaskRow(row, reviewSettings, now)),
      total: count.total,
      totalCapped: count.capped,
      nextCursor: page.more && last ? encodeCursor(last) : null,
      now,
    };
  }

  // Every window asks for counts on every push: one computation serves them all for a moment.
  let cachedCounts: { value: { queues: Record<ReviewQueue, QueueCounts>; inbox: number }; until: number } | null = null;

  function queueCounts(): { queues: Record<ReviewQueue, QueueCounts>; inbox: number } {
    const now = clock.now();
    if (cachedCounts && cachedCounts.until >= Date.now()) return cachedCounts.value;
    const reviewSettings = settings();
    const result = {} as Record<ReviewQueue, QueueCounts>;
    for (const queue of queues) result[queue] = { open: 0, dueSoon: 0, breached: 0, inReview: 0, snoozed: 0, escalated: 0, awaitingSecond: 0, slaCapped: false };
    for (const row of queueStatusCounts(db)) {
      const entry = result[row.queue];
      if (!entry) continue;
      if (row.status === 'open') entry.open = row.n;
      else if (row.status === 'in_review') entry.inReview = row.n;
      else if (row.status === 'snoozed') entry.snoozed = row.n;
      else if (row.status === 'escalated') entry.escalated = row.n;
      else if (row.status === 'awaiting_second') entry.awaitingSecond = row.n;
    }
    for (const queue of queues) {
      const { slaMinutes, dueSoonMinutes } = reviewSettings.queues[queue];
      const breached = countOpenQueuedBefore(db, queue, now - slaMinutes * 60_000, countCap);
      const dueOrBreached = countOpenQueuedBefore(db, queue, now - (slaMinutes - dueSoonMinutes) * 60_000, countCap);
      result[queue].breached = Math.min(breached, countCap);
      result[queue].dueSoon = Math.max(0, Math.min(dueOrBreached, countCap) - Math.min(breached, countCap));
      result[queue].slaCapped = dueOrBreached > countCap;
    }
    const inbox = queues.reduce((sum, queue) => sum + result[queue].escalated + result[queue].awaitingSecond, 0);
    cachedCounts = { value: { queues: result, inbox }, until: Date.now() + countsCacheMs };
    return cachedCounts.value;
  }

  function counts(actor: Actor): { queues: Record<ReviewQueue, QueueCounts>; inbox: number; mine: number } {
    const mine = heldAndAssigned(db).filter((task) => task.claimedBy === actor.id || (task.assignedTo === actor.id && task.status === 'open')).length;
    return { ...queueCounts(), mine };
  }

  function filterOptions(): { institutions: Array<{ id: number; code: string; name: string }>; operators: Array<{ id: number; name: string; role: string }> } {
    return {
      institutions: institutionRefs(db),
      operators: operatorRefs(db)
        .filter((operator) => !operator.disabled && roleHas(operator.role as Actor['role'], 'review:work'))
        .map((operator) => ({ id: operator.id, name: operator.name, role: operator.role })),
    };
  }

  // ---- Claims ----------------------------------------------------------------------------

  function next(actor: Actor, input: { queue: ReviewQueue; releaseTaskId?: number; excludeTaskIds: number[] }): { taskId: number | null } {
    const now = clock.now();
    const lease = leaseMs();
    const result = writeTransaction(db, () => {
      const touched = housekeeping(now);
      if (input.releaseTaskId !== undefined && releaseTask(db, input.releaseTaskId, actor.id, now)) {
        appendTaskEvent(db, input.releaseTaskId, now, actor.id, 'released', { reason: 'skipped' });
      }
      const exclude = input.releaseTaskId === undefined ? input.excludeTaskIds : [...input.excludeTaskIds, input.releaseTaskId];
      const claimed = claimNextTask(db, { queue: input.queue, operatorId: actor.id, now, leaseMs: lease, exclude });
      if (claimed) appendTaskEvent(db, claimed.id, now, actor.id, 'claimed', { via: 'next' });
      return { taskId: claimed?.id ?? null, touched };
    });
    changedTasks([result.taskId, input.releaseTaskId], input.queue, ...result.touched);
    return { taskId: result.taskId };
  }

  function claim(actor: Actor, taskId: number): { taskId: number; leaseExpiresAt: number } {
    const now = clock.now();
    const lease = leaseMs();
    const row = writeTransaction(db, (tx) => {
      housekeeping(now);
      const task = requireTask(tx, taskId);
      if (task.claimedBy === actor.id && heldStatuses.includes(task.status as (typeof heldStatuses)[number])) {
        return renewLease(tx, taskId, actor.id, now, lease) ?? task;
      }
      const claimed = claimTask(tx, { taskId, operatorId: actor.id, now, leaseMs: lease, allowEscalated: actor.permissions.has('review:supervise') });
      if (!claimed) throw holderConflict(tx, task, actor.id);
      appendTaskEvent(tx, taskId, now, actor.id, 'claimed', { via: 'list' });
      return claimed;
    });
    changedTasks([taskId], row.queue);
    return { taskId, leaseExpiresAt: row.leaseExpiresAt ?? now + lease };
  }

  function renew(actor: Actor, taskId: number): { leaseExpiresAt: number } {
    const now = clock.now();
    const lease = leaseMs();
    const row = writeTransaction(db, (tx) => renewLease(tx, taskId, actor.id, now, lease));
    if (!row) throw new AppError('CONFLICT', 'You no longer hold this task: it was released or taken by someone else.', { reason: 'lease_lost' });
    return { leaseExpiresAt: row.leaseExpiresAt ?? now + lease };
  }

  function release(actor: Actor, taskId: number): { released: boolean } {
    const now = clock.now();
    const row = writeTransaction(db, (tx) => {
      const released = releaseTask(tx, taskId, actor.id, now);
      if (released) appendTaskEvent(tx, taskId, now, actor.id, 'released', { reason: 'left' });
      return released;
    });
    if (row) changedTasks([taskId], row.queue);
    return { released: row !== undefined };
  }

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

  function fourEyesReasons(task: ReviewTaskRow, riskResult: string | null): string[] {
    const reasons: string[] = [];
    const codes = task.findingCodes.split(',');
    if (codes.some((code) => rejectBandCodes.has(code))) reasons.push('reject_band');
    else if (settings().fourEyesOnHighSeverity && codes.some((code) => (findingCatalog as Record<string, { severity: string } | undefined>)[code]?.severity === 'high')) {
      reasons.push('high_severity');
    }
    if (riskResult === 'reject') reasons.push('overturns_automatic_rejection');
    return reasons;
  }

  /** The face score and thresholds the decision applied, for the wire's face_compare_basis. */
  function faceBasis(tx: Db, applicationId: number): ReviewDecisionRequest['face_compare_basis'] {
    const application = findApplication(tx, applicationId);
    if (!application) return null;
    const record = parseRecord(application);
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
   * the decision that completed it. Returns the outbox id.
   */
  function queueApplicationDecision(tx: Db, input: { applicationId: number; decision: 'approve' | 'reject'; completing: ReviewDecisionRow; reviewer: string; now: number }): number {
    const application = findApplication(tx, input.applicationId);
    if (!application) throw new AppError('NOT_FOUND', `No application ${input.applicationId}.`);
    const effective = effectiveDecisionsOfApplication(tx, input.applicationId).filter((row) => row.evidenceHash === application.evidenceHash || row.id === input.completing.id);
    const reasonCodes = input.decision === 'reject' ? [...new Set(effective.filter((row) => row.action === 'reject' && row.reasonCode).map((row) => row.reasonCode as string))] : [];
    const comment = effective
      .filter((row) => row.note.trim() !== '')
      .map((row) => `[${row.queue}] ${row.note.trim()}`)
      .join('\n')
      .slice(0, 1000);
    const record = parseRecord(application);
    const approvedLimit = record?.risk_decision?.suggested_limit_fen ?? application.requestedAmountFen;
    const common = {
      reviewer_id: input.reviewer,
      comment,
      decided_at: shanghaiInstant(input.now),
      application_version: application.version,
      face_compare_basis: faceBasis(tx, input.applicationId),
    };
    const payload = reviewDecisionRequestSchema.parse(
      input.decision === 'approve'
        ? { decision: 'approve', approved_limit_fen: Math.max(1, approvedLimit), reason_codes: [], ...common }
        : { decision: 'reject', reason_codes: reasonCodes.length > 0 ? reasonCodes : [input.completing.reasonCode ?? 'REJECTED'], ...common },
    );
    const key = `review-${application.externalId}-${input.completing.id}-${randomBytes(4).toString('hex')}`.slice(0, 128);
    const row = enqueueOutbox(tx, { institutionId: application.institutionId, kind: 'review-decision', subjectId: application.externalId, idempotencyKey: key, payload }, input.now);
    if (!row) throw new Error('The outbox refused a fresh idempotency key');
    updateDecision(tx, input.completing.id, { outboxId: row.id, deliveryState: 'pending' });
    return row.id;
  }

  /** After a task's approval: queues the application's approval when every task still in play is approved. */
  function approveApplicationIfComplete(tx: Db, applicationId: number, completing: ReviewDecisionRow, reviewer: string, now: number): boolean {
    const tasks = tasksOfApplication(tx, applicationId).filter((task) => task.status !== 'closed');
    const allApproved = tasks.length > 0 && tasks.every((task) => task.status === 'decided' && task.decision === 'approve');
    if (!allApproved) return false;
    queueApplicationDecision(tx, { applicationId, decision: 'approve', completing, reviewer, now });
    for (const task of tasks) appendTaskEvent(tx, task.id, now, null, 'application_decision_queued', { decision: 'approve', completingDecisionId: completing.id });
    return true;
  }

  /** A rejection in one queue rejects the application: queue it and close the other tasks still in play. */
  function rejectApplication(tx: Db, task: ReviewTaskRow, completing: ReviewDecisionRow, reviewer: string, now: number): ReviewQueue[] {
    queueApplicationDecision(tx, { applicationId: task.applicationId, decision: 'reject', completing, reviewer, now });
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
      if (task.claimedBy !== actor.id || !heldStatuses.includes(task.status as (typeof heldStatuses)[number])) {
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
        touched.push(...rejectApplication(tx, task, decision, actor.username, now));
        outcome = 'decided';
        applicationOutcome = 'reject';
      } else {
        const reasons = fourEyesReasons(task, application.riskResult);
        if (reasons.length > 0) {
          const decision = insertDecision(tx, { ...base, stage: 'first', state: 'awaiting_second', fourEyesReasons: JSON.stringify(reasons) });
          updateTask(tx, task.id, { ...released, status: 'awaiting_second' });
          appendTaskEvent(tx, task.id, now, actor.id, 'decided', { ...eventDetails, decisionId: decision.id, awaitingSecond: true, fourEyesReasons: reasons });
          outcome = 'awaiting_second';
        } else {
          const decision = insertDecision(tx, { ...base, stage: 'single', state: 'effective' });
          updateTask(tx, task.id, { ...released, status: 'decided', decision: 'approve', decidedAt: now });
          appendTaskEvent(tx, task.id, now, actor.id, 'decided', { ...eventDetails, decisionId: decision.id });
          if (approveApplicationIfComplete(tx, task.applicationId, decision, actor.username, now)) applicationOutcome = 'approve';
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
        if (approveApplicationIfComplete(tx, task.applicationId, decision, actor.username, now)) applicationOutcome = 'approve';
      } else {
        touched.push(...rejectApplication(tx, moved, decision, actor.username, now));
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

  function snooze(actor: Actor, input: { taskId: number; until: number; reason: string }): { snoozedUntil: number } {
    const now = clock.now();
    if (input.until <= now + 60_000) throw new AppError('VALIDATION', 'Snooze until a time at least a minute from now.', { field: 'until' });
    if (input.until > now + 30 * 86_400_000) throw new AppError('VALIDATION', 'A task can be snoozed for at most 30 days.', { field: 'until' });
    const row = writeTransaction(db, (tx) => {
      const moved = transitionTask(tx, input.taskId, ['in_review'], { status: 'snoozed', snoozedUntil: input.until, claimedBy: null, claimedAt: null, leaseExpiresAt: null, updatedAt: now }, actor.id);
      if (!moved) throw new AppError('CONFLICT', 'Only a task you are working on can be snoozed.', { reason: 'not_held' });
      appendTaskEvent(tx, input.taskId, now, actor.id, 'snoozed', { until: input.until, reason: input.reason });
      return moved;
    });
    changed(row.queue);
    return { snoozedUntil: input.until };
  }

  // ---- Supervisors -----------------------------------------------------------------------

  function assign(actor: Actor, input: { taskIds: number[]; operatorId: number | null }): { updated: number; skipped: number } {
    const now = clock.now();
    let target: { id: number; name: string; role: Actor['role'] } | null = null;
    if (input.operatorId !== null) {
      const operator = operatorRefs(db).find((row) => row.id === input.operatorId);
      if (!operator || operator.disabled || !roleHas(operator.role as Actor['role'], 'review:work')) {
        throw new AppError('VALIDATION', 'Tasks can only be assigned to an active reviewer or supervisor.', { field: 'operatorId' });
      }
      target = { id: operator.id, name: operator.name, role: operator.role as Actor['role'] };
    }
    const result = writeTransaction(db, (tx) => {
      const tasks = tasksForAssignment(tx, [...new Set(input.taskIds)]);
      let updated = 0;
      const touched: ReviewQueue[] = [];
      for (const task of tasks) {
        if (task.assignedTo === (target?.id ?? null)) continue;
        if (task.status === 'escalated' && target && !roleHas(target.role, 'review:supervise')) continue;
        const heldByOther = task.claimedBy !== null && task.claimedBy !== target?.id;
        const changes: Partial<ReviewTaskRow> = { assignedTo: target?.id ?? null, updatedAt: now };
        if (heldByOther && target) Object.assign(changes, { claimedBy: null, claimedAt: null, leaseExpiresAt: null, status: task.status === 'in_review' ? 'open' : task.status });
        updateTask(tx, task.id, changes);
        if (heldByOther && target) appendTaskEvent(tx, task.id, now, actor.id, 'released', { reason: 'reassigned', holderId: task.claimedBy });
        appendTaskEvent(tx, task.id, now, actor.id, target ? 'assigned' : 'unassigned', { toId: target?.id ?? null, toName: target?.name ?? null, fromId: task.assignedTo });
        touched.push(task.queue);
        updated++;
      }
      if (updated > 0) {
        audit.record(tx, actor, 'review.assigned', { type: 'operator', id: target?.id ?? 0 }, { taskCount: updated, unassign: target === null });
      }
      return { updated, skipped: input.taskIds.length - updated, touched };
    });
    changed(...result.touched);
    return { updated: result.updated, skipped: result.skipped };
  }

  function workload(): Array<{ operator: { id: number; name: string; role: string }; held: Array<{ taskId: number; queue: ReviewQueue; since: number | null; leaseExpiresAt: number | null }>; assigned: Record<ReviewQueue, number> }> {
    const operators = operatorRefs(db).filter((operator) => !operator.disabled && roleHas(operator.role as Actor['role'], 'review:work'));
    const rows = heldAndAssigned(db);
    return operators.map((operator) => {
      const assigned: Record<ReviewQueue, number> = { contacts: 0, face: 0, ocr: 0 };
      for (const row of rows) if (row.assignedTo === operator.id && row.status !== 'in_review') assigned[row.queue]++;
      return {
        operator: { id: operator.id, name: operator.name, role: operator.role },
        held: rows
          .filter((row) => row.claimedBy === operator.id)
          .map((row) => ({ taskId: row.id, queue: row.queue, since: row.claimedAt, leaseExpiresAt: row.leaseExpiresAt })),
        assigned,
      };
    });
  }

  function decisionView(row: ReviewDecisionRow, names: Map<number, string>) {
    return {
      id: row.id,
      action: row.action,
      operator: { id: row.operatorId, name: names.get(row.operatorId) ?? `#${row.operatorId}` },
      decidedAt: row.decidedAt,
      reasonCode: row.reasonCode,
      note: row.note,
      fourEyesReasons: parseList(row.fourEyesReasons),
    };
  }

  function inbox() {
    const now = clock.now();
    const reviewSettings = settings();
    const escalated = tasksInStatus(db, 'escalated', 200);
    const awaiting = tasksInStatus(db, 'awaiting_second', 200);
    const escalations = latestEscalations(db, escalated.map((row) => row.id));
    const waiting = waitingDecisionsOf(db, awaiting.map((row) => row.id));
    const names = operatorNames(db, [...escalations, ...waiting].map((row) => row.operatorId));
    return {
      escalated: escalated.map((row) => {
        const escalation = escalations.find((decision) => decision.taskId === row.id);
        return { ...toTaskRow(row, reviewSettings, now), escalation: escalation ? decisionView(escalation, names) : null };
      }),
      awaitingSecond: awaiting.map((row) => {
        const decision = waiting.find((candidate) => candidate.taskId === row.id);
        return { ...toTaskRow(row, reviewSettings, now), waitingDecision: decision ? decisionView(decision, names) : null };
      }),
      now,
    };
  }

  // ---- One task --------------------------------------------------------------------------

  /** The task is in the actor's hands now (disclosure.ts): reveals and images need it. */
  function inHand(actor: Actor, task: ReviewTaskRow, now: number): boolean {
    const waiting = task.status === 'awaiting_second' ? waitingDecision(db, task.id) : undefined;
    return mayDisclose(actor, task, now, waiting?.operatorId ?? null);
  }

  function timeline(tx: Db, taskId: number): TimelineEvent[] {
    const events = taskEvents(tx, taskId);
    const decisions = decisionsOfTask(tx, taskId);
    const names = operatorNames(tx, [...events.map((event) => event.operatorId ?? 0), ...decisions.map((row) => row.operatorId)].filter((id) => id > 0));
    const entries: TimelineEvent[] = events.map((event) => ({
      id: `e${event.id}`,
      at: event.at,
      kind: event.kind,
      operator: event.operatorId === null ? null : { id: event.operatorId, name: names.get(event.operatorId) ?? `#${event.operatorId}` },
      details: parseJson(event.details),
    }));
    return entries.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  function task(actor: Actor, taskId: number): TaskDetail {
    const now = clock.now();
    const reviewSettings = settings();
    const row = findTask(db, taskId);
    if (!row) throw new AppError('NOT_FOUND', `No review task ${taskId}.`);
    const listRow = taskListRow(db, taskId);
    const application = findApplication(db, row.applicationId);
    const borrower = findBorrower(db, row.borrowerId);
    const institution = findInstitution(db, row.institutionId);
    if (!listRow || !application || !borrower || !institution) throw new AppError('NOT_FOUND', `Review task ${taskId} has no application.`);
    const record = parseRecord(application);
    const findings = parseFindings(findingsOfApplication(db, application.id));
    const waiting = row.status === 'awaiting_second' ? waitingDecision(db, row.id) : undefined;
    const names = operatorNames(db, waiting ? [waiting.operatorId] : []);
    const held = row.claimedBy === actor.id && heldStatuses.includes(row.status as (typeof heldStatuses)[number]);
    const leaseLive = row.leaseExpiresAt !== null && row.leaseExpiresAt >= now;
    const claimable =
      !held &&
      (row.assignedTo === null || row.assignedTo === actor.id) &&
      (row.status === 'open' || (row.status === 'in_review' && !leaseLive) || (row.status === 'escalated' && actor.permissions.has('review:supervise') && (row.claimedBy === null || !leaseLive)));
    const siblings = tasksOfApplication(db, application.id)
      .filter((other) => other.id !== row.id)
      .map((other) => ({ id: other.id, queue: other.queue, status: other.status, decision: other.decision, findingCount: other.findingCount }));
    const borrowerApplications = applicationsOfBorrower(db, borrower.id, 20).filter((other) => other.id !== application.id);
    const historyTasks = tasksOfApplications(db, borrowerApplications.map((other) => other.id));
    const reasons = listReasonCodes(db, { queue: row.queue, includeInactive: false }).map(toReasonCode);
    return {
      now,
      task: {
        ...toTaskRow(listRow, reviewSettings, now),
        evidenceHash: row.evidenceHash,
        returnNote: row.returnNote,
        heldByMe: held,
        canClaim: claimable,
        canDecide: held,
        canSecondDecide: row.status === 'awaiting_second' && actor.permissions.has('review:supervise') && waiting !== undefined && waiting.operatorId !== actor.id,
        canReveal: mayDisclose(actor, row, now, waiting?.operatorId ?? null),
        canSeeImages: mayDisclose(actor, row, now, waiting?.operatorId ?? null),
        waitingDecision: waiting ? decisionView(waiting, names) : null,
        fourEyesOnApprove: fourEyesReasons(row, application.riskResult),
      },
      siblings,
      application: {
        id: application.id,
        externalId: application.externalId,
        version: application.version,
        institution: { id: institution.id, code: institution.code, name: institution.name },
        productCode: application.productCode,
        productName: application.productName,
        lineMode: application.lineMode,
        requestedAmountFen: application.requestedAmountFen,
        requestedTermMonths: application.requestedTermMonths,
        quotedMonthlyRate: record?.quoted_monthly_rate ?? null,
        status: application.status,
        appliedAt: application.appliedAt,
        submittedAt: application.submittedAt,
        approvedLimitFen: Math.max(1, record?.risk_decision?.suggested_limit_fen ?? application.requestedAmountFen),
        risk: record?.risk_decision
          ? {
              result: record.risk_decision.result,
              score: record.risk_decision.score,
              suggestedLimitFen: record.risk_decision.suggested_limit_fen,
              reasons: record.risk_decision.reasons,
              decidedAt: Date.parse(record.risk_decision.decided_at),
            }
          : null,
        checklist: checklist(record, now),
      },
      borrower: {
        id: borrower.id,
        name: { value: maskName(record?.borrower.name ?? borrower.name), revealKey: 'borrower.name' },
        idNumber: { value: maskIdNumber(record?.borrower.id_number ?? borrower.idNumber), revealKey: 'borrower.idNumber' },
        phone: { value: maskPhone(record?.borrower.phone ?? borrower.phone), revealKey: 'borrower.phone' },
      },
      findings: [...findings].sort((a, b) => Number(b.queue === row.queue) - Number(a.queue === row.queue)).map(findingView),
      face: faceEvidence(record, findings),
      ocr: ocrEvidence(record, findings, now),
      contacts: contactsEvidence(record, record?.borrower.name ?? borrower.name, findings, (phone) => applicationsSharingPhone(db, phone, borrower.id, 10)),
      history: {
        applications: borrowerApplications.map((other) => ({
          id: other.id,
          institution: { id: other.institutionId, code: other.institutionCode, name: other.institutionName },
          externalId: other.externalId,
          productName: other.productName,
          requestedAmountFen: other.requestedAmountFen,
          status: other.status,
          appliedAt: other.appliedAt,
          tasks: historyTasks.filter((candidate) => candidate.applicationId === other.id).map((candidate) => ({ id: candidate.id, queue: candidate.queue, status: candidate.status })),
        })),
        lines: linesOfBorrower(db, borrower.id, 20).map((line) => ({
          id: line.id,
          institution: { id: line.institutionId, code: line.institutionCode, name: line.institutionName },
          externalId: line.externalId,
          mode: line.mode,
          limitFen: line.limitFen,
          availableFen: line.derivedAvailableFen,
          state: line.derivedState,
          validTo: line.validTo,
        })),
        loans: loansOfBorrower(db, borrower.id, 20).map((loan) => ({
          id: loan.id,
          institution: { id: loan.institutionId, code: loan.institutionCode, name: loan.institutionName },
          externalId: loan.externalId,
          principalFen: loan.principalFen,
          outstandingPrincipalFen: loan.outstandingPrincipalFen,
          status: loan.status,
          dpd: loan.dpd,
          bucket: loan.bucket,
          disbursedAt: loan.disbursedAt,
        })),
      },
      timeline: timeline(db, row.id),
      reasonCodes: reasons,
    };
  }

  function reveal(actor: Actor, input: { taskId: number; field: string }): { value: string } {
    const now = clock.now();
    const row = findTask(db, input.taskId);
    if (!row) throw new AppError('NOT_FOUND', `No review task ${input.taskId}.`);
    if (!inHand(actor, row, now)) throw refuseNotHeld(db, audit, actor, row.id, { field: input.field });
    const application = findApplication(db, row.applicationId);
    const borrower = findBorrower(db, row.borrowerId);
    if (!application || !borrower) throw new AppError('NOT_FOUND', `Review task ${input.taskId} has no application.`);
    const value = revealValue(input.field, parseRecord(application), borrower);
    if (value === undefined) throw new AppError('NOT_FOUND', `This task has no field “${input.field}”.`);
    writeTransaction(db, (tx) => {
      audit.record(tx, actor, 'review.pii-revealed', { type: 'review_task', id: row.id }, { field: input.field });
      appendTaskEvent(tx, row.id, now, actor.id, 'pii_revealed', { field: input.field });
    });
    return { value };
  }

  async function image(actor: Actor, input: { taskId: number; which: ImageKind }, signal?: AbortSignal): Promise<EvidenceImage> {
    const now = clock.now();
    const row = findTask(db, input.taskId);
    if (!row) throw new AppError('NOT_FOUND', `No review task ${input.taskId}.`);
    if (!inHand(actor, row, now)) throw refuseNotHeld(db, audit, actor, row.id, { image: input.which });
    const application = findApplication(db, row.applicationId);
    const imageId = application ? imageIds(parseRecord(application))[input.which] : undefined;
    if (!application || !imageId) throw new AppError('NOT_FOUND', 'This task has no such image.');
    // Every view is recorded, served from the cache or not: an image shows what the masks hide.
    writeTransaction(db, (tx) => audit.record(tx, actor, 'review.image-viewed', { type: 'review_task', id: row.id }, { kind: input.which }));
    const key = `${application.institutionId}:${imageId}`;
    const cached = images.get(key);
    if (cached) return cached;
    if (!deps.fetchImage) throw new AppError('UPSTREAM', 'Images cannot be fetched from institutions in this process.');
    let fetched: EvidenceImage;
    try {
      fetched = await deps.fetchImage(application.institutionId, imageId, signal);
    } catch (error) {
      if (error instanceof AppError) throw error;
      logger.warn('evidence image fetch failed', { taskId: row.id, which: input.which, error: error instanceof Error ? error.message : String(error) });
      throw new AppError('UPSTREAM', 'The institution did not return the image; try again in a moment.');
    }
    const contentType = servableImageType(fetched.contentType);
    if (!contentType) throw new AppError('UPSTREAM', `The institution returned ${fetched.contentType}, not an image.`);
    const result = { contentType, body: fetched.body };
    images.set(key, result);
    return result;
  }

  // ---- Configuration ---------------------------------------------------------------------

  function reasonCodes(input: { queue?: ReviewQueue; includeInactive: boolean }): ReasonCode[] {
    return listReasonCodes(db, input).map(toReasonCode);
  }

  function saveReasonCode(
    actor: Actor,
    input: { id?: number; queue: ReviewQueue; action: ReasonAction; code: string; labelZh: string; labelEn: string; active: boolean; sortOrder: number },
  ): ReasonCode {
    const now = clock.now();
    return writeTransaction(db, (tx) => {
      let row: ReviewReasonCodeRow;
      if (input.id !== undefined) {
        const current = findReasonCodeById(tx, input.id);
        if (!current) throw new AppError('NOT_FOUND', `No reason code ${input.id}.`);
        if (current.code !== input.code || current.queue !== input.queue || current.action !== input.action) {
          throw new AppError('VALIDATION', 'A reason code’s code, queue and action never change (past decisions refer to them); add a new code instead.', { field: 'code' });
        }
        row = updateReasonCode(tx, input.id, { labelZh: input.labelZh, labelEn: input.labelEn, active: input.active, sortOrder: input.sortOrder, updatedAt: now, updatedBy: actor.id });
      } else {
        if (findReasonCode(tx, input.queue, input.action, input.code)) {
          throw new AppError('CONFLICT', `The code ${input.code} already exists for this queue and action.`, { field: 'code' });
        }
        row = insertReasonCode(tx, { ...input, updatedAt: now, updatedBy: actor.id });
      }
      audit.record(tx, actor, 'review.reason-code-saved', { type: 'review_reason_code', id: row.id }, { queue: row.queue, action: row.action, code: row.code, active: row.active });
      return toReasonCode(row);
    });
  }

  function saveSettings(actor: Actor, input: ReviewSettings): ReviewSettings {
    const now = clock.now();
    cachedSettings = null;
    writeTransaction(db, (tx) => {
      writeReviewSettings(tx, input, now, actor.id);
      audit.record(tx, actor, 'review.settings-saved', { type: 'setting', id: 'review.settings' }, { ...input });
    });
    cachedSettings = null;
    changed(...queues);
    return settings();
  }

  return {
    list,
    counts,
    filterOptions,
    next,
    claim,
    renew,
    release,
    task,
    decide,
    secondDecision,
    snooze,
    assign,
    workload,
    inbox,
    reveal,
    image,
    reasonCodes,
    saveReasonCode,
    settings,
    saveSettings,
    /** Lease expiry and snooze wake-ups (the monitor's tick); returns the queues touched. */
    housekeeping(): ReviewQueue[] {
      const now = clock.now();
      return writeTransaction(db, () => housekeeping(now));
    },
  };
}

/**
 * One task as the task screen shows it: the evidence (masked), the application, the borrower's
 * history and the timeline; and the two ways past the masks, a reveal of one field and an
 * evidence image, both for whoever has the task in hand (disclosure.ts) and both recorded.
 */
import { maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import type { ImageKind, TaskDetail, TimelineEvent } from '../../shared/contracts/review';
import { AppError } from '../../shared/rpc/errors';
import { writeTransaction, type Db } from '../db/connection';
import type { ReviewTaskRow } from '../db/schema';
import { appendTaskEvent, findTask, taskEvents, tasksOfApplication } from '../repositories/review';
import { decisionsOfTask, waitingDecision } from '../repositories/review-decisions';
import { taskListRow } from '../repositories/review-queue';
import {
  applicationsOfBorrower,
  applicationsSharingPhone,
  findApplication,
  findBorrower,
  findInstitution,
  findingsOfApplication,
  linesOfBorrower,
  loansOfBorrower,
  operatorNames,
  tasksOfApplications,
} from '../repositories/review-evidence';
import { listReasonCodes } from '../repositories/review-reason-codes';
import type { Actor } from '../core/actor';
import { isHeld, type ReviewContext } from './context';
import { checklist, contactsEvidence, faceEvidence, findingView, imageIds, ocrEvidence, parseFindings, parseRecord, revealValue } from './evidence';
import { fourEyesReasons } from './four-eyes';
import { ImageCache, servableImageType, type EvidenceImage, type ImageFetcher } from './images';
import { mayDisclose, refuseNotHeld } from './disclosure';
import { decisionView, parseJson, toReasonCode, toTaskRow } from './views';

export function createTaskView(context: ReviewContext, options: { fetchImage?: ImageFetcher; imageCacheBytes?: number }) {
  const { db, clock, audit, logger, settings } = context;
  const images = new ImageCache(options.imageCacheBytes ?? 48 * 1024 * 1024);

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
    const held = row.claimedBy === actor.id && isHeld(row);
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
        fourEyesOnApprove: fourEyesReasons(row, application.riskResult, reviewSettings),
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
    if (!options.fetchImage) throw new AppError('UPSTREAM', 'Images cannot be fetched from institutions in this process.');
    let fetched: EvidenceImage;
    try {
      fetched = await options.fetchImage(application.institutionId, imageId, signal);
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

  return { task, reveal, image };
}

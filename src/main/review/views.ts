/**
 * Pure: rows of the database as the review channels answer them (a task's list row with its SLA
 * state, a reason code, a decision), and the tolerant JSON readers of stored details.
 */
import type { ReviewQueue } from '../../shared/domain/findings';
import { maskName } from '../../shared/domain/mask';
import type { ReasonCode, ReviewSettings, SlaState, TaskRow } from '../../shared/contracts/review';
import type { ReviewDecisionRow, ReviewReasonCodeRow } from '../db/schema';
import type { TaskListRow } from '../repositories/review-queue';

function slaOf(settings: ReviewSettings, queue: ReviewQueue, queuedAt: number, now: number): { state: SlaState; dueAt: number } {
  const { slaMinutes, dueSoonMinutes } = settings.queues[queue];
  const dueAt = queuedAt + slaMinutes * 60_000;
  const state: SlaState = now >= dueAt ? 'breached' : now >= dueAt - dueSoonMinutes * 60_000 ? 'due_soon' : 'within';
  return { state, dueAt };
}

export function toTaskRow(row: TaskListRow, settings: ReviewSettings, now: number): TaskRow {
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

export function toReasonCode(row: ReviewReasonCodeRow): ReasonCode {
  return { id: row.id, queue: row.queue, action: row.action, code: row.code, labelZh: row.labelZh, labelEn: row.labelEn, active: row.active, sortOrder: row.sortOrder };
}

export function parseJson(text: string): Record<string, unknown> {
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

export function decisionView(row: ReviewDecisionRow, names: Map<number, string>) {
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

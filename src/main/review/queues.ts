/**
 * The review queues as lists: a filtered, sorted page of tasks behind a cursor, the queue sizes
 * and SLA counts, the filters' options, the supervisors' workload and inbox.
 */
import type { ReviewQueue } from '../../shared/domain/findings';
import type { QueueCounts, ReviewSettings, TaskListFilter, TaskRow } from '../../shared/contracts/review';
import { AppError } from '../../shared/rpc/errors';
import { roleHas } from '../../shared/rpc/permissions';
import { latestEscalations, waitingDecisionsOf } from '../repositories/review-decisions';
import { countOpenQueuedBefore, countTasks, heldAndAssigned, queueStatusCounts, taskPage, tasksInStatus, type TaskPageQuery } from '../repositories/review-queue';
import { institutionRefs, operatorNames, operatorRefs } from '../repositories/review-evidence';
import type { Actor } from '../core/actor';
import { queues, type ReviewContext } from './context';
import { decisionView, toTaskRow } from './views';

const cursorVersion = 1;
/** Filtered totals and SLA counts stop counting here: past it the screen shows "1,000+". */
const countCap = 1000;
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

export function createQueueReads(context: ReviewContext) {
  const { db, clock, settings } = context;

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
  context.onChange(() => {
    cachedCounts = null;
  });

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

  return { list, counts, filterOptions, workload, inbox };
}

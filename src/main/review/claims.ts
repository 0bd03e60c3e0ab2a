/**
 * Claims under leases: "next task", a claim from the list, renewal, release, snooze, and the
 * supervisors' assignment. Every claim runs the context's housekeeping first, in its transaction.
 */
import type { ReviewQueue } from '../../shared/domain/findings';
import { AppError } from '../../shared/rpc/errors';
import { roleHas } from '../../shared/rpc/permissions';
import { writeTransaction, type Db } from '../db/connection';
import type { ReviewTaskRow } from '../db/schema';
import { appendTaskEvent, claimNextTask, claimTask, releaseTask, renewLease, tasksForAssignment, transitionTask, updateTask } from '../repositories/review';
import { operatorNames, operatorRefs } from '../repositories/review-evidence';
import type { Actor } from '../core/actor';
import { isHeld, type ReviewContext } from './context';

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

export function createClaims(context: ReviewContext) {
  const { db, clock, audit, leaseMs, housekeeping, requireTask, changed, changedTasks } = context;

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
      if (task.claimedBy === actor.id && isHeld(task)) {
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

  return { next, claim, renew, release, snooze, assign };
}

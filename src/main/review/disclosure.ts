/**
 * Who may see a review task's personal data in clear (a reveal) or its evidence images (the
 * ID-card front shows name, address and the whole number): only whoever has the task in hand
 * right now. That is the operator holding it under a live lease (a reviewer's claim, a
 * supervisor's claim of an escalated task), or a supervisor who can give the four-eyes second
 * decision it waits for (never its first decider). Support staff never do: their reveal is the
 * borrower page's, of the borrower's own name, phone and ID number (docs/security.md).
 */
import { AppError } from '../../shared/rpc/errors';
import type { Permission } from '../../shared/rpc/permissions';
import type { Actor } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import { writeTransaction, type Db } from '../db/connection';
import type { ReviewTaskRow } from '../db/schema';

const heldStatuses: readonly string[] = ['in_review', 'escalated'];

export interface DisclosureActor {
  id: number;
  permissions: ReadonlySet<Permission>;
}

/** Holds the task under a lease that has not run out. */
export function holdsLive(actor: DisclosureActor, task: Pick<ReviewTaskRow, 'claimedBy' | 'status' | 'leaseExpiresAt'>, now: number): boolean {
  return task.claimedBy === actor.id && heldStatuses.includes(task.status) && task.leaseExpiresAt !== null && task.leaseExpiresAt >= now;
}

/**
 * Whether the actor has this task in hand now: held under a live lease, or waiting for the
 * actor's second decision (`firstDeciderId` is the operator of the decision that waits).
 */
export function mayDisclose(
  actor: DisclosureActor,
  task: Pick<ReviewTaskRow, 'claimedBy' | 'status' | 'leaseExpiresAt'>,
  now: number,
  firstDeciderId: number | null,
): boolean {
  if (!actor.permissions.has('review:work') || !actor.permissions.has('pii:reveal-held-task')) return false;
  if (holdsLive(actor, task, now)) return true;
  return task.status === 'awaiting_second' && actor.permissions.has('review:supervise') && firstDeciderId !== null && firstDeciderId !== actor.id;
}

/**
 * The refusal of a reveal or an image to someone without the task in hand, recorded first
 * (`access.refused`, reason not_held, with the field or image kind asked for): asking for
 * personal data one may not see is itself worth an entry.
 */
export function refuseNotHeld(db: Db, audit: AuditRecorder, actor: Actor, taskId: number, asked: { field: string } | { image: string }): AppError {
  writeTransaction(db, (tx) => audit.record(tx, actor, 'access.refused', { type: 'review_task', id: taskId }, { reason: 'not_held', ...asked }));
  return 'field' in asked
    ? new AppError('FORBIDDEN', 'Claim this task (or renew your claim) before revealing its personal data.', { reason: 'not_held' })
    : new AppError('FORBIDDEN', 'Claim this task (or renew your claim) to see its images.', { reason: 'not_held' });
}

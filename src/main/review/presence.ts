import type { ReviewQueue } from '../../shared/domain/findings';
import type { Presence } from '../../shared/contracts/presence';
import { AppError } from '../../shared/rpc/errors';
import { shanghaiDate, shanghaiStartOfDay } from '../../shared/time';
import { writeTransaction, type Db } from '../db/connection';
import { decisionsSince, heldTasks, releaseHeldTask, signedInOperators } from '../repositories/presence';
import { appendTaskEvent } from '../repositories/review';
import type { Actor } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';

export interface PresenceDeps {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  /** Pushes review:changed for the released task, so every queue and task page updates. */
  onChanged?: (queues: ReviewQueue[], taskIds: number[]) => void;
}

/**
 * What a supervisor sees of the review team (issue 27): who is signed in, which task each holds and
 * since when, decisions per operator today (Asia/Shanghai); and the release of a claim someone
 * else holds, recorded in the audit log and on the task's timeline. Operators shown: every
 * reviewer and supervisor who is signed in, holds a task or decided today (support and admin
 * accounts only when they hold or decided something).
 */
export function createPresenceService(deps: PresenceDeps) {
  const { db, clock, audit } = deps;

  function list(): Presence {
    const now = clock.now();
    const dayStart = shanghaiStartOfDay(shanghaiDate(now));
    const online = new Map(signedInOperators(db, now).map((row) => [row.id, row]));
    const entries = new Map<number, Presence['operators'][number]>();
    const entry = (id: number, name: string, role: Presence['operators'][number]['role']) => {
      let found = entries.get(id);
      if (!found) {
        const session = online.get(id);
        found = { id, name, role, online: session !== undefined, lastSeenAt: session?.lastSeenAt ?? null, held: [], decisionsToday: 0 };
        entries.set(id, found);
      }
      return found;
    };
    for (const row of online.values()) if (row.role === 'reviewer' || row.role === 'supervisor') entry(row.id, row.name, row.role);
    for (const task of heldTasks(db)) {
      const holder = entry(task.holderId, task.holderName, task.holderRole);
      const leaseOver = task.leaseExpiresAt !== null && task.leaseExpiresAt < now;
      holder.held.push({
        taskId: task.taskId,
        queue: task.queue,
        status: task.status,
        applicationExternalId: task.applicationExternalId,
        since: task.since,
        leaseExpiresAt: task.leaseExpiresAt,
        stale: leaseOver || !holder.online,
      });
    }
    for (const row of decisionsSince(db, dayStart)) entry(row.operatorId, row.name, row.role).decisionsToday = row.decisions;
    const operators = [...entries.values()].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name, 'zh-CN'));
    return { now, dayStart, operators };
  }

  function releaseClaim(actor: Pick<Actor, 'id' | 'username'>, input: { taskId: number; reason: string }): { released: boolean } {
    const now = clock.now();
    const released = writeTransaction(db, (tx) => {
      const task = releaseHeldTask(tx, input.taskId, now);
      if (!task) return undefined;
      const details = { holderId: task.holderId, heldSince: task.since, reason: input.reason };
      appendTaskEvent(tx, task.id, now, actor.id, 'released', { ...details, reason: 'supervisor', note: input.reason });
      audit.record(tx, actor, 'review.claim-released', { type: 'review_task', id: task.id }, details);
      return task;
    });
    if (!released) throw new AppError('CONFLICT', 'Nobody holds this task any more.', { reason: 'not_held_by_anyone' });
    deps.onChanged?.([released.queue], [released.id]);
    return { released: true };
  }

  return { list, releaseClaim };
}

export type PresenceService = ReturnType<typeof createPresenceService>;

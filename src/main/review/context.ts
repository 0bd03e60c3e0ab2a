/**
 * What the parts of the review service share (queues.ts, claims.ts, service.ts's decisions,
 * task-view.ts, configuration.ts): the collaborators, the settings read through a short cache,
 * the change notification, and the housekeeping every claim runs first.
 */
import { type ReviewQueue, reviewQueues } from '../../shared/domain/findings';
import type { ReviewSettings } from '../../shared/contracts/review';
import { AppError } from '../../shared/rpc/errors';
import type { Db } from '../db/connection';
import type { ReviewTaskRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import { appendTaskEvent, expireLeases, findTask, housekeepingCanSkip, rememberHousekeeping, wakeSnoozedTasks } from '../repositories/review';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import { readReviewSettings } from './settings';

export const queues: readonly ReviewQueue[] = reviewQueues;
const heldStatuses = ['in_review', 'escalated'] as const;
const settingsCacheMs = 2000;

/** The task is claimed and in a status a holder works on (a claimed escalated task stays escalated). */
export function isHeld(task: Pick<ReviewTaskRow, 'status'>): boolean {
  return heldStatuses.includes(task.status as (typeof heldStatuses)[number]);
}

export interface ReviewContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /** Review settings, re-read at most every 2 s (another process may change them). */
  settings(): ReviewSettings;
  /** Drops the cached settings (saveSettings). */
  forgetSettings(): void;
  leaseMs(): number;
  /** After this process changed tasks: runs the listeners (the queue counts' cache), then deps.onChanged. */
  changed(...changedQueues: ReviewQueue[]): void;
  /** `changed` for an operator's claim, release or decision: names the tasks as well. */
  changedTasks(taskIds: Array<number | null | undefined>, ...changedQueues: ReviewQueue[]): void;
  /** Registers a listener `changed` and `changedTasks` run before they notify. */
  onChange(listener: () => void): void;
  requireTask(tx: Db, taskId: number): ReviewTaskRow;
  /**
   * Releases expired leases and wakes snoozed tasks whose time came, with their timeline events.
   * Runs in the caller's transaction before every claim (skipped when nothing can be due, see
   * below), and on the monitor's tick (`force`: always).
   */
  housekeeping(now: number, force?: boolean): ReviewQueue[];
}

export function createReviewContext(deps: {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  logger: Logger;
  onChanged?: (queues: ReviewQueue[], taskIds?: number[]) => void;
}): ReviewContext {
  const { db, clock, audit, logger } = deps;
  const listeners: Array<() => void> = [];

  function changed(...changedQueues: ReviewQueue[]): void {
    for (const listener of listeners) listener();
    deps.onChanged?.([...new Set(changedQueues)]);
  }

  function changedTasks(taskIds: Array<number | null | undefined>, ...changedQueues: ReviewQueue[]): void {
    for (const listener of listeners) listener();
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

  // The hot claim path uses the root handle inside the transaction on purpose: one connection, so
  // the cached statements (repositories/review-statements.ts) run inside the open transaction.
  function housekeeping(now: number, force = false): ReviewTaskRow['queue'][] {
    // Skipped while nothing can have come due (repositories/review.ts): the claim queries take only
    // open tasks, so a skip never hands out a task whose lease ran out; it waits for the run that frees it.
    if (!force && housekeepingCanSkip(db, now)) return [];
    const touched: ReviewQueue[] = [];
    let released = 0;
    for (const expired of expireLeases(db, now)) {
      released++;
      appendTaskEvent(db, expired.id, now, null, 'lease_expired', { holderId: expired.claimedBy });
      const task = findTask(db, expired.id);
      if (task) touched.push(task.queue);
    }
    for (const woken of wakeSnoozedTasks(db, now)) {
      released++;
      appendTaskEvent(db, woken.id, now, null, 'snooze_ended', {});
      const task = findTask(db, woken.id);
      if (task) touched.push(task.queue);
    }
    rememberHousekeeping(db, released);
    return touched;
  }

  return {
    db,
    clock,
    audit,
    logger,
    settings,
    forgetSettings() {
      cachedSettings = null;
    },
    leaseMs,
    changed,
    changedTasks,
    onChange(listener) {
      listeners.push(listener);
    },
    requireTask,
    housekeeping,
  };
}

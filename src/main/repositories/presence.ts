import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import type { ReviewQueue } from '../../shared/domain/findings';
import { readAll, writeReturning } from './review-statements';

type Role = 'reviewer' | 'supervisor' | 'support' | 'admin';

/** Operators with a live session (not ended, not expired), with their first sign-in and last call. */
export function signedInOperators(db: Db, now: number): Array<{ id: number; name: string; role: Role; lastSeenAt: number }> {
  return readAll(db, sql`
    SELECT o.id AS id, o.display_name AS name, o.role AS role, MAX(s.last_seen_at) AS lastSeenAt
      FROM sessions s JOIN operators o ON o.id = s.operator_id
     WHERE s.ended_at IS NULL AND s.expires_at > ${now} AND o.disabled = 0
     GROUP BY o.id`);
}

/** Every held task (in review or escalated under a claim), with its holder and application. */
export function heldTasks(db: Db): Array<{
  taskId: number;
  queue: ReviewQueue;
  status: 'in_review' | 'escalated';
  holderId: number;
  holderName: string;
  holderRole: Role;
  applicationExternalId: string;
  since: number | null;
  leaseExpiresAt: number | null;
}> {
  return readAll(db, sql`
    SELECT t.id AS taskId, t.queue AS queue, t.status AS status, t.claimed_by AS holderId, o.display_name AS holderName, o.role AS holderRole,
           a.external_id AS applicationExternalId, t.claimed_at AS since, t.lease_expires_at AS leaseExpiresAt
      FROM review_tasks t INDEXED BY review_tasks_claimed_idx
      JOIN operators o ON o.id = t.claimed_by
      JOIN applications a ON a.id = t.application_id
     WHERE t.claimed_by > 0 AND t.status IN ('in_review', 'escalated')
     ORDER BY t.claimed_at`);
}

/** Decisions per operator since an instant (first, single and second decisions alike). */
export function decisionsSince(db: Db, from: number): Array<{ operatorId: number; name: string; role: Role; decisions: number }> {
  return readAll(db, sql`
    SELECT d.operator_id AS operatorId, o.display_name AS name, o.role AS role, COUNT(*) AS decisions
      FROM review_decisions d JOIN operators o ON o.id = d.operator_id
     WHERE d.decided_at >= ${from}
     GROUP BY d.operator_id`);
}

/**
 * A supervisor takes a claim away from whoever holds it: in_review returns to open, an escalated
 * task keeps its status. Returns the task and its former holder, or nothing when nobody held it.
 */
export function releaseHeldTask(db: Db, taskId: number, now: number): { id: number; queue: ReviewQueue; holderId: number; since: number | null } | undefined {
  const [held] = writeReturning<{ id: number; queue: ReviewQueue; holderId: number; since: number | null }>(db, sql`
    SELECT id, queue, claimed_by AS holderId, claimed_at AS since FROM review_tasks
     WHERE id = ${taskId} AND claimed_by IS NOT NULL AND status IN ('in_review', 'escalated')`);
  if (!held) return undefined;
  const [row] = writeReturning<{ id: number }>(db, sql`
    UPDATE review_tasks
       SET status = CASE status WHEN 'in_review' THEN 'open' ELSE status END,
           claimed_by = NULL, claimed_at = NULL, lease_expires_at = NULL, updated_at = ${now}
     WHERE id = ${taskId} AND claimed_by = ${held.holderId} AND status IN ('in_review', 'escalated')
    RETURNING id`);
  return row ? held : undefined;
}

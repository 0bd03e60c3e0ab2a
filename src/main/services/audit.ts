import type { Db } from '../db/connection';
import { appendAudit, type AuditKey } from '../repositories/audit';
import type { Clock } from './clock';

/** The closed list of audited actions; later capabilities add theirs here. */
export type AuditAction =
  | 'exports.started'
  | 'exports.finished'
  | 'exports.delivered'
  | 'system.backup-created'
  | 'system.restored'
  | 'auth.sign-in'
  | 'auth.sign-in-failed'
  | 'auth.sign-in-refused'
  | 'auth.sign-out'
  | 'auth.locked'
  | 'auth.password-changed'
  | 'auth.session-settings-saved'
  | 'users.created'
  | 'users.updated'
  | 'users.password-reset'
  | 'borrowers.pii-revealed'
  | 'borrowers.searched'
  | 'system.first-admin-created'
  | 'review.decided'
  | 'review.second-decision'
  | 'review.assigned'
  | 'review.claim-released'
  | 'review.pii-revealed'
  | 'review.image-viewed'
  | 'review.reason-code-saved'
  | 'review.settings-saved'
  | 'institutions.created'
  | 'institutions.updated'
  | 'institutions.enabled'
  | 'institutions.disabled'
  | 'institutions.demo-started'
  | 'sync.run-requested'
  | 'sync.quarantine-retried'
  | 'sync.outbox-retried'
  | 'settings.domain-updated'
  | 'access.refused';

/** An operator, or a CLI user (`cli:<os user>`, no operator id). */
export interface AuditActor {
  id: number | null;
  username: string;
}

export interface AuditRecorder {
  record(
    db: Db,
    /** Who did it; null for the app itself (or, in a CLI process, the OS user running it). */
    actor: AuditActor | null,
    action: AuditAction,
    target?: { type: string; id: string | number },
    details?: Record<string, unknown>,
  ): void;
}

/**
 * Records entries chained with the audit key (kept outside the database, audit/key.ts).
 * `unattributedTo` names who entries without an actor belong to: `cli:<os user>` in a one-shot
 * CLI process (its user did them), null (the app itself) in the desktop and `serve`.
 */
export function createAuditRecorder(clock: Clock, key: AuditKey, unattributedTo: string | null = null): AuditRecorder {
  return {
    record(db, actor, action, target, details) {
      appendAudit(db, key, {
        at: clock.now(),
        operatorId: actor?.id ?? null,
        operatorName: actor?.username ?? unattributedTo,
        action,
        targetType: target?.type ?? null,
        targetId: target ? String(target.id) : null,
        details,
      });
    },
  };
}

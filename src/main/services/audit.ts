import type { Db } from '../db/connection';
import { appendAudit } from '../repositories/audit';
import type { Actor } from '../rpc/context';
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
  | 'settings.domain-updated';

export interface AuditRecorder {
  record(
    db: Db,
    actor: Pick<Actor, 'id' | 'username'> | null,
    action: AuditAction,
    target?: { type: string; id: string | number },
    details?: Record<string, unknown>,
  ): void;
}

export function createAuditRecorder(clock: Clock): AuditRecorder {
  return {
    record(db, actor, action, target, details) {
      appendAudit(db, {
        at: clock.now(),
        operatorId: actor?.id ?? null,
        operatorName: actor?.username ?? null,
        action,
        targetType: target?.type ?? null,
        targetId: target ? String(target.id) : null,
        details,
      });
    },
  };
}

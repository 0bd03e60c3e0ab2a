import type { ActorRef } from './actor';
import type { Db } from '../db/connection';

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
  | 'settings.domain-updated'
  | 'access.refused';

export interface AuditRecorder {
  record(
    db: Db,
    /** Who did it; null for the app itself (or, in a CLI process, the OS user running it). */
    actor: ActorRef | null,
    action: AuditAction,
    target?: { type: string; id: string | number },
    details?: Record<string, unknown>,
  ): void;
}

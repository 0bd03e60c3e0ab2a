import { appendAudit, type AuditKey } from '../repositories/audit';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';

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

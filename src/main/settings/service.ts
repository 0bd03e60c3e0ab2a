/**
 * The business settings behind the domain rules (grace days, APR thresholds, face bands...),
 * stored as JSON under the 'domain' settings key and read through resolveDomainSettings, so a
 * missing key always takes its documented default.
 */
import { resolveDomainSettings, type DomainSettings } from '../../shared/domain/settings';
import { AppError } from '../../shared/rpc/errors';
import { writeTransaction, type Db } from '../db/connection';
import { readSetting, writeSetting } from '../repositories/settings';
import type { ActorRef } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';

export const domainSettingsKey = 'domain';

export type DomainSettingsService = ReturnType<typeof createDomainSettingsService>;

export function createDomainSettingsService(deps: { db: Db; clock: Clock; audit: AuditRecorder; onChanged?: (settings: DomainSettings) => void }) {
  let cached: DomainSettings | null = null;

  /** The current settings (defaults for anything unset). A stored value that no longer validates falls back to defaults. */
  function get(): DomainSettings {
    if (cached) return cached;
    try {
      cached = resolveDomainSettings(readSetting(deps.db, domainSettingsKey));
    } catch {
      cached = resolveDomainSettings({});
    }
    return cached;
  }

  /** Merges `changes` over the stored settings, validates the whole, stores it and audits which keys changed. */
  function set(author: ActorRef | null, changes: Record<string, unknown>): DomainSettings {
    const stored = readSetting(deps.db, domainSettingsKey);
    const merged = { ...(stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {}), ...changes };
    let resolved: DomainSettings;
    try {
      resolved = resolveDomainSettings(merged);
    } catch (error) {
      const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues ?? [];
      throw new AppError('VALIDATION', issues[0] ? `${issues[0].path.map(String).join('.')}: ${issues[0].message}` : 'Invalid settings', { issues: issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) });
    }
    const now = deps.clock.now();
    writeTransaction(deps.db, (tx) => {
      writeSetting(tx, domainSettingsKey, merged, now, author?.id ?? null);
      deps.audit.record(tx, author, 'settings.domain-updated', { type: 'settings', id: domainSettingsKey }, { keys: Object.keys(changes).sort() });
    });
    cached = resolved;
    deps.onChanged?.(resolved);
    return resolved;
  }

  return { get, set };
}

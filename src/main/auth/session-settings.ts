/** Session lifetimes (idle timeout, absolute lifetime), stored as one JSON setting with defaults. */
import { defaultSessionSettings, sessionSettingsSchema, type SessionSettings } from '../../shared/contracts/auth';
import type { Db } from '../db/connection';
import { readSetting, writeSetting } from '../repositories/settings';

const settingKey = 'auth.sessions';

/** The stored settings; anything missing or no longer valid falls back to its default. */
export function readSessionSettings(db: Db): SessionSettings {
  const stored = readSetting(db, settingKey);
  if (stored === undefined) return defaultSessionSettings;
  const parsed = sessionSettingsSchema.partial().safeParse(stored);
  return parsed.success ? { ...defaultSessionSettings, ...parsed.data } : defaultSessionSettings;
}

export function writeSessionSettings(db: Db, settings: SessionSettings, at: number, operatorId: number | null): void {
  writeSetting(db, settingKey, settings, at, operatorId);
}

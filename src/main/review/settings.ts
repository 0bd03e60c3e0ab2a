/** Review settings (SLA per queue, claim lease), stored as one JSON setting with defaults. */
import { defaultReviewSettings, reviewSettingsSchema, type ReviewSettings } from '../../shared/contracts/review';
import type { Db } from '../db/connection';
import { readSetting, writeSetting } from '../repositories/settings';

const settingKey = 'review.settings';
const partialSettingsSchema = reviewSettingsSchema.partial();

/** The stored settings; anything missing or no longer valid falls back to its default. */
export function readReviewSettings(db: Db): ReviewSettings {
  const stored = readSetting(db, settingKey);
  if (stored === undefined) return defaultReviewSettings;
  const parsed = reviewSettingsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const partial = partialSettingsSchema.safeParse(stored);
  return partial.success ? { ...defaultReviewSettings, ...partial.data } : defaultReviewSettings;
}

export function writeReviewSettings(db: Db, settings: ReviewSettings, at: number, operatorId: number | null): void {
  writeSetting(db, settingKey, settings, at, operatorId);
}

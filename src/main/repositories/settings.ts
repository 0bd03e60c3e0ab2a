import type { Db } from '../db/connection';
import { settingsTable } from '../db/schema';
import { preparedStatement } from './prepared-writes';

/** Read by the hot paths (the review settings behind every claim and decision): prepared once. */
export function readSetting(db: Db, key: string): unknown {
  const row = preparedStatement(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as unknown) : undefined;
}

export function writeSetting(db: Db, key: string, value: unknown, at: number, operatorId: number | null): void {
  const json = JSON.stringify(value);
  db.insert(settingsTable)
    .values({ key, value: json, updatedAt: at, updatedBy: operatorId })
    .onConflictDoUpdate({ target: settingsTable.key, set: { value: json, updatedAt: at, updatedBy: operatorId } })
    .run();
}

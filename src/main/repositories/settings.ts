import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { settingsTable } from '../db/schema';

export function readSetting(db: Db, key: string): unknown {
  const row = db.select({ value: settingsTable.value }).from(settingsTable).where(eq(settingsTable.key, key)).get();
  return row ? (JSON.parse(row.value) as unknown) : undefined;
}

export function writeSetting(db: Db, key: string, value: unknown, at: number, operatorId: number | null): void {
  const json = JSON.stringify(value);
  db.insert(settingsTable)
    .values({ key, value: json, updatedAt: at, updatedBy: operatorId })
    .onConflictDoUpdate({ target: settingsTable.key, set: { value: json, updatedAt: at, updatedBy: operatorId } })
    .run();
}

import { eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { signInThrottlesTable, type SignInThrottleRow } from '../db/schema';

export function findThrottles(db: Db, keys: string[]): Map<string, SignInThrottleRow> {
  const rows = db.select().from(signInThrottlesTable).where(inArray(signInThrottlesTable.key, keys)).all();
  return new Map(rows.map((row) => [row.key, row]));
}

export function saveThrottle(db: Db, row: SignInThrottleRow): void {
  const { key: _key, ...rest } = row;
  db.insert(signInThrottlesTable).values(row).onConflictDoUpdate({ target: signInThrottlesTable.key, set: rest }).run();
}

export function deleteThrottles(db: Db, keys: string[]): void {
  db.delete(signInThrottlesTable).where(inArray(signInThrottlesTable.key, keys)).run();
}

/** Every key that starts with the prefix (LIKE wildcards in it are escaped). */
export function deleteThrottlesByPrefix(db: Db, prefix: string): number {
  return db.delete(signInThrottlesTable).where(likePrefix(prefix)).run().changes;
}

function likePrefix(prefix: string) {
  const escaped = prefix.replace(/[\\%_]/g, (char) => `\\${char}`);
  return sql`${signInThrottlesTable.key} LIKE ${`${escaped}%`} ESCAPE '\\'`;
}

/** Every key that starts with the prefix (LIKE wildcards in it are escaped). */
export function findThrottlesByPrefix(db: Db, prefix: string): SignInThrottleRow[] {
  return db.select().from(signInThrottlesTable).where(likePrefix(prefix)).all();
}

export function findThrottle(db: Db, key: string): SignInThrottleRow | undefined {
  return db.select().from(signInThrottlesTable).where(eq(signInThrottlesTable.key, key)).get();
}

/** Removes rows not touched since the cutoff (their failures are forgotten by then). */
export function pruneThrottles(db: Db, cutoff: number): number {
  return db.delete(signInThrottlesTable).where(lt(signInThrottlesTable.updatedAt, cutoff)).run().changes;
}


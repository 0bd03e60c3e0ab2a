/** Where each resource's trailing window starts (sync/window.ts). */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { syncWindowsTable, type SyncResource } from '../db/schema';

export type WindowRow = typeof syncWindowsTable.$inferSelect;

/** The resource's window start; undefined when none was ever set (the window is then the whole resource). */
export function readWindow(db: Db, institutionId: number, resource: SyncResource): WindowRow | undefined {
  return db
    .select()
    .from(syncWindowsTable)
    .where(and(eq(syncWindowsTable.institutionId, institutionId), eq(syncWindowsTable.resource, resource)))
    .get();
}

/** Moves the window's start (null cursor: the start of the resource). */
export function saveWindow(db: Db, institutionId: number, resource: SyncResource, start: { cursor: string | null; reachedAt: number | null; lastRead: number }, now: number): void {
  const values = { cursor: start.cursor, reachedAt: start.reachedAt, lastRead: start.lastRead, updatedAt: now };
  db.insert(syncWindowsTable)
    .values({ institutionId, resource, ...values })
    .onConflictDoUpdate({ target: [syncWindowsTable.institutionId, syncWindowsTable.resource], set: values })
    .run();
}

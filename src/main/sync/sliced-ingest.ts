/**
 * A gathered group of records written as several short transactions instead of one, with the
 * event loop let run between them. better-sqlite3 is synchronous: while a group of up to 2,000
 * applications is written (a few hundred milliseconds), the process answers nobody, and on a team
 * server every reviewer's claim and decision waits for the whole group (docs/performance.md,
 * "Team server"). A back end that answers people (the desktop, `serve`) writes its groups in
 * slices sized to a time budget; `creditdesk sync`, which answers nobody, keeps one transaction
 * per group (fewer commits rewrite fewer index leaves).
 *
 * Crash safety is the group's: the slices before the last commit their records without moving
 * the cursor, the last commits its records with the cursor and the whole group's count. A crash
 * between slices leaves records written and the cursor where it was, so the next pass fetches the
 * group again and finds those records unchanged (newer wins, by version): nothing is lost and
 * nothing doubled.
 */
import type { SyncResource } from '../db/schema';
import { saveCursor } from '../repositories/sync';
import { ingestRecords, type IngestContext, type IngestResult } from './ingest';
import type { Db } from '../db/connection';

/** How long one slice's transaction may hold the thread, and the adaptive size it learned. */
export interface IngestSlicing {
  budgetMs: number;
  /** Records per slice, per resource, adapted after every slice to stay near the budget. */
  sizes: Map<SyncResource, number>;
}

export function ingestSlicing(budgetMs: number): IngestSlicing {
  return { budgetMs, sizes: new Map() };
}

const firstSize = 5;
const smallestSize = 5;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `ingestRecords` for a group, in slices of about `slicing.budgetMs` each. The cursor (with
 * `save`, a re-read's) moves with the last slice only, counting the whole group.
 */
export async function ingestInSlices(
  db: Db,
  context: IngestContext,
  resource: SyncResource,
  records: readonly unknown[],
  now: () => number,
  cursor: { next: string | null; save?: (next: string | null, fetched: number) => void },
  texts: readonly Buffer[] | undefined,
  slicing: IngestSlicing,
): Promise<IngestResult> {
  const total: IngestResult = { fetched: records.length, upserted: 0, unchanged: 0, quarantined: 0, invalid: [] };
  let start = 0;
  do {
    const size = slicing.sizes.get(resource) ?? firstSize;
    const end = Math.min(records.length, start + size);
    const last = end === records.length;
    const at = now();
    const lastCursor = {
      next: cursor.next,
      save: (next: string | null) => (cursor.save ? cursor.save(next, records.length) : saveCursor(db, context.institutionId, resource, next, records.length, at)),
    };
    const began = performance.now();
    const outcome = ingestRecords(db, context, resource, records.slice(start, end), at, last ? lastCursor : undefined, texts?.slice(start, end));
    const elapsed = performance.now() - began;
    total.upserted += outcome.upserted;
    total.unchanged += outcome.unchanged;
    total.quarantined += outcome.quarantined;
    total.invalid.push(...outcome.invalid);
    // Records cost very different times (an application with its evidence against a repayment):
    // the next slice is sized from this one's time per record, at most doubling at once.
    const perRecord = elapsed / Math.max(1, end - start);
    slicing.sizes.set(resource, Math.max(smallestSize, Math.min(size * 2, Math.floor(slicing.budgetMs / Math.max(perRecord, 0.001)))));
    start = end;
    if (!last) await yieldToEventLoop();
  } while (start < records.length);
  return total;
}

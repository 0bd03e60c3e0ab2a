/**
 * A gathered group of records written as several short transactions instead of one, with the
 * event loop let run between them. better-sqlite3 is synchronous: while a group of up to 2,000
 * applications is written (a few hundred milliseconds), the process answers nobody, and on a team
 * server every reviewer's claim and decision waits for the whole group (docs/performance.md,
 * "Team server"). A back end that answers people (the desktop, `serve`) writes its groups in
 * slices sized to a time budget, through its pacer (pacer.ts: shorter slices, and at most a share
 * of the thread, while people call); `creditdesk sync`, which answers nobody, keeps one
 * transaction per group (fewer commits rewrite fewer index leaves).
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
import { itemsForBudget, type Pacer, type PieceCost } from '../core/pacer';

/** The pacer the slices run through, and the time per record each resource's last slice took. */
export interface IngestSlicing {
  pacer: Pacer;
  /** Per resource: the last slice's size and time per record; the next is sized from them to its budget. */
  learned: Map<SyncResource, PieceCost>;
}

export function ingestSlicing(pacer: Pacer): IngestSlicing {
  return { pacer, learned: new Map() };
}

/** Records in a resource's first slice, and in any slice. */
const sliceBounds = { first: 5, smallest: 5 };

/**
 * `ingestRecords` for a group, in slices of about the budget the pacer gives each (pacer.ts). The
 * cursor (with `save`, a re-read's) moves with the last slice only, counting the whole group.
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
    const from = start;
    const { outcome, end } = await slicing.pacer.run((budgetMs, elapsed) => {
      const size = itemsForBudget(slicing.learned.get(resource), budgetMs, sliceBounds);
      const end = Math.min(records.length, from + size);
      const last = end === records.length;
      const at = now();
      const lastCursor = {
        next: cursor.next,
        save: (next: string | null) => (cursor.save ? cursor.save(next, records.length) : saveCursor(db, context.institutionId, resource, next, records.length, at)),
      };
      const outcome = ingestRecords(db, context, resource, records.slice(from, end), at, last ? lastCursor : undefined, texts?.slice(from, end));
      // Records cost very different times (an application with its evidence against a repayment):
      // the next slice is sized from this one's time per record.
      slicing.learned.set(resource, { size, perItemMs: elapsed() / Math.max(1, end - from) });
      return { outcome, end };
    });
    total.upserted += outcome.upserted;
    total.unchanged += outcome.unchanged;
    total.quarantined += outcome.quarantined;
    total.invalid.push(...outcome.invalid);
    start = end;
  } while (start < records.length);
  return total;
}

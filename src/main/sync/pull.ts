/**
 * Pulls one resource page by page from a cursor, the next page fetched while the current one is
 * written, consecutive pages gathered up to a transaction's worth and committed with the last
 * page's cursor. The cursor is the institution's, and it is checked: one that does not advance
 * while `has_more` is true, or that returns to a cursor already read in this pull, is an
 * institution fault. Following it would end the resource silently or loop for ever; instead the
 * pages read so far are committed (with the last cursor that advanced) and the pull stops with a
 * `CursorFault`.
 */
import type { SyncResource } from '../db/schema';
import { saveRereadCursor } from '../repositories/sync-rereads';
import type { InstitutionClient, RawPage } from '../institution-api/client';
import type { EngineDeps, ResourcePassStats } from './engine';
import { InstitutionApiError } from '../institution-api/errors';
import { ingestRecords, type IngestContext } from './ingest';
import { ingestInSlices, ingestSlicing } from './sliced-ingest';

export type CursorFaultKind = 'cursor_stalled' | 'cursor_cycle';

/** The institution's paging cursor misbehaved; what was read before it is committed. */
export class CursorFault extends Error {
  constructor(
    readonly resource: SyncResource,
    readonly fault: CursorFaultKind,
    /** The cursor the faulty page was asked with (kept as the resource's position). */
    readonly from: string | null,
    readonly nextCursor: string | null,
  ) {
    super(
      fault === 'cursor_stalled'
        ? `${resource}: the institution said has_more with a next_cursor that does not advance; the resource stopped here this pass (what was read before is kept)`
        : `${resource}: the institution's next_cursor points back to a cursor already read in this pass (a cursor cycle); the resource stopped here this pass (what was read before is kept)`,
    );
    this.name = 'CursorFault';
  }
}

export interface PullOptions {
  /** Where to start: the stored cursor, or null for the start of the resource. */
  start: string | null;
  /**
   * incremental: the resource's own cursor moves with the pages; reread: the re-read's cursor
   * does, the incremental one stays; window: no cursor moves (the trailing window, window.ts, is
   * read whole on every pass).
   */
  target: 'incremental' | 'reread' | 'window';
  pageLimit: number;
  transactionRecords: number;
  signal: AbortSignal;
  stats: ResourcePassStats;
  onPage: (records: number) => void;
  /** Each page's next_cursor with the latest updated_at on that page (its position is not later); not called for a page whose records do not all carry one. */
  onCursor?: (cursor: string, reachedAt: number) => void;
}

/** The latest updated_at of a page's records, or null when it is empty or a record has none readable. */
function latestUpdatedAt(records: readonly unknown[]): number | null {
  let latest: number | null = null;
  for (const record of records) {
    const text = record !== null && typeof record === 'object' ? (record as { updated_at?: unknown }).updated_at : undefined;
    const at = typeof text === 'string' ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(at)) return null;
    latest = latest === null ? at : Math.max(latest, at);
  }
  return latest;
}

/** Pulls `resource` to its end (has_more false). Throws CursorFault, InstitutionApiError (aborted included). */
export async function pullResource(deps: EngineDeps, client: InstitutionClient, context: IngestContext, resource: SyncResource, options: PullOptions): Promise<void> {
  const { signal, pageLimit, transactionRecords, stats } = options;
  let cursor = options.start;
  // Every cursor this pull has stood on: coming back to one is a cycle.
  const seen = new Set<string>();
  if (cursor !== null) seen.add(cursor);
  const pacer = deps.pacer;
  const pace = pacer ? <T>(read: () => T) => pacer.run(() => read()) : undefined;
  const fetchPage = (from: string | null) => {
    // The page's reading (JSON, checks) is paced like the slices: a large page holds the thread too.
    const request = client.listPage(resource, from, pageLimit, { signal, pace });
    // A prefetched page may be abandoned (error or shutdown); never leave its rejection unhandled.
    request.catch(() => undefined);
    return request;
  };
  const save =
    options.target === 'reread'
      ? (next: string | null, fetched: number) => saveRereadCursor(deps.db, context.institutionId, resource, next, fetched)
      : options.target === 'window'
        ? () => undefined
        : undefined;
  let pending: ReturnType<InstitutionClient['listPage']> | null = fetchPage(cursor);
  let fault: CursorFault | null = null;
  // Pages fetched and not yet written (recordsPerTransaction): written together with the last one's cursor.
  let gathered: unknown[] = [];
  // The records' texts as sent, while every gathered page brought them (RawPage.texts).
  let gatheredTexts: Buffer[] | undefined;
  let gatheredPages = 0;
  // A back end that answers people writes each group in short transactions (sliced-ingest.ts).
  const slicing = pacer ? ingestSlicing(pacer) : null;
  while (pending !== null) {
    const page: RawPage = await pending;
    if (signal.aborted) throw new InstitutionApiError('aborted', 'Cancelled');
    const from = cursor;
    const next = page.next_cursor;
    if (page.has_more && (next === null || next === from || seen.has(next))) {
      // This page's records are sound (they follow `from`); the position stays at `from`.
      fault = new CursorFault(resource, next === null || next === from ? 'cursor_stalled' : 'cursor_cycle', from, next);
      pending = null;
    } else {
      cursor = next ?? from;
      if (next !== null) {
        seen.add(next);
        const reachedAt = options.onCursor ? latestUpdatedAt(page.data) : null;
        if (reachedAt !== null) options.onCursor?.(next, reachedAt);
      }
      // The next request goes out while this page is written: the institution works meanwhile.
      pending = page.has_more ? fetchPage(cursor) : null;
    }
    gatheredTexts = gatheredPages === 0 ? page.texts : gatheredTexts && page.texts ? gatheredTexts.concat(page.texts) : undefined;
    gathered = gatheredPages === 0 ? page.data : gathered.concat(page.data);
    gatheredPages++;
    if (pending !== null && gathered.length + pageLimit <= transactionRecords) continue;
    const outcome = slicing
      ? await ingestInSlices(deps.db, context, resource, gathered, () => deps.clock.now(), { next: cursor, save }, gatheredTexts, slicing)
      : ingestRecords(deps.db, context, resource, gathered, deps.clock.now(), { next: cursor, save }, gatheredTexts);
    stats.fetched += outcome.fetched;
    stats.upserted += outcome.upserted;
    stats.unchanged += outcome.unchanged;
    stats.quarantined += outcome.quarantined;
    stats.pages += gatheredPages;
    gathered = [];
    gatheredTexts = undefined;
    gatheredPages = 0;
    options.onPage(outcome.fetched);
  }
  if (fault !== null) throw fault;
}


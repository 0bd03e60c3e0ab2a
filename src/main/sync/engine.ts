/**
 * One sync pass of one institution: capabilities, then every resource it serves paged from the
 * saved cursor (the next page is fetched while the current one is ingested), then a second try
 * at quarantined records (GET by id: a record corrupted on a page is usually fine on its own),
 * then reconciliation against /v1/stats. Every page commits with its cursor, so a pass cut short
 * by a crash, an error or shutdown resumes exactly where it stopped.
 */
import { type ReadStats as Stats, type ResourceName } from '../../shared/institution-api';
import type { DomainSettings } from '../../shared/domain/settings';
import { writeTransaction, type Db } from '../db/connection';
import type { SyncResource } from '../db/schema';
import { findInstitutionById, setInstitutionState, type InstitutionState } from '../repositories/institutions';
import {
  finishRun,
  insertRun,
  listCursors,
  listQuarantine,
  localTotals,
  quarantinedOnlyCount,
  saveReconciliation,
  settleQuarantine,
  updateRunStats,
  type SyncRunTrigger,
} from '../repositories/sync';
import type { Logger } from '../logging/logger';
import type { Clock } from '../services/clock';
import type { InstitutionClient, InstitutionClients, RawPage } from './client';
import { FactsCache } from './derive';
import { InstitutionApiError } from './errors';
import { ingestRecords, type IngestContext } from './ingest';

export interface ResourcePassStats {
  fetched: number;
  upserted: number;
  unchanged: number;
  quarantined: number;
  pages: number;
}

export interface ResourceReconciliation {
  resource: SyncResource;
  localTotal: number;
  remoteTotal: number;
  matched: boolean;
  /** Records held only in quarantine (their valid version was never seen). */
  quarantinedOnly: number;
  amounts: Array<{ name: string; local: number; remote: number }>;
}

export interface PassProgress {
  institutionId: number;
  resource: SyncResource | null;
  phase: 'capabilities' | 'pulling' | 'quarantine' | 'reconciling';
  fetched: number;
  /** Records to fetch in this pass when known (a first full pass); null for incremental passes. */
  total: number | null;
  recordsPerSecond: number;
  etaSeconds: number | null;
  startedAt: number;
}

export type PassStatus = 'succeeded' | 'failed' | 'cancelled';

export interface PassResult {
  institutionId: number;
  code: string;
  runId: number;
  status: PassStatus;
  /** The institution's state after the pass. */
  state: InstitutionState;
  error: string | null;
  errorKind: InstitutionApiError['kind'] | 'internal' | null;
  resources: Partial<Record<SyncResource, ResourcePassStats>>;
  reconciliation: ResourceReconciliation[];
  startedAt: number;
  finishedAt: number;
}

export interface EngineDeps {
  db: Db;
  clients: InstitutionClients;
  clock: Clock;
  settings: () => DomainSettings;
  logger?: Logger;
}

export interface PassOptions {
  trigger: SyncRunTrigger;
  signal: AbortSignal;
  /** Records per page requested (capped by the institution's max_page_limit). */
  pageLimit?: number;
  /** Most records per transaction, for every resource (default: recordsPerTransaction); at most one page's worth writes each page on its own. */
  transactionRecords?: number;
  /** Quarantined records re-fetched by id per pass. */
  quarantineRetries?: number;
  onProgress?: (progress: PassProgress) => void;
}

/**
 * What each record's derivation reads arrives first: an order's booked plan and repayments before
 * the order (derived once, not once per arrival), the orders before their lines (availability
 * from the drawdowns). Any order is correct (later arrivals re-derive what they touch); this one
 * does the least work.
 */
export const pullOrder: readonly ResourceName[] = ['applications', 'repayment-plans', 'repayments', 'orders', 'credit-lines'];

/**
 * Records asked for per page. An application with its authentication items is ten times the size
 * of a repayment; with a page being written and the next one in flight, smaller application pages
 * keep a syncing process well under 300 MB.
 */
const pageLimitOf: Record<ResourceName, number> = { applications: 250, 'repayment-plans': 1000, repayments: 1000, orders: 1000, 'credit-lines': 1000 };

/**
 * Records written per transaction: consecutive pages are gathered up to this many and committed
 * together with the last page's cursor (a crash re-fetches at most these pages; nothing is lost or
 * doubled). Each commit rewrites every index leaf its records touched, and the leaves of indexes on
 * keys in no particular order (order ids, external ids, phones, ID numbers) are touched again by
 * nearly every page, so fewer, larger commits write much less. At 100,000 borrowers
 * (docs/performance.md):
 * - repayments and credit lines, 8,000 (eight pages): small records; 4,000 took the repayments
 *   from 13.7 s to 11.1 s against one page, and 8,000 wrote 6% less WAL in the pass again;
 * - orders and plans, 2,000 (two pages): the orders' ingest about 8% below one page (read against
 *   the applications of the same runs, as this machine drifts); 4,000 cost 28 MB of peak RSS, as a
 *   gathered order holds its quoted plan;
 * - applications, 2,000 (eight 250-record pages): about 7% below 1,000; 4,000 gained nothing more.
 * What is gathered is held in memory while it is written: `creditdesk sync` peaks at about
 * 255-265 MB (budget 300 MB), in the applications. The longest transaction of a pass, which holds
 * the desktop's main thread, is about 0.9 s.
 */
export const recordsPerTransaction: Readonly<Record<ResourceName, number>> = { applications: 2000, 'repayment-plans': 2000, repayments: 8000, orders: 2000, 'credit-lines': 8000 };

const statsKeys: Record<SyncResource, keyof Omit<Stats, 'as_of' | 'ignored'>> = {
  applications: 'applications',
  'credit-lines': 'credit_lines',
  orders: 'orders',
  'repayment-plans': 'repayment_plans',
  repayments: 'repayments',
};

/** The sums /v1/stats reports for a resource, by local name; null: beyond exact range, not compared. */
function remoteAmounts(stats: Stats, resource: SyncResource): Record<string, number | null> {
  const sums = stats[statsKeys[resource]]?.sums ?? {};
  switch (resource) {
    case 'credit-lines':
      return { limitFen: sums.limit_fen ?? null, usedFen: sums.used_fen ?? null };
    case 'orders':
      return { principalFen: sums.principal_fen ?? null };
    case 'repayments':
      return { amountFen: sums.amount_fen ?? null };
    case 'applications':
    case 'repayment-plans':
      return {};
    default: {
      const unreachable: never = resource;
      throw new Error(`Unknown resource ${String(unreachable)}`);
    }
  }
}

/** Compares local totals with /v1/stats and stores the outcome per resource. */
export function reconcile(db: Db, institutionId: number, resources: readonly SyncResource[], stats: Stats, now: number): ResourceReconciliation[] {
  const local = localTotals(db, institutionId);
  const results: ResourceReconciliation[] = [];
  writeTransaction(db, () => {
    for (const resource of resources) {
      const remote = stats[statsKeys[resource]];
      if (remote === null) continue;
      const remoteFigures = remoteAmounts(stats, resource);
      const amounts = Object.entries(remoteFigures).flatMap(([name, value]) => (value === null ? [] : [{ name, local: local[resource].amounts[name] ?? 0, remote: value }]));
      // What stats could not say exactly is reported, not compared (institution-api/tolerant.ts).
      const notCompared = Object.entries(remoteFigures).flatMap(([name, value]) => (value === null ? [name] : []));
      const localTotal = local[resource].count;
      const matched = localTotal === remote.count && amounts.every((amount) => amount.local === amount.remote);
      const quarantinedOnly = quarantinedOnlyCount(db, institutionId, resource);
      results.push({ resource, localTotal, remoteTotal: remote.count, matched, quarantinedOnly, amounts });
      saveReconciliation(db, {
        institutionId,
        resource,
        localTotal,
        remoteTotal: remote.count,
        matched,
        details: JSON.stringify({ amounts, quarantinedOnly, remoteAsOf: stats.as_of, notCompared, ignored: stats.ignored }),
        checkedAt: now,
      });
    }
  });
  return results;
}

function describe(error: unknown): { message: string; kind: PassResult['errorKind'] } {
  if (error instanceof InstitutionApiError) return { message: error.message, kind: error.kind };
  return { message: error instanceof Error ? error.message : String(error), kind: 'internal' };
}

function stateAfterFailure(error: unknown): InstitutionState {
  if (error instanceof InstitutionApiError) {
    if (error.kind === 'credentials') return 'credentials_rejected';
    if (error.kind === 'clock') return 'clock_skew';
    if (error.kind === 'circuit_open') return 'circuit_open';
    if (error.kind === 'aborted') return 'idle';
  }
  return 'failed';
}

/**
 * Runs one pass. Never throws for institution trouble: the outcome, the run row and the
 * institution's state say what happened. Aborting `signal` stops between pages (the page being
 * written commits or rolls back as a whole).
 */
export async function runPass(deps: EngineDeps, institutionId: number, options: PassOptions): Promise<PassResult> {
  const { db, clock } = deps;
  const institution = findInstitutionById(db, institutionId);
  if (!institution) throw new Error(`No institution ${institutionId}`);
  const startedAt = clock.now();
  const runId = writeTransaction(db, () => {
    setInstitutionState(db, institutionId, 'syncing', { lastAttemptAt: startedAt, circuitOpenUntil: null });
    return insertRun(db, institutionId, options.trigger, startedAt);
  });
  const resources: Partial<Record<SyncResource, ResourcePassStats>> = {};
  let reconciliation: ResourceReconciliation[] = [];
  let fetchedTotal = 0;
  let lastProgressRun = 0;
  const progress = (resource: SyncResource | null, phase: PassProgress['phase'], total: number | null) => {
    const elapsedSeconds = Math.max(0.001, (clock.now() - startedAt) / 1000);
    const recordsPerSecond = fetchedTotal / elapsedSeconds;
    options.onProgress?.({
      institutionId,
      resource,
      phase,
      fetched: fetchedTotal,
      total,
      recordsPerSecond,
      etaSeconds: total !== null && recordsPerSecond > 0 ? Math.max(0, (total - fetchedTotal) / recordsPerSecond) : null,
      startedAt,
    });
    // The run row shows progress too (for the CLI and a page opened mid-run), at most once a second.
    if (clock.now() - lastProgressRun >= 1000) {
      lastProgressRun = clock.now();
      updateRunStats(db, runId, resources);
    }
  };

  try {
    const client = deps.clients.forInstitution(institutionId);
    progress(null, 'capabilities', null);
    const capabilities = await client.capabilities({ signal: options.signal });
    writeTransaction(db, () => setInstitutionState(db, institutionId, 'syncing', { capabilities: JSON.stringify(capabilities) }));
    const settings = deps.settings();
    const context: IngestContext = { institutionId, settings, facts: new FactsCache(db, settings) };
    const served = pullOrder.filter((name) => capabilities.resources.includes(name));
    const cursors = new Map(listCursors(db, institutionId).map((row) => [row.resource, row.cursor]));
    // A first pass knows how much is coming; an incremental one does not.
    let total: number | null = null;
    if (served.every((resource) => !cursors.has(resource))) {
      const before = await client.stats({ signal: options.signal });
      total = served.reduce((sum, resource) => sum + (before[statsKeys[resource]]?.count ?? 0), 0);
    }
    const maxPage = Math.max(1, Math.min(options.pageLimit ?? 1000, capabilities.max_page_limit));
    for (const resource of served) {
      // Registered before pulling, so a pass that fails part-way still reports what it committed.
      const stats: ResourcePassStats = { fetched: 0, upserted: 0, unchanged: 0, quarantined: 0, pages: 0 };
      resources[resource] = stats;
      const pageLimit = Math.min(maxPage, pageLimitOf[resource]);
      const onPage = (page: number) => {
        fetchedTotal += page;
        progress(resource, 'pulling', total);
      };
      try {
        await pullResource(deps, client, context, resource, cursors.get(resource) ?? null, pageLimit, options.transactionRecords ?? recordsPerTransaction[resource], options.signal, stats, onPage);
      } catch (error) {
        if (!(error instanceof InstitutionApiError)) throw error;
        if (error.apiCode === 'RESOURCE_NOT_OFFERED') {
          // Capabilities changed under us: skip it this pass; the next pass reads them again.
          deps.logger?.info('resource no longer offered', { institution: institution.code, resource });
          continue;
        }
        if (error.apiCode !== 'INVALID_CURSOR') throw error;
        // The institution no longer knows our cursor (its data was rebuilt): read the resource again from the start; upserts make it harmless.
        deps.logger?.warn('cursor refused; pulling the resource from the start', { institution: institution.code, resource });
        await pullResource(deps, client, context, resource, null, pageLimit, options.transactionRecords ?? recordsPerTransaction[resource], options.signal, stats, onPage);
      }
    }
    progress(null, 'quarantine', total);
    await retryQuarantined(deps, client, context, options.quarantineRetries ?? 200, options.signal, resources);
    progress(null, 'reconciling', total);
    const stats = await client.stats({ signal: options.signal });
    reconciliation = reconcile(db, institutionId, served, stats, clock.now());
    const finishedAt = clock.now();
    writeTransaction(db, () => {
      finishRun(db, runId, 'succeeded', finishedAt, { resources, reconciliation }, null);
      setInstitutionState(db, institutionId, 'idle', { lastSuccessAt: finishedAt, circuitOpenUntil: null });
    });
    return { institutionId, code: institution.code, runId, status: 'succeeded', state: 'idle', error: null, errorKind: null, resources, reconciliation, startedAt, finishedAt };
  } catch (error) {
    const { message, kind } = describe(error);
    const cancelled = options.signal.aborted || kind === 'aborted';
    const state = cancelled ? 'idle' : stateAfterFailure(error);
    const finishedAt = clock.now();
    const circuitOpenUntil = state === 'circuit_open' ? deps.clients.circuitState(institutionId).openUntil : null;
    writeTransaction(db, () => {
      finishRun(db, runId, cancelled ? 'cancelled' : 'failed', finishedAt, { resources, reconciliation }, cancelled ? 'Cancelled (shutdown or request)' : message);
      setInstitutionState(db, institutionId, state, { reason: cancelled ? null : message, circuitOpenUntil });
    });
    if (!cancelled) deps.logger?.warn('sync pass failed', { institution: institution.code, kind, message });
    if (kind === 'internal' && !cancelled) deps.logger?.error('sync pass crashed', { institution: institution.code, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return {
      institutionId,
      code: institution.code,
      runId,
      status: cancelled ? 'cancelled' : 'failed',
      state,
      error: cancelled ? null : message,
      errorKind: cancelled ? 'aborted' : kind,
      resources,
      reconciliation,
      startedAt,
      finishedAt,
    };
  }
}

async function pullResource(
  deps: EngineDeps,
  client: InstitutionClient,
  context: IngestContext,
  resource: ResourceName,
  startCursor: string | null,
  pageLimit: number,
  transactionRecords: number,
  signal: AbortSignal,
  stats: ResourcePassStats,
  onPage: (records: number) => void,
): Promise<void> {
  let cursor = startCursor;
  const fetchPage = (from: string | null) => {
    const request = client.listPage(resource, from, pageLimit, { signal });
    // A prefetched page may be abandoned (error or shutdown); never leave its rejection unhandled.
    request.catch(() => undefined);
    return request;
  };
  let pending: ReturnType<InstitutionClient['listPage']> | null = fetchPage(cursor);
  // Pages fetched and not yet written (recordsPerTransaction): written together with the last one's cursor.
  let gathered: unknown[] = [];
  // The records' texts as sent, while every gathered page brought them (RawPage.texts).
  let gatheredTexts: Buffer[] | undefined;
  let gatheredPages = 0;
  while (pending !== null) {
    const page: RawPage = await pending;
    if (signal.aborted) throw new InstitutionApiError('aborted', 'Cancelled');
    const next = page.next_cursor ?? cursor;
    // The next request goes out while this page is written: the institution works meanwhile.
    pending = page.has_more && page.next_cursor !== null && page.next_cursor !== cursor ? fetchPage(page.next_cursor) : null;
    cursor = next;
    gatheredTexts = gatheredPages === 0 ? page.texts : gatheredTexts && page.texts ? gatheredTexts.concat(page.texts) : undefined;
    gathered = gatheredPages === 0 ? page.data : gathered.concat(page.data);
    gatheredPages++;
    if (pending !== null && gathered.length + pageLimit <= transactionRecords) continue;
    const outcome = ingestRecords(deps.db, context, resource, gathered, deps.clock.now(), { next }, gatheredTexts);
    stats.fetched += outcome.fetched;
    stats.upserted += outcome.upserted;
    stats.unchanged += outcome.unchanged;
    stats.quarantined += outcome.quarantined;
    stats.pages += gatheredPages;
    gathered = [];
    gatheredTexts = undefined;
    gatheredPages = 0;
    onPage(outcome.fetched);
  }
}

/**
 * Records quarantined from a page are fetched again by id: an institution that sent a broken
 * copy on a page usually serves the record whole on its own. Still invalid: the entry stays
 * open with the new issues. Gone (404): settled as such.
 */
async function retryQuarantined(
  deps: EngineDeps,
  client: InstitutionClient,
  context: IngestContext,
  limit: number,
  signal: AbortSignal,
  resources: Partial<Record<SyncResource, ResourcePassStats>>,
): Promise<void> {
  if (limit <= 0) return;
  const open = listQuarantine(deps.db, { institutionId: context.institutionId, status: 'open', limit, offset: 0 }).rows.filter((row) => row.externalId !== null);
  const seen = new Set<string>();
  for (const entry of open) {
    const key = `${entry.resource}\u0000${entry.externalId ?? ''}`;
    if (seen.has(key) || entry.externalId === null) continue;
    seen.add(key);
    await retryQuarantineEntry(deps, client, context, entry.resource, entry.externalId, signal, resources);
  }
}

/** Fetches one quarantined record again and ingests it if it is valid now. Returns whether it was. */
export async function retryQuarantineEntry(
  deps: EngineDeps,
  client: InstitutionClient,
  context: IngestContext,
  resource: SyncResource,
  externalId: string,
  signal: AbortSignal,
  resources?: Partial<Record<SyncResource, ResourcePassStats>>,
): Promise<'ingested' | 'still_invalid' | 'gone'> {
  let record: unknown;
  try {
    record = await client.getRecord(resource, externalId, { signal });
  } catch (error) {
    if (error instanceof InstitutionApiError && error.status === 404) {
      writeTransaction(deps.db, () => settleQuarantine(deps.db, context.institutionId, resource, externalId, 'The institution no longer serves this record (404)', deps.clock.now()));
      return 'gone';
    }
    throw error;
  }
  const outcome = ingestRecords(deps.db, context, resource, [record], deps.clock.now());
  const stats = resources?.[resource];
  if (stats) {
    stats.upserted += outcome.upserted;
    stats.unchanged += outcome.unchanged;
  }
  if (outcome.invalid.length > 0) return 'still_invalid';
  // Valid but not newer than what we hold: the quarantined copy is settled all the same.
  if (outcome.unchanged > 0) {
    writeTransaction(deps.db, () => settleQuarantine(deps.db, context.institutionId, resource, externalId, 'Re-fetched: the stored version is current', deps.clock.now()));
  }
  return 'ingested';
}

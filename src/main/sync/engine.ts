/**
 * One sync pass of one institution: capabilities, then every resource it serves paged from the
 * saved cursor (the next page is fetched while the current one is ingested), then a second try
 * at quarantined records (GET by id: a record corrupted on a page is usually fine on its own),
 * then reconciliation against /v1/stats. Every page commits with its cursor, so a pass cut short
 * by a crash, an error or shutdown resumes exactly where it stopped.
 */
import type { SyncFailure, SyncProblem } from '../../shared/contracts/sync';
import { type ResourceName } from '../../shared/institution-api';
import type { DomainSettings } from '../../shared/domain/settings';
import { writeTransaction, type Db } from '../db/connection';
import type { SyncResource, SyncRunTrigger } from '../db/schema';
import { findInstitutionById, setInstitutionState, type InstitutionState } from '../repositories/institutions';
import { finishRun, insertRun, listCursors, listQuarantine, settleQuarantine, updateRunStats } from '../repositories/sync';
import type { Logger } from '../logging/logger';
import type { Clock } from '../core/clock';
import type { InstitutionClient, InstitutionClients } from '../institution-api/client';
import { FactsCache } from './derive';
import { failureOf, type FailureKind, InstitutionApiError } from '../institution-api/errors';
import { reconcileAndHeal } from './heal';
import { ingestRecords, type IngestContext } from './ingest';
import { CursorFault, pullResource } from './pull';
import { statsKeys, type ResourceReconciliation } from './reconcile';
import { TrailingWindows } from './window';
import type { Pacer } from '../core/pacer';

export type { ResourceReconciliation } from './reconcile';

export interface ResourcePassStats {
  fetched: number;
  upserted: number;
  unchanged: number;
  quarantined: number;
  pages: number;
  /** What a re-read of the resource (heal.ts) read in this pass, when one ran. */
  reread?: ResourcePassStats;
  /** What the trailing window (window.ts) read in this pass, when one ran. */
  window?: ResourcePassStats;
}

export interface PassProgress {
  institutionId: number;
  resource: SyncResource | null;
  phase: 'capabilities' | 'pulling' | 'quarantine' | 'reconciling' | 'rereading';
  fetched: number;
  /** Records to fetch in this pass when known (a first full pass); null for incremental passes. */
  total: number | null;
  recordsPerSecond: number;
  etaSeconds: number | null;
  startedAt: number;
}

/** incomplete: the pass ran to its end, but a resource stopped on a cursor fault or its totals disagree and nothing explains it (`problems`). */
export type PassStatus = 'succeeded' | 'failed' | 'cancelled' | 'incomplete';

export interface PassResult {
  institutionId: number;
  code: string;
  runId: number;
  status: PassStatus;
  /** The institution's state after the pass. */
  state: InstitutionState;
  error: string | null;
  errorKind: FailureKind | null;
  resources: Partial<Record<SyncResource, ResourcePassStats>>;
  reconciliation: ResourceReconciliation[];
  /** What keeps the pass from being complete: a resource stopped on a cursor fault, totals that stay unexplained. */
  problems: SyncProblem[];
  startedAt: number;
  finishedAt: number;
}

export interface EngineDeps {
  db: Db;
  clients: InstitutionClients;
  clock: Clock;
  settings: () => DomainSettings;
  logger?: Logger;
  /**
   * A back end that answers people: each gathered group is written in short transactions and each
   * page read through this pacer, which keeps the sync to a share of the thread while people call
   * (core/pacer.ts, sync/sliced-ingest.ts); absent (`creditdesk sync`) = one transaction per group.
   */
  pacer?: Pacer;
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
 * keep a syncing process within its memory budget (docs/performance.md#records-per-page).
 */
const pageLimitOf: Record<ResourceName, number> = { applications: 250, 'repayment-plans': 1000, repayments: 1000, orders: 1000, 'credit-lines': 1000 };

/**
 * Records written per transaction: consecutive pages are gathered up to this many and committed
 * together with the last page's cursor (a crash re-fetches at most these pages; nothing is lost or
 * doubled). Each commit rewrites every index leaf its records touched, and the leaves of indexes on
 * keys in no particular order (order ids, external ids, phones, ID numbers) are touched again by
 * nearly every page, so fewer, larger commits write much less. What is gathered is held in memory
 * while it is written: each size is the largest that still paid, within the sync's memory budget
 * (docs/performance.md#records-per-transaction). Written as one transaction, a group holds the
 * process's thread for its whole write: the desktop and `serve` write it in short slices instead
 * (sliced-ingest.ts), `creditdesk sync` as one.
 */
export const recordsPerTransaction: Readonly<Record<ResourceName, number>> = { applications: 2000, 'repayment-plans': 2000, repayments: 8000, orders: 2000, 'credit-lines': 8000 };


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

  let problems: SyncProblem[] = [];
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
    const windows = new TrailingWindows(startedAt);
    const pullOptions = (resource: SyncResource) => ({
      onCursor: (cursor: string, reachedAt: number) => windows.saw(resource, cursor, reachedAt),
      pageLimit: Math.min(maxPage, pageLimitOf[resource]),
      transactionRecords: options.transactionRecords ?? recordsPerTransaction[resource],
      onPage: (page: number) => {
        fetchedTotal += page;
        progress(resource, phaseOf.get(resource) ?? 'pulling', total);
      },
    });
    const phaseOf = new Map<SyncResource, PassProgress['phase']>();
    // Resources whose cursor misbehaved: stopped for this pass, what was read before is kept.
    const stopped = new Map<SyncResource, CursorFault>();
    for (const resource of served) {
      // Registered before pulling, so a pass that fails part-way still reports what it committed.
      const stats: ResourcePassStats = { fetched: 0, upserted: 0, unchanged: 0, quarantined: 0, pages: 0 };
      resources[resource] = stats;
      const pull = async (start: string | null) => {
        await pullResource(deps, client, context, resource, { start, target: 'incremental', signal: options.signal, stats, ...pullOptions(resource) });
        // Read from its start to its end: this pass needs no trailing window for it (window.ts).
        if (start === null) windows.readToEnd(resource);
      };
      try {
        try {
          await pull(cursors.get(resource) ?? null);
        } catch (error) {
          if (!(error instanceof InstitutionApiError) || error.apiCode !== 'INVALID_CURSOR') throw error;
          // The institution no longer knows our cursor (its data was rebuilt): read the resource again from the start; upserts make it harmless.
          deps.logger?.warn('cursor refused; pulling the resource from the start', { institution: institution.code, resource });
          await pull(null);
        }
      } catch (error) {
        if (error instanceof CursorFault) {
          stopped.set(resource, error);
          deps.logger?.warn('cursor fault; resource stopped for this pass', { institution: institution.code, resource, fault: error.fault });
          continue;
        }
        if (error instanceof InstitutionApiError && error.apiCode === 'RESOURCE_NOT_OFFERED') {
          // Capabilities changed under us: skip it this pass; the next pass reads them again.
          deps.logger?.info('resource no longer offered', { institution: institution.code, resource });
          continue;
        }
        throw error;
      }
    }
    progress(null, 'quarantine', total);
    await retryQuarantined(deps, client, context, options.quarantineRetries ?? 200, options.signal, resources);
    progress(null, 'reconciling', total);
    reconciliation = await reconcileAndHeal({
      deps,
      client,
      context,
      served,
      stopped,
      trigger: options.trigger,
      signal: options.signal,
      resources,
      windows,
      pullOptions,
      onPhase: (resource, phase) => {
        phaseOf.set(resource, phase === 'rereading' ? 'rereading' : 'pulling');
        progress(resource, phaseOf.get(resource) ?? 'pulling', null);
      },
    });
    problems = problemsOf(stopped, reconciliation);
    const finishedAt = clock.now();
    const status: PassStatus = problems.length === 0 ? 'succeeded' : 'incomplete';
    const message = problems.length === 0 ? null : problems.map(describeProblem).join('; ');
    const failure: SyncFailure | null = message === null ? null : { code: 'incomplete', status: null, text: message };
    writeTransaction(db, () => {
      finishRun(db, runId, status, finishedAt, { resources, reconciliation, problems }, failure);
      if (status === 'succeeded') setInstitutionState(db, institutionId, 'idle', { lastSuccessAt: finishedAt, circuitOpenUntil: null });
      else setInstitutionState(db, institutionId, 'incomplete', { reason: failure, circuitOpenUntil: null });
    });
    if (message !== null) deps.logger?.warn('sync pass incomplete', { institution: institution.code, problems: message });
    const state: InstitutionState = status === 'succeeded' ? 'idle' : 'incomplete';
    return { institutionId, code: institution.code, runId, status, state, error: message, errorKind: null, resources, reconciliation, problems, startedAt, finishedAt };
  } catch (error) {
    const failure = failureOf(error);
    const { text: message } = failure;
    const kind = failure.code;
    const cancelled = options.signal.aborted || kind === 'aborted';
    const state = cancelled ? 'idle' : stateAfterFailure(error);
    const finishedAt = clock.now();
    const circuitOpenUntil = state === 'circuit_open' ? deps.clients.circuitState(institutionId).openUntil : null;
    writeTransaction(db, () => {
      finishRun(db, runId, cancelled ? 'cancelled' : 'failed', finishedAt, { resources, reconciliation, problems }, cancelled ? { code: 'aborted', status: null, text: 'Cancelled (shutdown or request)' } : failure);
      setInstitutionState(db, institutionId, state, { reason: cancelled ? null : failure, circuitOpenUntil });
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
      problems,
      startedAt,
      finishedAt,
    };
  }
}

/** The problems a pass ends with: each resource stopped on a cursor fault, each resource whose totals stay unexplained. */
export function problemsOf(stopped: ReadonlyMap<SyncResource, CursorFault>, reconciliation: readonly ResourceReconciliation[]): SyncProblem[] {
  const problems: SyncProblem[] = [];
  for (const [resource, fault] of stopped) problems.push({ resource, kind: fault.fault });
  for (const entry of reconciliation) {
    if (entry.outcome !== 'unexplained') continue;
    problems.push({
      resource: entry.resource,
      kind: 'unreconciled',
      remoteTotal: entry.remoteTotal,
      localTotal: entry.localTotal,
      quarantinedOnly: entry.quarantinedOnly,
      unexplained: entry.unexplained,
      statuses: entry.statuses,
      amounts: entry.amounts.filter((amount) => amount.local !== amount.remote),
      rereads: entry.reread?.failures ?? 0,
      nextRereadAt: entry.reread?.notBefore ?? null,
    });
  }
  return problems;
}

/** One problem in a line of English, for the run row, the log and `creditdesk sync` (the Sync page words it from the structure, in the user's language). */
export function describeProblem(problem: SyncProblem): string {
  switch (problem.kind) {
    case 'cursor_stalled':
      return `${problem.resource}: stopped, the institution's next_cursor does not advance while has_more is true (what was read before is kept)`;
    case 'cursor_cycle':
      return `${problem.resource}: stopped, the institution's next_cursor returned to a cursor already read in this pass (what was read before is kept)`;
    case 'unreconciled': {
      const parts = [`${problem.remoteTotal} at the institution, ${problem.localTotal} here`];
      if (problem.quarantinedOnly > 0) parts.push(`${problem.quarantinedOnly} held only in quarantine`);
      if (problem.unexplained !== 0) parts.push(`${Math.abs(problem.unexplained)} ${problem.unexplained > 0 ? 'missing' : 'more here than served'}`);
      for (const status of problem.statuses) parts.push(`${status.status} ${status.local} here / ${status.remote} there`);
      for (const amount of problem.amounts) parts.push(`${amount.name} ${amount.local} here / ${amount.remote} there`);
      const reread =
        problem.unexplained < 0
          ? ', not re-read (a re-read cannot remove records deleted upstream)'
          : problem.rereads > 0
            ? `, still after ${problem.rereads} full re-read${problem.rereads === 1 ? '' : 's'}`
            : ', no re-read yet';
      return `${problem.resource}: totals disagree with /v1/stats (${parts.join(', ')})${reread}`;
    }
    default: {
      const unknown: never = problem;
      throw new Error(`Unknown problem ${JSON.stringify(unknown)}`);
    }
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

/**
 * Reconciliation that acts. After a pass has pulled every resource from its cursor, each resource
 * is compared with GET /v1/stats (reconcile.ts); one that disagrees is healed, cheapest first:
 * 1. behind (the institution holds changes later than anything read): pull again from the
 *    incremental cursor, then compare again;
 * 2. still disagreeing, and quarantine does not explain it: a full re-read from the start of the
 *    resource, on a cursor of its own (sync_rereads), then compare again; not when more records
 *    are held here than served (deleted upstream), which no re-read can remove;
 * 3. a re-read that wrote records shows changes paged or stamped behind a cursor: the other
 *    resources are re-read in the same pass, since their figures cannot show every stale record.
 * Before all of it, each resource's trailing window is read (window.ts): a change stamped behind the
 * cursor that moves no figure is found there, not here.
 * A re-read is bounded: only resources that still disagree, at most one per resource per pass,
 * and after a re-read that did not bring agreement the next one waits (15 min doubling to 24 h)
 * unless an operator asked for the pass ("Sync now", `creditdesk sync`). Its pages commit with its
 * own cursor, so a crash or shutdown resumes it where it stopped, and the incremental cursor is
 * never moved by it. What stays unexplained is reported (outcome 'unexplained').
 */
import { writeTransaction } from '../db/connection';
import type { SyncResource, SyncRunTrigger } from '../db/schema';
import { readCursor } from '../repositories/sync';
import { finishReread, readReread, settleReread, startReread } from '../repositories/sync-rereads';
import type { InstitutionClient } from '../institution-api/client';
import type { EngineDeps, ResourcePassStats } from './engine';
import { InstitutionApiError } from '../institution-api/errors';
import type { IngestContext } from './ingest';
import { CursorFault, pullResource, type PullOptions } from './pull';
import { compareResource, saveReconciliations, type ReconciliationOutcome, type ResourceReconciliation } from './reconcile';
import { readTrailingWindows, type TrailingWindows } from './window';

/** Wait before the next re-read of a resource after `failures` re-reads in a row that did not bring agreement. */
export function rereadBackoffMs(failures: number): number {
  return Math.min(24 * 3600_000, 15 * 60_000 * 2 ** Math.max(0, failures - 1));
}

export interface HealInput {
  deps: EngineDeps;
  client: InstitutionClient;
  context: IngestContext;
  served: readonly SyncResource[];
  /** Resources whose pull stopped on a cursor fault in this pass; faults met here are added. */
  stopped: Map<SyncResource, CursorFault>;
  trigger: SyncRunTrigger;
  signal: AbortSignal;
  resources: Partial<Record<SyncResource, ResourcePassStats>>;
  /** The pass's trailing windows (window.ts): read before the figures are compared, moved on after. */
  windows: TrailingWindows;
  pullOptions(resource: SyncResource): Pick<PullOptions, 'pageLimit' | 'transactionRecords' | 'onPage' | 'onCursor'>;
  onPhase?: (resource: SyncResource, phase: 'catching-up' | 'rereading') => void;
}

function emptyStats(): ResourcePassStats {
  return { fetched: 0, upserted: 0, unchanged: 0, quarantined: 0, pages: 0 };
}

/** Compares every served resource, heals what disagrees, stores and returns the outcome per resource. */
export async function reconcileAndHeal(input: HealInput): Promise<ResourceReconciliation[]> {
  const { deps, client, context, signal } = input;
  const { db } = deps;
  const institutionId = context.institutionId;
  // 0. The trailing windows: changes stamped behind the cursor that no figure shows (window.ts).
  await readTrailingWindows({ ...input, onPhase: (resource) => input.onPhase?.(resource, 'catching-up') });
  let stats = await client.stats({ signal });
  const compareAll = () => new Map(input.served.map((resource) => [resource, compareResource(db, institutionId, resource, stats)] as const));
  let compared = compareAll();
  // Records written by this step per resource: a resource still behind after writing some is an institution still changing.
  const written = new Map<SyncResource, number>();

  /** Pulls once more; false when the pull stopped on a cursor fault. */
  const pull = async (resource: SyncResource, target: PullOptions['target'], start: string | null, stats: ResourcePassStats): Promise<boolean> => {
    const before = stats.upserted;
    try {
      try {
        await pullResource(deps, client, context, resource, { start, target, signal, stats, ...input.pullOptions(resource) });
      } catch (error) {
        if (!(error instanceof InstitutionApiError) || error.apiCode !== 'INVALID_CURSOR' || start === null) throw error;
        // The institution no longer knows the cursor: from the start (upserts make it harmless).
        await pullResource(deps, client, context, resource, { start: null, target, signal, stats, ...input.pullOptions(resource) });
      }
      return true;
    } catch (error) {
      if (!(error instanceof CursorFault)) throw error;
      input.stopped.set(resource, error);
      deps.logger?.warn('cursor fault; resource stopped for this pass', { resource, fault: error.fault });
      return false;
    } finally {
      written.set(resource, (written.get(resource) ?? 0) + stats.upserted - before);
    }
  };
  const statsOf = (resource: SyncResource) => (input.resources[resource] ??= emptyStats());

  // 1. Behind: catch up from the incremental cursor.
  let pulled = false;
  for (const [resource, comparison] of compared) {
    if (comparison?.judgement !== 'behind' || input.stopped.has(resource)) continue;
    input.onPhase?.(resource, 'catching-up');
    await pull(resource, 'incremental', readCursor(db, institutionId, resource)?.cursor ?? null, statsOf(resource));
    pulled = true;
  }
  if (pulled) {
    stats = await client.stats({ signal });
    compared = compareAll();
  }

  // 2. Still disagreeing and not explained: a full re-read (bounded). A re-read under way (a
  // pass stopped by a crash or shutdown mid re-read) is finished whatever the figures say now.
  const operatorAsked = input.trigger === 'manual' || input.trigger === 'cli';
  const reread = new Set<SyncResource>();
  const rereadResource = async (resource: SyncResource, start: string | null, why: string): Promise<void> => {
    if (start === null) writeTransaction(db, () => startReread(db, institutionId, resource, deps.clock.now()));
    const comparison = compared.get(resource);
    deps.logger?.warn(`${why}; re-reading the resource`, {
      resource,
      local: comparison?.local.count ?? null,
      remote: comparison?.remote.count ?? null,
      resumedFrom: start === null ? 'start' : 'saved re-read cursor',
    });
    input.onPhase?.(resource, 'rereading');
    const resourceStats = statsOf(resource);
    const rereadStats = (resourceStats.reread ??= emptyStats());
    if (await pull(resource, 'reread', start, rereadStats)) {
      writeTransaction(db, () => finishReread(db, institutionId, resource, deps.clock.now()));
      reread.add(resource);
      if (start === null) input.windows.readToEnd(resource);
    }
  };
  for (const [resource, comparison] of compared) {
    if (comparison === null || input.stopped.has(resource)) continue;
    const row = readReread(db, institutionId, resource);
    if (row?.running) {
      await rereadResource(resource, row.cursor, 'a re-read was under way');
      continue;
    }
    if (comparison.judgement === 'matched' || comparison.judgement === 'explained') continue;
    if (comparison.judgement === 'behind' && (written.get(resource) ?? 0) > 0) continue;
    // More here than served (records deleted upstream): a re-read writes only what the
    // institution serves, so it cannot remove a surplus; the problem is reported as it is.
    if (comparison.unexplained < 0) continue;
    if (!operatorAsked && row?.notBefore != null && row.notBefore > deps.clock.now()) continue;
    await rereadResource(resource, null, 'totals disagree with /v1/stats');
  }
  // A re-read that wrote records proves changes were stamped or paged behind a cursor (a page
  // skipped, a node's clock ahead). The institution's other resources may hold the same kind of
  // loss where their figures cannot show it (a plan or an order whose change moves no count, sum
  // or status): they are re-read in the same pass, once. A scheduled pass does not re-read a
  // resource so again within the first back-off step of its last re-read (an institution skipping
  // pages on every pass would otherwise have all of it read each time); "Sync now" and
  // `creditdesk sync` do.
  const found = [...reread].filter((resource) => (input.resources[resource]?.reread?.upserted ?? 0) > 0);
  if (found.length > 0) {
    for (const resource of input.served) {
      if (reread.has(resource) || input.stopped.has(resource) || compared.get(resource) == null) continue;
      const last = readReread(db, institutionId, resource)?.finishedAt ?? null;
      if (!operatorAsked && last !== null && deps.clock.now() - last < rereadBackoffMs(1)) continue;
      await rereadResource(resource, null, `a re-read of ${found.join(', ')} found records the pulls had missed`);
    }
  }
  if (reread.size > 0) {
    stats = await client.stats({ signal });
    compared = compareAll();
  }

  // 3. The outcome per resource, and the re-reads' bookkeeping.
  const now = deps.clock.now();
  const results: ResourceReconciliation[] = [];
  writeTransaction(db, () => {
    for (const resource of input.served) {
      const comparison = compared.get(resource);
      if (!comparison) continue;
      let outcome: ReconciliationOutcome;
      if (comparison.judgement === 'matched' || comparison.judgement === 'explained') outcome = comparison.judgement;
      else if (input.stopped.has(resource)) outcome = 'stopped';
      else if (comparison.judgement === 'behind' && (written.get(resource) ?? 0) > 0) outcome = 'changing';
      else outcome = 'unexplained';
      const row = readReread(db, institutionId, resource);
      let rereadState: ResourceReconciliation['reread'] = null;
      if (outcome === 'matched' || outcome === 'explained') {
        if (row && (row.running || row.failures > 0 || row.notBefore !== null)) settleReread(db, institutionId, resource, { agreed: true });
      } else if (outcome === 'unexplained' && reread.has(resource)) {
        const settled = settleReread(db, institutionId, resource, { agreed: false, now, backoffMs: rereadBackoffMs });
        rereadState = { failures: settled.failures, running: false, notBefore: settled.notBefore };
      } else if (row) {
        rereadState = { failures: row.failures, running: row.running, notBefore: row.notBefore };
      }
      results.push({
        resource,
        localTotal: comparison.local.count,
        remoteTotal: comparison.remote.count,
        matched: comparison.judgement === 'matched',
        quarantinedOnly: comparison.quarantinedOnly,
        amounts: comparison.amounts,
        notCompared: comparison.remote.notCompared,
        statuses: comparison.statuses,
        localMaxUpdatedAt: comparison.local.maxUpdatedAt,
        remoteMaxUpdatedAt: comparison.remote.maxUpdatedAt,
        outcome,
        unexplained: comparison.unexplained,
        reread: rereadState,
      });
    }
  });
  saveReconciliations(db, institutionId, results, stats, now);
  input.windows.advance(deps, institutionId, stats.as_of);
  return results;
}

/**
 * Reconciliation with GET /v1/stats, the only completeness check the standard offers (it has no
 * id listing and no totals per time window). Per resource it compares four figures: the count,
 * the sums the institution reports, the count per status, and the latest updated_at. The count
 * catches records never read (a page that skipped ahead); the sums and statuses catch a record
 * held at an old version whose newer version was never read (a change stamped earlier than our
 * cursor by a node whose clock is behind); the latest updated_at tells "the institution changed
 * after we read" from "we missed something behind our cursor". The judgement is pure (`judge`).
 */
import type { ReadStats as Stats } from '../../shared/institution-api';
import { writeTransaction, type Db } from '../db/connection';
import type { SyncResource } from '../db/schema';
import { quarantinedOnlyCount, saveReconciliation } from '../repositories/sync';
import { localFigures, type LocalFigures } from '../repositories/sync-rereads';

/**
 * matched: every figure agrees. explained: the records missing here are exactly those held only
 * in quarantine. behind: the institution holds changes later than anything read here (the caller
 * pulls again from the cursor). unexplained: records are missing or stale behind the cursor.
 * After the caller's catch-up and re-read, `behind` becomes changing (the institution kept
 * changing while we read) or unexplained; stopped: the resource's pull stopped on a cursor fault.
 */
export type Judgement = 'matched' | 'explained' | 'behind' | 'unexplained';
export type ReconciliationOutcome = 'matched' | 'explained' | 'changing' | 'unexplained' | 'stopped';

export interface ResourceReconciliation {
  resource: SyncResource;
  localTotal: number;
  remoteTotal: number;
  /** Every figure agrees (count, sums, statuses, latest updated_at). */
  matched: boolean;
  /** Records held only in quarantine (their valid version was never seen). */
  quarantinedOnly: number;
  amounts: Array<{ name: string; local: number; remote: number }>;
  /** Sums the institution reported beyond exact range (2^53): named, not compared. */
  notCompared: string[];
  /** Statuses whose counts differ. */
  statuses: Array<{ status: string; local: number; remote: number }>;
  localMaxUpdatedAt: number | null;
  remoteMaxUpdatedAt: number | null;
  outcome: ReconciliationOutcome;
  /** Records the institution serves that are not here and that quarantine does not explain (negative: more here than served). */
  unexplained: number;
  /** The resource's re-read, when one ran or is due: finished re-reads in a row that did not agree, whether one is under way, when the next may start. */
  reread: { failures: number; running: boolean; notBefore: number | null } | null;
}

/** Each resource's key in /v1/stats. */
export const statsKeys: Record<SyncResource, 'applications' | 'credit_lines' | 'orders' | 'repayment_plans' | 'repayments'> = {
  applications: 'applications',
  'credit-lines': 'credit_lines',
  orders: 'orders',
  'repayment-plans': 'repayment_plans',
  repayments: 'repayments',
};

export interface RemoteFigures {
  count: number;
  amounts: Record<string, number>;
  /** Sums the institution reported that cannot be compared exactly. */
  notCompared: string[];
  byStatus: Record<string, number> | null;
  maxUpdatedAt: number | null;
}

/** Each stats sum by its local name. */
const sumNames: Record<string, string> = { limit_fen: 'limitFen', used_fen: 'usedFen', principal_fen: 'principalFen', amount_fen: 'amountFen' };

/**
 * The institution's figures for one resource, or null when it reports none (plans not served, or
 * figures the tolerant reader could not use). A sum it could not hold exactly (beyond 2^53) is
 * left out of `amounts` and named in `notCompared` (institution-api/tolerant.ts).
 */
export function remoteFigures(stats: Stats, resource: SyncResource): RemoteFigures | null {
  const entry = stats[statsKeys[resource]];
  if (entry === null) return null;
  const maxUpdatedAt = entry.max_updated_at === null ? null : Date.parse(entry.max_updated_at);
  const amounts: Record<string, number> = {};
  const notCompared: string[] = [];
  for (const [name, value] of Object.entries(entry.sums)) {
    const local = sumNames[name] ?? name;
    if (value === null) notCompared.push(local);
    else amounts[local] = value;
  }
  return { count: entry.count, amounts, notCompared, byStatus: entry.by_status, maxUpdatedAt: Number.isNaN(maxUpdatedAt) ? null : maxUpdatedAt };
}

export interface Comparison {
  judgement: Judgement;
  amounts: ResourceReconciliation['amounts'];
  statuses: ResourceReconciliation['statuses'];
  unexplained: number;
}

/** Pure: what the figures say. */
export function judge(local: LocalFigures, remote: RemoteFigures, quarantinedOnly: number): Comparison {
  const amounts = Object.entries(remote.amounts).map(([name, value]) => ({ name, local: local.amounts[name] ?? 0, remote: value }));
  const statuses: Comparison['statuses'] = [];
  if (remote.byStatus !== null) {
    for (const status of new Set([...Object.keys(remote.byStatus), ...Object.keys(local.byStatus)])) {
      const remoteCount = remote.byStatus[status] ?? 0;
      const localCount = local.byStatus[status] ?? 0;
      if (remoteCount !== localCount) statuses.push({ status, local: localCount, remote: remoteCount });
    }
  }
  const gap = remote.count - local.count;
  const sameLatest = local.maxUpdatedAt === remote.maxUpdatedAt;
  if (gap === 0 && sameLatest && statuses.length === 0 && amounts.every((amount) => amount.local === amount.remote)) {
    return { judgement: 'matched', amounts, statuses, unexplained: 0 };
  }
  // An invalid record's amounts, status and time are unknown: a count gap of exactly the records
  // held only in quarantine is all that can be checked.
  if (quarantinedOnly > 0 && gap === quarantinedOnly) return { judgement: 'explained', amounts, statuses, unexplained: 0 };
  const behind = remote.maxUpdatedAt !== null && (local.maxUpdatedAt === null || local.maxUpdatedAt < remote.maxUpdatedAt);
  return { judgement: behind ? 'behind' : 'unexplained', amounts, statuses, unexplained: gap - quarantinedOnly };
}

/** Compares one resource's local figures with the stats. Null when the institution reports no figures for it. */
export function compareResource(db: Db, institutionId: number, resource: SyncResource, stats: Stats): (Comparison & { local: LocalFigures; remote: RemoteFigures; quarantinedOnly: number }) | null {
  const remote = remoteFigures(stats, resource);
  if (remote === null) return null;
  const local = localFigures(db, institutionId, resource);
  const quarantinedOnly = quarantinedOnlyCount(db, institutionId, resource);
  return { ...judge(local, remote, quarantinedOnly), local, remote, quarantinedOnly };
}

/** Stores the outcome per resource (one row each, replaced by the next pass). */
export function saveReconciliations(db: Db, institutionId: number, results: readonly ResourceReconciliation[], stats: Pick<Stats, 'as_of' | 'ignored'>, now: number): void {
  writeTransaction(db, () => {
    for (const result of results) {
      saveReconciliation(db, {
        institutionId,
        resource: result.resource,
        localTotal: result.localTotal,
        remoteTotal: result.remoteTotal,
        matched: result.matched,
        details: JSON.stringify({
          amounts: result.amounts,
          quarantinedOnly: result.quarantinedOnly,
          statuses: result.statuses,
          localMaxUpdatedAt: result.localMaxUpdatedAt,
          remoteMaxUpdatedAt: result.remoteMaxUpdatedAt,
          outcome: result.outcome,
          unexplained: result.unexplained,
          reread: result.reread,
          notCompared: result.notCompared,
          remoteAsOf: stats.as_of,
          ignored: stats.ignored,
        }),
        checkedAt: now,
      });
    }
  });
}

/**
 * The Sync page's and `creditdesk sync`'s read models: the overview (per institution: live
 * progress, queue, next run, last run, open quarantine, reconciliation), the runs, the quarantine,
 * the reconciliation entries and the outbox, as the sync channels answer them. Reads only; the
 * control (scheduler, outbox delivery, re-derivation, retries) is service.ts.
 */
import type { InstitutionSummary } from '../../shared/contracts/institutions';
import { z } from 'zod';
import {
  reconciliationOutcomeSchema,
  syncProblemSchema,
  type OutboxItem,
  type QuarantineItem,
  type ReconciliationEntry,
  type SyncOverview,
  type SyncRun,
  type SyncResourceName,
} from '../../shared/contracts/sync';
import type { Db } from '../db/connection';
import type { OutboxRow, QuarantineRow, SyncRunRow } from '../db/schema';
import type { InstitutionService } from '../institutions/service';
import { maskRecordPayload } from './quarantine-payload';
import { findInstitutionById, listInstitutions } from '../repositories/institutions';
import { heldOutboxInstitutions, listOutbox, outboxStateCounts } from '../repositories/outbox';
import { latestRun, listQuarantine, listReconciliations, listRuns, openQuarantineCounts } from '../repositories/sync';
import type { Clock } from '../core/clock';
import type { ResourcePassStats } from './engine';
import { nextRunAt, type SyncScheduler } from './scheduler';
import { ignoredNotes } from './tolerance-notes';


function emptyTotals(): ResourcePassStats {
  return { fetched: 0, upserted: 0, unchanged: 0, quarantined: 0, pages: 0 };
}

function toRun(row: SyncRunRow, code: string): SyncRun {
  let resources: SyncRun['resources'] = {};
  let problems: SyncRun['problems'] = [];
  try {
    const parsed = JSON.parse(row.stats) as { resources?: SyncRun['resources']; problems?: unknown } & SyncRun['resources'];
    resources = parsed.resources ?? (parsed as SyncRun['resources']);
    // Rows written before problems were recorded, or by another version, simply have none.
    const read = z.array(syncProblemSchema).safeParse(parsed.problems ?? []);
    problems = read.success ? read.data : [];
  } catch {
    resources = {};
  }
  const totals = emptyTotals();
  for (const stats of Object.values(resources)) {
    if (!stats) continue;
    totals.fetched += stats.fetched ?? 0;
    totals.upserted += stats.upserted ?? 0;
    totals.unchanged += stats.unchanged ?? 0;
    totals.quarantined += stats.quarantined ?? 0;
    totals.pages += stats.pages ?? 0;
  }
  return {
    id: row.id,
    institutionId: row.institutionId,
    institutionCode: code,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    error: row.error,
    errorCode: row.errorCode,
    errorStatus: row.errorStatus,
    resources,
    totals,
    problems,
  };
}

function toQuarantineItem(row: QuarantineRow, code: string): QuarantineItem {
  let issues: QuarantineItem['issues'] = [];
  try {
    issues = JSON.parse(row.issues) as QuarantineItem['issues'];
  } catch {
    issues = [{ path: '', code: 'unknown', message: row.issues }];
  }
  let payload: string;
  try {
    // Raw payloads carry names, ID numbers, birth dates and addresses: shown masked as everywhere else.
    payload = JSON.stringify(maskRecordPayload(JSON.parse(row.rawPayload) as unknown), null, 2);
  } catch {
    payload = '[unreadable payload]';
  }
  return {
    id: row.id,
    institutionId: row.institutionId,
    institutionCode: code,
    resource: row.resource,
    externalId: row.externalId,
    issues,
    payload: payload.length > 20_000 ? `${payload.slice(0, 20_000)}\n…` : payload,
    receivedAt: row.receivedAt,
    status: row.status,
    resolvedAt: row.resolvedAt,
    resolution: row.resolution,
  };
}

function toOutboxItem(row: OutboxRow, code: string, held: boolean): OutboxItem {
  return {
    held: held && row.state === 'pending',
    id: row.id,
    institutionId: row.institutionId,
    institutionCode: code,
    kind: row.kind,
    subjectId: row.subjectId,
    idempotencyKey: row.idempotencyKey,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError,
    lastErrorCode: row.lastErrorCode,
    lastErrorStatus: row.lastErrorStatus,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
  };
}

export function createSyncReadModels(deps: {
  db: Db;
  clock: Clock;
  institutions: Pick<InstitutionService, 'list'>;
  scheduler: Pick<SyncScheduler, 'maxConcurrent' | 'backgroundRunning' | 'progress' | 'isQueued'>;
}) {
  const { db, clock, scheduler } = deps;

  function overview(): SyncOverview {
    const now = clock.now();
    const summaries = deps.institutions.list();
    const quarantine = openQuarantineCounts(db);
    const reconciliations = listReconciliations(db);
    const outboxCounts = outboxStateCounts(db);
    return {
      maxConcurrent: scheduler.maxConcurrent,
      background: scheduler.backgroundRunning,
      outbox: {
        pending: outboxCounts.find((row) => row.state === 'pending')?.n ?? 0,
        failed: outboxCounts.find((row) => row.state === 'failed')?.n ?? 0,
        delivered: outboxCounts.find((row) => row.state === 'delivered')?.n ?? 0,
      },
      institutions: summaries.map((summary: InstitutionSummary) => {
        const row = findInstitutionById(db, summary.id);
        const live = scheduler.progress(summary.id);
        const last = latestRun(db, summary.id);
        return {
          institution: summary,
          live: live
            ? {
                phase: live.phase,
                resource: live.resource,
                fetched: live.fetched,
                total: live.total,
                recordsPerSecond: Math.round(live.recordsPerSecond),
                etaSeconds: live.etaSeconds === null ? null : Math.round(live.etaSeconds),
                startedAt: live.startedAt,
              }
            : null,
          queued: scheduler.isQueued(summary.id),
          nextRunAt: row && scheduler.backgroundRunning ? nextRunAt(row, now) : null,
          lastRun: last ? toRun(last, summary.code) : null,
          openQuarantine: quarantine.filter((entry) => entry.institutionId === summary.id).reduce((sum, entry) => sum + entry.open, 0),
          reconciliation: reconciliations.filter((entry) => entry.institutionId === summary.id).map(toReconciliationEntry),
          ignored: ignoredNotes(row?.capabilities, reconciliations.filter((entry) => entry.institutionId === summary.id)),
        };
      }),
    };
  }

  function codes(): Map<number, string> {
    return new Map(listInstitutions(db).map((row) => [row.id, row.code]));
  }

  function runs(input: { institutionId?: number; limit: number; offset: number }): { rows: SyncRun[]; total: number } {
    const byId = codes();
    const { rows, total } = listRuns(db, input);
    return { rows: rows.map((row) => toRun(row, byId.get(row.institutionId) ?? '?')), total };
  }

  function quarantine(input: { institutionId?: number; resource?: SyncResourceName; status?: QuarantineRow['status']; limit: number; offset: number }): { rows: QuarantineItem[]; total: number } {
    const byId = codes();
    const { rows, total } = listQuarantine(db, input);
    return { rows: rows.map((row) => toQuarantineItem(row, byId.get(row.institutionId) ?? '?')), total };
  }

  function toReconciliationEntry(row: ReturnType<typeof listReconciliations>[number]): ReconciliationEntry {
    let details: Partial<Pick<ReconciliationEntry, 'amounts' | 'quarantinedOnly' | 'statuses' | 'unexplained' | 'reread'>> & { outcome?: unknown } = {};
    try {
      details = JSON.parse(row.details) as typeof details;
    } catch {
      details = {};
    }
    // Rows from before outcomes were stored say only matched or not.
    const outcome = reconciliationOutcomeSchema.safeParse(details.outcome);
    return {
      resource: row.resource,
      localTotal: row.localTotal,
      remoteTotal: row.remoteTotal,
      matched: row.matched,
      quarantinedOnly: details.quarantinedOnly ?? 0,
      amounts: details.amounts ?? [],
      statuses: details.statuses ?? [],
      outcome: outcome.success ? outcome.data : row.matched ? 'matched' : 'unexplained',
      unexplained: details.unexplained ?? row.remoteTotal - row.localTotal,
      reread: details.reread ?? null,
      checkedAt: row.checkedAt,
    };
  }

  function reconciliation(input: { institutionId?: number }): Array<ReconciliationEntry & { institutionId: number; institutionCode: string }> {
    const byId = codes();
    return listReconciliations(db, input.institutionId).map((row) => ({ ...toReconciliationEntry(row), institutionId: row.institutionId, institutionCode: byId.get(row.institutionId) ?? '?' }));
  }

  function outboxList(input: { state?: OutboxRow['state']; institutionId?: number; limit: number; offset: number }): { rows: OutboxItem[]; total: number } {
    const byId = codes();
    const { rows, total } = listOutbox(db, input);
    const held = heldOutboxInstitutions(db);
    return { rows: rows.map((row) => toOutboxItem(row, byId.get(row.institutionId) ?? '?', held.has(row.institutionId))), total };
  }

  return { overview, runs, quarantine, reconciliation, outbox: outboxList };
}

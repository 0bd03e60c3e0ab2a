/**
 * The sync engine as the rest of CreditDesk sees it: the scheduler, the outbox delivery loop and
 * the daily re-derivation in the background (started by the desktop shell and `serve`), and the
 * operators' controls (sync now, retries, the demo). The read models of the Sync page and
 * `creditdesk sync` are read-models.ts; the service returns both.
 */
import type { InstitutionSummary } from '../../shared/contracts/institutions';
import type { DomainSettings } from '../../shared/domain/settings';
import { AppError } from '../../shared/rpc/errors';
import { shanghaiDate } from '../../shared/time';
import { writeTransaction, type Db } from '../db/connection';
import type { InstitutionService } from '../institutions/service';
import type { Logger } from '../logging/logger';
import { findInstitutionById, listInstitutions, setInstitutionState } from '../repositories/institutions';
import { requeueFailedOutbox } from '../repositories/outbox';
import { abandonRunningRuns, findQuarantineByIds } from '../repositories/sync';
import type { ActorRef } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import type { InstitutionClients } from '../institution-api/client';
import { followCircuit, type CircuitChange } from './circuit-state';
import { FactsCache, rederiveAllInChunks } from './derive';
import { retryQuarantineEntry, type PassProgress, type PassResult } from './engine';
import { InstitutionApiError } from '../institution-api/errors';
import { createOutboxDelivery, type DeliveryOutcome, type OutboxDeliveryDeps } from './outbox';
import { createSyncReadModels } from './read-models';
import { SyncScheduler } from './scheduler';
import type { Pacer } from '../core/pacer';
import type { EventMap } from '../../shared/rpc/events';

/** The pushes the sync engine makes; runtime/backend.ts passes the event bus's `emit`. */
export type SyncEmit = <E extends 'sync:state' | 'sync:progress' | 'sync:data-changed'>(name: E, payload: EventMap[E]) => void;

export interface SyncServiceDeps {
  db: Db;
  clock: Clock;
  clients: InstitutionClients;
  institutions: Pick<InstitutionService, 'list' | 'toSummary'>;
  audit: AuditRecorder;
  emit: SyncEmit;
  settings: () => DomainSettings;
  logger?: Logger;
  /** At most this many institutions sync at once (default 2). */
  maxConcurrent?: number;
  /** Per outbox message kind, run in the transaction that records each delivery attempt (runtime registers review's). */
  outboxHooks?: OutboxDeliveryDeps['hooks'];
  /** How often the background loops look for work (default 1 s; outbox every 5 s). */
  checkEveryMs?: number;
  outboxEveryMs?: number;
  pageLimit?: number;
  /** engine.ts EngineDeps.pacer: a back end that answers people writes sync groups in short transactions, paced (pacer.ts). */
  pacer?: Pacer;
}

export type SyncService = ReturnType<typeof createSyncService>;

export function createSyncService(deps: SyncServiceDeps) {
  const { db, clock, emit } = deps;
  const lastProgressEmit = new Map<number, { at: number; step: string }>();
  const engine = { db, clock, clients: deps.clients, settings: deps.settings, logger: deps.logger, pacer: deps.pacer };
  const scheduler = new SyncScheduler(
    engine,
    { maxConcurrent: deps.maxConcurrent ?? 2, checkEveryMs: deps.checkEveryMs ?? 1000, pageLimit: deps.pageLimit },
    {
      onPassStarted: (institutionId) => emit('sync:state', { institutionId }),
      onProgress: (progress) => emitProgress(progress),
      onPassFinished: (result) => {
        lastProgressEmit.delete(result.institutionId);
        emit('sync:state', { institutionId: result.institutionId });
        const wrote = Object.values(result.resources).some((stats) => (stats?.upserted ?? 0) > 0);
        if (wrote) emit('sync:data-changed', { institutionIds: [result.institutionId] });
      },
    },
  );
  const outbox = createOutboxDelivery({
    db,
    clients: deps.clients,
    clock,
    logger: deps.logger?.child('outbox'),
    onChange: (row) => emit('sync:state', { institutionId: row.institutionId }),
    hooks: deps.outboxHooks,
  });
  const background = new AbortController();
  const loops: Array<Promise<unknown>> = [];
  const timers: NodeJS.Timeout[] = [];
  let derivedDay: string | null = null;
  let rederiving: Promise<unknown> | null = null;
  let rederiveAgain = false;
  let started = false;
  let demoStarter: ((author: ActorRef | null) => Promise<InstitutionSummary[]>) | null = null;

  function emitProgress(progress: PassProgress): void {
    // Enough for a smooth bar without flooding the renderer: every change of phase or resource,
    // and within one at most four pushes a second per institution.
    const now = Date.now();
    const step = `${progress.phase}:${progress.resource ?? ''}`;
    const last = lastProgressEmit.get(progress.institutionId);
    if (last && last.step === step && now - last.at < 250) return;
    lastProgressEmit.set(progress.institutionId, { at: now, step });
    const row = findInstitutionById(db, progress.institutionId);
    emit('sync:progress', {
      institutionId: progress.institutionId,
      code: row?.code ?? String(progress.institutionId),
      phase: progress.phase,
      resource: progress.resource,
      fetched: progress.fetched,
      total: progress.total,
      recordsPerSecond: Math.round(progress.recordsPerSecond),
      etaSeconds: progress.etaSeconds === null ? null : Math.round(progress.etaSeconds),
      startedAt: progress.startedAt,
    });
  }

  function track(promise: Promise<unknown>): void {
    loops.push(promise);
    void promise.finally(() => loops.splice(loops.indexOf(promise), 1));
  }

  /** Re-derives everything that depends on the calendar or the settings, once at a time. */
  function rederive(reason: string): void {
    if (rederiving) {
      rederiveAgain = true;
      return;
    }
    const at = clock.now();
    derivedDay = shanghaiDate(at);
    rederiving = rederiveAllInChunks(db, at, deps.settings(), background.signal)
      .then((outcome) => {
        deps.logger?.info('derived data refreshed', { reason, ...outcome });
        if (outcome.orders + outcome.lines + outcome.applications > 0) emit('sync:data-changed', { institutionIds: [] });
      })
      .catch((error: unknown) => deps.logger?.error('re-derivation failed', { error: String(error) }))
      .finally(() => {
        rederiving = null;
        if (rederiveAgain && !background.signal.aborted) {
          rederiveAgain = false;
          rederive('settings changed again');
        }
      });
    track(rederiving);
  }

  function deliverOutbox(): Promise<DeliveryOutcome> {
    const run = outbox.deliverDue(background.signal);
    track(run.catch((error: unknown) => deps.logger?.error('outbox delivery crashed', { error: String(error) })));
    return run;
  }

  /** A decision was queued: deliver it now instead of at the next tick, where delivery runs (desktop, serve). */
  function deliverSoon(): void {
    if (started) void deliverOutbox();
  }

  /** Starts background syncing, outbox delivery and the daily re-derivation (desktop and serve). */
  function start(): void {
    if (started) return;
    started = true;
    writeTransaction(db, () => {
      abandonRunningRuns(db, clock.now());
      for (const row of listInstitutions(db)) if (row.state === 'syncing') setInstitutionState(db, row.id, 'idle', {});
    });
    rederive('start-up');
    scheduler.start();
    const outboxTimer = setInterval(() => void deliverOutbox(), deps.outboxEveryMs ?? 5000);
    outboxTimer.unref();
    const dayTimer = setInterval(() => {
      if (shanghaiDate(clock.now()) !== derivedDay) rederive('new day (Asia/Shanghai)');
    }, 60_000);
    dayTimer.unref();
    timers.push(outboxTimer, dayTimer);
    void deliverOutbox();
  }

  /** Stops everything and resolves once in-flight pages and deliveries have finished. */
  async function stop(): Promise<void> {
    for (const timer of timers.splice(0)) clearInterval(timer);
    background.abort(new Error('shutdown'));
    await scheduler.stop();
    await Promise.allSettled([...loops]);
  }

  function enabledIds(): number[] {
    return listInstitutions(db)
      .filter((row) => row.enabled)
      .map((row) => row.id);
  }

  function requireInstitution(id: number) {
    const row = findInstitutionById(db, id);
    if (!row) throw new AppError('NOT_FOUND', `No institution with id ${id}.`);
    return row;
  }

  /** "Sync now" from the Sync page: queued in the background, audited. */
  function syncNow(author: ActorRef | null, input: { institutionId?: number }): { queued: number[] } {
    let ids: number[];
    if (input.institutionId !== undefined) {
      const row = requireInstitution(input.institutionId);
      if (!row.enabled) throw new AppError('CONFLICT', `${row.code} is disabled; enable it first.`);
      ids = [row.id];
    } else {
      ids = enabledIds();
    }
    writeTransaction(db, (tx) => deps.audit.record(tx, author, 'sync.run-requested', input.institutionId === undefined ? { type: 'institution', id: 'all' } : { type: 'institution', id: input.institutionId }, { count: ids.length }));
    // An operator asking again deserves a real attempt: close the circuit and forget a credentials refusal.
    for (const id of ids) {
      deps.clients.circuit(id).reset();
      const row = findInstitutionById(db, id);
      if (row && (row.state === 'circuit_open' || row.state === 'credentials_rejected')) writeTransaction(db, () => setInstitutionState(db, id, 'idle', { circuitOpenUntil: null }));
    }
    void scheduler.request(ids, 'manual');
    for (const id of ids) emit('sync:state', { institutionId: id });
    return { queued: ids };
  }

  /** One pass of the given (or every enabled) institutions, awaited: `creditdesk sync` and tests. */
  async function runOnce(input: { institutionIds?: number[]; trigger?: 'cli' | 'manual' } = {}): Promise<PassResult[]> {
    const ids = input.institutionIds ?? enabledIds();
    const results = await scheduler.request(ids, input.trigger ?? 'cli');
    return results.filter((result): result is PassResult => result !== null);
  }


  /** Fetches the named quarantined records again by id; those valid now are ingested. */
  async function retryQuarantine(author: ActorRef | null, input: { ids: number[] }): Promise<{ ingested: number; stillInvalid: number; gone: number; failed: number }> {
    const entries = findQuarantineByIds(db, input.ids).filter((entry) => entry.externalId !== null && entry.status === 'open');
    const result = { ingested: 0, stillInvalid: 0, gone: 0, failed: 0 };
    const settings = deps.settings();
    const facts = new FactsCache(db, settings);
    const signal = AbortSignal.any([background.signal, AbortSignal.timeout(120_000)]);
    for (const entry of entries) {
      try {
        const client = deps.clients.forInstitution(entry.institutionId);
        const outcome = await retryQuarantineEntry(engine, client, { institutionId: entry.institutionId, settings, facts }, entry.resource, entry.externalId ?? '', signal);
        if (outcome === 'ingested') result.ingested++;
        else if (outcome === 'still_invalid') result.stillInvalid++;
        else result.gone++;
      } catch (error) {
        result.failed++;
        deps.logger?.warn('quarantine retry failed', { quarantineId: entry.id, error: error instanceof InstitutionApiError ? error.message : String(error) });
      }
    }
    writeTransaction(db, (tx) => deps.audit.record(tx, author, 'sync.quarantine-retried', { type: 'quarantine', id: input.ids.join(',').slice(0, 200) }, result));
    for (const institutionId of new Set(entries.map((entry) => entry.institutionId))) emit('sync:state', { institutionId });
    if (result.ingested > 0) emit('sync:data-changed', { institutionIds: [...new Set(entries.map((entry) => entry.institutionId))] });
    return result;
  }


  /** Failed messages go back in line with the same idempotency key (so a retry can never apply a decision twice). */
  function retryOutbox(author: ActorRef | null, input: { ids: number[] }): { requeued: number } {
    const now = clock.now();
    let requeued = 0;
    writeTransaction(db, (tx) => {
      requeued = requeueFailedOutbox(tx, input.ids, now);
      deps.audit.record(tx, author, 'sync.outbox-retried', { type: 'outbox', id: input.ids.join(',').slice(0, 200) }, { requeued });
    });
    if (requeued > 0) void deliverOutbox();
    emit('sync:state', { institutionId: null });
    return { requeued };
  }

  /** The shells (desktop, serve) let the Sync page start the embedded demo institutions. */
  function enableDemo(starter: (author: ActorRef | null) => Promise<InstitutionSummary[]>): void {
    demoStarter = starter;
  }

  async function startDemo(author: ActorRef | null): Promise<InstitutionSummary[]> {
    if (!demoStarter) throw new AppError('CONFLICT', 'The demo institutions can be started only by the desktop app or `creditdesk serve`.');
    return demoStarter(author);
  }

  return {
    start,
    stop,
    enableDemo,
    startDemo,
    syncNow,
    runOnce,
    ...createSyncReadModels({ db, clock, institutions: deps.institutions, scheduler }),
    retryQuarantine,
    retryOutbox,
    /** Delivers due outbox messages now (tests); a decision calls `deliverSoon`. */
    deliverOutbox,
    deliverSoon,
    /** Recomputes derived data (after a settings change, or by hand). */
    rederive,
    /** Waits for a running re-derivation (tests). */
    async settled(): Promise<void> {
      while (rederiving) await rederiving;
    },
    /** An institution's circuit opened or closed (runtime wires the clients' onCircuitChange here): its state follows, and screens refresh when it changed. */
    circuitChanged(institutionId: number, change: CircuitChange): void {
      // Called inside the request that opened or closed the circuit: a failed write is logged, never put in that request's place.
      let changed = false;
      try {
        changed = followCircuit(db, institutionId, change);
      } catch (error) {
        deps.logger?.error('institution state could not follow its circuit', { institutionId, circuit: change.state, error: String(error) });
      }
      // The Sync page reads the institution's row only: a circuit change that left it as it was has nothing to show.
      if (changed) emit('sync:state', { institutionId });
    },
    /** An institution's configuration changed: screens refresh (the scheduler reads the new row on its next check). */
    institutionChanged(institutionId: number): void {
      emit('sync:state', { institutionId });
    },
  };
}

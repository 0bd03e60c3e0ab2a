import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startCheckpointer } from '../db/checkpointer';
import { applyMigrations, findMigrationsFolder, openDatabase, type Db } from '../db/connection';
import { LogSink, type Logger } from '../logging/logger';
import { createHandlers } from '../rpc/handlers';
import { createRouter, type Router } from '../rpc/router';
import { createAuditBrowser } from '../audit/service';
import { auditKeyForWriting } from '../audit/key';
import { auditHead, ensureAuditKeyAnchor, formatAuditHead, type AuditKey } from '../repositories/audit';
import { createExportService, type SaveFileDialog } from '../exports/service';
import { createReportsService } from '../reports/service';
import { readReviewSettings } from '../review/settings';
import { createAuditRecorder } from '../audit/recorder';
import { createRefusalSummaries } from '../audit/refusals';
import { createAuthService } from '../auth/service';
import { systemClock, type Clock } from '../core/clock';
import { startFlushLoop } from '../core/windowed-summary';
import { createOperatorService } from '../users/service';
import { createSystemService } from '../system/service';
import { createPortfolio } from '../portfolio';
import { recordDecisionDelivery } from '../review/delivery';
import { startReviewMonitor } from '../review/monitor';
import { createReviewService } from '../review/service';
import { createPresenceService } from '../review/presence';
import { createKeyFileSecretBox, createSecretVault, type SecretBox } from '../institution-api/secrets';
import { createInstitutionService } from '../institutions/service';
import { createInstitutionClients, type ClientTuning, type FetchLike } from '../institution-api/client';
import { createDomainSettingsService } from '../settings/service';
import { createSyncService, type SyncServiceDeps } from '../sync/service';
import { createPacer, interactivePacing, type PacerOptions } from '../core/pacer';
import { createCallCounter, type CallCounter } from '../rpc/calls-in-flight';
import { EventBus } from './events';
import { registerInstance } from './instances';
import { makePrivateFolder, tightenDataFolder } from '../files/modes';
import { dataPaths, type DataPaths } from './paths';
import { servedByWorkers, startReadPool, type ReadPool } from './read-pool';
import type { Services } from '../rpc/services';

export interface BackendOptions {
  dataDir: string;
  shell: 'desktop' | 'headless';
  /** better-sqlite3 addon for the running ABI (the desktop passes its Electron build). */
  nativeBinding?: string;
  clock?: Clock;
  /** Password for the first admin; when absent one is generated and handed to onFirstAdmin. */
  adminPassword?: string;
  onFirstAdmin?: (info: { username: string; generatedPassword: string | null }) => void;
  logConsole?: 'none' | 'warnings' | 'all';
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Tests validate every handler's output against the contract. */
  validateOutput?: boolean;
  /** Where new institution secrets are sealed; the desktop passes safeStorage, headless uses a key file. */
  secretBox?: SecretBox;
  /** HTTP for institution requests (tests point it anywhere). */
  fetch?: FetchLike;
  /** Institution request timeouts and retry waits (tests shorten them). */
  clientTuning?: ClientTuning;
  /** Sync engine tuning (tests: concurrency, page size, loop periods). */
  sync?: Pick<SyncServiceDeps, 'maxConcurrent' | 'checkEveryMs' | 'outboxEveryMs' | 'pageLimit'>;
  /** The pacer's settings (core/pacer.ts; the sync and the portfolio's snapshots) instead of `interactivePacing` (tests: share 1 writes back to back as before pacing). */
  syncPacing?: Partial<Pick<PacerOptions, 'share' | 'idleSliceMs' | 'busySliceMs'>>;
  /** Tests skip the sign-in failure delays. */
  authDelay?: (ms: number) => Promise<void>;
  /** The desktop's save dialog for finished exports; headless serves them as downloads instead. */
  saveExportFile?: SaveFileDialog;
  /**
   * The long-lived jobs of a running app: the review monitor (lease expiry, snooze wake-ups) and
   * the portfolio snapshot job (daily buckets, month-end reconstruction). On by default; the
   * one-shot CLI commands (sync, institutions, users, export) turn them off, so `creditdesk sync`
   * does the sync and nothing else (the app takes the snapshots when it runs).
   */
  backgroundJobs?: boolean;
  /**
   * Who audit entries without a signed-in operator are attributed to: `cli:<os user>` for the
   * one-shot CLI commands; absent (the app itself) for the desktop and `serve`.
   */
  cliOperator?: string;
  /**
   * Worker threads that answer the review channels that only read (runtime/read-pool.ts), each
   * with its own read-only connection. 0 or absent: the main thread answers everything (the
   * desktop, the CLI); `serve` passes `defaultReadWorkers()` unless told otherwise.
   */
  readWorkers?: number;
}

export interface Backend {
  db: Db;
  router: Router;
  events: EventBus;
  services: Services;
  logger: Logger;
  paths: DataPaths;
  clock: Clock;
  /** The audit chain's HMAC key (keys/audit-chain.key), for writers outside the services. */
  auditKey: AuditKey;
  /** People's calls in flight (rpc/calls-in-flight.ts): the HTTP server counts its requests here; the pacer reads it. */
  calls: CallCounter;
  /** The read workers when `readWorkers` started some (their counters tell who answered); null otherwise. */
  readPool: ReadPool | null;
  /** Registers work to finish before the database closes (sync drains its pages here). */
  onShutdown(hook: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export function readAppVersion(): string {
  try {
    const folder = path.dirname(findMigrationsFolder());
    const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The composition root shared by the desktop shell, the headless server and the CLI: opens and
 * migrates the database before anything else can touch it, then wires services, router and
 * events. Nothing here imports electron.
 */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  const paths = dataPaths(options.dataDir);
  const clock = options.clock ?? systemClock;
  // Before the log opens its file: an older version left the folder 0755 and its files 0644.
  makePrivateFolder(paths.root);
  const tightened = tightenDataFolder(paths.root);
  const sink = new LogSink({
    directory: paths.logs,
    console: options.logConsole ?? 'warnings',
    level: options.logLevel ?? 'info',
    now: () => clock.now(),
  });
  const logger = sink.logger('app');
  if (tightened.length > 0) logger.warn('data folder permissions tightened (folders 0700, files 0600): other local users could read them', { count: tightened.length, paths: tightened.map((entry) => path.relative(paths.root, entry) || '.') });
  const migrationsFolder = findMigrationsFolder();
  const db = openDatabase({ file: paths.database, migrationsFolder, nativeBinding: options.nativeBinding });
  let schemaVersion: number;
  try {
    schemaVersion = applyMigrations(db, migrationsFolder);
  } catch (error) {
    db.$client.close();
    sink.close();
    throw error;
  }
  // Copies committed WAL frames into the database file on another thread (db/checkpointer.ts).
  const checkpointer = startCheckpointer({ file: paths.database, nativeBinding: options.nativeBinding, onError: (message) => logger.warn('background checkpoint failed', { error: message }) });
  const startedAt = clock.now();
  // Lets `creditdesk restore` see that this process has the database open.
  const unregisterInstance = registerInstance(paths.root, options.shell, startedAt);
  const events = new EventBus();
  const auditKey = auditKeyForWriting(paths.keys);
  const auditLogger = logger.child('audit');
  const anchor = ensureAuditKeyAnchor(db, auditKey, clock.now());
  if (anchor) auditLogger.info('audit chain keyed from this entry on', { keyIntroducedAt: anchor.id, unkeyedEntries: anchor.id - 1 });
  // The head (newest id and hash) goes into the daily log, outside the database: at start, at
  // most once a minute while entries are added, and at shutdown. `audit verify --expect-head`
  // takes one of these lines to show that the log was not shortened or rewritten since.
  let loggedHead = '';
  const logAuditHead = () => {
    if (db.$client.inTransaction) return;
    const head = auditHead(db);
    const text = head ? formatAuditHead(head) : '';
    if (text === loggedHead) return;
    loggedHead = text;
    auditLogger.info('audit head', { auditHead: text });
  };
  logAuditHead();
  const headTimer = setInterval(logAuditHead, 60_000);
  headTimer.unref();
  // Repeated refused calls are summed per window (audit/refusals.ts); flushed by a timer and at shutdown.
  const refusals = createRefusalSummaries({ db, clock, recorder: createAuditRecorder(clock, auditKey, options.cliOperator ?? null), windowMs: 60_000 });
  const refusalLoop = startFlushLoop(refusals.flush, clock, 60_000);
  const audit = refusals.recorder;
  const auth = createAuthService({
    db,
    clock,
    audit,
    logger: logger.child('auth'),
    delay: options.authDelay,
    onSessionsEnded: (sessionIds, reason) => events.endSessions(sessionIds, reason),
  });
  const operators = createOperatorService({
    db,
    clock,
    audit,
    auth,
    onChanged: (userId) => events.emit('users:changed', { userId }),
  });
  const system = createSystemService({
    version: readAppVersion(),
    shell: options.shell,
    dataDir: paths.root,
    logDir: paths.logs,
    schemaVersion,
    startedAt,
  });
  const keyFileBox = createKeyFileSecretBox(paths.keys);
  const vault = createSecretVault(options.secretBox ?? keyFileBox, [keyFileBox]);
  const institutionClients = createInstitutionClients({
    db,
    vault,
    fetch: options.fetch,
    tuning: options.clientTuning,
    now: () => clock.now(),
    logger: logger.child('institution-api'),
    onCircuitChange: (institutionId, state, openUntil, cause) => sync.circuitChanged(institutionId, { state, openUntil, cause }),
  });
  const institutions = createInstitutionService({ db, clock, audit, vault, clients: institutionClients, onChanged: (id) => sync.institutionChanged(id) });
  const domainSettings = createDomainSettingsService({ db, clock, audit, onChanged: () => sync.rederive('settings changed') });
  // People's calls, counted at the router (both transports call it): the pacer gives way to them.
  const calls = createCallCounter();
  // The desktop and `serve` answer people while they work in the background: the sync's groups and
  // the portfolio's snapshots run in short pieces through one pacer, and while people call the
  // background as a whole keeps to a share of the thread (core/pacer.ts; why one bound for both:
  // sync/README.md, "Sharing the thread"). The one-shot CLI answers nobody: no pacer.
  const pacer = options.cliOperator === undefined ? createPacer({ load: calls.load, ...interactivePacing, ...options.syncPacing }) : undefined;
  const sync = createSyncService({
    db,
    clock,
    clients: institutionClients,
    institutions,
    audit,
    emit: (name, payload) => events.emit(name, payload),
    // The outbox records a decision's delivery on the review side in its own transaction.
    outboxHooks: { 'review-decision': recordDecisionDelivery },
    settings: () => domainSettings.get(),
    logger: logger.child('sync'),
    // Groups in short transactions through the pacer; without it (the CLI) one per group (sync/sliced-ingest.ts).
    pacer,
    ...options.sync,
  });
  const review = createReviewService({
    db,
    clock,
    audit,
    logger: logger.child('review'),
    fetchImage: (institutionId, imageId, signal) => institutionClients.forInstitution(institutionId).getImage(imageId, { signal }),
    onChanged: (queues, taskIds) => events.emit('review:changed', taskIds ? { queues, taskIds } : { queues }),
    onDecisionQueued: () => sync.deliverSoon(),
  });
  const exports = createExportService({
    db,
    clock,
    audit,
    logger: logger.child('exports'),
    directory: paths.exports,
    saveFile: options.saveExportFile,
    onProgress: (operatorId, progress) => events.emit('exports:progress', progress, { operatorIds: [operatorId] }),
  });
  const auditBrowser = createAuditBrowser(db, auditKey);
  const portfolio = createPortfolio({ db, clock, audit, logger: logger.child('portfolio'), settings: () => domainSettings.get(), pacer });
  const reports = createReportsService({ db, clock, portfolio: portfolio.portfolio, reviewSettings: () => readReviewSettings(db) });
  const presence = createPresenceService({ db, clock, audit, onChanged: (queues, taskIds) => events.emit('review:changed', { queues, taskIds }) });
  const services: Services = { auth, operators, system, institutions, institutionClients, sync, domainSettings, exports, reports, audit: auditBrowser, review, presence, portfolio: portfolio.portfolio, borrowers: portfolio.borrowers };
  const readPool = (options.readWorkers ?? 0) > 0 ? startReadPool({ size: options.readWorkers ?? 0, file: paths.database, migrationsFolder, nativeBinding: options.nativeBinding, logger: logger.child('read-worker') }) : null;
  const handlers = readPool ? servedByWorkers(createHandlers(services), readPool, { clock, settings: () => review.settings() }) : createHandlers(services);
  const router = calls.counting(createRouter(handlers, logger.child('rpc'), {
    validateOutput: options.validateOutput,
    // A refused call is evidence too (a reviewer trying to export, a supervisor asking for clear data).
    onRefused: (actor, channel, permission, context) => audit.record(db, actor, 'access.refused', { type: 'channel', id: channel }, { permission, via: context.transport }),
  }));

  const firstAdmin = await operators.ensureFirstAdmin(options.adminPassword);
  if (firstAdmin.created) {
    logger.info('first administrator created', { passwordSource: firstAdmin.generatedPassword ? 'generated' : 'environment' });
    options.onFirstAdmin?.({ username: 'admin', generatedPassword: firstAdmin.generatedPassword });
  }

  const shutdownHooks: Array<() => Promise<void> | void> = [];
  // The checkpointer stops last: its connection must be gone before the database closes.
  shutdownHooks.push(async () => void (await checkpointer.stop()));
  // Pending counts of refused calls go to the audit log before the database closes.
  shutdownHooks.push(() => refusalLoop.stop());
  // Pending counts of refused sign-ins go to the audit log before the database closes.
  shutdownHooks.push(() => auth.close());
  // Running exports stop (and delete their partial files) before the database closes.
  shutdownHooks.push(() => exports.shutdown());
  // In-flight sync pages commit or roll back, and deliveries finish, before the database closes.
  shutdownHooks.push(() => sync.stop());
  // The read workers' connections close before the database's (their calls answered first).
  if (readPool) shutdownHooks.push(() => readPool.close());
  // Lease expiry, snooze wake-ups, delivery on the timeline and 'review:changed' pushes.
  if (options.backgroundJobs ?? true) {
    const reviewMonitor = startReviewMonitor({ db, service: review, logger: logger.child('review'), emitChanged: (queues) => events.emit('review:changed', { queues }) });
    shutdownHooks.push(() => reviewMonitor.stop());
    // Daily bucket/line snapshots and month-ends (start-up, hourly, day change).
    portfolio.snapshots.start();
    shutdownHooks.push(() => portfolio.snapshots.stop());
  }
  let closed = false;
  logger.info('backend started', { shell: options.shell, schemaVersion });
  return {
    db,
    router,
    events,
    services,
    logger,
    paths,
    clock,
    auditKey,
    calls,
    readPool,
    onShutdown(hook) {
      shutdownHooks.push(hook);
    },
    async close() {
      if (closed) return;
      closed = true;
      // Hooks run newest first: what started last stops first, then the database closes.
      for (const hook of [...shutdownHooks].reverse()) {
        try {
          await hook();
        } catch (error) {
          logger.error('shutdown hook failed', { error: String(error) });
        }
      }
      clearInterval(headTimer);
      logAuditHead();
      logger.info('backend stopped');
      unregisterInstance();
      db.$client.close();
      sink.close();
    },
  };
}

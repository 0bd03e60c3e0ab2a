/**
 * The institution simulator: generates a deterministic population and its history at several
 * institutions into its own SQLite, then serves each institution's standard API from one HTTP
 * server bound to loopback. Used by `creditdesk simulator`, by tests, and embedded by
 * CreditDesk's demo mode.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { buildOpenApiDocument, resourceNameSchema, type Capabilities, type ResourceName } from '../../shared/institution-api';
import { NonceStore } from '../institution-api/signing';
import { appliesAt, planBorrower } from './borrowers';
import { dayMs, hourMs, isoInstant } from './clock';
import { clockFaultStamp } from './clock-faults';
import { type FaultConfig, FaultInjector, faultConfigSchema, faultUpdateSchema, noFaults } from './faults';
import { ImageService } from './image-service';
import { SimInstitution } from './institution';
import { PersonCache } from './model-cache';
import { demoInstitutions, type InstitutionSimConfig } from './institutions';
import { personAt, type World } from './population';
import { startHttpServer } from './server';
import { markGenerated, saveClock, savedState, savePort, stateIdentity } from './saved-state';
import { resourceCode, SimStore } from './store';

export { demoInstitutions, simulatedInstitutions, type InstitutionSimConfig, type ProductConfig } from './institutions';
export { parseFaults, type FaultConfig } from './faults';
export { keptStoreFileName, SimStoreInUseError } from './store';

export interface StartSimulatorOptions {
  institutions: InstitutionSimConfig[];
  seed: string | number;
  /** Size of the shared borrower population; each institution serves its share of it. */
  borrowers: number;
  /** The instant the data is anchored to (epoch ms); defaults to the real current time. */
  now?: number;
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  faults?: Partial<FaultConfig>;
  /** Seed of the fault draws; defaults to the data seed. */
  faultSeed?: string | number;
  /** Directory for the simulator's SQLite file (kept after close, but generated anew at every start). Default: memory for small scales, else a temp dir removed on close. */
  dataDir?: string;
  /**
   * Keep the institutions in this folder across restarts (not with `dataDir`): plans, records,
   * the decisions they took, the simulated clock, the port. A later start with the same seed,
   * borrowers, horizon and institutions resumes them (ticking the clock on to `now` when `now` is
   * later) and listens on the same port when it is free; anything else is generated anew.
   */
  stateDir?: string;
  /** Advance the simulated clock by `tickStep` every this many real milliseconds. */
  tickEveryMs?: number;
  tickStep?: TickStep;
  /** How far past `now` planned activity (new applications, drawdowns) goes; default 365 days. */
  horizonDays?: number;
  /** Called after each generated batch. */
  onProgress?(generated: number, total: number): void;
  /** better-sqlite3 addon for the running ABI (the desktop's demo mode runs inside Electron). */
  nativeBinding?: string;
}

export interface TickStep {
  days?: number;
  hours?: number;
}

export interface TickReport {
  now: string;
  institutions: Record<string, { created: number; changed: number }>;
}

export interface SimulatedInstitutionInfo {
  code: string;
  name: string;
  /** Prefix of every API path: `${baseUrl}/v1/orders`. */
  baseUrl: string;
  appId: string;
  secret: string;
  capabilities: Capabilities;
}

/** In-process control of a running simulator (the same operations as the /admin endpoints). */
export interface SimulatorAdmin {
  /** The simulated clock (epoch ms). */
  now(): number;
  tick(step: TickStep): TickReport;
  faults(): FaultConfig;
  setFaults(partial: Partial<FaultConfig>): FaultConfig;
  injectedFaults(): ReturnType<FaultInjector['report']>;
  clearInjectedFaults(): void;
  /** Review decisions received per institution (each idempotency key once, with its replay count). */
  decisions(code?: string): Record<string, ReturnType<SimInstitution['receivedDecisions']>>;
  resetNonces(): void;
  groundTruth(code?: string): Record<string, Record<string, unknown>>;
  /**
   * Deletes the first `count` records of a resource (in paging order) for good, as an institution
   * that breaks rule 3 of the standard ("records are never deleted") would: a client holding them
   * has more than /v1/stats counts. Returns the ids deleted.
   */
  purge(code: string, resource: ResourceName, count: number): string[];
}

const purgeSchema = z.object({ institution: z.string(), resource: resourceNameSchema, count: z.int().min(1).max(100_000) }).strict();

export interface RunningSimulator {
  url: string;
  openApiUrl: string;
  institutions: SimulatedInstitutionInfo[];
  admin: SimulatorAdmin;
  close(): Promise<void>;
}

const inMemoryUpTo = 5000;

/** Generates the data and starts serving it. */
export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  if (!Number.isInteger(options.borrowers) || options.borrowers < 1) throw new RangeError('borrowers must be a positive integer');
  if (options.institutions.length === 0) throw new RangeError('at least one institution is needed');
  const codes = new Set(options.institutions.map((config) => config.code));
  if (codes.size !== options.institutions.length) throw new RangeError('institution codes must be unique');

  if (options.stateDir !== undefined && options.dataDir !== undefined) throw new RangeError('dataDir and stateDir exclude each other');

  const requestedNow = Math.floor(options.now ?? Date.now());
  const horizonDays = options.horizonDays ?? 365;
  const store =
    options.stateDir === undefined
      ? new SimStore({ dataDir: options.dataDir, inMemory: options.dataDir === undefined && options.borrowers <= inMemoryUpTo, nativeBinding: options.nativeBinding })
      : new SimStore({
          inMemory: false,
          keep: { dir: options.stateDir, identity: stateIdentity({ seed: String(options.seed), borrowers: options.borrowers, horizonDays, institutions: options.institutions }) },
          nativeBinding: options.nativeBinding,
        });
  const saved = options.stateDir === undefined ? null : savedState(store);
  // A resumed world keeps the anchor it was generated at: persons and plans hang off it.
  const anchorMs = saved?.anchorMs ?? requestedNow;
  const world: World = { seed: String(options.seed), size: options.borrowers, anchorMs };
  const clock = { now: saved?.nowMs ?? anchorMs };
  const persons = new PersonCache(world);
  const institutions = options.institutions.map((config, index) => new SimInstitution(store, index, { world, config }, clock, persons));
  try {
    if (saved !== null) {
      for (const institution of institutions) institution.resume();
    } else {
      await generate(store, institutions, world, anchorMs + horizonDays * dayMs, options.onProgress);
      if (options.stateDir !== undefined) markGenerated(store, anchorMs, clock.now);
    }
  } catch (error) {
    store.close();
    throw error;
  }

  const faultSeed = String(options.faultSeed ?? options.seed);
  const faults = new FaultInjector(faultConfigSchema.parse({ ...noFaults, ...options.faults }), faultSeed);
  const nonces = new NonceStore();
  const images = new ImageService();
  let baseUrl = '';
  const info = (): SimulatedInstitutionInfo[] =>
    institutions.map((institution) => ({
      code: institution.config.code,
      name: institution.config.name,
      baseUrl: `${baseUrl}/inst/${institution.config.code}`,
      appId: institution.config.appId,
      secret: institution.config.secret,
      capabilities: institution.capabilities(),
    }));
  const select = (code: string | undefined) => {
    const chosen = code === undefined ? institutions : institutions.filter((institution) => institution.config.code === code);
    if (chosen.length === 0) throw new RangeError(`No institution ${code ?? ''}`);
    return chosen;
  };

  // One transaction for every institution and the saved clock: a kept store is never left half-ticked.
  const tickTo = (target: number): TickReport =>
    store.transaction(() => {
      const report: TickReport = { now: isoInstant(target), institutions: {} };
      for (const institution of institutions) {
        const code = institution.config.code;
        // A node whose clock is ahead (clock-faults.ts) stamps some changes; each one stamped behind what was served is reported.
        const stamp = clockFaultStamp(faults.current(), faultSeed, code, (change) =>
          faults.record({ sequence: 0, kind: 'clockAhead', institution: code, method: 'TICK', path: `/admin/tick`, resource: change.resource, record_id: change.record_id, version: change.version }),
        );
        report.institutions[code] = institution.tick(target, stamp);
      }
      saveClock(store, target);
      clock.now = target;
      return report;
    });

  const admin: SimulatorAdmin = {
    now: () => clock.now,
    tick(step) {
      const span = (step.days ?? 0) * dayMs + (step.hours ?? 0) * hourMs;
      if (!Number.isFinite(span) || span <= 0 || span > 366 * dayMs) throw new RangeError('tick needs days and/or hours adding up to more than 0 and at most 366 days');
      return tickTo(clock.now + Math.round(span));
    },
    faults: () => faults.current(),
    setFaults: (partial) => faults.update(partial),
    injectedFaults: () => faults.report(),
    clearInjectedFaults: () => faults.clear(),
    decisions: (code) => Object.fromEntries(select(code).map((institution) => [institution.config.code, institution.receivedDecisions()])),
    resetNonces: () => nonces.clear(),
    groundTruth: (code) => Object.fromEntries(select(code).map((institution) => [institution.config.code, institution.groundTruth()])),
    purge(code, resource, count) {
      const [institution] = select(code);
      if (institution === undefined) throw new RangeError(`No institution ${code}`);
      const ids = store.page(institution.index, resourceCode(resource), null, count).map((row) => row.id);
      store.deleteRecords(institution.index, resourceCode(resource), ids);
      return ids;
    },
  };

  // A resumed simulator lived on while it was stopped: its clock catches up with `now`.
  if (saved !== null) {
    try {
      while (clock.now < requestedNow) tickTo(Math.min(requestedNow, clock.now + 366 * dayMs));
    } catch (error) {
      store.close();
      throw error;
    }
  }

  let server: Server;
  try {
    const listen = (port: number) =>
      startHttpServer(
        {
          institutions,
          nonces,
          faults,
          images,
          openApi: (url) => ({
            ...buildOpenApiDocument({ serverUrl: `${url}/inst/${institutions[0]?.config.code ?? 'demo'}` }),
            servers: institutions.map((institution) => ({ url: `${url}/inst/${institution.config.code}`, description: institution.config.name })),
          }),
          control: {
            clock: () => ({ now: isoInstant(clock.now), now_ms: clock.now, anchor: isoInstant(anchorMs) }),
            tick: (step) => admin.tick(step),
            faults: () => admin.faults(),
            setFaults: (partial) => admin.setFaults(faultUpdateSchema.parse(partial)),
            injectedFaults: () => admin.injectedFaults(),
            clearInjectedFaults: () => admin.clearInjectedFaults(),
            decisions: (code) => admin.decisions(code),
            resetNonces: () => admin.resetNonces(),
            groundTruth: (code) => admin.groundTruth(code),
            purge: (input) => {
              const request = purgeSchema.parse(input);
              return { deleted: admin.purge(request.institution, request.resource, request.count) };
            },
            institutions: () => info(),
          },
        },
        options.host ?? '127.0.0.1',
        port,
      );
    const port = options.port ?? 0;
    const previousPort = saved?.port ?? null;
    // The same address as before when it is free, so clients keep their base URLs.
    const started =
      port === 0 && previousPort !== null ? await listen(previousPort).catch((error: unknown) => (isAddressInUse(error) ? listen(0) : Promise.reject(error))) : await listen(port);
    server = started.server;
    baseUrl = started.url;
    if (options.stateDir !== undefined) savePort(store, (server.address() as AddressInfo).port);
  } catch (error) {
    store.close();
    throw error;
  }

  const timer =
    options.tickEveryMs === undefined
      ? null
      : setInterval(() => {
          admin.tick(options.tickStep ?? { days: 1 });
        }, options.tickEveryMs);
  timer?.unref();

  let closed = false;
  return {
    url: baseUrl,
    openApiUrl: `${baseUrl}/openapi.json`,
    institutions: info(),
    admin,
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== null) clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}

function isAddressInUse(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'EADDRINUSE';
}

/** Demo scale: a population of this size gives each demo institution roughly 350-550 borrowers. */
const demoPopulation = 900;

/**
 * Starts the three demo institutions on loopback (what CreditDesk's --demo mode calls): small
 * enough to be up in a few seconds, anchored to the real current time (or `now`). With `stateDir`
 * they are kept there and a restart resumes them (`StartSimulatorOptions.stateDir`); without it
 * they live in memory (tests, benches).
 */
export function startDemoInstitutions(
  options: { stateDir?: string; dataDir?: string; borrowers?: number; seed?: string | number; now?: number; port?: number; nativeBinding?: string } = {},
): Promise<RunningSimulator> {
  const seed = options.seed ?? 'creditdesk-demo';
  return startSimulator({
    institutions: demoInstitutions(seed),
    seed,
    borrowers: options.borrowers ?? demoPopulation,
    now: options.now,
    port: options.port ?? 0,
    dataDir: options.dataDir,
    stateDir: options.stateDir,
    nativeBinding: options.nativeBinding,
  });
}

// Batches keep each transaction short and give the event loop (signals, other servers) a turn.
async function generate(store: SimStore, institutions: SimInstitution[], world: World, horizon: number, onProgress?: (generated: number, total: number) => void): Promise<void> {
  const batchSize = 1000;
  for (let start = 0; start < world.size; start += batchSize) {
    const end = Math.min(world.size, start + batchSize);
    store.transaction(() => {
      for (let index = start; index < end; index += 1) {
        let person: ReturnType<typeof personAt> | null = null;
        for (const institution of institutions) {
          if (!appliesAt(institution.context, index)) continue;
          person ??= personAt(world, index);
          institution.writeBorrower(planBorrower(institution.context, person, horizon));
        }
      }
    });
    onProgress?.(end, world.size);
    await new Promise((resolve) => setImmediate(resolve));
  }
  store.createIndexes();
  for (const institution of institutions) institution.finishGeneration();
}

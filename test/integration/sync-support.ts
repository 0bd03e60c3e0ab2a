/**
 * Shared set-up for the sync engine's integration tests: a simulator at a small scale, a real
 * back end on a fresh data folder with the simulator's institutions configured, short retry
 * waits, and helpers that read the simulator's records over a clean (fault-free) client.
 */
import { resourceNames, type ResourceName } from '../../src/shared/institution-api';
import type { Db } from '../../src/main/db/connection';
import { startSimulator, demoInstitutions, type RunningSimulator } from '../../src/main/simulator';
import type { FaultConfig } from '../../src/main/simulator/faults';
import type { Backend, BackendOptions } from '../../src/main/runtime/backend';
import { createInstitutionClient, type ClientTuning } from '../../src/main/institution-api/client';
import { createTestBackend } from '../support/backend';

/** Retries fast enough for tests; waits are real but short (never asserted on). */
export const fastTuning: ClientTuning = {
  timeoutMs: 5_000,
  retry: { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 20, maxRetryAfterMs: 10_000 },
};

/** Every fault the simulator can inject, at rates a small sync meets several times each. */
export const everyFault: Partial<FaultConfig> = {
  rate429: 0.05,
  rate5xx: 0.08,
  slow: 0.04,
  slowMs: 50,
  reset: 0.05,
  truncate: 0.05,
  invalid: 0.15,
  duplicate: 0.15,
  outOfOrder: 0.15,
  retryAfterSeconds: 0,
};

export const simulatedNow = Date.UTC(2026, 10, 20, 4, 0, 0);

export interface SyncWorld {
  sim: RunningSimulator;
  backend: Backend & { cleanup(): Promise<void> };
  /** Institution id per simulator code. */
  ids: Record<string, number>;
  close(): Promise<void>;
}

export async function startSyncWorld(
  options: { borrowers?: number; seed?: string; faults?: Partial<FaultConfig>; institutions?: number; backend?: Partial<BackendOptions> } = {},
): Promise<SyncWorld> {
  const seed = options.seed ?? 'sync-tests';
  const sim = await startSimulator({
    institutions: demoInstitutions(seed).slice(0, options.institutions ?? 3),
    seed,
    borrowers: options.borrowers ?? 240,
    now: simulatedNow,
    faults: options.faults,
  });
  const clock = { now: () => sim.admin.now() };
  const backend = await createTestBackend({ clock, clientTuning: fastTuning, sync: { pageLimit: 60, maxConcurrent: 2 }, ...options.backend });
  const ids: Record<string, number> = {};
  for (const info of sim.institutions) {
    ids[info.code] = backend.services.institutions.create(null, { code: info.code, name: info.name, baseUrl: info.baseUrl, appId: info.appId, secret: info.secret }).id;
  }
  return {
    sim,
    backend,
    ids,
    async close() {
      await backend.cleanup();
      await sim.close();
    },
  };
}

/** The id of a simulator institution in CreditDesk, by its (lower-case) simulator code. */
export function institutionId(world: SyncWorld, code: string): number {
  const id = world.ids[code.toUpperCase()] ?? world.ids[code];
  if (id === undefined) throw new Error(`no institution ${code}`);
  return id;
}

export interface RemoteRecord {
  id: string;
  version: number;
  updated_at: string;
  [key: string]: unknown;
}

/** Every current record of a resource as the simulator serves it, read with faults switched off. */
export async function remoteRecords(sim: RunningSimulator, code: string, resource: ResourceName): Promise<RemoteRecord[]> {
  const info = sim.institutions.find((institution) => institution.code === code);
  if (!info) throw new Error(`no simulated institution ${code}`);
  if (!info.capabilities.resources.includes(resource)) return [];
  const saved = sim.admin.faults();
  sim.admin.setFaults({ rate429: 0, rate5xx: 0, slow: 0, reset: 0, truncate: 0, invalid: 0, duplicate: 0, outOfOrder: 0 });
  try {
    const client = createInstitutionClient(info, { fetch: (input, init) => fetch(input, init), circuit: null, tuning: fastTuning });
    const records = new Map<string, RemoteRecord>();
    let cursor: string | null = null;
    for (;;) {
      const page = await client.listPage(resource, cursor, 1000);
      for (const record of page.data as RemoteRecord[]) records.set(record.id, record);
      if (!page.has_more || page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    return [...records.values()];
  } finally {
    sim.admin.setFaults(saved);
  }
}

const localTables: Record<ResourceName, string> = {
  applications: 'applications',
  'credit-lines': 'credit_lines',
  orders: 'orders',
  'repayment-plans': 'repayment_plans',
  repayments: 'repayments',
};

/** Stored (external id -> version, remote updated_at) of one resource of one institution. */
export function localVersions(db: Db, institution: number, resource: ResourceName): Map<string, { version: number; remoteUpdatedAt: number }> {
  const rows = db.$client
    .prepare(`SELECT external_id AS externalId, version, remote_updated_at AS remoteUpdatedAt FROM ${localTables[resource]} WHERE institution_id = ?`)
    .all(institution) as Array<{ externalId: string; version: number; remoteUpdatedAt: number }>;
  return new Map(rows.map((row) => [row.externalId, { version: row.version, remoteUpdatedAt: row.remoteUpdatedAt }]));
}

/** Differences between what CreditDesk holds and what the simulator serves (empty when equal). */
export async function differences(world: SyncWorld): Promise<string[]> {
  const problems: string[] = [];
  for (const info of world.sim.institutions) {
    const id = institutionId(world, info.code);
    for (const resource of resourceNames) {
      const remote = await remoteRecords(world.sim, info.code, resource);
      const local = localVersions(world.backend.db, id, resource);
      if (remote.length !== local.size) problems.push(`${info.code} ${resource}: ${local.size} local, ${remote.length} remote`);
      for (const record of remote) {
        const stored = local.get(record.id);
        if (!stored) problems.push(`${info.code} ${resource} ${record.id}: missing`);
        else if (stored.version !== record.version || stored.remoteUpdatedAt !== Date.parse(record.updated_at)) {
          problems.push(`${info.code} ${resource} ${record.id}: local v${stored.version}, remote v${record.version}`);
        }
      }
    }
  }
  return problems;
}

/** Runs passes of every institution until all succeed (a pass may fail on a fault that outlives its retries). */
export async function syncUntilSucceeded(world: SyncWorld, maxPasses = 8): Promise<number> {
  for (let pass = 1; pass <= maxPasses; pass++) {
    const results = await world.backend.services.sync.runOnce({ trigger: 'manual' });
    if (results.every((result) => result.status === 'succeeded')) return pass;
  }
  throw new Error(`sync did not succeed within ${maxPasses} passes`);
}

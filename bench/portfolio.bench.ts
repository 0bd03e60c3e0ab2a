import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { operatorContext, testAdminPassword } from '../test/support/backend';
import { startBackend, type Backend } from '../src/main/runtime/backend';
import { demoInstitutions, startSimulator } from '../src/main/simulator';
import { runPass } from '../src/main/sync/engine';
import { createSnapshotJob } from '../src/main/portfolio/snapshots';
import { identifierSearchLimit } from '../src/main/portfolio/borrowers';
import type { CallContext } from '../src/main/core/actor';
import { formatLatency, measureLatency, type BenchSuite, type LatencyStats } from './harness';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The simulated "now" the data is anchored to; the back end's clock stays there so DPD is stable. */
const anchor = Date.UTC(2026, 10, 25, 2, 0, 0);
const fixedClock = { now: () => anchor };

interface Filled {
  borrowers: number;
  orders: number;
  lines: number;
  seconds: number;
}

/**
 * A database filled once per population size by the simulator's generator and the sync engine's
 * real passes over HTTP, kept under bench/.data (gitignored) and reused.
 */
async function filledDataDir(borrowers: number, log: (line: string) => void): Promise<{ dataDir: string; filled: Filled }> {
  const dataDir = path.join(here, '.data', `portfolio-${borrowers}`);
  const marker = path.join(dataDir, 'filled.json');
  if (existsSync(marker)) return { dataDir, filled: JSON.parse(readFileSync(marker, 'utf8')) as Filled };
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const started = Date.now();
  mkdirSync(path.join(dataDir, 'simulator'), { recursive: true });
  log(`filling ${dataDir} (once): simulator with ${borrowers.toLocaleString('en-US')} borrowers, then a full sync pass per institution…`);
  const simulator = await startSimulator({
    institutions: demoInstitutions('bench-portfolio'),
    seed: 'bench-portfolio',
    borrowers,
    now: anchor,
    dataDir: path.join(dataDir, 'simulator'),
  });
  log(`  generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const backend = await startBackend({ dataDir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none', clock: fixedClock });
  try {
    for (const info of simulator.institutions) {
      const created = backend.services.institutions.create(null, { code: info.code, name: info.name, baseUrl: info.baseUrl, appId: info.appId, secret: info.secret });
      const passStarted = Date.now();
      const result = await runPass(
        { db: backend.db, clients: backend.services.institutionClients, clock: fixedClock, settings: () => backend.services.domainSettings.get() },
        created.id,
        { trigger: 'cli', signal: new AbortController().signal, pageLimit: 1000 },
      );
      if (result.status !== 'succeeded') throw new Error(`sync of ${info.code} ${result.status}: ${result.error ?? ''}`);
      log(`  synced ${info.code} in ${((Date.now() - passStarted) / 1000).toFixed(0)} s`);
    }
    const count = (table: string) => (backend.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const filled: Filled = { borrowers: count('borrowers'), orders: count('orders'), lines: count('credit_lines'), seconds: Math.round((Date.now() - started) / 1000) };
    writeFileSync(marker, JSON.stringify(filled));
    return { dataDir, filled };
  } finally {
    await backend.close();
    await simulator.close();
    rmSync(path.join(dataDir, 'simulator'), { recursive: true, force: true });
  }
}

function pick<T>(values: readonly T[], index: number): T {
  return values[(index * 7919) % values.length] as T;
}

async function call(backend: Backend, context: CallContext, channel: string, input: unknown): Promise<unknown> {
  const result = await backend.router.call(channel, input, context);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.data;
}

/**
 * Borrower lookup (p95 < 10 ms), each dashboard's figures (p95 < 100 ms) and list pages
 * (p95 < 20 ms) through the router (zod, access check, envelope) on the filled database.
 */
export const portfolioSuite: BenchSuite = {
  name: 'portfolio: lookup, dashboards, list pages',
  async run({ borrowers, log }) {
    const { dataDir, filled } = await filledDataDir(borrowers, log);
    log(`data: ${filled.borrowers.toLocaleString('en-US')} borrowers, ${filled.orders.toLocaleString('en-US')} orders, ${filled.lines.toLocaleString('en-US')} lines (filled in ${filled.seconds} s)`);
    const backend = await startBackend({ dataDir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none', clock: fixedClock, validateOutput: false });
    try {
      // The month-ends behind roll rates and history: reconstructed once, then kept.
      const job = createSnapshotJob({ db: backend.db, clock: fixedClock, settings: () => backend.services.domainSettings.get() });
      const snapshotStarted = Date.now();
      const taken = await job.run();
      log(`snapshot job: ${taken.monthEndsTaken.length} month-end cohorts taken in ${((Date.now() - snapshotStarted) / 1000).toFixed(1)} s (0 when already taken)`);

      const username = `bench-${Date.now()}`;
      const context = await operatorContext(backend, username, 'supervisor');
      const client = backend.db.$client;
      const sample = client
        .prepare(`SELECT b.name, b.phone, b.id_number AS idNumber, b.platform_user_id AS userId, o.external_id AS loan FROM borrowers b JOIN orders o ON o.borrower_id = b.id ORDER BY b.id LIMIT 2000`)
        .all() as Array<{ name: string; phone: string; idNumber: string; userId: string; loan: string }>;
      const applications = (client.prepare('SELECT external_id AS id FROM applications ORDER BY id LIMIT 2000').all() as Array<{ id: string }>).map((row) => row.id);
      const queries: Array<[string, (index: number) => string]> = [
        ['full phone', (index) => pick(sample, index).phone],
        ['phone, last 4', (index) => pick(sample, index).phone.slice(-4)],
        ['ID number', (index) => pick(sample, index).idNumber],
        ['ID number, last 4', (index) => pick(sample, index).idNumber.slice(-4)],
        ['name (full)', (index) => pick(sample, index).name],
        ['platform user id', (index) => pick(sample, index).userId],
        ['loan number', (index) => pick(sample, index).loan],
        ['application number', (index) => pick(applications, index)],
      ];
      const results: Array<{ stats: LatencyStats; target: number }> = [];
      const measure = async (name: string, runs: number, target: number, work: (index: number) => Promise<unknown>) => {
        const stats = await measureLatency(name, runs, work);
        results.push({ stats, target });
        log(formatLatency(stats, target));
      };

      // The bench measures the lookup itself, 300 searches a kind from one operator: past the per-operator throttle.
      identifierSearchLimit.searches = Number.POSITIVE_INFINITY;
      log('-- borrower lookup (borrowers:search, 20 results)');
      for (const [name, query] of queries) await measure(`lookup: ${name}`, 300, 10, (index) => call(backend, context, 'borrowers:search', { query: query(index), limit: 20 }));
      await measure('borrower page (borrowers:get)', 300, 20, (index) => call(backend, context, 'borrowers:get', { id: (index % filled.borrowers) + 1 }));

      log('-- dashboards');
      const institutions = (client.prepare('SELECT id FROM institutions ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);
      await measure('loans dashboard (all)', 200, 100, () => call(backend, context, 'portfolio:loans-dashboard', {}));
      await measure('loans dashboard (one institution)', 200, 100, (index) => call(backend, context, 'portfolio:loans-dashboard', { institutionId: pick(institutions, index) }));
      await measure('lines dashboard (all)', 200, 100, () => call(backend, context, 'portfolio:lines-dashboard', {}));
      await measure('lines dashboard (one institution)', 200, 100, (index) => call(backend, context, 'portfolio:lines-dashboard', { institutionId: pick(institutions, index) }));
      // A disbursement-date scope has no summary: the same figures aggregated live (reported, no target).
      const dated = await measureLatency('loans dashboard (disbursed in 2026, live)', 20, () => call(backend, context, 'portfolio:loans-dashboard', { disbursedFrom: '2026-01-01', disbursedTo: '2026-12-31' }));
      log(formatLatency(dated));

      log('-- list pages (100 rows)');
      const loanPages: Array<[string, Record<string, unknown>]> = [
        ['loans: newest first', {}],
        ['loans: open, M2', { scope: 'open', bucket: 'M2' }],
        ['loans: open, worst DPD first', { scope: 'open', sort: 'dpd' }],
        ['loans: one institution, largest outstanding', { institutionId: institutions[0], sort: 'outstanding' }],
        ['loans: APR over 24%', { scope: 'disbursed', flag: 'apr_warning' }],
        ['loans: disbursed in a month', { disbursedFrom: '2026-06-01', disbursedTo: '2026-06-30' }],
        ['loans: PAR30', { scope: 'open', parDays: 30, sort: 'outstanding' }],
        ['loans: page 500 (offset 50,000)', { offset: 50_000 }],
      ];
      for (const [name, input] of loanPages) await measure(name, 200, 20, () => call(backend, context, 'portfolio:loans-list', { limit: 100, ...input }));
      const linePages: Array<[string, Record<string, unknown>]> = [
        ['lines: newest first', {}],
        ['lines: frozen because of overdue', { flag: 'frozen_overdue' }],
        ['lines: expiring within 30 days', { flag: 'expiring_soon', sort: 'validTo', direction: 'asc' }],
        ['lines: in force, highest utilisation', { inForce: true, sort: 'utilisation' }],
        ['lines: page 300 (offset 30,000)', { offset: 30_000 }],
      ];
      for (const [name, input] of linePages) await measure(name, 200, 20, () => call(backend, context, 'portfolio:lines-list', { limit: 100, ...input }));
      const loanIds = (client.prepare('SELECT id FROM orders ORDER BY id LIMIT 2000').all() as Array<{ id: number }>).map((row) => row.id);
      await measure('loan detail', 300, 20, (index) => call(backend, context, 'portfolio:loan-detail', { id: pick(loanIds, index) }));

      return results.every((result) => result.stats.p95Ms <= result.target);
    } finally {
      await backend.close();
    }
  },
};

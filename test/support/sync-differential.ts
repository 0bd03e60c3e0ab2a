/**
 * The differential check of the sync engine: one data folder syncs a simulator directly, another
 * syncs an identical simulator (same seed, instant and size) that injects faults, while
 * `creditdesk sync` is SIGKILLed at random moments; then both folders are compared row by row on
 * natural keys (institution code, external id, ID number), derived rows included. Used by
 * test/integration/sync-differential.test.ts (one seed, a few kills) and
 * scripts/sync-differential.ts (many seeds, many kills). No vitest here: the script runs it too.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoInstitutions, startSimulator, type RunningSimulator } from '../../src/main/simulator';
import type { FaultConfig, FaultKind } from '../../src/main/simulator/faults';
import { startBackend } from '../../src/main/runtime/backend';
import { listInstitutions } from '../../src/main/repositories/institutions';
import { resetCursors } from '../../src/main/repositories/sync';
import { tempFolders, type TempFolders } from './temp-folders';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const adminPassword = 'differential-admin';

/** Every fault the simulator has, at rates a CLI pass with real retry waits gets through in seconds. */
export const differentialFaults: Partial<FaultConfig> = {
  rate429: 0.02,
  rate5xx: 0.03,
  slow: 0.02,
  slowMs: 50,
  reset: 0.02,
  truncate: 0.02,
  invalid: 0.05,
  duplicate: 0.1,
  outOfOrder: 0.1,
  retryAfterSeconds: 0,
  pageAhead: 0.01,
  cursorRepeat: 0.01,
  cursorCycle: 0.01,
};

export const differentialNow = Date.UTC(2026, 10, 20, 4, 0, 0);

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  kill(): void;
}

/** `creditdesk sync` as its own process (from source through tsx, as a user runs the CLI). */
export function runSync(dataDir: string, pageLimit: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/index.ts', 'sync', '--page-limit', String(pageLimit), '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, CREDITDESK_ADMIN_PASSWORD: adminPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  return {
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, output }))),
    kill: () => child.kill('SIGKILL'),
  };
}

/** A new data folder among `folders`, with the simulator's institutions configured. */
export async function configuredDataDir(sim: RunningSimulator, folders: TempFolders): Promise<string> {
  const dataDir = folders.folder();
  const backend = await startBackend({ dataDir, shell: 'headless', adminPassword, logConsole: 'none' });
  for (const info of sim.institutions) backend.services.institutions.create(null, { code: info.code, name: info.name, baseUrl: info.baseUrl, appId: info.appId, secret: info.secret });
  await backend.close();
  return dataDir;
}

/** Resolves once the child has a pass under way (a 'running' run row), polling its database read-only. */
async function passUnderWay(dataDir: string, child: Child, timeoutMs = 60_000): Promise<boolean> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  const started = Date.now();
  while (!exited && Date.now() - started < timeoutMs) {
    try {
      const db = new Database(path.join(dataDir, 'creditdesk.db'), { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare("SELECT count(*) AS n FROM sync_runs WHERE status = 'running'").get() as { n: number };
        if (row.n > 0) return true;
      } finally {
        db.close();
      }
    } catch {
      // The file or table may not exist yet, or be mid-checkpoint: look again.
    }
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return false;
}

/**
 * `creditdesk sync` on the folder, SIGKILLed: `delayMs()` after its pass is under way (somewhere
 * in it: page writes, cursor saves, derivation, reconciliation, a re-read), else as soon as it is
 * known that no pass started. Whether it was still running when killed, and how it ended.
 */
export async function killedSync(dataDir: string, pageLimit: number, delayMs: () => number): Promise<{ midPass: boolean; outcome: Awaited<Child['exited']> }> {
  const child = runSync(dataDir, pageLimit);
  let midPass = false;
  if (await passUnderWay(dataDir, child)) {
    await new Promise((resolve) => setTimeout(resolve, delayMs()));
    midPass = await Promise.race([child.exited.then(() => false), Promise.resolve(true)]);
  }
  child.kill();
  return { midPass, outcome: await child.exited };
}

const tables = {
  applications: 'external_id, version, remote_updated_at, status, requested_amount_fen, evidence_hash',
  credit_lines: 'external_id, version, remote_updated_at, limit_fen, used_fen, derived_used_fen, derived_available_fen, derived_state, flags',
  orders: 'external_id, version, remote_updated_at, status, principal_fen, apr_nominal_bps, apr_flag, plan_state, plan_mismatch, dpd, bucket, outstanding_principal_fen, delinquency_basis',
  repayment_plans: 'external_id, version, remote_updated_at, order_external_id',
  repayments: 'external_id, version, remote_updated_at, amount_fen',
};

/** Everything that must be equal, keyed by natural keys (our own row ids and timestamps may differ). */
export function snapshot(dataDir: string): Record<string, unknown[]> {
  const db = new Database(path.join(dataDir, 'creditdesk.db'), { readonly: true });
  try {
    const result: Record<string, unknown[]> = {};
    for (const [table, columns] of Object.entries(tables)) {
      result[table] = db.prepare(`SELECT i.code, ${columns.split(', ').map((column) => `t.${column}`).join(', ')} FROM ${table} t JOIN institutions i ON i.id = t.institution_id ORDER BY i.code, t.external_id`).all();
    }
    result.borrowers = db.prepare('SELECT id_number, name, phone, platform_user_id, id_valid FROM borrowers ORDER BY id_number').all();
    result.installments = db
      .prepare('SELECT i.code, p.external_id, s.period, s.due_date, s.principal_fen, s.paid_principal_fen, s.status FROM installments s JOIN repayment_plans p ON p.id = s.plan_id JOIN institutions i ON i.id = p.institution_id ORDER BY 1, 2, 3')
      .all();
    result.findings = db
      .prepare('SELECT i.code, a.external_id, f.code AS finding, f.subject FROM application_findings f JOIN applications a ON a.id = f.application_id JOIN institutions i ON i.id = a.institution_id ORDER BY 1, 2, 3, 4')
      .all();
    result.tasks = db
      .prepare('SELECT i.code, a.external_id, t.queue, t.status, t.finding_codes, t.evidence_hash FROM review_tasks t JOIN applications a ON a.id = t.application_id JOIN institutions i ON i.id = a.institution_id ORDER BY 1, 2, 3')
      .all();
    result.contacts = db.prepare('SELECT a.external_id, c.phone FROM contact_phones c JOIN applications a ON a.id = c.application_id ORDER BY 1, 2').all();
    result.lineHistory = db
      .prepare('SELECT l.external_id, h.version, h.changes FROM credit_line_history h JOIN credit_lines l ON l.id = h.credit_line_id ORDER BY 1, 2')
      .all();
    result.reconciliations = db.prepare('SELECT i.code, r.resource, r.local_total, r.remote_total, r.matched FROM reconciliations r JOIN institutions i ON i.id = r.institution_id ORDER BY 1, 2').all();
    return result;
  } finally {
    db.close();
  }
}

export interface Comparison {
  /** Rows compared (in the direct folder). */
  rows: number;
  /** Rows of one folder not found, identical, in the other: "table: missing|extra row". */
  mismatches: string[];
}

/** Row-by-row comparison of two snapshots; a row that differs shows as one missing and one extra. */
export function compareSnapshots(expected: Record<string, unknown[]>, actual: Record<string, unknown[]>): Comparison {
  const mismatches: string[] = [];
  let rows = 0;
  for (const table of Object.keys(expected)) {
    const want = (expected[table] ?? []).map((row) => JSON.stringify(row));
    const have = (actual[table] ?? []).map((row) => JSON.stringify(row));
    rows += want.length;
    const counts = new Map<string, number>();
    for (const row of have) counts.set(row, (counts.get(row) ?? 0) + 1);
    for (const row of want) {
      const left = counts.get(row) ?? 0;
      if (left === 0) mismatches.push(`${table}: missing ${row}`);
      else counts.set(row, left - 1);
    }
    for (const [row, left] of counts) for (let index = 0; index < left; index++) mismatches.push(`${table}: extra ${row}`);
  }
  return { rows, mismatches };
}

/** A small seeded generator for kill moments (the simulator's Rng is for data). */
function randomFrom(seed: string): () => number {
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DifferentialOptions {
  seed: string;
  borrowers: number;
  /** SIGKILLs of `creditdesk sync` to attempt, each at a random moment of a pass. */
  kills: number;
  /** Longest wait after a pass is seen under way before the kill. */
  maxKillDelayMs?: number;
  pageLimit?: number;
  faults?: Partial<FaultConfig>;
  /** Runs after the kills, until one exits 0 (a cursor fault or a re-read that met a skip makes another pass needed). */
  maxFinalRuns?: number;
  /**
   * The institutions change between kill rounds: after each round the faulty folder syncs until a
   * run exits 0, the direct folder reads everything again from the start (its cursors dropped, so
   * no skip can reach it), and both simulators tick by `days` (identically), with one server
   * node's clock `clockAheadMs` ahead stamping a share `clockAhead` of the changes (simulator
   * fault clockAhead): changes land behind cursors the faulty folder holds. Both folders see the
   * same states of the institutions, so what the desk keeps of their history (review tasks opened
   * and closed, a line's versions) is compared too.
   */
  ticks?: { days: number; clockAhead: number; clockAheadMs: number };
  log?: (line: string) => void;
  /** Keeps both data folders and writes the faulty simulator's fault report and the mismatches (faults.json) into the faulty one, for analysis. */
  keep?: boolean;
}

export interface DifferentialResult {
  seed: string;
  /** Kills that landed while a pass was under way. */
  killedMidPass: number;
  /** `creditdesk sync` runs after the kills until one exited 0 (with ticks: after each round's kill). */
  finalRuns: number;
  converged: boolean;
  rows: number;
  mismatches: string[];
  faults: Record<FaultKind, number>;
  /** Ticks (each kill round) and, of their changes, those stamped behind what was served (clockAhead). */
  ticks: number;
  seconds: number;
  /** With `keep`: the direct and the faulty data folder. */
  folders?: { direct: string; faulty: string };
}

/** One differential run: direct folder, faulty folder with kills, then the comparison. */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const pageLimit = options.pageLimit ?? 100;
  const random = randomFrom(`kills:${options.seed}`);
  // The clock fault is the institution's (what it stores), so both simulators have it; the direct folder reads after the last tick, from the start.
  const clock = options.ticks === undefined ? {} : { clockAhead: options.ticks.clockAhead, clockAheadMs: options.ticks.clockAheadMs };
  const simulator = (faults: Partial<FaultConfig>) =>
    startSimulator({ institutions: demoInstitutions(options.seed), seed: options.seed, borrowers: options.borrowers, now: differentialNow, faults: { ...faults, ...clock }, faultSeed: `faults:${options.seed}` });
  const direct = await simulator({});
  const faulty = await simulator(options.faults ?? differentialFaults);
  const directFolders = tempFolders('creditdesk-direct-');
  const faultyFolders = tempFolders('creditdesk-faulty-');
  try {
    const directDir = await configuredDataDir(direct, directFolders);
    const faultyDir = await configuredDataDir(faulty, faultyFolders);
    // The direct folder is synced in-process (the same engine; a process start costs seconds).
    const syncDirect = async () => {
      const backend = await startBackend({ dataDir: directDir, shell: 'headless', adminPassword, logConsole: 'none', sync: { pageLimit } });
      try {
        if (options.ticks !== undefined) for (const row of listInstitutions(backend.db)) resetCursors(backend.db, row.id);
        const results = await backend.services.sync.runOnce({ trigger: 'cli' });
        const failed = results.filter((result) => result.status !== 'succeeded');
        if (failed.length > 0) throw new Error(`the direct sync did not succeed: ${failed.map((result) => `${result.code} ${result.status} ${result.error ?? ''}`).join('; ')}`);
      } finally {
        await backend.close();
      }
    };
    if (options.ticks === undefined) await syncDirect();

    /** `creditdesk sync` on the faulty folder until one run exits 0. */
    const converge = async (): Promise<{ runs: number; converged: boolean }> => {
      for (let runs = 1; runs <= (options.maxFinalRuns ?? 12); runs++) {
        const outcome = await runSync(faultyDir, pageLimit).exited;
        if (outcome.code === 0) return { runs, converged: true };
        log(`  final run ${runs}: exit ${outcome.code}: ${outcome.output.split('\n').filter((line) => /incomplete|failed|problem/.test(line)).slice(0, 4).join(' | ')}`);
      }
      return { runs: options.maxFinalRuns ?? 12, converged: false };
    };
    let finalRuns = 0;
    let killedMidPass = 0;
    for (let round = 0; round < options.kills; round++) {
      const { midPass, outcome } = await killedSync(faultyDir, pageLimit, () => Math.floor(random() * (options.maxKillDelayMs ?? 3000)));
      if (midPass) killedMidPass++;
      log(`  kill ${round + 1}: ${outcome.signal ?? `exit ${outcome.code}`}`);
      if (options.ticks !== undefined) {
        const round = await converge();
        finalRuns += round.runs;
        if (!round.converged) break;
        await syncDirect();
        direct.admin.tick({ days: options.ticks.days });
        faulty.admin.tick({ days: options.ticks.days });
      }
    }
    if (options.ticks !== undefined) await syncDirect();
    const last = await converge();
    finalRuns += last.runs;
    const converged = last.converged;
    const { rows, mismatches } = compareSnapshots(snapshot(directDir), snapshot(faultyDir));
    const report = faulty.admin.injectedFaults();
    if (options.keep === true) writeFileSync(path.join(faultyDir, 'faults.json'), JSON.stringify({ ...report, mismatches }));
    const kept = options.keep === true ? { folders: { direct: directDir, faulty: faultyDir } } : {};
    return { seed: options.seed, killedMidPass, finalRuns, converged, rows, mismatches, faults: { ...report.counts }, ticks: options.ticks === undefined ? 0 : options.kills, seconds: (Date.now() - started) / 1000, ...kept };
  } finally {
    await direct.close();
    await faulty.close();
    if (options.keep !== true) {
      directFolders.removeAll();
      faultyFolders.removeAll();
    }
  }
}

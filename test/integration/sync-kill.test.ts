/**
 * Crash safety: `creditdesk sync` is SIGKILLed at random moments during its passes, several
 * times, then run to the end; the database must equal the one an uninterrupted sync produced.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, demoInstitutions, type RunningSimulator } from '../../src/main/simulator';
import { startBackend } from '../../src/main/runtime/backend';
import { tempDir } from '../support/backend';
import { simulatedNow } from './sync-support';

const root = path.resolve(__dirname, '../..');
let sim: RunningSimulator;
const folders: Array<{ dir: string; remove(): void }> = [];

beforeAll(async () => {
  sim = await startSimulator({ institutions: demoInstitutions('kill-test'), seed: 'kill-test', borrowers: 200, now: simulatedNow, faults: { duplicate: 0.1, outOfOrder: 0.1 } });
});
afterAll(async () => {
  await sim.close();
  for (const folder of folders) folder.remove();
});

async function configuredDataDir(): Promise<string> {
  const folder = tempDir('creditdesk-kill-');
  folders.push(folder);
  const backend = await startBackend({ dataDir: folder.dir, shell: 'headless', adminPassword: 'kill-test-admin', logConsole: 'none' });
  for (const info of sim.institutions) backend.services.institutions.create(null, { code: info.code, name: info.name, baseUrl: info.baseUrl, appId: info.appId, secret: info.secret });
  await backend.close();
  return folder.dir;
}

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  kill(): void;
}

function runSync(dataDir: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/index.ts', 'sync', '--page-limit', '20', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, CREDITDESK_ADMIN_PASSWORD: 'kill-test-admin' },
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

const tables = {
  applications: 'external_id, version, remote_updated_at, status, requested_amount_fen, evidence_hash',
  credit_lines: 'external_id, version, remote_updated_at, limit_fen, used_fen, derived_used_fen, derived_available_fen, derived_state, flags',
  orders: 'external_id, version, remote_updated_at, status, principal_fen, apr_nominal_bps, apr_flag, plan_state, plan_mismatch, dpd, bucket, outstanding_principal_fen, delinquency_basis',
  repayment_plans: 'external_id, version, remote_updated_at, order_external_id',
  repayments: 'external_id, version, remote_updated_at, amount_fen',
};

/** Everything that must be equal, keyed by institution code (ids and timestamps of our own may differ). */
function snapshot(dataDir: string): Record<string, unknown[]> {
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

describe('creditdesk sync killed with SIGKILL', () => {
  it('ends, after restarts, with exactly the database an uninterrupted sync produces', { timeout: 240_000 }, async () => {
    const uninterrupted = await configuredDataDir();
    const reference = await runSync(uninterrupted).exited;
    expect(reference.code, reference.output).toBe(0);
    const expected = snapshot(uninterrupted);
    expect((expected.orders ?? []).length).toBeGreaterThan(100);

    const killed = await configuredDataDir();
    let killedMidPass = 0;
    for (let round = 0; round < 4; round++) {
      const child = runSync(killed);
      if (await passUnderWay(killed, child)) {
        // Somewhere in the pass: page writes, cursor saves, derivation, reconciliation.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 1500)));
        const stillRunning = await Promise.race([child.exited.then(() => false), Promise.resolve(true)]);
        child.kill();
        if (stillRunning) killedMidPass++;
      } else {
        child.kill();
      }
      const outcome = await child.exited;
      expect(outcome.signal === 'SIGKILL' || outcome.code === 0, outcome.output).toBe(true);
    }
    expect(killedMidPass).toBeGreaterThanOrEqual(3);

    const final = await runSync(killed).exited;
    expect(final.code, final.output).toBe(0);
    const actual = snapshot(killed);
    for (const key of Object.keys(expected)) expect(actual[key], key).toEqual(expected[key]);
  });
});

/**
 * `serve --demo` restarted on the same data folder: the demo institutions must be the same ones
 * the database synced and delivered decisions to (same records, the decisions they took, the same
 * address), not a new generation that forgot them. Before they were kept in the data folder, the
 * pass after a restart came back incomplete (the institution had the rejected application in
 * MANUAL_REVIEW again) and the base URLs moved to a new port.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../src/shared/rpc/errors';
import type { CallContext } from '../../src/main/core/actor';
import { startBackend, type Backend } from '../../src/main/runtime/backend';
import { startBackgroundWork, startDemo } from '../../src/main/runtime/background-work';
import { ManualClock, operatorContext, signedInContext, testOperatorPassword } from '../support/backend';
import { tempFolders } from '../support/temp-folders';

const folders = tempFolders('creditdesk-demo-restart-');
afterAll(() => folders.removeAll());

const syncedTables = ['applications', 'credit_lines', 'orders', 'repayment_plans', 'repayments'] as const;

/** The demo back end as `serve --demo` starts it: the demo institutions started, configured and synced in the background. */
async function demoBackend(dataDir: string, clock: ManualClock): Promise<Backend> {
  const backend = await startBackend({ dataDir, shell: 'headless', clock, adminPassword: 'demo-admin-password', logConsole: 'none', sync: { pageLimit: 500 } });
  await startBackgroundWork(backend, { demo: true });
  return backend;
}

function sql<T>(backend: Backend, text: string, ...params: unknown[]): T[] {
  return backend.db.$client.prepare(text).all(...params) as T[];
}

/** Every synced record, as `table institution external-id version status`, in one sorted list. */
function syncedRecords(backend: Backend): string[] {
  const lines: string[] = [];
  for (const table of syncedTables) {
    const status = table === 'repayment_plans' || table === 'repayments' ? `''` : 'status';
    for (const row of sql<{ code: string; externalId: string; version: number; status: string }>(
      backend,
      `SELECT i.code AS code, r.external_id AS externalId, r.version AS version, ${status} AS status FROM ${table} r JOIN institutions i ON i.id = r.institution_id`,
    )) {
      lines.push(`${table} ${row.code} ${row.externalId} ${row.version} ${row.status}`);
    }
  }
  return lines.sort();
}

async function call<T>(backend: Backend, context: CallContext, channel: string, input: unknown): Promise<T> {
  const result = (await backend.router.call(channel, input, context)) as Envelope<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data;
}

/** Claims the next task of any queue and rejects it; returns the application's external id. */
async function rejectNextTask(backend: Backend, reviewer: CallContext): Promise<string> {
  for (const queue of ['face', 'contacts', 'ocr'] as const) {
    const { taskId } = await call<{ taskId: number | null }>(backend, reviewer, 'review:next', { queue });
    if (taskId === null) continue;
    const detail = await call<{ task: { evidenceHash: string }; reasonCodes: Array<{ code: string; action: string }> }>(backend, reviewer, 'review:task', { taskId });
    const reason = detail.reasonCodes.find((code) => code.action === 'reject');
    await call(backend, reviewer, 'review:decide', { taskId, action: 'reject', reasonCode: reason?.code, evidenceHash: detail.task.evidenceHash });
    const [row] = sql<{ externalId: string }>(backend, 'SELECT a.external_id AS externalId FROM review_tasks t JOIN applications a ON a.id = t.application_id WHERE t.id = ?', taskId);
    if (row === undefined) throw new Error(`no application behind task ${taskId}`);
    return row.externalId;
  }
  throw new Error('the demo institutions gave no application to review');
}

function outboxStates(backend: Backend): Array<{ subject: string; state: string; lastError: string | null }> {
  return sql(backend, 'SELECT subject_id AS subject, state, last_error AS lastError FROM outbox ORDER BY id');
}

async function waitDelivered(backend: Backend, count: number): Promise<void> {
  await vi.waitFor(
    () => {
      const states = outboxStates(backend);
      expect(states).toHaveLength(count);
      expect(states.every((row) => row.state === 'delivered')).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
}

describe('the demo institutions across a restart of the demo back end', () => {
  it('keep their records, their decisions and their address: syncing again finds no change, no quarantine, no failed delivery', { timeout: 240_000 }, async () => {
    const dataDir = folders.folder();
    const clock = new ManualClock(Date.UTC(2026, 11, 7, 4, 0, 0));

    const first = await demoBackend(dataDir, clock);
    let before: string[];
    let decided: string;
    let baseUrls: string[];
    try {
      const passes = await first.services.sync.runOnce({ trigger: 'manual' });
      expect(passes.map((pass) => pass.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const reviewer = await operatorContext(first, 'wang', 'reviewer');
      decided = await rejectNextTask(first, reviewer);
      await waitDelivered(first, 1);
      // The institution's answer comes back with the next pass: the application is rejected here too.
      await first.services.sync.runOnce({ trigger: 'manual' });
      expect(sql<{ status: string }>(first, 'SELECT status FROM applications WHERE external_id = ?', decided)).toEqual([{ status: 'REJECTED' }]);
      before = syncedRecords(first);
      baseUrls = first.services.institutions.list().map((institution) => institution.baseUrl);
    } finally {
      await first.close();
    }

    const second = await demoBackend(dataDir, clock);
    try {
      const passes = await second.services.sync.runOnce({ trigger: 'manual' });
      expect(passes.map((pass) => pass.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(passes.flatMap((pass) => pass.reconciliation).filter((entry) => !entry.matched)).toEqual([]);
      expect(passes.flatMap((pass) => pass.problems)).toEqual([]);
      // Nothing changed at the institutions, so nothing changed here: same records, same versions, nothing new.
      for (const pass of passes) for (const stats of Object.values(pass.resources)) expect(stats?.upserted ?? 0).toBe(0);
      expect(syncedRecords(second)).toEqual(before);
      expect(sql<{ n: number }>(second, 'SELECT count(*) AS n FROM quarantine')[0]?.n).toBe(0);
      // At the same address: the stored base URLs (and the secrets sealed with them) still hold.
      expect(second.services.institutions.list().map((institution) => institution.baseUrl)).toEqual(baseUrls);

      // A decision taken after the restart reaches an institution that still knows the application.
      const reviewer = await signedInContext(second, 'wang', testOperatorPassword);
      const next = await rejectNextTask(second, reviewer);
      expect(next).not.toBe(decided);
      await waitDelivered(second, 2);
      expect(outboxStates(second).map((row) => row.lastError)).toEqual([null, null]);
      await second.services.sync.runOnce({ trigger: 'manual' });
      expect(sql<{ status: string }>(second, 'SELECT status FROM applications WHERE external_id IN (?, ?) ORDER BY external_id', decided, next)).toEqual([
        { status: 'REJECTED' },
        { status: 'REJECTED' },
      ]);
      expect(sql<{ n: number }>(second, 'SELECT count(*) AS n FROM quarantine')[0]?.n).toBe(0);

      // A second process on the folder cannot start the same institutions beside these.
      const other = await startBackend({ dataDir, shell: 'headless', clock, adminPassword: 'demo-admin-password', logConsole: 'none' });
      try {
        await expect(startDemo(other, null)).rejects.toMatchObject({ code: 'CONFLICT' });
      } finally {
        await other.close();
      }
    } finally {
      await second.close();
    }

    // Started again a day later: the institutions lived on meanwhile. The pass brings that day's
    // changes and still agrees with them, quarantines nothing, and the decisions stand.
    clock.advance(86_400_000);
    const third = await demoBackend(dataDir, clock);
    try {
      const passes = await third.services.sync.runOnce({ trigger: 'manual' });
      expect(passes.map((pass) => pass.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(passes.flatMap((pass) => pass.reconciliation).filter((entry) => !entry.matched)).toEqual([]);
      expect(passes.flatMap((pass) => Object.values(pass.resources)).reduce((sum, stats) => sum + (stats?.upserted ?? 0), 0)).toBeGreaterThan(0);
      expect(sql<{ n: number }>(third, 'SELECT count(*) AS n FROM quarantine')[0]?.n).toBe(0);
      expect(sql<{ n: number }>(third, "SELECT count(*) AS n FROM applications WHERE status = 'REJECTED' AND external_id = ?", decided)[0]?.n).toBe(1);
      expect(outboxStates(third).map((row) => row.state)).toEqual(['delivered', 'delivered']);
    } finally {
      await third.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, createTestBackend, operatorContext } from '../../../test/support/backend';
import { findMigrationsFolder, openDatabase, type Db } from '../db/connection';
import type { Backend } from '../runtime/backend';
import { createAuditRecorder } from './recorder';
import { createRefusalSummaries } from './refusals';
import { verifyAuditChain } from './verify';

const backends: Array<Backend & { cleanup(): Promise<void> }> = [];
afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.cleanup();
});

async function started(clock: ManualClock) {
  const backend = await createTestBackend({ clock });
  backends.push(backend);
  return backend;
}

interface Refusal {
  targetId: string;
  details: Record<string, unknown>;
}

function refusals(db: Db, operator: string): Refusal[] {
  return db.$client
    .prepare("SELECT target_id AS targetId, details FROM audit_log WHERE action = 'access.refused' AND operator_name = ? ORDER BY id")
    .all(operator)
    .map((row) => {
      const { targetId, details } = row as { targetId: string; details: string };
      return { targetId, details: JSON.parse(details) as Record<string, unknown> };
    });
}

/** A row without a count is one refusal; a summary row carries how many repeats it stands for. */
function total(rows: Refusal[]): number {
  return rows.reduce((sum, row) => sum + (typeof row.details.count === 'number' ? row.details.count : 1), 0);
}

const exportCall = { report: 'portfolio', filter: { from: '2026-11-01', to: '2026-11-30' }, format: 'csv' } as const;

describe('refused calls in the audit log are summed per window', () => {
  it('records a reviewer calling a forbidden channel 1,000 times in a few rows that count 1,000, and the chain holds', async () => {
    const clock = new ManualClock();
    const backend = await started(clock);
    const reviewer = await operatorContext(backend, 'rhea', 'reviewer');
    const startedAt = clock.now();

    expect(await backend.router.call('reports:export', exportCall, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // A single refusal is evidence at once, as before.
    expect(refusals(backend.db, 'rhea')).toEqual([{ targetId: 'reports:export', details: { permission: 'reports:export', via: 'test' } }]);

    for (let call = 1; call < 1000; call++) {
      clock.advance(10);
      expect(await backend.router.call('reports:export', exportCall, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(refusals(backend.db, 'rhea')).toHaveLength(1);

    // The window passes: the next refusal writes the summary of the repeats and is recorded at once itself.
    clock.advance(60_000);
    await backend.router.call('reports:export', exportCall, reviewer);
    const rows = refusals(backend.db, 'rhea');
    expect(rows).toEqual([
      { targetId: 'reports:export', details: { permission: 'reports:export', via: 'test' } },
      { targetId: 'reports:export', details: { permission: 'reports:export', via: 'test', count: 999, from: startedAt + 10, to: startedAt + 9990 } },
      { targetId: 'reports:export', details: { permission: 'reports:export', via: 'test' } },
    ]);
    expect(total(rows)).toBe(1001);
    expect(verifyAuditChain(backend.db, { key: backend.auditKey })).toMatchObject({ ok: true });
  });

  it('writes the repeats still counting at shutdown', async () => {
    const clock = new ManualClock();
    const backend = await started(clock);
    const reviewer = await operatorContext(backend, 'remy', 'reviewer');
    for (let call = 0; call < 1000; call++) {
      clock.advance(10);
      await backend.router.call('reports:export', exportCall, reviewer);
    }
    // A different forbidden channel is its own refusal, recorded at once.
    await backend.router.call('users:list', {}, reviewer);
    expect(refusals(backend.db, 'remy').map((row) => row.targetId)).toEqual(['reports:export', 'users:list']);

    await backend.close();
    const db = openDatabase({ file: backend.paths.database, migrationsFolder: findMigrationsFolder(), readonly: true });
    try {
      const rows = refusals(db, 'remy');
      expect(rows.map((row) => row.targetId)).toEqual(['reports:export', 'users:list', 'reports:export']);
      expect(total(rows.filter((row) => row.targetId === 'reports:export'))).toBe(1000);
      expect(verifyAuditChain(db, { key: backend.auditKey })).toMatchObject({ ok: true });
    } finally {
      db.$client.close();
    }
  });

  it('caps the different refusals one operator has written at once; cycling through task ids is counted in one row', async () => {
    const clock = new ManualClock();
    const backend = await started(clock);
    const summaries = createRefusalSummaries({ db: backend.db, clock, recorder: createAuditRecorder(clock, backend.auditKey), windowMs: 60_000, perOperator: 20 });
    const actor = { id: 4242, username: 'rowan' };
    const startedAt = clock.now();
    for (let task = 1; task <= 500; task++) {
      clock.advance(10);
      summaries.recorder.record(backend.db, actor, 'access.refused', { type: 'review_task', id: task }, { reason: 'not_held', field: 'phone' });
    }
    expect(refusals(backend.db, 'rowan')).toHaveLength(20);
    summaries.flush();
    const rows = refusals(backend.db, 'rowan');
    expect(rows).toHaveLength(21);
    expect(rows[20]).toEqual({ targetId: '*', details: { overflow: true, count: 480, from: startedAt + 210, to: startedAt + 5000 } });
    expect(total(rows)).toBe(500);
    expect(summaries.pendingCount).toBe(0);
    expect(verifyAuditChain(backend.db, { key: backend.auditKey })).toMatchObject({ ok: true });
  });
});

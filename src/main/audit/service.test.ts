import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import type { AuditEntry } from '../../shared/contracts/audit';
import type { Envelope } from '../../shared/rpc/errors';
import { appendAudit } from '../repositories/audit';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let supervisor: CallContext;
// 2026-11-25 10:00 in Shanghai.
const start = Date.UTC(2026, 10, 25, 2, 0, 0);

beforeEach(async () => {
  clock = new ManualClock(start);
  backend = await createTestBackend({ clock });
  supervisor = await operatorContext(backend, 'zhou', 'supervisor');
});
afterEach(async () => backend.cleanup());

type Page = { entries: AuditEntry[]; next: { at: number; id: number } | null; total: number };

async function list(input: unknown, context = supervisor): Promise<Page> {
  const result = (await backend.router.call('audit:list', input, context)) as Envelope<Page>;
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

function entry(at: number, operatorName: string | null, action: string, targetType: string | null = null, targetId: string | null = null): void {
  appendAudit(backend.db, backend.auditKey, { at, operatorId: null, operatorName, action, targetType, targetId, details: { note: action } });
}

describe('audit browsing', () => {
  it('filters by operator, action family, target and Shanghai dates, newest first', async () => {
    // 2026-11-26 01:00 in Shanghai is still 2026-11-25 in UTC: the day boundary is Shanghai's.
    entry(Date.UTC(2026, 10, 25, 17, 0), 'li', 'review.decided', 'review_task', '7');
    entry(Date.UTC(2026, 10, 25, 3, 0), 'li', 'review.assigned', 'review_task', '7');
    entry(Date.UTC(2026, 10, 25, 4, 0), 'wang', 'review.decided', 'review_task', '8');
    entry(Date.UTC(2026, 10, 25, 5, 0), 'wang', 'users.updated', 'operator', '3');

    const byOperator = await list({ filter: { operator: 'li' } });
    expect(byOperator.entries.map((row) => row.action)).toEqual(['review.decided', 'review.assigned']);
    const family = await list({ filter: { action: 'review.' } });
    expect(family.total).toBe(3);
    const exact = await list({ filter: { action: 'review.decided' } });
    expect(exact.entries.map((row) => row.operatorName)).toEqual(['li', 'wang']);
    const target = await list({ filter: { targetType: 'review_task', targetId: '7' } });
    expect(target.entries.map((row) => row.action)).toEqual(['review.decided', 'review.assigned']);
    const day = await list({ filter: { from: '2026-11-25', to: '2026-11-25', operator: 'li' } });
    expect(day.entries.map((row) => row.action)).toEqual(['review.assigned']);
    const nextDay = await list({ filter: { from: '2026-11-26', to: '2026-11-26' } });
    expect(nextDay.entries.map((row) => row.action)).toEqual(['review.decided']);
    expect(byOperator.entries[0]?.details).toEqual({ note: 'review.decided' });
  });

  it('pages by keyset without repeating or skipping an entry', async () => {
    for (let index = 0; index < 23; index++) entry(start + Math.floor(index / 3) * 1000, 'bulk', 'system.bulk', 'thing', String(index));
    const seen: string[] = [];
    let after: Page['next'] | undefined;
    let pages = 0;
    do {
      const page = await list({ filter: { operator: 'bulk' }, limit: 5, after: after ?? undefined });
      seen.push(...page.entries.map((row) => row.targetId as string));
      expect(page.total).toBe(23);
      after = page.next;
      pages++;
    } while (after);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect(seen[0]).toBe('22');
  });

  it('is for audit:view holders only and refuses bad filters before they reach SQL', async () => {
    const reviewer = await operatorContext(backend, 'wu', 'reviewer');
    expect(await backend.router.call('audit:list', {}, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await backend.router.call('audit:list', { filter: { action: "x' OR 1=1" } }, supervisor)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await backend.router.call('audit:list', { filter: { from: '2026-11-26', to: '2026-11-25' } }, supervisor)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('walks an index for each filter (EXPLAIN QUERY PLAN)', () => {
    const plan = (where: string) =>
      (backend.db.$client.prepare(`EXPLAIN QUERY PLAN SELECT * FROM audit_log WHERE ${where} ORDER BY at DESC, id DESC LIMIT 50`).all() as Array<{ detail: string }>)
        .map((row) => row.detail)
        .join(' | ');
    expect(plan("operator_name = 'li'")).toContain('audit_log_operator_idx');
    expect(plan("action >= 'review.' AND action < 'review/'")).toContain('audit_log_action_idx');
    expect(plan("target_type = 'review_task' AND target_id = '7'")).toContain('audit_log_target_idx');
    expect(plan('at >= 0 AND at < 99999999999999')).toContain('audit_log_at_idx');
    expect(plan("operator_name = 'li'")).not.toContain('TEMP B-TREE');
  });
});

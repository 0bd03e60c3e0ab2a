import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, operatorContext } from '../../../test/support/backend';
import type { Backend } from '../runtime/backend';

let backend: Backend & { cleanup(): Promise<void> };
beforeAll(async () => {
  backend = await createTestBackend();
});
afterAll(async () => {
  await backend.cleanup();
});

function refusals(operator: string) {
  return backend.db.$client
    .prepare("SELECT operator_name AS operator, target_type AS targetType, target_id AS targetId, details FROM audit_log WHERE action = 'access.refused' AND operator_name = ? ORDER BY id")
    .all(operator)
    .map((row) => {
      const { details, ...rest } = row as { operator: string; targetType: string; targetId: string; details: string };
      return { ...rest, details: JSON.parse(details) as Record<string, unknown> };
    });
}

describe('refused attempts in the audit log', () => {
  it('records a reviewer trying to export a report', async () => {
    const reviewer = await operatorContext(backend, 'rena', 'reviewer');
    const result = await backend.router.call('reports:export', { report: 'portfolio', filter: { from: '2026-11-01', to: '2026-11-30' }, format: 'csv' }, reviewer);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(refusals('rena')).toEqual([{ operator: 'rena', targetType: 'channel', targetId: 'reports:export', details: { permission: 'reports:export', via: 'test' } }]);
  });

  it('records a supervisor asking for personal data in clear', async () => {
    const supervisor = await operatorContext(backend, 'sven', 'supervisor');
    const result = await backend.router.call('reports:export', { report: 'portfolio', filter: { from: '2026-11-01', to: '2026-11-30' }, format: 'csv', clear: true }, supervisor);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(refusals('sven')).toEqual([
      { operator: 'sven', targetType: 'export-request', targetId: 'portfolio', details: { kind: 'portfolio', format: 'csv', clear: true, permission: 'pii:export-clear' } },
    ]);
  });

  it('does not record calls that were allowed', async () => {
    const supervisor = await operatorContext(backend, 'sam', 'supervisor');
    expect((await backend.router.call('audit:actions', {}, supervisor)).ok).toBe(true);
    expect(refusals('sam')).toEqual([]);
  });
});

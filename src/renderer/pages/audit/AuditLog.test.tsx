// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../../shared/contracts/audit';
import type * as clientModule from '../../api/client';
import { rpc } from '../../api/client';
import { renderWithProviders } from '../../testing';
import { AuditLog } from './AuditLog';

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof clientModule>()), rpc: vi.fn() }));
vi.mock('../../auth/SessionProvider', () => ({ useSession: () => ({ can: () => true }) }));

afterEach(() => {
  cleanup();
  vi.mocked(rpc).mockReset();
});

const at = Date.UTC(2026, 11, 7, 14, 46);
const entries: AuditEntry[] = [
  { id: 3, at, operatorId: 4, operatorName: 'zhao', action: 'review.claim-released', targetType: 'review_task', targetId: '6', details: { note: '午休' }, hash: 'c' },
  { id: 2, at, operatorId: 2, operatorName: 'wang', action: 'review.decided', targetType: 'review_task', targetId: '40', details: {}, hash: 'b' },
  { id: 1, at, operatorId: 1, operatorName: 'admin', action: 'auth.sign-in', targetType: 'session', targetId: '7', details: {}, hash: 'a' },
];

function answer(channel: string): unknown {
  if (channel === 'audit:actions') return ['auth.sign-in', 'review.claim-released', 'review.decided', 'some.future-action'];
  if (channel === 'audit:list') return { entries, next: null, total: entries.length };
  throw new Error(channel);
}

describe('the audit log', () => {
  it('names each action and target in the operator’s language, the action’s code kept on hover and for filtering', async () => {
    vi.mocked(rpc).mockImplementation(async (channel) => answer(channel) as never);
    renderWithProviders(<AuditLog />);
    const table = await screen.findByTestId('audit-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]?.textContent).toContain('释放他人领取');
    expect(rows[0]?.textContent).toContain('审核任务 6');
    expect(rows[1]?.textContent).toContain('审核决定');
    expect(rows[2]?.textContent).toContain('登录');
    expect(rows[2]?.textContent).toContain('会话 7');
    expect(table.textContent).not.toMatch(/auth\.sign-in|review\.decided|review_task|session/);
    expect(within(rows[2] as HTMLElement).getByTitle('auth.sign-in').textContent).toBe('登录');
  });

  it('and in English', async () => {
    vi.mocked(rpc).mockImplementation(async (channel) => answer(channel) as never);
    renderWithProviders(<AuditLog />, { locale: 'en' });
    const table = await screen.findByTestId('audit-table');
    expect(table.textContent).toContain('Claim released');
    expect(table.textContent).toContain('review task 40');
    expect(table.textContent).toContain('Signed in');
  });
});

// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncProblem } from '../../../shared/contracts/sync';
import { renderWithProviders } from '../../testing';
import { SyncProblems } from './SyncProblems';

afterEach(cleanup);

const unreconciled = (overrides: Partial<Extract<SyncProblem, { kind: 'unreconciled' }>>): SyncProblem => ({
  resource: 'repayments',
  kind: 'unreconciled',
  remoteTotal: 1000,
  localTotal: 1000,
  quarantinedOnly: 0,
  unexplained: 0,
  statuses: [],
  amounts: [],
  rereads: 1,
  nextRereadAt: null,
  ...overrides,
});

describe('SyncProblems', () => {
  it('says records are missing here, with the numbers', () => {
    renderWithProviders(<SyncProblems problems={[unreconciled({ remoteTotal: 1012, localTotal: 1000, quarantinedOnly: 2, unexplained: 10 })]} />, { locale: 'en' });
    expect(screen.getByTestId('sync-problems').textContent).toContain('1,012 at the institution, 1,000 here, 2 explained by quarantine, 10 unexplained');
  });

  it('says the desk holds more than the institution serves (deleted upstream) and that nothing here was deleted, in both languages', () => {
    const problems = [unreconciled({ remoteTotal: 997, localTotal: 1000, unexplained: -3, rereads: 0 })];
    renderWithProviders(<SyncProblems problems={problems} />, { locale: 'en' });
    let text = screen.getByTestId('sync-problems').textContent ?? '';
    expect(text).toContain('1,000 here, only 997 served by the institution, 3 more here');
    expect(text).toContain('Nothing here was deleted');
    expect(text).not.toContain('-3');
    // The re-read note sits under the list: no re-read runs for a surplus, and none is promised.
    expect(document.body.textContent).toContain('Not re-read: a re-read only brings back what the institution serves');
    cleanup();
    renderWithProviders(<SyncProblems problems={problems} />, { locale: 'zh-CN' });
    text = screen.getByTestId('sync-problems').textContent ?? '';
    expect(text).toContain('本地 1,000 条，机构只提供 997 条，本地多出 3 条');
    expect(text).toContain('未作删除');
    expect(text).not.toContain('-3');
    expect(document.body.textContent).toContain('不做全量重读');
    expect(document.body.textContent).not.toContain('尚未全量重读');
  });

  it('names the statuses that differ in the operator\'s language, a status outside v1 as the institution sent it', () => {
    const problems = [
      unreconciled({
        resource: 'orders',
        remoteTotal: 550,
        localTotal: 553,
        unexplained: -3,
        statuses: [
          { status: 'AUDIT_NO_PASS', local: 19, remote: 18 },
          { status: 'WRITTEN_OFF', local: 0, remote: 2 },
        ],
      }),
      unreconciled({ resource: 'credit-lines', remoteTotal: 10, localTotal: 9, unexplained: 1, statuses: [{ status: 'frozen', local: 3, remote: 4 }] }),
    ];
    renderWithProviders(<SyncProblems problems={problems} />, { locale: 'zh-CN' });
    let text = screen.getByTestId('sync-problems').textContent ?? '';
    expect(text).toContain('审核拒绝：本地 19 / 机构 18');
    expect(text).toContain('冻结：本地 3 / 机构 4');
    expect(text).toContain('WRITTEN_OFF：本地 0 / 机构 2');
    expect(text).not.toContain('AUDIT_NO_PASS');
    cleanup();
    renderWithProviders(<SyncProblems problems={problems} />, { locale: 'en' });
    text = screen.getByTestId('sync-problems').textContent ?? '';
    expect(text).toContain('Refused: 19 here / 18 there');
    expect(text).toContain('Frozen: 3 here / 4 there');
    expect(text).not.toContain('AUDIT_NO_PASS');
  });
});

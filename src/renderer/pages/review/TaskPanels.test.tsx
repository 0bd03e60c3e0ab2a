// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../../shared/contracts/review';
import { renderWithProviders } from '../../testing';
import { HistoryPanel, TimelinePanel } from './TaskPanels';

afterEach(cleanup);

const yuanshan = { id: 2, code: 'YUANSHAN', name: '远山小额贷款（模拟）' };

function withHistory(history: TaskDetail['history']): TaskDetail {
  return { history } as unknown as TaskDetail;
}

const history: TaskDetail['history'] = {
  applications: [
    { id: 11, institution: yuanshan, externalId: 'APP2026051100007813', productName: '远山卡贷', requestedAmountFen: 1_600_000, status: 'REJECTED', appliedAt: 0, tasks: [] },
  ],
  lines: [{ id: 21, institution: yuanshan, externalId: 'CL1', mode: 'single_batch', limitFen: 2_100_000, availableFen: 0, state: 'consumed', validTo: 0 }],
  loans: [{ id: 31, institution: yuanshan, externalId: 'LO202512020000781000', principalFen: 2_100_000, outstandingPrincipalFen: 2_131_412, status: 'REPAYING', dpd: 0, bucket: 'M0', disbursedAt: 0 }],
};

describe('the borrower’s history beside a task', () => {
  it('keeps each entry’s number, amount and state on one line each, and the institution’s full name on hover', () => {
    renderWithProviders(<HistoryPanel detail={withHistory(history)} />);
    const rows = screen.getAllByTestId('history-row');
    expect(rows).toHaveLength(3);
    const [application, line, loan] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(application.textContent).toContain('APP2026051100007813');
    expect(application.textContent).toContain('¥16,000.00');
    expect(loan.textContent).toContain('¥21,314.12');
    // The state sat in a column squeezed to one character's width ("已\n拒\n绝"): it must not wrap.
    for (const row of rows) {
      const state = within(row).getByTestId('history-state');
      expect(state.style.whiteSpace).toBe('nowrap');
      expect(state.textContent).not.toBe('');
    }
    expect(within(application).getByTestId('history-state').textContent).toBe('已拒绝');
    expect(within(line).getByText('¥0.00 / ¥21,000.00').style.whiteSpace).toBe('nowrap');
    expect(within(loan).getByText('LO202512020000781000').style.whiteSpace).toBe('nowrap');
    expect(within(application).getByTitle('远山小额贷款（模拟）').textContent).toBe('远山小额贷款（模拟）');
  });
});

describe('the task timeline', () => {
  const failed = (details: Record<string, unknown>): TaskDetail =>
    ({
      task: { queue: 'face' },
      timeline: [{ id: 'e1', at: Date.UTC(2026, 11, 7, 6), kind: 'delivery_failed', operator: null, details: { outboxId: 1, attempts: 3, ...details } }],
    }) as unknown as TaskDetail;

  it('says why a delivery failed in the operator’s language, the institution’s English text as the technical detail', () => {
    renderWithProviders(<TimelinePanel detail={failed({ lastError: 'HTTP 409 VERSION_CONFLICT: version moved on', lastErrorCode: 'client', lastErrorStatus: 409 })} />);
    const text = screen.getByTestId('timeline').textContent ?? '';
    expect(text).toContain('409');
    expect(text).toMatch(/[\u4e00-\u9fff]{4,}（HTTP 409）/);
    expect(text).toContain('技术详情（供技术支持）：HTTP 409 VERSION_CONFLICT: version moved on');
    cleanup();
    renderWithProviders(<TimelinePanel detail={failed({ lastError: 'HTTP 409 VERSION_CONFLICT: version moved on', lastErrorCode: 'client', lastErrorStatus: 409 })} />, { locale: 'en' });
    expect(screen.getByTestId('timeline').textContent).toContain('Technical detail (for support): HTTP 409 VERSION_CONFLICT: version moved on');
  });

  it('shows an event stored before the code existed as its text', () => {
    renderWithProviders(<TimelinePanel detail={failed({ lastError: 'version moved on' })} />);
    const text = screen.getByTestId('timeline').textContent ?? '';
    expect(text).toContain('version moved on');
    expect(text).not.toContain('技术详情');
  });
});

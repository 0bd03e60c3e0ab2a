// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as clientModule from '../../api/client';
import { rpc } from '../../api/client';
import { renderWithProviders } from '../../testing';
import { LineListPage } from '../lines/LineList.page';
import { LoanListPage } from './LoanList.page';

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof clientModule>()), rpc: vi.fn(), onEvent: () => () => {} }));

// The list's inner width at 1366x768: the window less the 250 px navigation, the page's padding and the list's border.
const laptop = 1082;
let listWidth = laptop;

beforeEach(() => {
  vi.mocked(rpc).mockImplementation(async (channel) => {
    if (channel === 'portfolio:filter-options') return { institutions: [{ id: 1, code: 'BEICHEN', name: '北辰消费金融（模拟）' }], products: [] } as never;
    return { total: 0, offset: 0, rows: [] } as never;
  });
  // jsdom lays nothing out: the lists read their width from clientWidth, as a browser gives it.
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.getAttribute('role') === 'table' ? listWidth : 0;
    },
  });
});

afterEach(() => {
  cleanup();
  vi.mocked(rpc).mockReset();
  Reflect.deleteProperty(HTMLElement.prototype, 'clientWidth');
  listWidth = laptop;
});

function headers(): Array<{ text: string; width: number }> {
  return screen.getAllByRole('columnheader').map((header) => ({ text: header.textContent ?? '', width: Number.parseFloat(header.style.width) }));
}

const cases = [
  { name: 'loans', render: () => <LoanListPage />, testId: 'loan-list', all: 12, essential: { 'zh-CN': ['机构', '借款人', '状态', '本金', '剩余本金', '逾期'], en: ['Institution', 'Borrower', 'Status', 'Principal', 'Outstanding', 'DPD'] } },
  { name: 'credit lines', render: () => <LineListPage />, testId: 'line-list', all: 12, essential: { 'zh-CN': ['机构', '借款人', '授信额度', '可用', '状态', '标记'], en: ['Institution', 'Borrower', 'Limit', 'Available', 'State', 'Flags'] } },
] as const;

describe.each(cases)('the $name list at a laptop’s width', ({ render, testId, all, essential }) => {
  it.each(['zh-CN', 'en'] as const)('fits 1366 px in %s with what support looks up whole, the rest one click away', async (locale) => {
    renderWithProviders(render(), { locale });
    await screen.findByTestId(`${testId}-total`);
    const shown = headers();
    expect(shown.reduce((sum, header) => sum + header.width, 0)).toBeLessThanOrEqual(laptop);
    for (const header of essential[locale]) expect(shown.map((entry) => entry.text.trim())).toContain(header);
    // The hidden ones are named, and one click shows every column (the list then scrolls sideways).
    const hidden = screen.getByTestId(`${testId}-hidden`).textContent ?? '';
    expect(shown.length).toBeLessThan(all);
    fireEvent.click(screen.getByTestId(`${testId}-show-all`));
    const every = headers();
    expect(every).toHaveLength(all);
    for (const header of every.filter((entry) => !shown.some((seen) => seen.text === entry.text))) expect(hidden).toContain(header.text.trim());
  });

  it('shows every column on a wide screen', async () => {
    listWidth = 1900 - 250 - 34;
    renderWithProviders(render());
    await screen.findByTestId(`${testId}-total`);
    expect(headers()).toHaveLength(all);
    expect(screen.queryByTestId(`${testId}-hidden`)).toBeNull();
  });
});

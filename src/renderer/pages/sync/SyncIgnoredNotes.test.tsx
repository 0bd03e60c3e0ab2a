// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncIgnoredNote } from '../../../shared/contracts/sync';
import { renderWithProviders } from '../../testing';
import { SyncIgnoredNotes } from './SyncIgnoredNotes';

afterEach(cleanup);

const notes: SyncIgnoredNote[] = [
  { source: 'capabilities', kind: 'unknown_resource', subject: 'collections', detail: null },
  { source: 'stats', kind: 'unknown_status', subject: 'orders', detail: 'WRITTEN_OFF' },
  { source: 'stats', kind: 'inexact_sum', subject: 'repayments.amount_fen', detail: '≈9.007199e+15' },
  { source: 'stats', kind: 'unknown_status', subject: 'credit_lines', detail: 'WRITTEN_OFF' },
  { source: 'stats', kind: 'unknown_key', subject: 'collections', detail: null },
];

describe('SyncIgnoredNotes', () => {
  it('shows nothing when the institution said nothing this client ignores', () => {
    renderWithProviders(<SyncIgnoredNotes notes={[]} />);
    expect(screen.queryByTestId('sync-ignored')).toBeNull();
  });

  it('counts what was ignored and lists each note in Chinese', () => {
    renderWithProviders(<SyncIgnoredNotes notes={notes} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('sync-ignored').textContent).toContain('机构接口中有 5 项本客户端未使用或无法核对的内容');
    fireEvent.click(screen.getByTestId('sync-ignored-toggle'));
    const list = screen.getByTestId('sync-ignored-list').textContent ?? '';
    expect(list).toContain('能力接口 · 新资源“collections”本客户端不认识：未拉取。');
    // The resources and sums stats speak of are named as elsewhere on the page, not by their wire keys.
    expect(list).toContain('统计接口 · 借据含 v1 未定义的状态“WRITTEN_OFF”：已计入总数。');
    expect(list).toContain('统计接口 · 授信额度含 v1 未定义的状态“WRITTEN_OFF”');
    expect(list).toContain('还款记录 · 还款金额（≈9.007199e+15）超出 2^53');
    expect(list).not.toMatch(/orders|credit_lines|amount_fen/);
    // A key this client does not know is named as the institution sent it.
    expect(list).toContain('字段“collections”本客户端不认识');
  });

  it('says what is wrong with an unreadable product in the user\'s language, zod\'s own text only as the technical detail for support', () => {
    const unreadable: SyncIgnoredNote[] = [
      { source: 'capabilities', kind: 'unreadable_product', subject: 'NEW-CARD', detail: 'line_mode: Invalid option: expected one of "revolving"|"single_batch"', field: 'line_mode', issue: 'not_allowed' },
      { source: 'stats', kind: 'unreadable_figures', subject: 'orders', detail: 'count: Invalid input: expected number, received string', field: 'count', issue: 'wrong_type' },
    ];
    renderWithProviders(<SyncIgnoredNotes notes={unreadable} />, { locale: 'zh-CN' });
    fireEvent.click(screen.getByTestId('sync-ignored-toggle'));
    let items = [...screen.getByTestId('sync-ignored-list').querySelectorAll('li')].map((item) => item.textContent ?? '');
    expect(items[0]).toContain('产品“NEW-CARD”无法读取：字段“line_mode”的取值不在标准列出的范围内。已略过该产品。');
    expect(items[1]).toContain('借据的统计无法读取：字段“count”的类型不符合标准。未对账。');
    // zod's English stays out of the sentence; it is there, labelled, for support.
    const sentences = screen.getAllByText(/无法读取/).map((node) => node.textContent ?? '');
    expect(sentences.join(' ')).not.toMatch(/Invalid|expected/);
    expect(screen.getAllByTestId('sync-ignored-technical').map((node) => node.textContent)).toEqual([
      '技术详情（供技术支持）：line_mode: Invalid option: expected one of "revolving"|"single_batch"',
      '技术详情（供技术支持）：count: Invalid input: expected number, received string',
    ]);
    cleanup();
    renderWithProviders(<SyncIgnoredNotes notes={unreadable} />, { locale: 'en' });
    fireEvent.click(screen.getByTestId('sync-ignored-toggle'));
    items = [...screen.getByTestId('sync-ignored-list').querySelectorAll('li')].map((item) => item.textContent ?? '');
    expect(items[0]).toContain('Product "NEW-CARD" could not be read: field "line_mode" has a value the standard does not list. Left out.');
    expect(items[1]).toContain('Orders: figures could not be read: field "count" has the wrong type. Not reconciled.');
  });

  it('and in English', () => {
    renderWithProviders(<SyncIgnoredNotes notes={notes} />, { locale: 'en' });
    fireEvent.click(screen.getByTestId('sync-ignored-toggle'));
    const list = screen.getByTestId('sync-ignored-list').textContent ?? '';
    expect(list).toContain('Capabilities · Resource "collections" is not one this client knows: not pulled.');
    expect(list).toContain('Stats · Orders: status "WRITTEN_OFF" is not in the v1 list (counted).');
    expect(list).toContain('Stats · Credit lines: status "WRITTEN_OFF"');
    expect(list).toContain('Repayments · Repaid (≈9.007199e+15) is beyond 2^53');
  });
});

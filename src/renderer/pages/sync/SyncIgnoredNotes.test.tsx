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
];

describe('SyncIgnoredNotes', () => {
  it('shows nothing when the institution said nothing this client ignores', () => {
    renderWithProviders(<SyncIgnoredNotes notes={[]} />);
    expect(screen.queryByTestId('sync-ignored')).toBeNull();
  });

  it('counts what was ignored and lists each note in Chinese', () => {
    renderWithProviders(<SyncIgnoredNotes notes={notes} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('sync-ignored').textContent).toContain('机构接口中有 3 项本客户端未使用或无法核对的内容');
    fireEvent.click(screen.getByTestId('sync-ignored-toggle'));
    const list = screen.getByTestId('sync-ignored-list').textContent ?? '';
    expect(list).toContain('能力接口 · 新资源“collections”本客户端不认识：未拉取。');
    expect(list).toContain('统计接口 · orders 含 v1 未定义的状态“WRITTEN_OFF”：已计入总数。');
    expect(list).toContain('repayments.amount_fen（≈9.007199e+15）超出 2^53');
  });

  it('and in English', () => {
    renderWithProviders(<SyncIgnoredNotes notes={notes} />, { locale: 'en' });
    fireEvent.click(screen.getByTestId('sync-ignored-toggle'));
    const list = screen.getByTestId('sync-ignored-list').textContent ?? '';
    expect(list).toContain('Capabilities · Resource "collections" is not one this client knows: not pulled.');
    expect(list).toContain('Stats · orders: status "WRITTEN_OFF" is not in the v1 list (counted).');
  });
});

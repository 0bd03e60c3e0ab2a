// @vitest-environment jsdom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState as LinkState } from '../../shared/rpc/connection';
import { followDesktopLink, resetConnectionForTests } from '../api/connection';
import { renderWithProviders } from '../testing';
import { ConnectionBanner } from './ConnectionBanner';

afterEach(() => {
  cleanup();
  resetConnectionForTests();
});

describe('the connection banner of a desktop on a team server', () => {
  it('says reconnecting while the main process reconnects, which side to update when refused, and goes away when connected', () => {
    resetConnectionForTests(async () => true);
    let push: (link: LinkState) => void = () => undefined;
    followDesktopLink((_event, listener) => {
      push = listener;
      return () => undefined;
    });
    const serverUrl = 'https://desk.example.com';
    renderWithProviders(<ConnectionBanner />);
    expect(screen.queryByTestId('connection-banner')).toBeNull();

    act(() => push({ state: 'reconnecting', serverUrl, attempt: 1, retryInMs: 500 }));
    expect(screen.getByTestId('connection-banner').textContent).toBe('与服务器的连接已断开，正在重连…');
    act(() => push({ state: 'incompatible-version', serverUrl, update: 'server', clientContractVersion: 2, serverContractVersion: 1, serverAppVersion: '0.9.0' }));
    expect(screen.getByTestId('connection-banner').textContent).toContain('请管理员更新服务器');
    act(() => push({ state: 'connected', serverUrl }));
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });
});

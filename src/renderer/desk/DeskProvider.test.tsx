// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreditDeskBridge } from '../../preload/bridge';
import { renderWithProviders } from '../testing';
import { DeskProvider } from './DeskProvider';

/** The preload bridge as the desktop's main process answers the desk channels (remote/desk-choice.ts). */
function desktopBridge(answers: Record<string, (input: unknown) => unknown>): { bridge: CreditDeskBridge; calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  const bridge: CreditDeskBridge = {
    invoke: async (channel, input) => {
      calls.push([channel, input]);
      const answer = answers[channel];
      return answer ? (answer(input) as Awaited<ReturnType<CreditDeskBridge['invoke']>>) : { ok: false, error: { code: 'NOT_FOUND', message: channel } };
    },
    on: () => () => undefined,
  };
  return { bridge, calls };
}

afterEach(() => {
  cleanup();
  delete window.creditdesk;
  vi.unstubAllGlobals();
});

describe('the desktop’s first screen', () => {
  it('never appears in a browser: the app renders and the server is not asked', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    renderWithProviders(
      <DeskProvider>
        <p>sign-in</p>
      </DeskProvider>,
    );
    expect(screen.getByText('sign-in')).toBeTruthy();
    expect(screen.queryByTestId('desk-choice')).toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('asks a new desktop where it works before anything else, and refuses an address that is not https', async () => {
    const { bridge, calls } = desktopBridge({
      'desk:connection': () => ({ ok: true, data: { canChoose: true, mode: null, serverUrl: null } }),
      'desk:choose-connection': () => ({ ok: true, data: { outcome: 'restarting' } }),
    });
    window.creditdesk = bridge;
    renderWithProviders(
      <DeskProvider>
        <p>sign-in</p>
      </DeskProvider>,
    );
    await screen.findByTestId('desk-choice');
    expect(screen.queryByText('sign-in')).toBeNull();
    expect(screen.getByText('CreditDesk 在哪里工作？')).toBeTruthy();

    fireEvent.click(screen.getByText('团队服务器'));
    fireEvent.change(await screen.findByTestId('desk-server-url'), { target: { value: 'http://desk.example.com' } });
    fireEvent.click(screen.getByTestId('desk-submit'));
    expect(await screen.findByText('团队服务器只能通过 https:// 连接。')).toBeTruthy();
    expect(calls.filter(([channel]) => channel === 'desk:choose-connection')).toHaveLength(0);

    fireEvent.click(screen.getByText('本机'));
    fireEvent.click(screen.getByTestId('desk-submit'));
    await screen.findByText('已保存，CreditDesk 正在重新启动…');
    expect(calls).toContainEqual(['desk:choose-connection', { mode: 'local' }]);
  });

  it('shows a self-signed server’s fingerprint to confirm, and sends it back once confirmed; says which side to update', async () => {
    const fingerprint = Array(32).fill('AB').join(':');
    let tries = 0;
    const { bridge, calls } = desktopBridge({
      'desk:connection': () => ({ ok: true, data: { canChoose: true, mode: null, serverUrl: null } }),
      'desk:choose-connection': (input) => {
        tries++;
        if (tries === 1) return { ok: false, error: { code: 'NETWORK', message: 'x', details: { reason: 'incompatible-version', update: 'desktop', serverAppVersion: '9.9.9' } } };
        return (input as { fingerprint?: string }).fingerprint ? { ok: true, data: { outcome: 'restarting' } } : { ok: true, data: { outcome: 'confirm-certificate', fingerprint } };
      },
    });
    window.creditdesk = bridge;
    renderWithProviders(
      <DeskProvider>
        <p>sign-in</p>
      </DeskProvider>,
      { locale: 'en' },
    );
    fireEvent.click(await screen.findByText('A team server'));
    fireEvent.change(await screen.findByTestId('desk-server-url'), { target: { value: 'https://desk.example.com:8443' } });
    fireEvent.click(screen.getByTestId('desk-submit'));
    expect(await screen.findByText(/runs a newer CreditDesk \(9\.9\.9\) than this desktop: update this desktop/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('desk-submit'));
    expect((await screen.findByTestId('desk-fingerprint')).textContent).toBe(fingerprint);
    fireEvent.click(screen.getByText('Trust and connect'));
    await screen.findByText('Saved; CreditDesk is restarting…');
    expect(calls.at(-1)).toEqual(['desk:choose-connection', { mode: 'team', serverUrl: 'https://desk.example.com:8443', fingerprint }]);
  });

  it('lets a desktop that has chosen go on, with the choice at hand', async () => {
    const { bridge } = desktopBridge({ 'desk:connection': () => ({ ok: true, data: { canChoose: true, mode: 'team', serverUrl: 'https://desk.example.com' } }) });
    window.creditdesk = bridge;
    renderWithProviders(
      <DeskProvider>
        <p>sign-in</p>
      </DeskProvider>,
    );
    await waitFor(() => expect(screen.getByText('sign-in')).toBeTruthy());
    expect(screen.queryByTestId('desk-choice')).toBeNull();
  });
});

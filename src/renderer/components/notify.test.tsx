// @vitest-environment jsdom
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { act, render, screen } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { notify } from './notify';

beforeAll(() => {
  // Mantine under jsdom needs these two browser APIs.
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false })) as typeof window.matchMedia;
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

describe('notify', () => {
  it('collapses a repeated notice into the one on screen instead of stacking', async () => {
    render(
      <MantineProvider>
        <Notifications />
      </MantineProvider>,
    );
    await act(async () => {
      notify({ color: 'red', message: '无法连接 CreditDesk 服务。' });
      notify({ color: 'red', message: '无法连接 CreditDesk 服务。' });
      notify({ color: 'red', message: '无法连接 CreditDesk 服务。' });
      notify({ color: 'blue', message: '队列已空' });
    });
    expect(await screen.findAllByText('无法连接 CreditDesk 服务。')).toHaveLength(1);
    expect(screen.getAllByText('队列已空')).toHaveLength(1);
  });
});

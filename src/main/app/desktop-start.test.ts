/**
 * The desktop's local start (app/main.ts through desktop-start.ts, checked here without Electron):
 * the window is created and shown before the background work starts, because a resumed demo's
 * clock catch-up holds the main process's thread for seconds.
 */
import { describe, expect, it } from 'vitest';
import { openWindowThenWork } from './desktop-start';

describe('the desktop start', () => {
  it('shows the window before the background work starts, and does not wait for that work', async () => {
    const order: string[] = [];
    let loaded!: () => void;
    const loading = new Promise<void>((resolve) => (loaded = resolve));
    const opening = openWindowThenWork({
      createWindow: async () => {
        order.push('window created');
        await loading;
        order.push('window shown');
        return 'window';
      },
      startBackgroundWork: () => {
        // A demo catching up runs on this thread before its first await.
        const until = Date.now() + 50;
        while (Date.now() < until);
        order.push('demo caught up');
        return new Promise<void>(() => undefined);
      },
      onBackgroundError: () => order.push('background failed'),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['window created']);
    loaded();
    await expect(opening).resolves.toBe('window');
    expect(order).toEqual(['window created', 'window shown', 'demo caught up']);
  });

  it('reports a background start that fails and keeps the window', async () => {
    const failures: unknown[] = [];
    const failure = new Error('the demo institutions of this data folder are running in another CreditDesk process');
    const window = await openWindowThenWork({
      createWindow: async () => 'window',
      startBackgroundWork: async () => {
        throw failure;
      },
      onBackgroundError: (error) => failures.push(error),
    });
    expect(window).toBe('window');
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toEqual([failure]);
  });
});

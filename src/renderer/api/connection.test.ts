import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState as LinkState } from '../../shared/rpc/connection';
import { connectionState, followDesktopLink, onConnectionChange, reportReachable, reportUnreachable, resetConnectionForTests } from './connection';

describe('connection state', () => {
  afterEach(() => {
    vi.useRealTimers();
    resetConnectionForTests();
  });

  it('goes offline when the server cannot be reached and back online by itself once the probe answers', async () => {
    vi.useFakeTimers();
    let up = false;
    const probe = vi.fn(async () => up);
    resetConnectionForTests(probe);
    const changes: boolean[] = [];
    onConnectionChange((next) => changes.push(next.online));

    reportUnreachable();
    expect(connectionState().online).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(connectionState().online).toBe(false);
    up = true;
    await vi.advanceTimersByTimeAsync(5000);
    expect(connectionState().online).toBe(true);
    // Each change once, so the data layer refetches once on coming back.
    expect(changes).toEqual([false, true]);
  });

  it('any answer from the server means online', () => {
    resetConnectionForTests(async () => false);
    reportUnreachable();
    reportReachable();
    expect(connectionState()).toEqual({ online: true, lostAt: null });
  });

  it('follows a team desktop’s link to its server: offline while it reconnects or is refused, back online (once) when connected, without a probe', () => {
    const probe = vi.fn(async () => true);
    resetConnectionForTests(probe);
    let push: (link: LinkState) => void = () => undefined;
    const stop = followDesktopLink((_event, listener) => {
      push = listener;
      return () => undefined;
    });
    const changes: Array<[boolean, string | null]> = [];
    onConnectionChange((next) => changes.push([next.online, next.link?.state ?? null]));
    const serverUrl = 'https://desk.example.com';

    push({ state: 'connected', serverUrl });
    push({ state: 'reconnecting', serverUrl, attempt: 1, retryInMs: 500 });
    expect(connectionState()).toMatchObject({ online: false, link: { state: 'reconnecting' } });
    push({ state: 'reconnecting', serverUrl, attempt: 2, retryInMs: 1000 });
    push({ state: 'connected', serverUrl });
    push({ state: 'incompatible-version', serverUrl, update: 'desktop', clientContractVersion: 1, serverContractVersion: 2, serverAppVersion: '2.0.0' });
    expect(changes).toEqual([
      [false, 'reconnecting'],
      [true, null],
      [false, 'incompatible-version'],
    ]);
    expect(probe).not.toHaveBeenCalled();
    stop();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectionState, onConnectionChange, reportReachable, reportUnreachable, resetConnectionForTests } from './connection';

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
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWindowedSummary, startFlushLoop, type SummaryWindow } from './windowed-summary';

/** A summary whose writes land in `written`, as plain rows. */
function summary(windowMs: number) {
  const written: Array<{ subject: string; count: number; from: number; to: number }> = [];
  const windows = createWindowedSummary<string>({
    windowMs,
    write: ({ subject, count, from, to }: SummaryWindow<string>) => written.push({ subject, count, from, to }),
  });
  /** One occurrence, counted into the key's window or opening it. */
  function occur(key: string, now: number): void {
    if (!windows.count(key, now)) windows.open(key, key, now, 'counted');
  }
  return { windows, written, occur };
}

describe('a windowed summary', () => {
  it('counts repeats within the window and writes them when the next occurrence comes after it; that one opens a new window', () => {
    const { windows, written, occur } = summary(1_000);
    occur('a', 0);
    occur('a', 400);
    occur('a', 999);
    expect(written).toEqual([]);
    expect(windows.pendingCount).toBe(1);

    occur('a', 1_000);
    expect(written).toEqual([{ subject: 'a', count: 3, from: 0, to: 999 }]);
    expect(windows.pendingCount).toBe(1);
    windows.flush();
    expect(written).toEqual([
      { subject: 'a', count: 3, from: 0, to: 999 },
      { subject: 'a', count: 1, from: 1_000, to: 1_000 },
    ]);
  });

  it('writes a window its caller opened by writing the first occurrence only when repeats follow, from the first repeat', () => {
    const { windows, written } = summary(1_000);
    windows.open('alone', 'alone', 0, 'written');
    windows.open('repeated', 'repeated', 0, 'written');
    expect(windows.count('repeated', 250)?.count).toBe(1);
    windows.count('repeated', 700);
    windows.flush(1_000);
    expect(written).toEqual([{ subject: 'repeated', count: 2, from: 250, to: 700 }]);
    expect(windows.pendingCount).toBe(0);
  });

  it('keeps each key to its own window and writes ended windows in the order they opened', () => {
    const { windows, written, occur } = summary(1_000);
    occur('b', 0);
    occur('a', 100);
    occur('c', 600);
    occur('b', 650);
    windows.flush(1_100);
    expect(written).toEqual([
      { subject: 'b', count: 2, from: 0, to: 650 },
      { subject: 'a', count: 1, from: 100, to: 100 },
    ]);
    expect(windows.pendingCount).toBe(1);
  });

  it('writes each window exactly when it ends, also when windows opened out of time order (a clock set back)', () => {
    const { windows, written, occur } = summary(1_000);
    occur('late', 5_000);
    occur('late', 5_100);
    occur('early', 2_000);
    occur('early', 2_100);
    windows.flush(2_999);
    expect(written).toEqual([]);
    windows.flush(3_000);
    expect(written).toEqual([{ subject: 'early', count: 2, from: 2_000, to: 2_100 }]);
    windows.flush(5_999);
    expect(written).toHaveLength(1);
    occur('next', 5_500);
    occur('next', 5_600);
    windows.flush(6_000);
    expect(written.at(-1)).toEqual({ subject: 'late', count: 2, from: 5_000, to: 5_100 });
    windows.flush(6_499);
    expect(written).toHaveLength(2);
    windows.flush(6_500);
    expect(written.at(-1)).toEqual({ subject: 'next', count: 2, from: 5_500, to: 5_600 });
    expect(windows.pendingCount).toBe(0);
  });
});

describe('the flush loop', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const clock = { now: () => Date.now() };

  it('writes a window soon after it ends although nothing repeats again, and leaves open windows counting', () => {
    const { windows, written, occur } = summary(60_000);
    const loop = startFlushLoop(windows.flush, clock, 60_000);
    occur('a', 0);
    vi.advanceTimersByTime(30_000);
    occur('a', Date.now());
    occur('b', Date.now());

    vi.advanceTimersByTime(30_000);
    expect(written).toEqual([{ subject: 'a', count: 2, from: 0, to: 30_000 }]);
    expect(windows.pendingCount).toBe(1);

    vi.advanceTimersByTime(60_000);
    expect(written).toEqual([
      { subject: 'a', count: 2, from: 0, to: 30_000 },
      { subject: 'b', count: 1, from: 30_000, to: 30_000 },
    ]);
    loop.stop();
  });

  it('writes every window at stop, ended or not, loses no occurrence, and runs no more', () => {
    const { windows, written, occur } = summary(60_000);
    const loop = startFlushLoop(windows.flush, clock, 60_000);
    const keys = ['a', 'b', 'c', 'd', 'e'];
    let occurrences = 0;
    for (let step = 0; step < 500; step++) {
      vi.advanceTimersByTime(997);
      occur(keys[step % keys.length] ?? 'a', Date.now());
      occurrences += 1;
    }
    expect(windows.pendingCount).toBeGreaterThan(0);

    loop.stop();
    expect(windows.pendingCount).toBe(0);
    expect(written.reduce((sum, row) => sum + row.count, 0)).toBe(occurrences);
    expect(vi.getTimerCount()).toBe(0);
    const before = written.length;
    vi.advanceTimersByTime(600_000);
    expect(written).toHaveLength(before);
  });
});

describe('the flush loop on real timers', () => {
  it('does not hold the process open', () => {
    const holding = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = holding();
    const loop = startFlushLoop(() => undefined, { now: () => Date.now() }, 60_000);
    try {
      expect(holding()).toBe(before);
    } finally {
      loop.stop();
    }
  });
});

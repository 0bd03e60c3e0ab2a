import type { Clock } from './clock';

/** One key's window: what it counts and the occurrences not written yet. */
export interface SummaryWindow<T> {
  /** What the window counts, as the occurrence that opened it described it. */
  subject: T;
  /** When the window opened: it ends `windowMs` later. */
  startedAt: number;
  /** Occurrences counted and not written yet. */
  count: number;
  /** When the first and the last of those happened. */
  from: number;
  to: number;
}

/**
 * Counts repeated occurrences per key within a window and hands each window with a count to
 * `write` once it has ended, so something that repeats (a refused call, a refused sign-in) is one
 * row a window, not one a time. A window ends `windowMs` after it opened; windows that ended are
 * written by `flush(now)`, which `count` runs first (so the next occurrence after a window starts a
 * new one) and a loop runs (`startFlushLoop`); `flush()` without `now` writes every window, ended or
 * not (at shutdown). A window opened by an occurrence its caller wrote at once starts at count 0
 * and is written only if repeats follow. Windows are written in the order they opened.
 */
export function createWindowedSummary<T>(deps: { windowMs: number; write?: (window: SummaryWindow<T>) => void }) {
  const windows = new Map<string, SummaryWindow<T>>();
  // When the soonest open window ends: a flush before then has nothing to write and skips the walk
  // over every window (`count` flushes on every occurrence, and refusals.ts counts twice a call).
  let soonestEnd = Number.POSITIVE_INFINITY;

  /** Writes the windows that ended by `now` (all of them when `now` is omitted). */
  function flush(now?: number): void {
    if (now !== undefined && now < soonestEnd) return;
    let soonest = Number.POSITIVE_INFINITY;
    for (const [key, window] of windows) {
      if (now !== undefined && now - window.startedAt < deps.windowMs) {
        soonest = Math.min(soonest, window.startedAt + deps.windowMs);
        continue;
      }
      windows.delete(key);
      if (window.count > 0) deps.write?.(window);
    }
    soonestEnd = soonest;
  }

  /** Counts an occurrence of `key` into its open window and returns it; undefined when it has none. */
  function count(key: string, now: number): SummaryWindow<T> | undefined {
    flush(now);
    const window = windows.get(key);
    if (!window) return undefined;
    if (window.count === 0) window.from = now;
    window.count += 1;
    window.to = now;
    return window;
  }

  /**
   * Opens `key`'s window at `now` (after `count` found none). `first` says what became of the
   * occurrence that opens it: 'counted' into this window, or 'written' at once by the caller.
   */
  function open(key: string, subject: T, now: number, first: 'counted' | 'written'): SummaryWindow<T> {
    const window = { subject, startedAt: now, count: first === 'counted' ? 1 : 0, from: now, to: now };
    windows.set(key, window);
    soonestEnd = Math.min(soonestEnd, now + deps.windowMs);
    return window;
  }

  return { count, open, flush, get pendingCount() { return windows.size; } };
}

/**
 * Runs `flush(clock.now())` every `everyMs`, so a window is written soon after it ends even when
 * nothing repeats again; the loop does not hold the process open. `stop()` ends the loop and then
 * writes every window, ended or not: called before the database closes, nothing counted is lost.
 */
export function startFlushLoop(flush: (now?: number) => void, clock: Clock, everyMs: number): { stop(): void } {
  const timer = setInterval(() => flush(clock.now()), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      flush();
    },
  };
}

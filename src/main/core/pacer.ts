/**
 * How background work shares the back end's one thread with people. better-sqlite3 and the HTTP
 * server run on the same thread: every piece of background work holds it, and while a team works
 * flat out, work written back to back takes a large share of the thread and everybody's calls
 * wait behind it (docs/performance.md, "Team server"). The background work of a back end that
 * answers people runs through its one pacer: the sync's slices and page reads
 * (sync/sliced-ingest.ts, sync/pull.ts) and the portfolio's month-end reconstruction and daily
 * snapshot (portfolio/snapshots.ts):
 *
 * - Nobody calling: pieces run back to back (one event-loop turn between them), with the longer
 *   budget: the work finishes as fast as the thread allows.
 * - People's calls in flight, or calls that came and went since the last piece: the piece gets the
 *   shorter budget (a call that arrives during it waits less), and the next piece starts no sooner
 *   than t*(1-share)/share after a piece of t ms ended, whatever t was (a slow record, a large
 *   page): background work takes at most `share` of the thread's time while people work.
 * - It never starves: the rest is a fixed time, not "until nobody calls", so under constant load
 *   the work still gets its `share` and finishes.
 *
 * All pieces of all background work (several institutions sync at once, the snapshot job beside
 * them) go through the same queue, one at a time, in the order they asked: the share is the
 * background's as a whole, not each job's (why: src/main/sync/README.md, "Sharing the thread").
 * The signal comes from the RPC layer as a function (runtime/backend.ts wires the router's count):
 * nothing here imports the server. Pure: no database, no Electron.
 */

/** People's calls as the RPC layer counts them. */
export interface InteractiveLoad {
  /** Calls started and not answered yet. */
  inFlight: number;
  /** Calls started since the back end began (one more per call): a change says calls came and went meanwhile. */
  started: number;
}

export interface PacerOptions {
  load: () => InteractiveLoad;
  /** Background work's share of the thread's time while people call (0 < share <= 1): its bound, and what it still gets. */
  share: number;
  /** A slice's budget when nobody calls. */
  idleSliceMs: number;
  /** A slice's budget while people call: a call arriving during a slice waits at most about this long. */
  busySliceMs: number;
  /** A monotonic clock in ms (default performance.now). */
  now?: () => number;
  /** Waits `ms` with the thread free (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Lets the event loop turn once, so calls that arrived during the last piece are read (default setImmediate). */
  turn?: () => Promise<void>;
}

export interface Pacer {
  /**
   * Runs `work` (synchronous, given its time budget in ms) when the pacer allows: after the
   * pieces queued before it, and while people call, after the rest the last piece earned.
   * `elapsed()` is the ms since the piece began on the pacer's clock, for work that stops itself
   * at its budget.
   */
  run<T>(work: (budgetMs: number, elapsed: () => number) => T): Promise<T>;
}

/** A piece's size and its time per item, to size the next piece to its budget. */
export interface PieceCost {
  size: number;
  perItemMs: number;
}

/**
 * Items for a piece of `budgetMs`: `first` before any cost is known, then as many as the last
 * piece's time per item says fit (items cost very different times: an application with its
 * evidence against a repayment), at most twice the last piece, within `smallest` and `largest`.
 */
export function itemsForBudget(last: PieceCost | null | undefined, budgetMs: number, bounds: { first: number; smallest: number; largest?: number }): number {
  const largest = bounds.largest ?? Number.POSITIVE_INFINITY;
  if (!last) return Math.min(bounds.first, largest);
  return Math.max(bounds.smallest, Math.min(largest, last.size * 2, Math.floor(budgetMs / Math.max(last.perItemMs, 0.001))));
}

/** What the desktop and `serve` use (runtime/backend.ts); why these: src/main/sync/README.md, "Sharing the thread". */
export const interactivePacing = { share: 0.2, idleSliceMs: 10, busySliceMs: 5 } as const;

export function createPacer(options: PacerOptions): Pacer {
  if (!(options.share > 0 && options.share <= 1)) throw new RangeError(`share must be in (0, 1], got ${options.share}`);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const turn = options.turn ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const { share, busySliceMs, idleSliceMs } = options;
  // While people call, every ms background work leaves them earns it share/(1-share) ms of work: its
  // credit. A piece runs when the credit covers a short slice and may use what it holds, up to
  // a long slice: a thread whose event-loop turns run long (many calls each) gives it
  // fewer, larger pieces instead of starving it. A piece spends what it took, so one that ran
  // over its budget buys a longer rest.
  const creditPerMs = share >= 1 ? Number.POSITIVE_INFINITY : share / (1 - share);
  let credit = busySliceMs;
  let lastEnded = now();
  let queue: Promise<unknown> = Promise.resolve();
  // The calls counted when the last piece ended: a change says calls came and went since.
  let seenStarted = options.load().started;
  const peopleCalling = () => {
    const load = options.load();
    return load.inFlight > 0 || load.started !== seenStarted;
  };
  const earned = () => (creditPerMs === Number.POSITIVE_INFINITY ? idleSliceMs : Math.min(idleSliceMs, credit + (now() - lastEnded) * creditPerMs));

  async function paced<T>(work: (budgetMs: number, elapsed: () => number) => T): Promise<T> {
    let busy = peopleCalling();
    // Calls that arrived during the last piece are read in the next turn of the event loop.
    if (!busy) {
      await turn();
      busy = peopleCalling();
    }
    let available = idleSliceMs;
    if (busy) {
      // Never two pieces without a turn between them, however much credit is left.
      const short = busySliceMs - earned();
      await (short > 0 ? sleep(short / creditPerMs) : turn());
      available = earned();
    }
    const began = now();
    try {
      return work(busy ? Math.max(busySliceMs, available) : idleSliceMs, () => now() - began);
    } finally {
      const ended = now();
      // After a piece nobody waited for, people who start calling get the thread first.
      credit = busy ? available - (ended - began) : 0;
      lastEnded = ended;
      seenStarted = options.load().started;
    }
  }

  return {
    run(work) {
      const result = queue.then(() => paced(work));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

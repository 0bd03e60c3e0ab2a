/**
 * How the sync shares the back end's one thread with people. better-sqlite3 and the HTTP server
 * run on the same thread: every slice of a sync group and every page the client reads holds it,
 * and while a team works flat out, a pass written back to back takes a large share of the thread
 * and everybody's calls wait behind it (docs/performance.md, "Team server"). The sync's paced work
 * (sliced-ingest.ts's slices, the client's reading of a page) runs through one pacer per back end:
 *
 * - Nobody calling: pieces run back to back (one event-loop turn between them, as before), with
 *   the longer slice budget: a pass finishes as fast as the thread allows.
 * - People's calls in flight, or calls that came and went since the last piece: the piece gets the
 *   shorter budget (a call that arrives during it waits less), and the next piece starts no sooner
 *   than t*(1-share)/share after a piece of t ms ended, whatever t was (a slow record, a large
 *   page): the sync takes at most `share` of the thread's time while people work.
 * - It never starves: the rest is a fixed time, not "until nobody calls", so under constant load
 *   the pass still gets its `share` and finishes.
 *
 * All pieces of all passes (several institutions sync at once) go through the same queue, one at
 * a time, so the share is the sync's as a whole. The signal comes from the RPC layer as a function
 * (runtime/backend.ts wires the router's count): the sync does not import the server.
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
  /** The sync's share of the thread's time while people call (0 < share <= 1): its bound, and what it still gets. */
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

export interface SyncPacer {
  /**
   * Runs `work` (synchronous, given its time budget in ms) when the pacer allows: after the
   * pieces queued before it, and while people call, after the rest the last piece earned.
   */
  run<T>(work: (budgetMs: number) => T): Promise<T>;
}

/** What the desktop and `serve` use (runtime/backend.ts); why these: src/main/sync/README.md, "Sharing the thread". */
export const interactivePacing = { share: 0.2, idleSliceMs: 10, busySliceMs: 5 } as const;

export function createSyncPacer(options: PacerOptions): SyncPacer {
  if (!(options.share > 0 && options.share <= 1)) throw new RangeError(`share must be in (0, 1], got ${options.share}`);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const turn = options.turn ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const { share, busySliceMs, idleSliceMs } = options;
  // While people call, every ms the sync leaves them earns it share/(1-share) ms of work: its
  // credit. A piece runs when the credit covers a short slice and may use what it holds, up to
  // a long slice: a thread whose event-loop turns run long (many calls each) gives the sync
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

  async function paced<T>(work: (budgetMs: number) => T): Promise<T> {
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
      return work(busy ? Math.max(busySliceMs, available) : idleSliceMs);
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

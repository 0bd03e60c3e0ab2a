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
  const restPerMs = (1 - options.share) / options.share;
  let queue: Promise<unknown> = Promise.resolve();
  // The calls counted when the last piece ended, and when the next may start if people call.
  let seenStarted = options.load().started;
  let restUntil = Number.NEGATIVE_INFINITY;

  async function paced<T>(work: (budgetMs: number) => T): Promise<T> {
    await turn();
    const load = options.load();
    const busy = load.inFlight > 0 || load.started !== seenStarted;
    if (busy) {
      const rest = restUntil - now();
      if (rest > 0) await sleep(rest);
    }
    const began = now();
    try {
      return work(busy ? options.busySliceMs : options.idleSliceMs);
    } finally {
      const ended = now();
      restUntil = ended + (ended - began) * restPerMs;
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

import { describe, expect, it } from 'vitest';
import { createPacer, itemsForBudget, type InteractiveLoad, type PacerOptions } from './pacer';

/**
 * A fake thread: one clock for everything. A piece of sync work advances it by its cost; a rest
 * (sleep) advances it by the rest, as the calls answered meanwhile would. `load` is the calls the
 * RPC layer would report at the clock's time.
 */
function fakeThread(load: (at: number) => InteractiveLoad, options: Partial<PacerOptions> = {}) {
  let clock = 0;
  const rests: number[] = [];
  const pacer = createPacer({
    load: () => load(clock),
    share: 0.2,
    idleSliceMs: 10,
    busySliceMs: 5,
    now: () => clock,
    sleep: async (ms) => {
      rests.push(ms);
      clock += ms;
    },
    turn: async () => undefined,
    ...options,
  });
  let worked = 0;
  const budgets: number[] = [];
  /** One piece costing its budget (a slice sized to it), or `cost` ms when given. */
  const piece = (cost?: number) =>
    pacer.run((budget) => {
      budgets.push(budget);
      const spent = cost ?? budget;
      clock += spent;
      worked += spent;
      return spent;
    });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { piece, rests, budgets, at: () => clock, worked: () => worked, advance };
}

const constantLoad = (): InteractiveLoad => ({ inFlight: 3, started: 0 });
const noLoad = (): InteractiveLoad => ({ inFlight: 0, started: 0 });

describe('the sync pacer', () => {
  it('with nobody calling, runs pieces back to back with the longer budget', async () => {
    const thread = fakeThread(noLoad);
    for (let index = 0; index < 100; index++) await thread.piece();
    expect(thread.rests).toEqual([]);
    expect(thread.budgets.every((budget) => budget === 10)).toBe(true);
    // The whole time was the sync's.
    expect(thread.worked()).toBe(thread.at());
  });

  it('while calls are in flight, keeps the sync within its share and gives each piece the shorter budget', async () => {
    const thread = fakeThread(constantLoad);
    for (let index = 0; index < 200; index++) await thread.piece();
    expect(thread.budgets.every((budget) => budget === 5)).toBe(true);
    // Within one piece's rest of the bound: the first piece runs at once.
    expect(thread.worked() / thread.at()).toBeLessThanOrEqual(0.2 + 5 / thread.at());
  });

  it('under constant load the pass still progresses at its share: it never starves', async () => {
    const thread = fakeThread(constantLoad);
    // A pass of 200 ms of work finishes, in about share-many times its work.
    while (thread.worked() < 200) await thread.piece();
    expect(thread.at()).toBeLessThanOrEqual(200 / 0.2);
    expect(thread.worked() / thread.at()).toBeGreaterThanOrEqual(0.2 - 1e-9);
  });

  it('rests in proportion to what a piece really took: a piece over its budget buys a longer rest', async () => {
    const thread = fakeThread(constantLoad);
    await thread.piece(5);
    await thread.piece(40);
    await thread.piece(5);
    // After 5 ms: 20 ms; after 40 ms: 160 ms (share 0.2: four times the work).
    expect(thread.rests).toEqual([20, 160]);
    expect(thread.worked() / thread.at()).toBeLessThanOrEqual(0.2 + 5 / thread.at());
  });

  it('when each turn of the event loop runs long (many calls answered in it), gives the sync its share in larger pieces, up to the long slice', async () => {
    // Every turn answers 30 ms of calls: a turn lets them run, and a rest ends no sooner than the
    // turn under way when it is due.
    const turnMs = 30;
    const thread: ReturnType<typeof fakeThread> = fakeThread(constantLoad, {
      turn: async () => thread.advance(turnMs),
      sleep: async (ms) => thread.advance(Math.max(ms, turnMs)),
    });
    for (let index = 0; index < 100; index++) await thread.piece();
    expect(Math.max(...thread.budgets)).toBeLessThanOrEqual(10);
    expect(thread.budgets.slice(1).every((budget) => budget > 5)).toBe(true);
    expect(thread.worked() / thread.at()).toBeGreaterThanOrEqual(0.2 - 0.01);
    expect(thread.worked() / thread.at()).toBeLessThanOrEqual(0.2 + 0.01);
  });

  it('counts calls that came and went since the last piece as people working', async () => {
    // Nothing in flight when the pacer looks: the two calls that arrived during each piece were
    // read and answered in the event-loop turn the pacer let run before the next.
    let started = 0;
    const thread = fakeThread(() => ({ inFlight: 0, started }), {
      turn: async () => {
        started += 2;
      },
    });
    for (let index = 0; index < 50; index++) await thread.piece();
    expect(thread.budgets.every((budget) => budget === 5)).toBe(true);
    expect(thread.rests.length).toBe(49);
  });

  it('goes back to back again as soon as people stop, without paying a rest it earned while they called', async () => {
    let calling = true;
    const thread = fakeThread(() => (calling ? constantLoad() : noLoad()));
    for (let index = 0; index < 10; index++) await thread.piece();
    const restsWhileCalling = thread.rests.length;
    calling = false;
    const before = thread.at();
    for (let index = 0; index < 10; index++) await thread.piece();
    expect(thread.rests.length).toBe(restsWhileCalling);
    expect(thread.at() - before).toBe(10 * 10);
  });

  it('keeps the bound for the sync as a whole: pieces of two passes at once share one queue', async () => {
    const thread = fakeThread(constantLoad);
    const passA = (async () => {
      for (let index = 0; index < 50; index++) await thread.piece();
    })();
    const passB = (async () => {
      for (let index = 0; index < 50; index++) await thread.piece();
    })();
    await Promise.all([passA, passB]);
    expect(thread.worked()).toBe(100 * 5);
    expect(thread.worked() / thread.at()).toBeLessThanOrEqual(0.2 + 5 / thread.at());
  });

  it('a piece that throws passes its error to its caller and does not stop the queue', async () => {
    const pacer = createPacer({ load: noLoad, share: 0.5, idleSliceMs: 10, busySliceMs: 5, turn: async () => undefined });
    await expect(pacer.run(() => {
      throw new Error('disk on fire');
    })).rejects.toThrow('disk on fire');
    await expect(pacer.run((budget) => budget)).resolves.toBe(10);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => createPacer({ load: noLoad, share: 0, idleSliceMs: 10, busySliceMs: 5 })).toThrow(RangeError);
    expect(() => createPacer({ load: noLoad, share: 1.5, idleSliceMs: 10, busySliceMs: 5 })).toThrow(RangeError);
  });
});

describe('itemsForBudget', () => {
  const bounds = { first: 5, smallest: 2, largest: 100 };
  it('starts with `first`, then sizes a piece from the last one\'s time per item', () => {
    expect(itemsForBudget(null, 10, bounds)).toBe(5);
    // 0.5 ms an item: 20 fit in 10 ms, and 20 is within twice the last piece.
    expect(itemsForBudget({ size: 10, perItemMs: 0.5 }, 10, bounds)).toBe(20);
  });
  it('grows at most twofold, and stays within its smallest and largest', () => {
    expect(itemsForBudget({ size: 5, perItemMs: 0.01 }, 10, bounds)).toBe(10);
    expect(itemsForBudget({ size: 80, perItemMs: 0.01 }, 10, bounds)).toBe(100);
    expect(itemsForBudget({ size: 10, perItemMs: 50 }, 10, bounds)).toBe(2);
    expect(itemsForBudget({ size: 10, perItemMs: 0 }, 10, { first: 5, smallest: 5 })).toBe(20);
  });
});

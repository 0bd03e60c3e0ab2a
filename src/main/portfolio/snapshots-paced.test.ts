import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestBackend, ManualClock } from '../../../test/support/backend';
import { insertInstitution } from '../../../test/support/rows';
import { insertLineRow, insertOrderRow, insertPlanRows, type InstallmentValues } from '../../../test/support/loan-rows';
import {
  institutionsTable,
  portfolioDailyBucketsTable,
  portfolioDailyLinesTable,
  portfolioMonthEndLoansTable,
  portfolioMonthEndRunsTable,
  portfolioRollTransitionsTable,
} from '../db/schema';
import type { Db } from '../db/connection';
import { addMonthsClamped, shanghaiStartOfDay } from '../../shared/time';
import { defaultDomainSettings } from '../../shared/domain/settings';
import { createPacer, type Pacer } from '../core/pacer';
import { createSnapshotJob } from './snapshots';

/**
 * The snapshot job on a back end that people are calling: its work goes through the back end's
 * pacer (core/pacer.ts) in pieces of about the pacer's budget, with a rest or a turn of the event
 * loop between every two, and its results are those of the unpaced job.
 */

const endOf = (date: string) => shanghaiStartOfDay(date) + 86_400_000 - 1;
const orders = 60;

/** 60 loans over an institution's last five months, each paying its first few installments on time and then nothing. */
function seed(db: Db): void {
  insertInstitution(db, 'EMPTY');
  const institutionId = insertInstitution(db, 'AAA');
  for (let index = 0; index < orders; index += 1) {
    const disbursedMonth = addMonthsClamped('2026-06-10', index % 4);
    const firstDue = addMonthsClamped(disbursedMonth, 1);
    const paid = index % 5;
    const installments: InstallmentValues[] = Array.from({ length: 12 }, (_, period) => {
      const dueDate = addMonthsClamped(firstDue, period);
      const paidOffAt = period < paid && dueDate < '2026-11-25' ? endOf(dueDate) : null;
      return {
        dueDate,
        principalFen: 100_000,
        interestFen: 1_000,
        paidPrincipalFen: paidOffAt === null ? 0 : 100_000,
        paidInterestFen: paidOffAt === null ? 0 : 1_000,
        status: paidOffAt === null ? 'pending' : 'paid',
        paidOffAt,
      };
    });
    const externalId = `O${index}`;
    insertOrderRow(db, { institutionId, externalId, principalFen: 1_200_000, disbursedAt: shanghaiStartOfDay(disbursedMonth) + 3_600_000, status: 'REPAYING', outstandingPrincipalFen: 1_200_000 - paid * 100_000, bucket: 'M0' });
    insertPlanRows(db, { institutionId, orderExternalId: externalId, installments });
  }
  db.update(institutionsTable).set({ state: 'idle', lastSuccessAt: Date.UTC(2026, 10, 25, 1) }).where(eq(institutionsTable.id, institutionId)).run();
}

/** Everything the job writes, in a stable order. */
function written(db: Db): unknown {
  const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
  return {
    loans: sorted(db.select().from(portfolioMonthEndLoansTable).all()),
    runs: sorted(db.select().from(portfolioMonthEndRunsTable).all()),
    rolls: sorted(db.select().from(portfolioRollTransitionsTable).all()),
    buckets: sorted(db.select().from(portfolioDailyBucketsTable).all()),
    lines: sorted(db.select().from(portfolioDailyLinesTable).all()),
  };
}

/**
 * A thread people call without pause (a call in flight and another started before every piece)
 * and a fake clock that reading costs a quarter of a ms: a piece that computes more orders (each
 * checks the time) takes longer. Rests advance the clock; every rest, turn and piece is logged in
 * order, and each piece's budget and the time it took.
 */
function busyThread(onRest: (rests: number) => void = () => undefined) {
  let clock = 0;
  let started = 0;
  let rests = 0;
  const events: Array<'rest' | 'turn' | 'piece'> = [];
  const pieces: Array<{ budget: number; spent: number }> = [];
  const pacer = createPacer({
    load: () => ({ inFlight: 1, started: (started += 1) }),
    share: 0.2,
    idleSliceMs: 10,
    busySliceMs: 5,
    now: () => (clock += 0.25),
    sleep: async (ms) => {
      events.push('rest');
      clock += ms;
      rests += 1;
      onRest(rests);
    },
    turn: async () => {
      events.push('turn');
    },
  });
  const recorded: Pacer = {
    run: (work) =>
      pacer.run((budget, elapsed) => {
        events.push('piece');
        const value = work(budget, elapsed);
        pieces.push({ budget, spent: elapsed() });
        return value;
      }),
  };
  return { pacer: recorded, events, pieces };
}

describe('the snapshot job through the pacer', () => {
  const backends: Array<Awaited<ReturnType<typeof createTestBackend>>> = [];
  afterEach(async () => {
    for (const backend of backends.splice(0)) await backend.cleanup();
  });
  async function seededBackend() {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 2));
    const backend = await createTestBackend({ clock });
    backends.push(backend);
    seed(backend.db);
    return { db: backend.db, clock };
  }
  async function reference() {
    const { db, clock } = await seededBackend();
    const result = await createSnapshotJob({ db, clock, settings: () => defaultDomainSettings }).run();
    return { result, written: written(db) };
  }

  it('reconstructs in pieces within the budget, with a rest or a turn between every two, while people call, and finishes with the unpaced results', async () => {
    const unpaced = await reference();
    expect(unpaced.result.monthEndsTaken).toHaveLength(5);

    const { db, clock } = await seededBackend();
    const thread = busyThread();
    const paced = await createSnapshotJob({ db, clock, settings: () => defaultDomainSettings, pacer: thread.pacer }).run();

    // It finished, with the same month-ends and the same rows as the unpaced job.
    expect(paced).toEqual(unpaced.result);
    expect(written(db)).toEqual(unpaced.written);
    // The orders were computed in several pieces (not one batch of up to 2,000), and every piece
    // kept to its budget: a piece stops at the first order that reaches it (one clock read over,
    // plus the recorder's).
    const orderPieces = thread.pieces.filter((piece) => piece.spent >= 1);
    expect(orderPieces.length).toBeGreaterThanOrEqual(4);
    for (const piece of thread.pieces) {
      expect(piece.budget).toBeGreaterThanOrEqual(5);
      expect(piece.budget).toBeLessThanOrEqual(10);
      expect(piece.spent).toBeLessThanOrEqual(piece.budget + 0.5);
    }
    // All the job's work went through the pacer: the daily snapshot, the reads before the orders,
    // the orders, the month-ends recorded one by one (5 here).
    expect(thread.pieces.length).toBeGreaterThanOrEqual(4 + orderPieces.length + 1 + 5);
    // Never two pieces back to back: people's calls are answered between every two, and while
    // they call the pieces rest.
    expect(thread.events[0]).not.toBe('piece');
    thread.events.forEach((event, index) => {
      if (event === 'piece' && index > 0) expect(thread.events[index - 1]).not.toBe('piece');
    });
    expect(thread.events.filter((event) => event === 'rest').length).toBeGreaterThan(0);
  });

  it('reads the credit lines a page per piece, only the institutions it reconstructs, and counts them as one read would', async () => {
    /** 3,000 lines of the institution with month-ends to take, 1,000 of one with none. */
    const addLines = (db: Db) => {
      const idOf = (code: string) => (db.select({ id: institutionsTable.id }).from(institutionsTable).where(eq(institutionsTable.code, code)).get() as { id: number }).id;
      const [aaa, empty] = [idOf('AAA'), idOf('EMPTY')];
      const from = Date.UTC(2026, 0, 1);
      db.$client.transaction(() => {
        for (let index = 0; index < 3000; index += 1) insertLineRow(db, { institutionId: aaa, externalId: `L${String(index).padStart(5, '0')}`, validFrom: from, mode: index % 3 === 0 ? 'single_batch' : 'revolving' });
        for (let index = 0; index < 1000; index += 1) insertLineRow(db, { institutionId: empty, externalId: `E${index}`, validFrom: from });
      })();
    };
    const { db: unpacedDb, clock: unpacedClock } = await seededBackend();
    addLines(unpacedDb);
    const unpaced = await createSnapshotJob({ db: unpacedDb, clock: unpacedClock, settings: () => defaultDomainSettings }).run();

    const without = await seededBackend();
    const withoutLines = busyThread();
    await createSnapshotJob({ db: without.db, clock: without.clock, settings: () => defaultDomainSettings, pacer: withoutLines.pacer }).run();
    const { db, clock } = await seededBackend();
    addLines(db);
    const thread = busyThread();
    const paced = await createSnapshotJob({ db, clock, settings: () => defaultDomainSettings, pacer: thread.pacer }).run();

    expect(paced).toEqual(unpaced);
    expect(written(db)).toEqual(written(unpacedDb));
    // Every month-end counts the 3,000 lines in force (the reads met them all, across pages).
    const counted = db.select().from(portfolioDailyLinesTable).all().filter((row) => row.source === 'reconstructed');
    expect(counted.length).toBeGreaterThan(0);
    for (const date of new Set(counted.map((row) => row.date))) {
      expect(counted.filter((row) => row.date === date).reduce((sum, row) => sum + row.lineCount, 0)).toBe(3000);
    }
    // The lines took several pieces of their own (pages growing from 200), not one read of all of them.
    expect(thread.pieces.length - withoutLines.pieces.length).toBeGreaterThanOrEqual(4);
  });

  it('stops between pieces at shutdown and resumes at the next start with the same results', async () => {
    const unpaced = await reference();

    const { db, clock } = await seededBackend();
    let stopping: Promise<void> | null = null;
    // Shut down during the sixth rest: past the reads before the orders, amid the orders.
    const thread = busyThread((rests) => {
      if (rests === 6) stopping = job.stop();
    });
    const job = createSnapshotJob({ db, clock, settings: () => defaultDomainSettings, pacer: thread.pacer });
    const interrupted = await job.run();
    await stopping;
    expect(stopping).not.toBeNull();
    // Some orders' rows were written, no month-end was recorded: they are all still to take.
    expect(interrupted.monthEndsTaken).toEqual([]);
    expect(db.select().from(portfolioMonthEndRunsTable).all()).toEqual([]);
    expect(db.select().from(portfolioMonthEndLoansTable).all().length).toBeGreaterThan(0);

    // The next start (a new job, as after a restart) takes them all, as one uninterrupted run does.
    const resumed = await createSnapshotJob({ db, clock, settings: () => defaultDomainSettings, pacer: busyThread().pacer }).run();
    expect(resumed).toEqual(unpaced.result);
    expect(written(db)).toEqual(unpaced.written);
  });
});

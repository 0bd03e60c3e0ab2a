/**
 * The snapshot job behind "buckets over time", utilisation over time and roll rates by month.
 *
 * - Daily (source 'live'): open loans per institution, product and bucket, and lines in force per
 *   institution and mode, copied from the derived columns (through the summaries). Taken at
 *   start-up, whenever the figures change (checked every minute) and at the Asia/Shanghai day
 *   change; the day's row is the last one taken that day.
 * - Month-end: each open loan's bucket, DPD and outstanding principal at the end of the month's
 *   last day, computed from its installments and repayments as they stood then (history.ts), when
 *   the job first runs after that day and the institution's data is in (a successful sync pass,
 *   none running; per institution, as institutions finish their first sync at different times); loans whose institution books no plan use the quoted plan
 *   and the repayments' allocations, as the sync engine does for their live DPD (a loan with
 *   neither is left out and counted). Taken within a day of the month-end it is 'live'; taken
 *   later (history before CreditDesk was installed, or after downtime) it is 'reconstructed'.
 *   Reconstructed month-ends also give the bucket and utilisation points of days that have no
 *   live snapshot; utilisation uses each line's current limit.
 * - Roll transitions between consecutive month-ends are summed when the later one is taken.
 *
 * In the desktop and `serve` every piece of this work runs through the back end's pacer, the
 * sync's, in pieces sized to its time budget (README.md, *Sharing the thread*).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { writeTransaction, type Db } from '../db/connection';
import type { Logger } from '../logging/logger';
import type { Clock } from '../core/clock';
import { itemsForBudget, type Pacer, type PieceCost } from '../core/pacer';
import { readLineSummary } from '../repositories/portfolio-lines';
import { readOrderSummary } from '../repositories/portfolio-loans';
import {
  dailyBucketsOfMonthEnd,
  disbursedOrdersAfter,
  hasDailyBuckets,
  hasDailyLines,
  insertDailyBuckets,
  insertDailyLines,
  insertMonthEndLoans,
  installmentsOfOrders,
  linesForReconstruction,
  monthEndsTaken,
  recordMonthEnd,
  replaceDailyBuckets,
  replaceDailyLines,
  repaymentsOfOrders,
  settledInstitutions,
  writeRollTransitions,
} from '../repositories/portfolio-snapshots';
import type { DomainSettings } from '../../shared/domain/settings';
import {
  institutionsTable,
  type DailyBucketRow,
  type DailyLineRow,
  type InstallmentRow,
  type MonthEndLoanRow,
  type ReconstructionLine,
  type ReconstructionOrder,
  type RepaymentAllocationRead,
  type SnapshotSource,
} from '../db/schema';
import { z } from 'zod';
import { openLoanStatuses } from '../../shared/contracts/portfolio';
import { addDays, addMonthsClamped, monthEnd as monthEndOf, shanghaiDate, shanghaiStartOfDay, type IsoDate } from '../../shared/time';
import { isInForce } from './figures';
import { delinquencyAsOf, parseAllocation, quotedInstallments } from './history';

/** Cheap when nothing changed: the summaries are a few hundred rows and unchanged days are not rewritten. */
const pollMs = 60_000;
const dayMs = 86_400_000;
/** The most orders a piece of the reconstruction reads; without a pacer every piece reads this many. */
const largestPiece = 2_000;
/** Orders in the first piece under a pacer, before their cost is known. */
const firstPiece = 20;
/** The same for credit lines, a plain read each (no computing): bounds of a piece's page. */
const largestLinePiece = 20_000;
const firstLinePiece = 200;
const openStatuses: ReadonlySet<string> = new Set(openLoanStatuses);

export interface SnapshotJobOptions {
  db: Db;
  clock: Clock;
  settings: () => DomainSettings;
  logger?: Logger;
  /** How many completed month-ends to keep reconstructed before the first live one (default 12). */
  historyMonths?: number;
  /**
   * The back end's pacer (core/pacer.ts), the sync's: the job's work runs through it in pieces of
   * about its budget, so that while people call the background keeps to its share of the thread
   * (README.md, *Sharing the thread*). Absent (tests, benches): pieces of up to 2,000 orders with
   * a turn of the event loop before each.
   */
  pacer?: Pacer;
}

export interface SnapshotRunResult {
  date: IsoDate;
  monthEndsTaken: Array<{ monthEnd: IsoDate; institutionId: number; source: SnapshotSource; loanCount: number; skippedWithoutPlan: number }>;
}

export interface SnapshotJob {
  /** Takes today's daily snapshot and any month-end not yet taken. Runs never overlap. */
  run(): Promise<SnapshotRunResult>;
  /** Runs now, then every minute and just after each Asia/Shanghai midnight, until stop(). */
  start(): void;
  stop(): Promise<void>;
}

/** The completed month-ends (last days of months) from `from`'s month through the month before `today`'s. */
export function completedMonthEnds(from: IsoDate, today: IsoDate): IsoDate[] {
  const result: IsoDate[] = [];
  let cursor = monthEndOf(from);
  while (cursor < today) {
    result.push(cursor);
    cursor = monthEndOf(addMonthsClamped(`${cursor.slice(0, 8)}01`, 1));
  }
  return result;
}

/**
 * Grace days per institution as the sync engine derives them: the settings' override, else what
 * the institution's capabilities declare, else the settings' default.
 */
export function graceDaysResolver(db: Db, settings: DomainSettings): (institutionId: number) => number {
  const declared = new Map<number, number>();
  for (const row of db.select({ id: institutionsTable.id, capabilities: institutionsTable.capabilities }).from(institutionsTable).all()) {
    if (row.capabilities === null) continue;
    try {
      const parsed = z.object({ grace_days: z.number().int().min(0) }).safeParse(JSON.parse(row.capabilities));
      if (parsed.success) declared.set(row.id, parsed.data.grace_days);
    } catch {
      // Unreadable capabilities: the default applies, as in the sync engine.
    }
  }
  return (institutionId) => settings.graceDaysByInstitution[String(institutionId)] ?? declared.get(institutionId) ?? settings.graceDays;
}

/** Without a pacer: a turn of the event loop, then the work with no time budget. */
const unpaced: Pacer['run'] = async (work) => {
  await yieldToEventLoop();
  const began = performance.now();
  return work(Number.POSITIVE_INFINITY, () => performance.now() - began);
};

export function createSnapshotJob(options: SnapshotJobOptions): SnapshotJob {
  const { db, clock, logger } = options;
  const historyMonths = options.historyMonths ?? 12;
  const pacer = options.pacer;
  const pace: Pacer['run'] = pacer ? (work) => pacer.run(work) : unpaced;
  let running: Promise<SnapshotRunResult> | null = null;
  let lastDaily = '';
  let poll: NodeJS.Timeout | null = null;
  let midnight: NodeJS.Timeout | null = null;
  let stopped = false;

  function takeDaily(at: number): IsoDate {
    const date = shanghaiDate(at);
    const buckets = new Map<string, DailyBucketRow>();
    for (const row of readOrderSummary(db, {})) {
      if (!openStatuses.has(row.status)) continue;
      const key = `${row.institutionId}|${row.productCode}|${row.bucket}`;
      const entry = buckets.get(key) ?? { institutionId: row.institutionId, productCode: row.productCode, bucket: row.bucket, loanCount: 0, balanceFen: 0 };
      entry.loanCount += row.loanCount;
      entry.balanceFen += row.outstandingPrincipalFen;
      buckets.set(key, entry);
    }
    const lines = new Map<string, DailyLineRow>();
    for (const row of readLineSummary(db, {})) {
      if (!isInForce(row)) continue;
      const key = `${row.institutionId}|${row.mode}`;
      const entry = lines.get(key) ?? { institutionId: row.institutionId, mode: row.mode, lineCount: 0, limitFen: 0, usedFen: 0 };
      entry.lineCount += row.lineCount;
      entry.limitFen += row.limitFen;
      entry.usedFen += row.usedFen;
      lines.set(key, entry);
    }
    // Unchanged since the last write: nothing to do (the job polls every minute).
    const fingerprint = JSON.stringify([date, [...buckets.values()], [...lines.values()]]);
    if (fingerprint === lastDaily) return date;
    // Statements run on the root handle: its connection is the one holding the transaction.
    writeTransaction(db, () => {
      replaceDailyBuckets(db, date, [...buckets.values()], 'live', at);
      replaceDailyLines(db, date, [...lines.values()], 'live', at);
    });
    lastDaily = fingerprint;
    return date;
  }

  /**
   * Month-ends still to take, per settled institution: completed ones since its first
   * disbursement, at most historyMonths back from today.
   */
  function pendingMonthEnds(today: IsoDate): Map<number, IsoDate[]> {
    const oldestAllowed = addMonthsClamped(`${today.slice(0, 8)}01`, -historyMonths);
    const taken = monthEndsTaken(db);
    const pending = new Map<number, IsoDate[]>();
    for (const institution of settledInstitutions(db)) {
      if (institution.firstDisbursedAt === null) continue;
      const first = shanghaiDate(institution.firstDisbursedAt);
      const done = taken.get(institution.id);
      const dates = completedMonthEnds(first > oldestAllowed ? first : oldestAllowed, today).filter((date) => !done?.has(date));
      if (dates.length > 0) pending.set(institution.id, dates);
    }
    return pending;
  }

  async function takeMonthEnds(at: number, pending: ReadonlyMap<number, readonly IsoDate[]>): Promise<SnapshotRunResult['monthEndsTaken']> {
    if (pending.size === 0) return [];
    const endOf = (date: IsoDate) => shanghaiStartOfDay(addDays(date, 1)) - 1;
    const key = (institutionId: number, date: IsoDate) => `${institutionId}|${date}`;
    const graceDays = await pace(() => graceDaysResolver(db, options.settings()));
    // The pending institutions' credit lines, read in pieces of about the pacer's budget along the
    // (institution, external id) index: one query over every line held the thread for tens of ms.
    const lines = new Map<string, ReconstructionLine>();
    const linesOf = new Map<number, ReconstructionLine[]>();
    let learnedLines: PieceCost | null = null;
    for (const institutionId of pending.keys()) {
      const own: ReconstructionLine[] = [];
      linesOf.set(institutionId, own);
      let afterExternalId = '';
      for (;;) {
        if (stopped) return [];
        const more = await pace((budgetMs, elapsed) => {
          const size = Number.isFinite(budgetMs) ? itemsForBudget(learnedLines, budgetMs, { first: firstLinePiece, smallest: 1, largest: largestLinePiece }) : largestLinePiece;
          const page = linesForReconstruction(db, institutionId, afterExternalId, size);
          for (const line of page) {
            lines.set(`${line.institutionId}|${line.externalId}`, line);
            own.push(line);
          }
          if (page.length > 0) {
            afterExternalId = (page[page.length - 1] as ReconstructionLine).externalId;
            learnedLines = { size, perItemMs: elapsed() / page.length };
          }
          return page.length === size;
        });
        if (!more) break;
      }
    }
    // Per institution and month-end: cohort counts and each line's usage then.
    const counts = new Map<string, { loans: number; skipped: number }>();
    const usage = new Map<string, Map<string, number>>();
    for (const [institutionId, dates] of pending) {
      for (const date of dates) {
        counts.set(key(institutionId, date), { loans: 0, skipped: 0 });
        usage.set(key(institutionId, date), new Map());
      }
    }
    const inForceAt = (line: ReconstructionLine, endMs: number) => line.validFrom <= endMs && endMs < line.validTo && line.status !== 'closed';

    /** One order's rows at each pending month-end of its institution, counted as it goes. */
    function reconstructOrder(order: ReconstructionOrder, installments: Map<number, InstallmentRow[]>, repayments: Map<number, RepaymentAllocationRead[]>, rows: Map<IsoDate, MonthEndLoanRow[]>): void {
      if (order.disbursedAt === null) return;
      const booked = installments.get(order.id);
      const plan = booked && booked.length > 0 ? booked : quotedInstallments(order.quotedPlan);
      const past = (repayments.get(order.id) ?? []).map((repayment) => ({ paidAt: repayment.paidAt, allocation: parseAllocation(repayment.allocation) }));
      const line = lines.get(`${order.institutionId}|${order.creditLineExternalId}`);
      for (const date of pending.get(order.institutionId) ?? []) {
        const endMs = endOf(date);
        if (order.disbursedAt > endMs) continue;
        if (order.closedAt !== null && order.closedAt <= endMs) continue;
        const count = counts.get(key(order.institutionId, date)) as { loans: number; skipped: number };
        if (plan.length === 0) {
          count.skipped += 1;
          continue;
        }
        const state = delinquencyAsOf(plan, past, endMs, graceDays(order.institutionId));
        let list = rows.get(date);
        if (!list) rows.set(date, (list = []));
        list.push({ orderId: order.id, institutionId: order.institutionId, productCode: order.productCode, bucket: state.bucket, dpd: state.dpd, balanceFen: state.outstandingPrincipalFen });
        count.loans += 1;
        if (line && inForceAt(line, endMs)) {
          const used = usage.get(key(order.institutionId, date)) as Map<string, number>;
          used.set(line.externalId, (used.get(line.externalId) ?? 0) + (line.mode === 'single_batch' ? order.principalFen : state.outstandingPrincipalFen));
        }
      }
    }

    // The orders in pieces of about the pacer's budget: each reads the next orders (as many as the
    // last piece's time per order says fit), computes them until its budget is spent, and writes
    // their rows in its own transaction; the next piece starts after the last order computed.
    const institutionIds = [...pending.keys()];
    let afterId = 0;
    let learned: PieceCost | null = null;
    for (;;) {
      // Shutdown stops a long reconstruction between pieces; it resumes at the next start.
      if (stopped) return [];
      const more = await pace((budgetMs, elapsed) => {
        if (stopped) return false;
        // Without a pacer (no budget) every piece reads the largest number.
        const size = Number.isFinite(budgetMs) ? itemsForBudget(learned, budgetMs, { first: firstPiece, smallest: 1, largest: largestPiece }) : largestPiece;
        const orders = disbursedOrdersAfter(db, institutionIds, afterId, size);
        if (orders.length === 0) return false;
        const installments = installmentsOfOrders(db, orders);
        const repayments = repaymentsOfOrders(db, orders);
        const rows = new Map<IsoDate, MonthEndLoanRow[]>();
        let done = 0;
        for (const order of orders) {
          reconstructOrder(order, installments, repayments, rows);
          afterId = order.id;
          done += 1;
          if (elapsed() >= budgetMs) break;
        }
        // Statements run on the root handle: its connection is the one holding the transaction.
        writeTransaction(db, () => {
          for (const [date, list] of rows) insertMonthEndLoans(db, date, list);
        });
        learned = { size, perItemMs: elapsed() / done };
        return true;
      });
      if (!more) break;
    }
    if (stopped) return [];

    // Each month-end recorded in its own piece and transaction (its run, its roll transitions
    // from the month before, the daily rows it fills), an institution's in date order, so the
    // roll of a month-end finds the one before it recorded.
    const taken = await pace(() => monthEndsTaken(db));
    const result: SnapshotRunResult['monthEndsTaken'] = [];
    for (const [institutionId, dates] of pending) {
      const done = taken.get(institutionId) ?? new Map<string, SnapshotSource>();
      for (const date of [...dates].sort()) {
        if (stopped) break;
        await pace(() => {
          const endMs = endOf(date);
          const source: SnapshotSource = at - endMs < dayMs ? 'live' : 'reconstructed';
          const count = counts.get(key(institutionId, date)) as { loans: number; skipped: number };
          writeTransaction(db, () => {
            recordMonthEnd(db, { monthEnd: date, institutionId, source, loanCount: count.loans, skippedWithoutPlan: count.skipped, takenAt: at });
            const previous = monthEndOf(addMonthsClamped(`${date.slice(0, 8)}01`, -1));
            const previousSource = done.get(previous);
            if (previousSource !== undefined) writeRollTransitions(db, institutionId, date, previous, source === 'reconstructed' || previousSource === 'reconstructed');
            if (!hasDailyBuckets(db, date, institutionId)) insertDailyBuckets(db, date, dailyBucketsOfMonthEnd(db, date, institutionId), 'reconstructed', at);
            if (!hasDailyLines(db, date, institutionId)) {
              const used = usage.get(key(institutionId, date)) as Map<string, number>;
              const perMode = new Map<string, DailyLineRow>();
              for (const line of linesOf.get(institutionId) ?? []) {
                if (!inForceAt(line, endMs)) continue;
                const entry = perMode.get(line.mode) ?? { institutionId, mode: line.mode, lineCount: 0, limitFen: 0, usedFen: 0 };
                entry.lineCount += 1;
                entry.limitFen += line.limitFen;
                entry.usedFen += used.get(line.externalId) ?? 0;
                perMode.set(line.mode, entry);
              }
              insertDailyLines(db, date, [...perMode.values()], 'reconstructed', at);
            }
          });
          done.set(date, source);
          result.push({ monthEnd: date, institutionId, source, loanCount: count.loans, skippedWithoutPlan: count.skipped });
        });
      }
    }
    return result.sort((a, b) => a.monthEnd.localeCompare(b.monthEnd) || a.institutionId - b.institutionId);
  }

  async function runOnce(): Promise<SnapshotRunResult> {
    const at = clock.now();
    const date = await pace(() => takeDaily(at));
    const pending = await pace(() => pendingMonthEnds(date));
    const taken = await takeMonthEnds(at, pending);
    if (taken.length > 0) logger?.info('portfolio month-ends taken', { monthEnds: taken });
    return { date, monthEndsTaken: taken };
  }

  function run(): Promise<SnapshotRunResult> {
    if (running) return running;
    running = runOnce().finally(() => {
      running = null;
    });
    return running;
  }

  function runLogged(): void {
    if (stopped) return;
    run().catch((error: unknown) => logger?.error('portfolio snapshot failed', { error: String(error) }));
  }

  function scheduleMidnight(): void {
    if (stopped) return;
    const now = clock.now();
    const next = shanghaiStartOfDay(addDays(shanghaiDate(now), 1)) + 5_000;
    midnight = setTimeout(() => {
      runLogged();
      scheduleMidnight();
    }, Math.max(1_000, next - now));
    midnight.unref();
  }

  return {
    run,
    start() {
      stopped = false;
      runLogged();
      poll = setInterval(runLogged, pollMs);
      poll.unref();
      scheduleMidnight();
    },
    async stop() {
      stopped = true;
      if (poll) clearInterval(poll);
      if (midnight) clearTimeout(midnight);
      poll = null;
      midnight = null;
      await running?.catch(() => undefined);
    },
  };
}

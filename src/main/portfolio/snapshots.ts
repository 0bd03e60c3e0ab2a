/**
 * The snapshot job behind "buckets over time", utilisation over time and roll rates by month.
 *
 * - Daily (source 'live'): open loans per institution, product and bucket, and lines in force per
 *   institution and mode, copied from the derived columns (through the summaries). Taken at
 *   start-up, every hour and at the Asia/Shanghai day change; the day's row is the last one taken
 *   that day.
 * - Month-end: each open loan's bucket, DPD and outstanding principal at the end of the month's
 *   last day, computed from its installments and repayments as they stood then (history.ts), when
 *   the job first runs after that day; loans whose institution books no plan use the quoted plan
 *   and the repayments' allocations, as the sync engine does for their live DPD (a loan with
 *   neither is left out and counted). Taken within a day of the month-end it is 'live'; taken
 *   later (history before CreditDesk was installed, or after downtime) it is 'reconstructed'.
 *   Reconstructed month-ends also give the bucket and utilisation points of days that have no
 *   live snapshot; utilisation uses each line's current limit.
 * - Roll transitions between consecutive month-ends are summed when the later one is taken.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { writeTransaction, type Db } from '../db/connection';
import type { Logger } from '../logging/logger';
import type { Clock } from '../services/clock';
import { readLineSummary } from '../repositories/portfolio-lines';
import { readOrderSummary } from '../repositories/portfolio-loans';
import {
  dailyBucketsOfMonthEnd,
  disbursedOrdersAfter,
  earliestDisbursement,
  hasDailyBuckets,
  hasDailyLines,
  insertMonthEndLoans,
  installmentsOfOrders,
  linesForReconstruction,
  monthEndsTaken,
  recordMonthEnd,
  replaceDailyBuckets,
  replaceDailyLines,
  repaymentsOfOrders,
  writeRollTransitions,
  type DailyBucketRow,
  type DailyLineRow,
  type MonthEndLoanRow,
  type ReconstructionLine,
} from '../repositories/portfolio-snapshots';
import type { DomainSettings } from '../../shared/domain/settings';
import { institutionsTable } from '../db/schema';
import { z } from 'zod';
import { openLoanStatuses } from '../../shared/contracts/portfolio';
import { addDays, addMonthsClamped, monthEnd as monthEndOf, shanghaiDate, shanghaiStartOfDay, type IsoDate } from '../../shared/time';
import { isInForce } from './figures';
import { delinquencyAsOf, parseAllocation, quotedInstallments } from './history';

const hourMs = 3_600_000;
const dayMs = 86_400_000;
const batchSize = 2_000;
const openStatuses: ReadonlySet<string> = new Set(openLoanStatuses);

export interface SnapshotJobOptions {
  db: Db;
  clock: Clock;
  settings: () => DomainSettings;
  logger?: Logger;
  /** How many completed month-ends to keep reconstructed before the first live one (default 12). */
  historyMonths?: number;
}

export interface SnapshotRunResult {
  date: IsoDate;
  monthEndsTaken: Array<{ monthEnd: IsoDate; source: 'live' | 'reconstructed'; loanCount: number; skippedWithoutPlan: number }>;
}

export interface SnapshotJob {
  /** Takes today's daily snapshot and any month-end not yet taken. Runs never overlap. */
  run(): Promise<SnapshotRunResult>;
  /** Runs now, then hourly and just after each Asia/Shanghai midnight, until stop(). */
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

export function createSnapshotJob(options: SnapshotJobOptions): SnapshotJob {
  const { db, clock, logger } = options;
  const historyMonths = options.historyMonths ?? 12;
  let running: Promise<SnapshotRunResult> | null = null;
  let hourly: NodeJS.Timeout | null = null;
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
    // Statements run on the root handle: its connection is the one holding the transaction.
    writeTransaction(db, () => {
      replaceDailyBuckets(db, date, [...buckets.values()], 'live', at);
      replaceDailyLines(db, date, [...lines.values()], 'live', at);
    });
    return date;
  }

  /** Month-ends still to take: completed ones since the first disbursement, at most historyMonths before today. */
  function pendingMonthEnds(today: IsoDate): IsoDate[] {
    const earliest = earliestDisbursement(db);
    if (earliest === null) return [];
    const oldestAllowed = addMonthsClamped(`${today.slice(0, 8)}01`, -historyMonths);
    const from = shanghaiDate(earliest) > oldestAllowed ? shanghaiDate(earliest) : oldestAllowed;
    const taken = monthEndsTaken(db);
    return completedMonthEnds(from, today).filter((date) => !taken.has(date));
  }

  async function takeMonthEnds(at: number, monthEnds: readonly IsoDate[]): Promise<SnapshotRunResult['monthEndsTaken']> {
    if (monthEnds.length === 0) return [];
    const graceDays = graceDaysResolver(db, options.settings());
    const ends = monthEnds.map((date) => ({
      date,
      endMs: shanghaiStartOfDay(addDays(date, 1)) - 1,
      live: at - (shanghaiStartOfDay(addDays(date, 1)) - 1) < dayMs,
    }));
    const lines = new Map<string, ReconstructionLine>(linesForReconstruction(db).map((line) => [`${line.institutionId}|${line.externalId}`, line]));
    const usedByEnd = ends.map(() => new Map<string, number>());
    const counts = ends.map(() => ({ loans: 0, skipped: 0 }));
    let afterId = 0;
    for (;;) {
      // Shutdown stops a long reconstruction between batches; it resumes at the next start.
      if (stopped) return [];
      const orders = disbursedOrdersAfter(db, afterId, batchSize);
      if (orders.length === 0) break;
      afterId = (orders[orders.length - 1] as (typeof orders)[number]).id;
      const installments = installmentsOfOrders(db, orders);
      const repayments = repaymentsOfOrders(db, orders);
      const rowsByEnd: MonthEndLoanRow[][] = ends.map(() => []);
      for (const order of orders) {
        if (order.disbursedAt === null) continue;
        const booked = installments.get(order.id);
        const plan = booked && booked.length > 0 ? booked : quotedInstallments(order.quotedPlan);
        const past = (repayments.get(order.id) ?? []).map((repayment) => ({ paidAt: repayment.paidAt, allocation: parseAllocation(repayment.allocation) }));
        const line = lines.get(`${order.institutionId}|${order.creditLineExternalId}`);
        ends.forEach((end, index) => {
          if ((order.disbursedAt as number) > end.endMs) return;
          if (order.closedAt !== null && order.closedAt <= end.endMs) return;
          if (plan.length === 0) {
            (counts[index] as { skipped: number }).skipped += 1;
            return;
          }
          const state = delinquencyAsOf(plan, past, end.endMs, graceDays(order.institutionId));
          const bucket = state.bucket;
          const dpd = state.dpd;
          const balanceFen = state.outstandingPrincipalFen;
          (rowsByEnd[index] as MonthEndLoanRow[]).push({ orderId: order.id, institutionId: order.institutionId, productCode: order.productCode, bucket, dpd, balanceFen });
          if (line && line.validFrom <= end.endMs && end.endMs < line.validTo && line.status !== 'closed') {
            const used = line.mode === 'single_batch' ? order.principalFen : balanceFen;
            const usage = usedByEnd[index] as Map<string, number>;
            const key = `${line.institutionId}|${line.externalId}`;
            usage.set(key, (usage.get(key) ?? 0) + used);
          }
        });
      }
      writeTransaction(db, () => {
        ends.forEach((end, index) => {
          const rows = rowsByEnd[index] as MonthEndLoanRow[];
          (counts[index] as { loans: number }).loans += rows.length;
          insertMonthEndLoans(db, end.date, rows);
        });
      });
      await yieldToEventLoop();
    }

    const taken = monthEndsTaken(db);
    const result: SnapshotRunResult['monthEndsTaken'] = [];
    writeTransaction(db, () => {
      ends.forEach((end, index) => {
        const source = end.live ? 'live' : 'reconstructed';
        const count = counts[index] as { loans: number; skipped: number };
        recordMonthEnd(db, { monthEnd: end.date, source, loanCount: count.loans, skippedWithoutPlan: count.skipped, takenAt: at });
        taken.set(end.date, source);
        const previous = monthEndOf(addMonthsClamped(`${end.date.slice(0, 8)}01`, -1));
        const previousSource = taken.get(previous);
        if (previousSource !== undefined) writeRollTransitions(db, end.date, previous, source === 'reconstructed' || previousSource === 'reconstructed');
        // A later month-end taken before this one (never in order here, but after a data reset) re-sums too.
        const next = monthEndOf(addMonthsClamped(`${end.date.slice(0, 8)}01`, 1));
        const nextSource = taken.get(next);
        if (nextSource !== undefined && !ends.some((other) => other.date === next)) {
          writeRollTransitions(db, next, end.date, source === 'reconstructed' || nextSource === 'reconstructed');
        }
        if (!hasDailyBuckets(db, end.date)) replaceDailyBuckets(db, end.date, dailyBucketsOfMonthEnd(db, end.date), 'reconstructed', at);
        if (!hasDailyLines(db, end.date)) {
          const usage = usedByEnd[index] as Map<string, number>;
          const perKey = new Map<string, DailyLineRow>();
          for (const line of lines.values()) {
            if (!(line.validFrom <= end.endMs && end.endMs < line.validTo && line.status !== 'closed')) continue;
            const key = `${line.institutionId}|${line.mode}`;
            const entry = perKey.get(key) ?? { institutionId: line.institutionId, mode: line.mode, lineCount: 0, limitFen: 0, usedFen: 0 };
            entry.lineCount += 1;
            entry.limitFen += line.limitFen;
            entry.usedFen += usage.get(`${line.institutionId}|${line.externalId}`) ?? 0;
            perKey.set(key, entry);
          }
          replaceDailyLines(db, end.date, [...perKey.values()], 'reconstructed', at);
        }
        result.push({ monthEnd: end.date, source, loanCount: count.loans, skippedWithoutPlan: count.skipped });
      });
    });
    return result;
  }

  async function runOnce(): Promise<SnapshotRunResult> {
    const at = clock.now();
    const date = takeDaily(at);
    const taken = await takeMonthEnds(at, pendingMonthEnds(date));
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
      hourly = setInterval(runLogged, hourMs);
      hourly.unref();
      scheduleMidnight();
    },
    async stop() {
      stopped = true;
      if (hourly) clearInterval(hourly);
      if (midnight) clearTimeout(midnight);
      hourly = null;
      midnight = null;
      await running?.catch(() => undefined);
    },
  };
}

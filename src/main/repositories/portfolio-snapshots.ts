/**
 * Portfolio history: daily bucket and line snapshots, month-end loan cohorts and the roll
 * transitions between them; plus the batched reads the reconstruction walks.
 */
import { and, asc, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import {
  creditLinesTable,
  installmentsTable,
  ordersTable,
  portfolioDailyBucketsTable,
  portfolioDailyLinesTable,
  portfolioMonthEndLoansTable,
  portfolioMonthEndRunsTable,
  portfolioRollTransitionsTable,
  repaymentsTable,
  type DailyBucketRow,
  type DailyLineRow,
  type InstallmentRow,
  type MonthEndLoanRow,
  type ReconstructionLine,
  type ReconstructionOrder,
  type RepaymentAllocationRead,
  type SnapshotSource,
} from '../db/schema';
import { disbursedLoanStatuses } from '../../shared/contracts/portfolio';

/** Replaces a day's bucket rows (the last run of a day wins). */
export function replaceDailyBuckets(db: Db, date: string, rows: readonly DailyBucketRow[], source: SnapshotSource, takenAt: number): void {
  db.delete(portfolioDailyBucketsTable).where(eq(portfolioDailyBucketsTable.date, date)).run();
  for (const row of rows) db.insert(portfolioDailyBucketsTable).values({ date, ...row, source, takenAt }).run();
}

export function replaceDailyLines(db: Db, date: string, rows: readonly DailyLineRow[], source: SnapshotSource, takenAt: number): void {
  db.delete(portfolioDailyLinesTable).where(eq(portfolioDailyLinesTable.date, date)).run();
  for (const row of rows) db.insert(portfolioDailyLinesTable).values({ date, ...row, source, takenAt }).run();
}

/** Whether an institution already has bucket rows on a day (a live snapshot, or an earlier reconstruction). */
export function hasDailyBuckets(db: Db, date: string, institutionId: number): boolean {
  const d = portfolioDailyBucketsTable;
  return db.select({ one: sql`1` }).from(d).where(and(eq(d.date, date), eq(d.institutionId, institutionId))).limit(1).get() !== undefined;
}

export function hasDailyLines(db: Db, date: string, institutionId: number): boolean {
  const d = portfolioDailyLinesTable;
  return db.select({ one: sql`1` }).from(d).where(and(eq(d.date, date), eq(d.institutionId, institutionId))).limit(1).get() !== undefined;
}

/** Adds rows for one institution on a day without touching other institutions' rows. */
export function insertDailyBuckets(db: Db, date: string, rows: readonly DailyBucketRow[], source: SnapshotSource, takenAt: number): void {
  for (const row of rows) db.insert(portfolioDailyBucketsTable).values({ date, ...row, source, takenAt }).onConflictDoNothing().run();
}

export function insertDailyLines(db: Db, date: string, rows: readonly DailyLineRow[], source: SnapshotSource, takenAt: number): void {
  for (const row of rows) db.insert(portfolioDailyLinesTable).values({ date, ...row, source, takenAt }).onConflictDoNothing().run();
}

/** Month-ends taken, per institution. */
export function monthEndsTaken(db: Db): Map<number, Map<string, SnapshotSource>> {
  const result = new Map<number, Map<string, SnapshotSource>>();
  const r = portfolioMonthEndRunsTable;
  for (const row of db.select({ monthEnd: r.monthEnd, institutionId: r.institutionId, source: r.source }).from(r).all()) {
    let taken = result.get(row.institutionId);
    if (!taken) result.set(row.institutionId, (taken = new Map()));
    taken.set(row.monthEnd, row.source);
  }
  return result;
}

/**
 * Institutions whose data is in: at least one successful sync pass and none running now, with
 * their first disbursement (null when they have no disbursed loan yet).
 */
export function settledInstitutions(db: Db): Array<{ id: number; firstDisbursedAt: number | null }> {
  // Written out: the correlated subquery needs its outer column qualified.
  return db.all<{ id: number; firstDisbursedAt: number | null }>(sql`
    SELECT i.id AS id, (SELECT min(o.disbursed_at) FROM orders o WHERE o.institution_id = i.id) AS firstDisbursedAt
    FROM institutions i
    WHERE i.last_success_at IS NOT NULL AND i.state <> 'syncing'
    ORDER BY i.id`);
}

export function insertMonthEndLoans(db: Db, monthEnd: string, rows: readonly MonthEndLoanRow[]): void {
  const statement = db.$client.prepare(
    'INSERT OR REPLACE INTO portfolio_month_end_loans (month_end, order_id, institution_id, product_code, bucket, dpd, balance_fen) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const row of rows) statement.run(monthEnd, row.orderId, row.institutionId, row.productCode, row.bucket, row.dpd, row.balanceFen);
}

export function recordMonthEnd(
  db: Db,
  entry: { monthEnd: string; institutionId: number; source: SnapshotSource; loanCount: number; skippedWithoutPlan: number; takenAt: number },
): void {
  db.insert(portfolioMonthEndRunsTable)
    .values(entry)
    .onConflictDoUpdate({
      target: [portfolioMonthEndRunsTable.monthEnd, portfolioMonthEndRunsTable.institutionId],
      set: { source: entry.source, loanCount: entry.loanCount, skippedWithoutPlan: entry.skippedWithoutPlan, takenAt: entry.takenAt },
    })
    .run();
}

/** Sums one institution's movements from `previousMonthEnd`'s cohort to `monthEnd` ('gone' = no longer open). */
export function writeRollTransitions(db: Db, institutionId: number, monthEnd: string, previousMonthEnd: string, reconstructed: boolean): void {
  const t = portfolioRollTransitionsTable;
  db.delete(t).where(and(eq(t.monthEnd, monthEnd), eq(t.institutionId, institutionId))).run();
  db.$client
    .prepare(
      `INSERT INTO portfolio_roll_transitions (month_end, institution_id, product_code, from_bucket, to_bucket, loan_count, balance_fen, reconstructed)
       SELECT ?, p.institution_id, p.product_code, p.bucket, coalesce(c.bucket, 'gone'), count(*), sum(p.balance_fen), ?
       FROM portfolio_month_end_loans p
       LEFT JOIN portfolio_month_end_loans c ON c.month_end = ? AND c.order_id = p.order_id
       WHERE p.month_end = ? AND p.institution_id = ?
       GROUP BY p.institution_id, p.product_code, p.bucket, coalesce(c.bucket, 'gone')`,
    )
    .run(monthEnd, reconstructed ? 1 : 0, monthEnd, previousMonthEnd, institutionId);
}

/** One institution's bucket rows of a month-end cohort, for a day without its live snapshot. */
export function dailyBucketsOfMonthEnd(db: Db, monthEnd: string, institutionId: number): DailyBucketRow[] {
  const m = portfolioMonthEndLoansTable;
  return db
    .select({
      institutionId: m.institutionId,
      productCode: m.productCode,
      bucket: m.bucket,
      loanCount: sql<number>`count(*)`.mapWith(Number),
      balanceFen: sql<number>`sum(${m.balanceFen})`.mapWith(Number),
    })
    .from(m)
    .where(and(eq(m.monthEnd, monthEnd), eq(m.institutionId, institutionId)))
    .groupBy(m.institutionId, m.productCode, m.bucket)
    .all();
}

/** Roll transitions summed over the institutions and products in scope: a grouped read, so written out. */
export interface RollTransitionRead {
  monthEnd: string;
  fromBucket: string;
  toBucket: string;
  balanceFen: number;
  /** Loans that made this move (the cohort's size is the sum over its from-bucket). */
  loanCount: number;
  reconstructed: boolean;
}

export function rollTransitions(db: Db, scope: { institutionId?: number; productCode?: string }, sinceMonthEnd: string): RollTransitionRead[] {
  const t = portfolioRollTransitionsTable;
  const conditions = [gte(t.monthEnd, sinceMonthEnd)];
  if (scope.institutionId !== undefined) conditions.push(eq(t.institutionId, scope.institutionId));
  if (scope.productCode !== undefined) conditions.push(eq(t.productCode, scope.productCode));
  return db
    .select({
      monthEnd: t.monthEnd,
      fromBucket: t.fromBucket,
      toBucket: t.toBucket,
      balanceFen: sql<number>`sum(${t.balanceFen})`.mapWith(Number),
      loanCount: sql<number>`sum(${t.loanCount})`.mapWith(Number),
      reconstructed: sql<boolean>`max(${t.reconstructed})`.mapWith((value) => Number(value) === 1),
    })
    .from(t)
    .where(and(...conditions))
    .groupBy(t.monthEnd, t.fromBucket, t.toBucket)
    .orderBy(asc(t.monthEnd))
    .all();
}

export function dailyBuckets(
  db: Db,
  scope: { institutionId?: number; productCode?: string },
  sinceDate: string,
): Array<{ date: string; bucket: string; loanCount: number; balanceFen: number; source: SnapshotSource }> {
  const d = portfolioDailyBucketsTable;
  const conditions = [gte(d.date, sinceDate)];
  if (scope.institutionId !== undefined) conditions.push(eq(d.institutionId, scope.institutionId));
  if (scope.productCode !== undefined) conditions.push(eq(d.productCode, scope.productCode));
  return db
    .select({
      date: d.date,
      bucket: d.bucket,
      loanCount: sql<number>`sum(${d.loanCount})`.mapWith(Number),
      balanceFen: sql<number>`sum(${d.balanceFen})`.mapWith(Number),
      source: sql<SnapshotSource>`min(${d.source})`,
    })
    .from(d)
    .where(and(...conditions))
    .groupBy(d.date, d.bucket)
    .orderBy(asc(d.date))
    .all();
}

// ---------------------------------------------------------------------------------------------
// Reads for the reconstruction, in id-ordered batches.

export function disbursedOrdersAfter(db: Db, institutionIds: readonly number[], afterId: number, limit: number): ReconstructionOrder[] {
  const o = ordersTable;
  return db
    .select({
      id: o.id,
      institutionId: o.institutionId,
      externalId: o.externalId,
      creditLineExternalId: o.creditLineExternalId,
      productCode: o.productCode,
      principalFen: o.principalFen,
      disbursedAt: o.disbursedAt,
      closedAt: o.closedAt,
      quotedPlan: o.quotedPlan,
    })
    .from(o)
    .where(and(gt(o.id, afterId), inArray(o.institutionId, [...institutionIds]), inArray(o.status, [...disbursedLoanStatuses])))
    .orderBy(asc(o.id))
    .limit(limit)
    .all();
}

/** The newest plan's installments of each order in the batch, keyed by order id. */
export function installmentsOfOrders(db: Db, orders: readonly Pick<ReconstructionOrder, 'id' | 'institutionId' | 'externalId'>[]): Map<number, InstallmentRow[]> {
  const result = new Map<number, InstallmentRow[]>();
  if (orders.length === 0) return result;
  const planStatement = db.$client.prepare('SELECT id FROM repayment_plans WHERE institution_id = ? AND order_external_id = ? ORDER BY version DESC, id DESC LIMIT 1');
  const planIds = new Map<number, number>();
  for (const order of orders) {
    const plan = planStatement.get(order.institutionId, order.externalId) as { id: number } | undefined;
    if (plan) planIds.set(plan.id, order.id);
  }
  if (planIds.size === 0) return result;
  const rows = db
    .select()
    .from(installmentsTable)
    .where(inArray(installmentsTable.planId, [...planIds.keys()]))
    .orderBy(asc(installmentsTable.planId), asc(installmentsTable.period))
    .all();
  for (const row of rows) {
    const orderId = planIds.get(row.planId) as number;
    let list = result.get(orderId);
    if (!list) result.set(orderId, (list = []));
    list.push(row);
  }
  return result;
}

export function repaymentsOfOrders(db: Db, orders: readonly Pick<ReconstructionOrder, 'id' | 'institutionId' | 'externalId'>[]): Map<number, RepaymentAllocationRead[]> {
  const result = new Map<number, RepaymentAllocationRead[]>();
  const r = repaymentsTable;
  for (const order of orders) {
    const rows = db
      .select({ paidAt: r.paidAt, allocation: r.allocation })
      .from(r)
      .where(and(eq(r.institutionId, order.institutionId), eq(r.orderExternalId, order.externalId)))
      .all();
    if (rows.length > 0) result.set(order.id, rows);
  }
  return result;
}

/**
 * One institution's credit lines after `afterExternalId`, in external id order, at most `limit`:
 * the reconstruction reads them page by page along the (institution, external id) unique index,
 * so no read holds the thread for all the lines at once.
 */
export function linesForReconstruction(db: Db, institutionId: number, afterExternalId: string, limit: number): ReconstructionLine[] {
  const l = creditLinesTable;
  return db
    .select({ institutionId: l.institutionId, externalId: l.externalId, mode: l.mode, limitFen: l.limitFen, validFrom: l.validFrom, validTo: l.validTo, status: l.status })
    .from(l)
    .where(and(eq(l.institutionId, institutionId), gt(l.externalId, afterExternalId)))
    .orderBy(l.externalId)
    .limit(limit)
    .all();
}


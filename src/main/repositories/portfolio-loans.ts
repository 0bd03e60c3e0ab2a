/**
 * Read queries behind the loans dashboard, loan list and loan detail. The dashboard reads the
 * trigger-kept `portfolio_order_summary`; `liveOrderSummary` computes the same rows straight from
 * `orders` (for a disbursement-date scope, and to prove the summary exact).
 */
import { and, asc, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection';
import {
  borrowersTable,
  creditLinesTable,
  installmentsTable,
  institutionsTable,
  ordersTable,
  portfolioMonthEndLoansTable,
  portfolioOrderSummaryTable,
  repaymentPlansTable,
  repaymentsTable,
  type InstallmentRow,
  type OrderRow,
  type PortfolioOrderSummaryRow,
  type RepaymentRow,
} from '../db/schema';
import { disbursedLoanStatuses, openLoanStatuses, type LoanListInput } from '../../shared/contracts/portfolio';
import { addDays, shanghaiStartOfDay } from '../../shared/time';

export interface OrderScope {
  institutionId?: number;
  productCode?: string;
  /** Inclusive Asia/Shanghai dates of disbursement (live aggregate only). */
  disbursedFrom?: string;
  disbursedTo?: string;
}

export type OrderSummaryRow = PortfolioOrderSummaryRow;

/** The trigger-kept summary rows of a scope (institution and product only). */
export function readOrderSummary(db: Db, scope: Pick<OrderScope, 'institutionId' | 'productCode'>): OrderSummaryRow[] {
  const conditions: SQL[] = [];
  if (scope.institutionId !== undefined) conditions.push(eq(portfolioOrderSummaryTable.institutionId, scope.institutionId));
  if (scope.productCode !== undefined) conditions.push(eq(portfolioOrderSummaryTable.productCode, scope.productCode));
  return db
    .select()
    .from(portfolioOrderSummaryTable)
    .where(conditions.length ? and(...conditions) : undefined)
    .all();
}

/** The same rows as readOrderSummary, aggregated live from `orders` (any scope). */
export function liveOrderSummary(db: Db, scope: OrderScope): OrderSummaryRow[] {
  const o = ordersTable;
  return db
    .select({
      institutionId: o.institutionId,
      productCode: o.productCode,
      status: o.status,
      bucket: o.bucket,
      aprFlag: o.aprFlag,
      planState: o.planState,
      planMismatch: sql<number>`${o.planMismatch}`.mapWith(Number),
      loanCount: sql<number>`count(*)`.mapWith(Number),
      overdueCount: sql<number>`sum(${o.dpd} > 0)`.mapWith(Number),
      principalFen: sql<number>`sum(${o.principalFen})`.mapWith(Number),
      outstandingPrincipalFen: sql<number>`sum(${o.outstandingPrincipalFen})`.mapWith(Number),
      overduePrincipalFen: sql<number>`sum(${o.overduePrincipalFen})`.mapWith(Number),
      overdueInterestFen: sql<number>`sum(${o.overdueInterestFen})`.mapWith(Number),
      overdueFeeFen: sql<number>`sum(${o.overdueFeeFen})`.mapWith(Number),
      overduePenaltyFen: sql<number>`sum(${o.overduePenaltyFen})`.mapWith(Number),
    })
    .from(o)
    .where(and(...scopeConditions(scope)))
    .groupBy(o.institutionId, o.productCode, o.status, o.bucket, o.aprFlag, o.planState, o.planMismatch)
    .all();
}

function scopeConditions(scope: OrderScope): SQL[] {
  const conditions: SQL[] = [];
  if (scope.institutionId !== undefined) conditions.push(eq(ordersTable.institutionId, scope.institutionId));
  if (scope.productCode !== undefined) conditions.push(eq(ordersTable.productCode, scope.productCode));
  if (scope.disbursedFrom !== undefined) conditions.push(gte(ordersTable.disbursedAt, shanghaiStartOfDay(scope.disbursedFrom)));
  if (scope.disbursedTo !== undefined) conditions.push(lt(ordersTable.disbursedAt, shanghaiStartOfDay(addDays(scope.disbursedTo, 1))));
  return conditions;
}

/** Products seen on orders, per institution (for filters). */
export function orderProducts(db: Db): Array<{ institutionId: number; productCode: string }> {
  return db
    .selectDistinct({ institutionId: portfolioOrderSummaryTable.institutionId, productCode: portfolioOrderSummaryTable.productCode })
    .from(portfolioOrderSummaryTable)
    .orderBy(portfolioOrderSummaryTable.institutionId, portfolioOrderSummaryTable.productCode)
    .all();
}

export function institutionRefs(db: Db): Array<{ id: number; code: string; name: string }> {
  return db
    .select({ id: institutionsTable.id, code: institutionsTable.code, name: institutionsTable.name })
    .from(institutionsTable)
    .orderBy(asc(institutionsTable.code))
    .all();
}

/** WHERE conditions of a loan list filter (everything but `rolled`, which needs the previous month-end). */
export function loanFilterConditions(filter: Omit<LoanListInput, 'sort' | 'direction' | 'offset' | 'limit'>, previousMonthEnd?: string): SQL[] {
  const o = ordersTable;
  const conditions = scopeConditions(filter);
  if (filter.bucket !== undefined) conditions.push(eq(o.bucket, filter.bucket));
  if (filter.status !== undefined) conditions.push(eq(o.status, filter.status));
  if (filter.scope === 'open') conditions.push(inArray(o.status, [...openLoanStatuses]));
  if (filter.scope === 'disbursed') conditions.push(inArray(o.status, [...disbursedLoanStatuses]));
  if (filter.parDays !== undefined) conditions.push(gt(o.dpd, filter.parDays));
  if (filter.borrowerId !== undefined) conditions.push(eq(o.borrowerId, filter.borrowerId));
  if (filter.creditLineId !== undefined) {
    conditions.push(
      sql`(${o.institutionId}, ${o.creditLineExternalId}) IN (SELECT ${creditLinesTable.institutionId}, ${creditLinesTable.externalId} FROM ${creditLinesTable} WHERE ${creditLinesTable.id} = ${filter.creditLineId})`,
    );
  }
  switch (filter.flag) {
    case undefined:
      break;
    case 'overdue':
      conditions.push(gt(o.dpd, 0));
      break;
    case 'in_grace':
      conditions.push(eq(o.inGrace, true));
      break;
    case 'apr_warning':
      conditions.push(inArray(o.aprFlag, ['warning', 'non_compliant']));
      break;
    case 'apr_non_compliant':
      conditions.push(eq(o.aprFlag, 'non_compliant'));
      break;
    case 'apr_unknown':
      conditions.push(eq(o.aprFlag, 'unknown'));
      break;
    case 'plan_missing':
      conditions.push(eq(o.planState, 'missing'));
      break;
    case 'plan_mismatch':
      conditions.push(eq(o.planMismatch, true));
      break;
    default: {
      const exhaustive: never = filter.flag;
      throw new Error(`Unknown loan flag ${String(exhaustive)}`);
    }
  }
  if (filter.rolled !== undefined && previousMonthEnd !== undefined) {
    const before = portfolioMonthEndLoansTable;
    conditions.push(
      sql`${o.id} IN (SELECT b.order_id FROM ${before} b JOIN ${before} a ON a.order_id = b.order_id AND a.month_end = ${filter.rolled.monthEnd} AND a.bucket = ${filter.rolled.to} WHERE b.month_end = ${previousMonthEnd} AND b.bucket = ${filter.rolled.from})`,
    );
  }
  return conditions;
}

const sortColumns = {
  disbursedAt: ordersTable.disbursedAt,
  principal: ordersTable.principalFen,
  outstanding: ordersTable.outstandingPrincipalFen,
  dpd: ordersTable.dpd,
  apr: ordersTable.aprNominalBps,
  nextDue: ordersTable.nextDueDate,
} as const;

export type LoanListRecord = Pick<
  OrderRow,
  | 'id'
  | 'institutionId'
  | 'externalId'
  | 'borrowerId'
  | 'productCode'
  | 'status'
  | 'principalFen'
  | 'outstandingPrincipalFen'
  | 'termMonths'
  | 'disbursedAt'
  | 'dpd'
  | 'bucket'
  | 'inGrace'
  | 'aprNominalBps'
  | 'aprFlag'
  | 'planState'
  | 'planMismatch'
  | 'nextDueDate'
  | 'nextDueFen'
> & { borrowerName: string | null };

/** The index that reads orders in each sort order (see 0017_portfolio_list_indexes). */
const sortIndexes = {
  disbursedAt: 'orders_disbursed_idx',
  principal: 'orders_principal_idx',
  outstanding: 'orders_outstanding_idx',
  dpd: 'orders_dpd_idx',
  apr: 'orders_apr_idx',
  nextDue: 'orders_next_due_idx',
} as const;

export interface PageOptions {
  /**
   * Read the table through the sort order's index and stop after the page. Right when the filter
   * keeps a large share of rows (then the first page is found within a few hundred rows); wrong
   * for a rare filter, where an index on the filter and a sort of the few matches is faster. The
   * planner cannot tell the two apart reliably, so the service decides from the filter's count.
   */
  readInSortOrder: boolean;
}

/** The ids of one page of loans in the requested order (id breaks ties so pages never overlap). */
export function loanPageQuery(conditions: SQL[], input: Pick<LoanListInput, 'sort' | 'direction' | 'offset' | 'limit'>, options: PageOptions): SQL {
  const o = ordersTable;
  const direction = sql.raw(input.direction === 'asc' ? 'ASC' : 'DESC');
  const source = options.readInSortOrder ? sql`${o} INDEXED BY ${sql.raw(sortIndexes[input.sort])}` : sql`${o}`;
  const where = conditions.length ? sql` WHERE ${and(...conditions)}` : sql``;
  return sql`SELECT ${o.id} AS id FROM ${source}${where} ORDER BY ${sortColumns[input.sort]} ${direction}, ${o.id} ${direction} LIMIT ${input.limit} OFFSET ${input.offset}`;
}

/** One page of loans: the ids first, then the borrower joined for just those rows. */
export function loanPage(db: Db, conditions: SQL[], input: Pick<LoanListInput, 'sort' | 'direction' | 'offset' | 'limit'>, options: PageOptions): LoanListRecord[] {
  const o = ordersTable;
  const page = db.all<{ id: number }>(loanPageQuery(conditions, input, options)).map((row) => row.id);
  if (page.length === 0) return [];
  const rows = db
    .select({
      id: o.id,
      institutionId: o.institutionId,
      externalId: o.externalId,
      borrowerId: o.borrowerId,
      productCode: o.productCode,
      status: o.status,
      principalFen: o.principalFen,
      outstandingPrincipalFen: o.outstandingPrincipalFen,
      termMonths: o.termMonths,
      disbursedAt: o.disbursedAt,
      dpd: o.dpd,
      bucket: o.bucket,
      inGrace: o.inGrace,
      aprNominalBps: o.aprNominalBps,
      aprFlag: o.aprFlag,
      planState: o.planState,
      planMismatch: o.planMismatch,
      nextDueDate: o.nextDueDate,
      nextDueFen: o.nextDueFen,
      borrowerName: borrowersTable.name,
    })
    .from(o)
    .leftJoin(borrowersTable, eq(borrowersTable.id, o.borrowerId))
    .where(inArray(o.id, page))
    .all();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return page.flatMap((id) => byId.get(id) ?? []);
}

export function countLoans(db: Db, conditions: SQL[]): number {
  return db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(ordersTable)
    .where(conditions.length ? and(...conditions) : undefined)
    .get()?.n ?? 0;
}

export function findOrder(db: Db, id: number): OrderRow | undefined {
  return db.select().from(ordersTable).where(eq(ordersTable.id, id)).get();
}

/** The installments of the newest booked plan of an order (null when no plan record exists). */
export function installmentsOfOrder(db: Db, institutionId: number, orderExternalId: string): InstallmentRow[] | null {
  const plan = db
    .select({ id: repaymentPlansTable.id })
    .from(repaymentPlansTable)
    .where(and(eq(repaymentPlansTable.institutionId, institutionId), eq(repaymentPlansTable.orderExternalId, orderExternalId)))
    .orderBy(desc(repaymentPlansTable.version), desc(repaymentPlansTable.id))
    .limit(1)
    .get();
  if (!plan) return null;
  return db.select().from(installmentsTable).where(eq(installmentsTable.planId, plan.id)).orderBy(asc(installmentsTable.period)).all();
}

export function repaymentsOfOrder(db: Db, institutionId: number, orderExternalId: string): RepaymentRow[] {
  return db
    .select()
    .from(repaymentsTable)
    .where(and(eq(repaymentsTable.institutionId, institutionId), eq(repaymentsTable.orderExternalId, orderExternalId)))
    .orderBy(asc(repaymentsTable.paidAt), asc(repaymentsTable.id))
    .all();
}

export function borrowerNameOf(db: Db, borrowerId: number | null): string | null {
  if (borrowerId === null) return null;
  return db.select({ name: borrowersTable.name }).from(borrowersTable).where(eq(borrowersTable.id, borrowerId)).get()?.name ?? null;
}

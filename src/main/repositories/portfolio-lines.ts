/**
 * Read queries behind the lines dashboard, line list and line detail. The dashboard reads the
 * trigger-kept `portfolio_line_summary` and `portfolio_line_grants`; the live variants compute the
 * same rows from `credit_lines`.
 */
import { and, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import { shanghaiOffsetMs } from '../../shared/time';
import type { Db } from '../db/connection';
import {
  borrowersTable,
  creditLineHistoryTable,
  creditLinesTable,
  ordersTable,
  portfolioDailyLinesTable,
  portfolioLineGrantsTable,
  portfolioLineSummaryTable,
  type CreditLineRow,
  type PortfolioLineSummaryRow,
} from '../db/schema';
import { lineFlags, type LineFlagName, type LineListInput } from '../../shared/contracts/portfolio';
import type { PageOptions } from './portfolio-loans';

export interface LineScope {
  institutionId?: number;
  productCode?: string;
}

export function readLineSummary(db: Db, scope: LineScope): PortfolioLineSummaryRow[] {
  const table = portfolioLineSummaryTable;
  const conditions: SQL[] = [];
  if (scope.institutionId !== undefined) conditions.push(eq(table.institutionId, scope.institutionId));
  if (scope.productCode !== undefined) conditions.push(eq(table.productCode, scope.productCode));
  return db.select().from(table).where(conditions.length ? and(...conditions) : undefined).all();
}

/** The same rows as readLineSummary, aggregated live from `credit_lines`. */
export function liveLineSummary(db: Db, scope: LineScope): PortfolioLineSummaryRow[] {
  const l = creditLinesTable;
  return db
    .select({
      institutionId: l.institutionId,
      productCode: l.productCode,
      mode: l.mode,
      status: l.status,
      derivedState: l.derivedState,
      flags: l.flags,
      lineCount: sql<number>`count(*)`.mapWith(Number),
      limitFen: sql<number>`sum(${l.limitFen})`.mapWith(Number),
      usedFen: sql<number>`sum(${l.derivedUsedFen})`.mapWith(Number),
      availableFen: sql<number>`sum(${l.derivedAvailableFen})`.mapWith(Number),
    })
    .from(l)
    .where(and(...scopeConditions(scope)))
    .groupBy(l.institutionId, l.productCode, l.mode, l.status, l.derivedState, l.flags)
    .all();
}

function scopeConditions(scope: LineScope): SQL[] {
  const conditions: SQL[] = [];
  if (scope.institutionId !== undefined) conditions.push(eq(creditLinesTable.institutionId, scope.institutionId));
  if (scope.productCode !== undefined) conditions.push(eq(creditLinesTable.productCode, scope.productCode));
  return conditions;
}

export interface GrantMonth {
  month: string;
  mode: 'revolving' | 'single_batch';
  lineCount: number;
  limitFen: number;
}

/** Lines granted per month and mode: from the trigger-kept table, or live when a product is chosen (not in its grain). */
export function grantsByMonth(db: Db, scope: LineScope): GrantMonth[] {
  if (scope.productCode !== undefined) {
    const l = creditLinesTable;
    const month = sql<string>`strftime('%Y-%m', (${l.grantedAt} + ${sql.raw(String(shanghaiOffsetMs))}) / 1000, 'unixepoch')`;
    return db
      .select({
        month,
        mode: l.mode,
        lineCount: sql<number>`count(*)`.mapWith(Number),
        limitFen: sql<number>`sum(${l.limitFen})`.mapWith(Number),
      })
      .from(l)
      .where(and(...scopeConditions(scope)))
      .groupBy(month, l.mode)
      .orderBy(month)
      .all();
  }
  const g = portfolioLineGrantsTable;
  return db
    .select({
      month: g.month,
      mode: sql<'revolving' | 'single_batch'>`${g.mode}`,
      lineCount: sql<number>`sum(${g.lineCount})`.mapWith(Number),
      limitFen: sql<number>`sum(${g.limitFen})`.mapWith(Number),
    })
    .from(g)
    .where(scope.institutionId !== undefined ? eq(g.institutionId, scope.institutionId) : undefined)
    .groupBy(g.month, g.mode)
    .orderBy(g.month)
    .all();
}

export function dailyLines(
  db: Db,
  institutionId: number | undefined,
  sinceDate: string,
): Array<{ date: string; limitFen: number; usedFen: number; source: 'live' | 'reconstructed' }> {
  const d = portfolioDailyLinesTable;
  const conditions = [gte(d.date, sinceDate)];
  if (institutionId !== undefined) conditions.push(eq(d.institutionId, institutionId));
  return db
    .select({
      date: d.date,
      limitFen: sql<number>`sum(${d.limitFen})`.mapWith(Number),
      usedFen: sql<number>`sum(${d.usedFen})`.mapWith(Number),
      source: sql<'live' | 'reconstructed'>`min(${d.source})`,
    })
    .from(d)
    .where(and(...conditions))
    .groupBy(d.date)
    .orderBy(d.date)
    .all();
}

/**
 * SQL that is true when the comma-separated `flags` column holds `flag`. The pattern is a literal
 * (the flag comes from a closed list) so the per-flag partial indexes match the query.
 */
export function hasLineFlag(flag: LineFlagName): SQL {
  if (!lineFlags.includes(flag)) throw new Error(`Unknown line flag ${flag}`);
  return sql`(',' || ${creditLinesTable.flags} || ',') LIKE ${sql.raw(`'%,${flag},%'`)}`;
}

/** In force: not reported closed, started, and not past its validity. */
export function lineInForce(): SQL {
  return sql`${creditLinesTable.status} <> 'closed' AND ${creditLinesTable.derivedState} <> 'not_started' AND (',' || ${creditLinesTable.flags} || ',') NOT LIKE '%,expired,%'`;
}

export function lineFilterConditions(filter: Omit<LineListInput, 'sort' | 'direction' | 'offset' | 'limit'>): SQL[] {
  const l = creditLinesTable;
  const conditions = scopeConditions(filter);
  if (filter.mode !== undefined) conditions.push(eq(l.mode, filter.mode));
  if (filter.state !== undefined) conditions.push(eq(l.derivedState, filter.state));
  if (filter.flag !== undefined) conditions.push(hasLineFlag(filter.flag));
  if (filter.inForce === true) conditions.push(lineInForce());
  if (filter.inForce === false) conditions.push(sql`NOT (${lineInForce()})`);
  if (filter.borrowerId !== undefined) conditions.push(eq(l.borrowerId, filter.borrowerId));
  return conditions;
}

const lineSortColumns = {
  grantedAt: creditLinesTable.grantedAt,
  validTo: creditLinesTable.validTo,
  limit: creditLinesTable.limitFen,
  used: creditLinesTable.derivedUsedFen,
  available: creditLinesTable.derivedAvailableFen,
  utilisation: sql`(CAST(${creditLinesTable.derivedUsedFen} AS REAL) / NULLIF(${creditLinesTable.limitFen}, 0))`,
} as const;

export type LineListRecord = Pick<
  CreditLineRow,
  | 'id'
  | 'institutionId'
  | 'externalId'
  | 'borrowerId'
  | 'productCode'
  | 'mode'
  | 'limitFen'
  | 'derivedUsedFen'
  | 'derivedAvailableFen'
  | 'derivedState'
  | 'flags'
  | 'validFrom'
  | 'validTo'
  | 'grantedAt'
> & { borrowerName: string | null };

/** The index that reads lines in each sort order (see 0017_portfolio_list_indexes). */
const lineSortIndexes = {
  grantedAt: 'credit_lines_granted_idx',
  validTo: 'credit_lines_valid_to_idx',
  limit: 'credit_lines_limit_idx',
  used: 'credit_lines_used_idx',
  available: 'credit_lines_available_idx',
  utilisation: 'credit_lines_utilisation_idx',
} as const;

/** The ids of one page of lines in the requested order (id breaks ties); see PageOptions. */
export function linePageQuery(conditions: SQL[], input: Pick<LineListInput, 'sort' | 'direction' | 'offset' | 'limit'>, options: PageOptions): SQL {
  const l = creditLinesTable;
  const direction = sql.raw(input.direction === 'asc' ? 'ASC' : 'DESC');
  const source = options.readInSortOrder ? sql`${l} INDEXED BY ${sql.raw(lineSortIndexes[input.sort])}` : sql`${l}`;
  const where = conditions.length ? sql` WHERE ${and(...conditions)}` : sql``;
  return sql`SELECT ${l.id} AS id FROM ${source}${where} ORDER BY ${lineSortColumns[input.sort]} ${direction}, ${l.id} ${direction} LIMIT ${input.limit} OFFSET ${input.offset}`;
}

export function linePage(db: Db, conditions: SQL[], input: Pick<LineListInput, 'sort' | 'direction' | 'offset' | 'limit'>, options: PageOptions): LineListRecord[] {
  const l = creditLinesTable;
  const page = db.all<{ id: number }>(linePageQuery(conditions, input, options)).map((row) => row.id);
  if (page.length === 0) return [];
  const rows = db
    .select({
      id: l.id,
      institutionId: l.institutionId,
      externalId: l.externalId,
      borrowerId: l.borrowerId,
      productCode: l.productCode,
      mode: l.mode,
      limitFen: l.limitFen,
      derivedUsedFen: l.derivedUsedFen,
      derivedAvailableFen: l.derivedAvailableFen,
      derivedState: l.derivedState,
      flags: l.flags,
      validFrom: l.validFrom,
      validTo: l.validTo,
      grantedAt: l.grantedAt,
      borrowerName: borrowersTable.name,
    })
    .from(l)
    .leftJoin(borrowersTable, eq(borrowersTable.id, l.borrowerId))
    .where(inArray(l.id, page))
    .all();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return page.flatMap((id) => byId.get(id) ?? []);
}

export function countLines(db: Db, conditions: SQL[]): number {
  return (
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(creditLinesTable)
      .where(conditions.length ? and(...conditions) : undefined)
      .get()?.n ?? 0
  );
}

export function findLine(db: Db, id: number): CreditLineRow | undefined {
  return db.select().from(creditLinesTable).where(eq(creditLinesTable.id, id)).get();
}

export function findLineByExternalId(db: Db, institutionId: number, externalId: string): CreditLineRow | undefined {
  return db
    .select()
    .from(creditLinesTable)
    .where(and(eq(creditLinesTable.institutionId, institutionId), eq(creditLinesTable.externalId, externalId)))
    .get();
}

/** Every order requested on a line (refused and cancelled ones included, with their state), newest first. */
export function drawdownsOfLine(db: Db, institutionId: number, lineExternalId: string) {
  const o = ordersTable;
  return db
    .select({
      id: o.id,
      externalId: o.externalId,
      status: o.status,
      principalFen: o.principalFen,
      outstandingPrincipalFen: o.outstandingPrincipalFen,
      dpd: o.dpd,
      bucket: o.bucket,
      disbursedAt: o.disbursedAt,
      closedAt: o.closedAt,
    })
    .from(o)
    .where(and(eq(o.institutionId, institutionId), eq(o.creditLineExternalId, lineExternalId)))
    .orderBy(desc(o.appliedAt), desc(o.id))
    .all();
}

export function historyOfLine(db: Db, lineId: number) {
  return db
    .select()
    .from(creditLineHistoryTable)
    .where(eq(creditLineHistoryTable.creditLineId, lineId))
    .orderBy(desc(creditLineHistoryTable.version), desc(creditLineHistoryTable.id))
    .all();
}

/** Products seen on lines, per institution (for filters). */
export function lineProducts(db: Db): Array<{ institutionId: number; productCode: string }> {
  return db
    .selectDistinct({ institutionId: portfolioLineSummaryTable.institutionId, productCode: portfolioLineSummaryTable.productCode })
    .from(portfolioLineSummaryTable)
    .all();
}


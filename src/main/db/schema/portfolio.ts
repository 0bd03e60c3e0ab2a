import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { snapshotSources } from '../../../shared/contracts/portfolio';
import { booleanColumn, epochMs } from './columns';

/**
 * Portfolio read models. The summary tables are kept exact by triggers on `orders` and
 * `credit_lines` (migration 0005+, "portfolio triggers"): every ingest write updates them in the
 * same transaction, so the dashboards read a few hundred rows instead of aggregating the whole
 * book. A row's grain is every column a dashboard filters or groups by.
 */
export const portfolioOrderSummaryTable = sqliteTable(
  'portfolio_order_summary',
  {
    institutionId: integer('institution_id').notNull(),
    productCode: text('product_code').notNull(),
    status: text('status').notNull(),
    bucket: text('bucket').notNull(),
    aprFlag: text('apr_flag').notNull(),
    planState: text('plan_state').notNull(),
    planMismatch: integer('plan_mismatch').notNull(),
    loanCount: integer('loan_count').notNull(),
    /** Loans with dpd > 0 (in grace included). */
    overdueCount: integer('overdue_count').notNull(),
    principalFen: integer('principal_fen').notNull(),
    outstandingPrincipalFen: integer('outstanding_principal_fen').notNull(),
    overduePrincipalFen: integer('overdue_principal_fen').notNull(),
    overdueInterestFen: integer('overdue_interest_fen').notNull(),
    overdueFeeFen: integer('overdue_fee_fen').notNull(),
    overduePenaltyFen: integer('overdue_penalty_fen').notNull(),
  },
  (table) => [
    primaryKey({
      columns: [table.institutionId, table.productCode, table.status, table.bucket, table.aprFlag, table.planState, table.planMismatch],
    }),
  ],
);
export type PortfolioOrderSummaryRow = typeof portfolioOrderSummaryTable.$inferSelect;

/** Lines by institution, product, mode, reported status, derived state and flag set (trigger-kept). */
export const portfolioLineSummaryTable = sqliteTable(
  'portfolio_line_summary',
  {
    institutionId: integer('institution_id').notNull(),
    productCode: text('product_code').notNull(),
    mode: text('mode').notNull(),
    status: text('status').notNull(),
    derivedState: text('derived_state').notNull(),
    flags: text('flags').notNull(),
    lineCount: integer('line_count').notNull(),
    limitFen: integer('limit_fen').notNull(),
    usedFen: integer('used_fen').notNull(),
    availableFen: integer('available_fen').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.institutionId, table.productCode, table.mode, table.status, table.derivedState, table.flags] }),
  ],
);
export type PortfolioLineSummaryRow = typeof portfolioLineSummaryTable.$inferSelect;

/** Lines granted per Asia/Shanghai month (trigger-kept): the "granted over time" chart. */
export const portfolioLineGrantsTable = sqliteTable(
  'portfolio_line_grants',
  {
    /** 'YYYY-MM' of granted_at in Asia/Shanghai. */
    month: text('month').notNull(),
    institutionId: integer('institution_id').notNull(),
    mode: text('mode').notNull(),
    lineCount: integer('line_count').notNull(),
    limitFen: integer('limit_fen').notNull(),
  },
  (table) => [primaryKey({ columns: [table.month, table.institutionId, table.mode] })],
);

/**
 * Suffix search for borrower lookup: the last 4 characters of the ID number ('t:' + tail) and of
 * the phone ('q:' + tail) point at the borrower (trigger-kept). Longer tails narrow the few
 * borrowers sharing the last 4 on the borrower rows themselves. Prefix and full-value searches use
 * the borrowers table's own indexes.
 */
export const borrowerSearchTable = sqliteTable(
  'borrower_search',
  {
    term: text('term').notNull(),
    borrowerId: integer('borrower_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.term, table.borrowerId] })],
);

export type SnapshotSource = (typeof snapshotSources)[number];

/**
 * Open loans per day, institution, product and bucket. 'live' rows are copied from the derived
 * columns by the snapshot job (start-up, hourly, day change; the day's row is the last run that
 * day); 'reconstructed' rows are month-ends before CreditDesk was installed, recomputed from the
 * installments and repayments.
 */
export const portfolioDailyBucketsTable = sqliteTable(
  'portfolio_daily_buckets',
  {
    date: text('date').notNull(),
    institutionId: integer('institution_id').notNull(),
    productCode: text('product_code').notNull(),
    bucket: text('bucket').notNull(),
    loanCount: integer('loan_count').notNull(),
    balanceFen: integer('balance_fen').notNull(),
    source: text('source', { enum: snapshotSources }).notNull(),
    takenAt: epochMs('taken_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.date, table.institutionId, table.productCode, table.bucket] })],
);
/** One bucket row of a day as the snapshot computes it (the day, source and time are the call's). */
export type DailyBucketRow = Omit<typeof portfolioDailyBucketsTable.$inferSelect, 'date' | 'source' | 'takenAt'>;

/** Lines in force per day, institution and mode: the utilisation chart (same sources as above). */
export const portfolioDailyLinesTable = sqliteTable(
  'portfolio_daily_lines',
  {
    date: text('date').notNull(),
    institutionId: integer('institution_id').notNull(),
    mode: text('mode').notNull(),
    lineCount: integer('line_count').notNull(),
    limitFen: integer('limit_fen').notNull(),
    usedFen: integer('used_fen').notNull(),
    source: text('source', { enum: snapshotSources }).notNull(),
    takenAt: epochMs('taken_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.date, table.institutionId, table.mode] })],
);
/** One line row of a day as the snapshot computes it (the day, source and time are the call's). */
export type DailyLineRow = Omit<typeof portfolioDailyLinesTable.$inferSelect, 'date' | 'source' | 'takenAt'>;

/**
 * One row per month-end and institution taken: when, how, and how many loans it holds. Per
 * institution because institutions complete their first sync at different times: a month-end is
 * taken for an institution only once its data is in (a successful pass, none running).
 */
export const portfolioMonthEndRunsTable = sqliteTable(
  'portfolio_month_end_runs',
  {
    /** The month's last day, 'YYYY-MM-DD'. */
    monthEnd: text('month_end').notNull(),
    institutionId: integer('institution_id').notNull(),
    source: text('source', { enum: snapshotSources }).notNull(),
    loanCount: integer('loan_count').notNull(),
    /** Loans left out: neither a booked nor a quoted plan to compute their past DPD from. */
    skippedWithoutPlan: integer('skipped_without_plan').notNull(),
    takenAt: epochMs('taken_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.monthEnd, table.institutionId] })],
);

/** Each open loan's bucket and outstanding principal at the end of a month: the roll-rate cohorts. */
export const portfolioMonthEndLoansTable = sqliteTable(
  'portfolio_month_end_loans',
  {
    monthEnd: text('month_end').notNull(),
    orderId: integer('order_id').notNull(),
    institutionId: integer('institution_id').notNull(),
    productCode: text('product_code').notNull(),
    bucket: text('bucket').notNull(),
    dpd: integer('dpd').notNull(),
    balanceFen: integer('balance_fen').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.monthEnd, table.orderId] }),
    index('portfolio_month_end_loans_bucket_idx').on(table.monthEnd, table.bucket, table.institutionId),
  ],
);
/** One loan of a month-end cohort (the month-end is the call's). */
export type MonthEndLoanRow = Omit<typeof portfolioMonthEndLoansTable.$inferSelect, 'monthEnd'>;

/**
 * Bucket-to-bucket movements between consecutive month-ends, summed from the per-loan rows when a
 * month-end is taken. to_bucket 'gone' = the loan is no longer open (repaid or written off).
 */
export const portfolioRollTransitionsTable = sqliteTable(
  'portfolio_roll_transitions',
  {
    monthEnd: text('month_end').notNull(),
    institutionId: integer('institution_id').notNull(),
    productCode: text('product_code').notNull(),
    fromBucket: text('from_bucket').notNull(),
    toBucket: text('to_bucket').notNull(),
    loanCount: integer('loan_count').notNull(),
    /** Previous month-end balance of the loans that moved (the roll-rate numerator side). */
    balanceFen: integer('balance_fen').notNull(),
    reconstructed: booleanColumn('reconstructed').notNull(),
  },
  (table) => [primaryKey({ columns: [table.monthEnd, table.institutionId, table.productCode, table.fromBucket, table.toBucket] })],
);

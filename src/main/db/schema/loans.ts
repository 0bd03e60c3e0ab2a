import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { aprFlags, lineStates, planStates } from '../../../shared/contracts/portfolio';
import { aprBases } from '../../../shared/domain/apr';
import { buckets } from '../../../shared/domain/delinquency';
import { lineModes } from '../../../shared/domain/lines';
import { repaymentMethods } from '../../../shared/domain/schedule';
import { creditLineStatuses, frozenReasons, installmentStatuses, orderStatuses, repaymentChannels, repaymentKinds } from '../../../shared/institution-api/loans';
import { booleanColumn, epochMs, externalIdUnique, idColumn, syncedAtColumn, syncedRecordColumns } from './columns';
import { borrowersTable } from './borrowers';
import { institutionsTable } from './institutions';

/**
 * Credit lines as reported, plus what CreditDesk derives from them at ingest (availability,
 * state, flags) with the domain rules. Reported and derived figures are kept apart on purpose:
 * a difference between them is worth showing.
 */
export const creditLinesTable = sqliteTable(
  'credit_lines',
  {
    ...syncedRecordColumns(() => institutionsTable.id),
    applicationExternalId: text('application_external_id').notNull(),
    borrowerId: integer('borrower_id').references(() => borrowersTable.id),
    platformUserId: text('platform_user_id').notNull(),
    productCode: text('product_code').notNull(),
    mode: text('mode', { enum: lineModes }).notNull(),
    limitFen: integer('limit_fen').notNull(),
    usedFen: integer('used_fen').notNull(),
    availableFen: integer('available_fen').notNull(),
    partialDrawAllowed: booleanColumn('partial_draw_allowed').notNull(),
    validFrom: epochMs('valid_from').notNull(),
    validTo: epochMs('valid_to').notNull(),
    status: text('status', { enum: creditLineStatuses }).notNull(),
    frozenReason: text('frozen_reason', { enum: frozenReasons }),
    grantedAt: epochMs('granted_at').notNull(),
    /** Derived by lineAvailability() from the line's drawdowns. */
    derivedUsedFen: integer('derived_used_fen').notNull().default(0),
    derivedAvailableFen: integer('derived_available_fen').notNull().default(0),
    derivedState: text('derived_state', { enum: lineStates }).notNull().default('active'),
    /** Comma-separated line flags (expiring_soon, frozen_overdue, exhausted, unused_single_batch_expiring, expired). */
    flags: text('flags').notNull().default(''),
    derivedAt: epochMs('derived_at').notNull(),
    syncedAt: syncedAtColumn(),
  },
  (table) => [
    externalIdUnique('credit_lines', table),
    index('credit_lines_borrower_idx').on(table.borrowerId),
    index('credit_lines_mode_idx').on(table.institutionId, table.mode, table.derivedState),
    index('credit_lines_valid_to_idx').on(table.validTo),
    index('credit_lines_granted_idx').on(table.grantedAt),
    index('credit_lines_application_idx').on(table.institutionId, table.applicationExternalId),
  ],
);
export type CreditLineRow = typeof creditLinesTable.$inferSelect;

/** The reported fields of a line, in the order the line's history lists them. */
export const reportedLineFields = [
  'applicationExternalId',
  'platformUserId',
  'productCode',
  'mode',
  'limitFen',
  'usedFen',
  'availableFen',
  'partialDrawAllowed',
  'validFrom',
  'validTo',
  'status',
  'frozenReason',
  'grantedAt',
] as const;
export type ReportedLine = Pick<CreditLineRow, (typeof reportedLineFields)[number]>;
/** What CreditDesk derives for a line from its drawdowns (written with `derivedAt`). */
export type LineDerivedColumns = Pick<CreditLineRow, 'derivedUsedFen' | 'derivedAvailableFen' | 'derivedState' | 'flags'>;
/** A line version as ingest writes it: reported and derived columns in one write. */
export type LineWrite = Omit<CreditLineRow, 'id'>;
/** What ingest and the daily pass read of a stored line. */
export type StoredLine = Omit<CreditLineRow, 'institutionId' | 'externalId' | 'derivedAt' | 'syncedAt'>;
/** What the portfolio's month-end reconstruction reads of a line. */
export type ReconstructionLine = Pick<CreditLineRow, 'institutionId' | 'externalId' | 'mode' | 'limitFen' | 'validFrom' | 'validTo' | 'status'>;

/** Every version of a line seen by sync, with what changed: the line detail's history. */
export const creditLineHistoryTable = sqliteTable(
  'credit_line_history',
  {
    id: idColumn(),
    creditLineId: integer('credit_line_id')
      .notNull()
      .references(() => creditLinesTable.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    seenAt: epochMs('seen_at').notNull(),
    remoteUpdatedAt: epochMs('remote_updated_at').notNull(),
    /** JSON { field: [before, after] }; the first version lists the initial values with before = null. */
    changes: text('changes').notNull(),
  },
  (table) => [index('credit_line_history_line_idx').on(table.creditLineId, table.version)],
);

/**
 * Orders (loans, drawdowns) as reported, plus derived delinquency, APR and plan checks. DPD and
 * the bucket depend on the day: a daily pass re-derives them for open loans.
 */
export const ordersTable = sqliteTable(
  'orders',
  {
    ...syncedRecordColumns(() => institutionsTable.id),
    creditLineExternalId: text('credit_line_external_id').notNull(),
    applicationExternalId: text('application_external_id').notNull(),
    borrowerId: integer('borrower_id').references(() => borrowersTable.id),
    platformUserId: text('platform_user_id').notNull(),
    productCode: text('product_code').notNull(),
    principalFen: integer('principal_fen').notNull(),
    receivedFen: integer('received_fen').notNull(),
    termMonths: integer('term_months').notNull(),
    repaymentMethod: text('repayment_method', { enum: repaymentMethods }).notNull(),
    monthlyInterestRate: text('monthly_interest_rate').notNull(),
    penaltyDailyRate: text('penalty_daily_rate').notNull(),
    declaredAnnualRate: text('declared_annual_rate').notNull(),
    /** JSON array of fees as received. */
    fees: text('fees').notNull(),
    /** JSON array of the plan quoted at borrowing. */
    quotedPlan: text('quoted_plan').notNull(),
    status: text('status', { enum: orderStatuses }).notNull(),
    appliedAt: epochMs('applied_at').notNull(),
    disbursedAt: epochMs('disbursed_at'),
    closedAt: epochMs('closed_at'),
    /** JSON { bank_name, card_number_masked, bound_at } or null. */
    bankCard: text('bank_card'),
    // Derived at ingest and by the daily pass:
    aprNominalBps: integer('apr_nominal_bps'),
    aprEffectiveBps: integer('apr_effective_bps'),
    aprBasis: text('apr_basis', { enum: aprBases }),
    aprFlag: text('apr_flag', { enum: aprFlags }).notNull().default('unknown'),
    planState: text('plan_state', { enum: planStates }).notNull().default('awaiting'),
    planMismatch: booleanColumn('plan_mismatch').notNull().default(false),
    /** JSON differences between quoted and booked plan, when planMismatch. */
    planDifferences: text('plan_differences'),
    dpd: integer('dpd').notNull().default(0),
    bucket: text('bucket', { enum: buckets }).notNull().default('M0'),
    inGrace: booleanColumn('in_grace').notNull().default(false),
    outstandingPrincipalFen: integer('outstanding_principal_fen').notNull().default(0),
    overduePrincipalFen: integer('overdue_principal_fen').notNull().default(0),
    overdueInterestFen: integer('overdue_interest_fen').notNull().default(0),
    overdueFeeFen: integer('overdue_fee_fen').notNull().default(0),
    overduePenaltyFen: integer('overdue_penalty_fen').notNull().default(0),
    nextDueDate: text('next_due_date'),
    nextDueFen: integer('next_due_fen'),
    /**
     * What the delinquency columns were computed from: the booked plan; the quoted plan with the
     * reported repayments' allocations (institutions that sync no plans: an estimate, shown as
     * such); or nothing owed yet (not disbursed).
     */
    delinquencyBasis: text('delinquency_basis', { enum: ['booked_plan', 'quoted_plan_and_repayments', 'not_disbursed'] })
      .notNull()
      .default('not_disbursed'),
    derivedAt: epochMs('derived_at').notNull(),
    syncedAt: syncedAtColumn(),
  },
  (table) => [
    externalIdUnique('orders', table),
    // Covering for the lookup's open-loan count and worst DPD per borrower (no row reads).
    index('orders_borrower_idx').on(table.borrowerId, table.status, table.dpd),
    index('orders_line_idx').on(table.institutionId, table.creditLineExternalId),
    index('orders_status_idx').on(table.institutionId, table.status),
    index('orders_bucket_idx').on(table.bucket, table.institutionId),
    index('orders_disbursed_idx').on(table.disbursedAt),
    index('orders_apr_flag_idx').on(table.aprFlag),
    index('orders_application_idx').on(table.institutionId, table.applicationExternalId),
  ],
);
export type OrderRow = typeof ordersTable.$inferSelect;

/** An order's fields as the institution reports them (normalize builds them, derive reads them). */
export type ReportedOrder = Pick<
  OrderRow,
  | 'creditLineExternalId'
  | 'applicationExternalId'
  | 'platformUserId'
  | 'productCode'
  | 'principalFen'
  | 'receivedFen'
  | 'termMonths'
  | 'repaymentMethod'
  | 'monthlyInterestRate'
  | 'penaltyDailyRate'
  | 'declaredAnnualRate'
  | 'fees'
  | 'quotedPlan'
  | 'status'
  | 'appliedAt'
  | 'disbursedAt'
  | 'closedAt'
  | 'bankCard'
>;
/** What CreditDesk derives for an order at ingest and in the daily pass (written with `derivedAt`). */
export type OrderDerivedColumns = Pick<
  OrderRow,
  | 'aprNominalBps'
  | 'aprEffectiveBps'
  | 'aprBasis'
  | 'aprFlag'
  | 'planState'
  | 'planMismatch'
  | 'planDifferences'
  | 'dpd'
  | 'bucket'
  | 'inGrace'
  | 'outstandingPrincipalFen'
  | 'overduePrincipalFen'
  | 'overdueInterestFen'
  | 'overdueFeeFen'
  | 'overduePenaltyFen'
  | 'nextDueDate'
  | 'nextDueFen'
  | 'delinquencyBasis'
>;
/** An order version as ingest writes it: reported and derived columns in one write. */
export type OrderWrite = Omit<OrderRow, 'id'>;
/** What the daily pass reads of a stored order to derive it again. */
export type OrderForDerivation = Omit<OrderRow, 'version' | 'remoteUpdatedAt' | 'derivedAt' | 'syncedAt'>;
/** An order drawn on a line, with what the line's availability needs. */
export type LineDrawdownRow = Pick<OrderRow, 'status' | 'principalFen' | 'outstandingPrincipalFen' | 'bucket'>;
/** What the portfolio's month-end reconstruction reads of a disbursed order. */
export type ReconstructionOrder = Pick<
  OrderRow,
  'id' | 'institutionId' | 'externalId' | 'creditLineExternalId' | 'productCode' | 'principalFen' | 'disbursedAt' | 'closedAt' | 'quotedPlan'
>;

/** The booked repayment-plan record of an order (institutions that provide plans only). */
export const repaymentPlansTable = sqliteTable(
  'repayment_plans',
  {
    ...syncedRecordColumns(() => institutionsTable.id),
    orderExternalId: text('order_external_id').notNull(),
    syncedAt: syncedAtColumn(),
  },
  (table) => [
    externalIdUnique('repayment_plans', table),
    index('repayment_plans_order_idx').on(table.institutionId, table.orderExternalId),
  ],
);
export type RepaymentPlanRow = typeof repaymentPlansTable.$inferSelect;
/** A plan version as ingest writes it (its installments are replaced beside it). */
export type PlanWrite = Omit<RepaymentPlanRow, 'id'>;

/** Installments of a booked plan, replaced as a whole with each new plan version. */
export const installmentsTable = sqliteTable(
  'installments',
  {
    planId: integer('plan_id')
      .notNull()
      .references(() => repaymentPlansTable.id, { onDelete: 'cascade' }),
    period: integer('period').notNull(),
    dueDate: text('due_date').notNull(),
    principalFen: integer('principal_fen').notNull(),
    interestFen: integer('interest_fen').notNull(),
    feeFen: integer('fee_fen').notNull(),
    penaltyFen: integer('penalty_fen').notNull(),
    paidPrincipalFen: integer('paid_principal_fen').notNull(),
    paidInterestFen: integer('paid_interest_fen').notNull(),
    paidFeeFen: integer('paid_fee_fen').notNull(),
    paidPenaltyFen: integer('paid_penalty_fen').notNull(),
    status: text('status', { enum: installmentStatuses }).notNull(),
    paidOffAt: epochMs('paid_off_at'),
  },
  (table) => [primaryKey({ columns: [table.planId, table.period] })],
);
export type InstallmentRow = typeof installmentsTable.$inferSelect;
/** One installment as normalize, derive and the orders repository pass it: the row without its plan. */
export type InstallmentColumns = Omit<InstallmentRow, 'planId'>;

/** Repayments received by the institution. */
export const repaymentsTable = sqliteTable(
  'repayments',
  {
    ...syncedRecordColumns(() => institutionsTable.id),
    orderExternalId: text('order_external_id').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    amountFen: integer('amount_fen').notNull(),
    /** JSON allocation per installment. */
    allocation: text('allocation').notNull(),
    paidAt: epochMs('paid_at').notNull(),
    channel: text('channel', { enum: repaymentChannels }).notNull(),
    kind: text('kind', { enum: repaymentKinds }).notNull(),
    syncedAt: syncedAtColumn(),
  },
  (table) => [
    externalIdUnique('repayments', table),
    index('repayments_order_idx').on(table.institutionId, table.orderExternalId, table.paidAt),
  ],
);
export type RepaymentRow = typeof repaymentsTable.$inferSelect;
/** A repayment's fields as the institution reports them. */
export type ReportedRepayment = Pick<RepaymentRow, 'orderExternalId' | 'platformUserId' | 'amountFen' | 'allocation' | 'paidAt' | 'channel' | 'kind'>;
/** A repayment version as ingest writes it. */
export type RepaymentWrite = Omit<RepaymentRow, 'id'>;
/** What the portfolio's month-end reconstruction reads of a repayment. */
export type RepaymentAllocationRead = Pick<RepaymentRow, 'paidAt' | 'allocation'>;

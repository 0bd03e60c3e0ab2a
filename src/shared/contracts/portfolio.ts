/**
 * Line and loan dashboards, lists and details (supervisors and support). Every figure is built
 * from the same definitions as the list it opens, so a count and its list always agree:
 * - an open loan is one with status LOAN_SUCCESS, REPAYING or OVERDUE; buckets, PAR and overdue
 *   amounts are over open loans, balances are outstanding principal;
 * - a disbursed loan is open or CLOSED; compliance flags are over disbursed loans;
 * - a line in force is neither reported closed, nor derived not_started, nor flagged expired.
 */
import { z } from 'zod';
import { aprBasisSchema } from '../domain/apr';
import { bucketSchema } from '../domain/delinquency';
import { lineModes } from '../domain/lines';
import { repaymentMethodSchema } from '../domain/schedule';
import { creditLineStatuses, frozenReasons, installmentStatuses, orderStatusSchema } from '../institution-api/loans';
import { channel, requires } from '../rpc/define';
import { calendarDateSchema } from './calendar-date';

const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected YYYY-MM-DD');
const idSchema = z.number().int().positive();
const fen = z.number().int();

export const openLoanStatuses = ['LOAN_SUCCESS', 'REPAYING', 'OVERDUE'] as const;
export const disbursedLoanStatuses = ['LOAN_SUCCESS', 'REPAYING', 'OVERDUE', 'CLOSED'] as const;

/** live: copied from the derived columns by the snapshot job; reconstructed: a month-end before CreditDesk was installed, recomputed. */
export const snapshotSources = ['live', 'reconstructed'] as const;
const snapshotSourceSchema = z.enum(snapshotSources);

export { lineModes };
export const lineModeFilterSchema = z.enum(lineModes);
export const lineStates = ['not_started', 'active', 'frozen', 'expired', 'exhausted', 'consumed'] as const;
export const lineStateSchema = z.enum(lineStates);
/** An order's APR against the thresholds (aprCompliance), unknown when no rate could be computed. */
export const aprFlags = ['ok', 'warning', 'non_compliant', 'unknown'] as const;
/** booked: a plan was synced; missing: the institution provides none; awaiting: it does, not yet synced. */
export const planStates = ['booked', 'missing', 'awaiting'] as const;
export const planStateSchema = z.enum(planStates);
export const lineFlags = ['frozen_overdue', 'expiring_soon', 'exhausted', 'unused_single_batch_expiring', 'expired'] as const;
export const lineFlagSchema = z.enum(lineFlags);
export type LineFlagName = (typeof lineFlags)[number];

export const loanFlags = ['overdue', 'in_grace', 'apr_warning', 'apr_non_compliant', 'apr_unknown', 'plan_missing', 'plan_mismatch'] as const;
/**
 * overdue: dpd > 0 (grace included); apr_warning: APR above the warning threshold (24 %, includes
 * the non-compliant); apr_non_compliant: above 36 %; apr_unknown: no rate could be computed;
 * plan_missing: the institution provides no plan; plan_mismatch: quoted plan differs from booked.
 */
export const loanFlagSchema = z.enum(loanFlags);
export type LoanFlagName = (typeof loanFlags)[number];

const ratioSchema = z.object({ ratio: z.number(), numeratorFen: fen, denominatorFen: fen });
export type RatioFigure = z.infer<typeof ratioSchema>;

export const portfolioScopeSchema = z.object({
  institutionId: idSchema.optional(),
  productCode: z.string().min(1).max(64).optional(),
});
export type PortfolioScope = z.infer<typeof portfolioScopeSchema>;

const institutionRefSchema = z.object({ id: z.number().int(), code: z.string(), name: z.string() });

// ---------------------------------------------------------------------------------------------
// Lines

export const lineTotalsSchema = z.object({
  institutionId: z.number().int(),
  mode: lineModeFilterSchema,
  lineCount: z.number().int(),
  limitFen: fen,
  usedFen: fen,
  availableFen: fen,
});
export type LineTotals = z.infer<typeof lineTotalsSchema>;

export const linesDashboardSchema = z.object({
  asOf: z.number(),
  institutions: z.array(institutionRefSchema),
  /** Lines in force, per institution and mode. */
  totals: z.array(lineTotalsSchema),
  /** Lines carrying each flag (a line may carry several), with their limits. */
  flags: z.array(z.object({ flag: lineFlagSchema, lineCount: z.number().int(), limitFen: fen })),
  /** Lines granted per month (Asia/Shanghai) and mode. */
  granted: z.array(z.object({ month: z.string(), mode: lineModeFilterSchema, lineCount: z.number().int(), limitFen: fen })),
  /** Limit and used of lines in force per snapshot day (see the snapshot sources). */
  utilisation: z.array(z.object({ date: isoDateSchema, limitFen: fen, usedFen: fen, source: snapshotSourceSchema })),
});
export type LinesDashboard = z.infer<typeof linesDashboardSchema>;

export const lineSortSchema = z.enum(['grantedAt', 'validTo', 'limit', 'used', 'available', 'utilisation']);
export const lineListInputSchema = portfolioScopeSchema.extend({
  mode: lineModeFilterSchema.optional(),
  state: lineStateSchema.optional(),
  flag: lineFlagSchema.optional(),
  inForce: z.boolean().optional(),
  borrowerId: idSchema.optional(),
  sort: lineSortSchema.default('grantedAt'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type LineListInput = z.infer<typeof lineListInputSchema>;

export const lineListRowSchema = z.object({
  id: z.number().int(),
  institutionId: z.number().int(),
  externalId: z.string(),
  borrowerId: z.number().int().nullable(),
  borrowerNameMasked: z.string().nullable(),
  productCode: z.string(),
  mode: lineModeFilterSchema,
  limitFen: fen,
  usedFen: fen,
  availableFen: fen,
  state: lineStateSchema,
  flags: z.array(lineFlagSchema),
  validFrom: z.number(),
  validTo: z.number(),
  grantedAt: z.number(),
});
export type LineListRow = z.infer<typeof lineListRowSchema>;
export const lineListSchema = z.object({ total: z.number().int(), offset: z.number().int(), rows: z.array(lineListRowSchema) });

export const drawdownSchema = z.object({
  id: z.number().int(),
  externalId: z.string(),
  status: orderStatusSchema,
  principalFen: fen,
  outstandingPrincipalFen: fen,
  dpd: z.number().int(),
  bucket: bucketSchema,
  disbursedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});

export const lineDetailSchema = z.object({
  line: lineListRowSchema.extend({
    institution: institutionRefSchema,
    applicationExternalId: z.string(),
    partialDrawAllowed: z.boolean(),
    reported: z.object({
      status: z.enum(creditLineStatuses),
      usedFen: fen,
      availableFen: fen,
      frozenReason: z.enum(frozenReasons).nullable(),
    }),
    remainingLimitFen: fen,
    /** Whole Asia/Shanghai days to the last usable day (negative once past). */
    daysToExpiry: z.number().int(),
    derivedAt: z.number(),
    syncedAt: z.number(),
    version: z.number().int(),
  }),
  drawdowns: z.array(drawdownSchema),
  history: z.array(
    z.object({
      version: z.number().int(),
      seenAt: z.number(),
      remoteUpdatedAt: z.number(),
      changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    }),
  ),
});
export type LineDetail = z.infer<typeof lineDetailSchema>;

// ---------------------------------------------------------------------------------------------
// Loans

const bucketFigureSchema = z.object({ bucket: bucketSchema, loanCount: z.number().int(), balanceFen: fen });
export type BucketFigure = z.infer<typeof bucketFigureSchema>;

/** How many loans stood in each roll rate's from-bucket at the previous month-end. */
export const rollCohortSchema = z.object({ current: z.number().int(), m1: z.number().int() });

export const loansDashboardSchema = z.object({
  asOf: z.number(),
  institutions: z.array(institutionRefSchema),
  /** Every loan by institution and status, with outstanding principal. */
  byStatus: z.array(z.object({ institutionId: z.number().int(), status: orderStatusSchema, loanCount: z.number().int(), outstandingPrincipalFen: fen })),
  /** Open loans per bucket (all five, zero included). */
  buckets: z.array(bucketFigureSchema),
  bucketsByInstitution: z.array(bucketFigureSchema.extend({ institutionId: z.number().int() })),
  open: z.object({ loanCount: z.number().int(), outstandingPrincipalFen: fen }),
  par: z.object({ par30: ratioSchema, par60: ratioSchema, par90: ratioSchema }),
  overdue: z.object({ loanCount: z.number().int(), principalFen: fen, interestFen: fen, feeFen: fen, penaltyFen: fen }),
  /** Over disbursed loans. */
  compliance: z.object({
    disbursedCount: z.number().int(),
    aprWarning: z.number().int(),
    aprNonCompliant: z.number().int(),
    aprUnknown: z.number().int(),
    planMissing: z.number().int(),
    planMismatch: z.number().int(),
    warningBps: z.number().int(),
    nonCompliantBps: z.number().int(),
  }),
  /**
   * Completed months; each uses the two month-end cohorts (reconstructed when either was).
   * `cohortLoans`: the loans behind each denominator (current, M1 at the previous month-end).
   */
  rollRates: z.array(z.object({ monthEnd: isoDateSchema, currentToM1: ratioSchema, m1ToM2: ratioSchema, cohortLoans: rollCohortSchema, reconstructed: z.boolean() })),
  /** A roll rate over a cohort of fewer loans than this says little (the setting of that name): shown greyed. */
  rollRateMinimumCohortLoans: z.number().int(),
  bucketsOverTime: z.array(z.object({ date: isoDateSchema, bucket: bucketSchema, loanCount: z.number().int(), balanceFen: fen, source: snapshotSourceSchema })),
});
export type LoansDashboard = z.infer<typeof loansDashboardSchema>;

export const loanSortSchema = z.enum(['disbursedAt', 'principal', 'outstanding', 'dpd', 'apr', 'nextDue']);
export const loanListFilterSchema = portfolioScopeSchema.extend({
  /** Inclusive Asia/Shanghai calendar dates of disbursement. */
  disbursedFrom: calendarDateSchema.optional(),
  disbursedTo: calendarDateSchema.optional(),
  bucket: bucketSchema.optional(),
  status: orderStatusSchema.optional(),
  /** open: LOAN_SUCCESS/REPAYING/OVERDUE; disbursed: those and CLOSED. */
  scope: z.enum(['all', 'open', 'disbursed']).default('all'),
  flag: loanFlagSchema.optional(),
  /** Loans more than N days past due (PAR30/60/90). */
  parDays: z.union([z.literal(30), z.literal(60), z.literal(90)]).optional(),
  creditLineId: idSchema.optional(),
  borrowerId: idSchema.optional(),
  /** Loans that moved from one bucket to another between the previous month-end and this one. */
  rolled: z.object({ monthEnd: calendarDateSchema, from: bucketSchema, to: bucketSchema }).optional(),
});
export type LoanListFilter = z.infer<typeof loanListFilterSchema>;
export const loanListInputSchema = loanListFilterSchema.extend({
  sort: loanSortSchema.default('disbursedAt'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type LoanListInput = z.infer<typeof loanListInputSchema>;

export const loanListRowSchema = z.object({
  id: z.number().int(),
  institutionId: z.number().int(),
  externalId: z.string(),
  borrowerId: z.number().int().nullable(),
  borrowerNameMasked: z.string().nullable(),
  productCode: z.string(),
  status: orderStatusSchema,
  principalFen: fen,
  outstandingPrincipalFen: fen,
  termMonths: z.number().int(),
  disbursedAt: z.number().nullable(),
  dpd: z.number().int(),
  bucket: bucketSchema,
  inGrace: z.boolean(),
  aprNominalBps: z.number().int().nullable(),
  aprFlag: z.enum(aprFlags),
  planState: planStateSchema,
  planMismatch: z.boolean(),
  nextDueDate: z.string().nullable(),
  nextDueFen: fen.nullable(),
});
export type LoanListRow = z.infer<typeof loanListRowSchema>;
export const loanListSchema = z.object({ total: z.number().int(), offset: z.number().int(), rows: z.array(loanListRowSchema) });

const feeSchema = z.object({ code: z.string(), name: z.string(), collection: z.string(), amountFen: fen });

export const loanDetailSchema = z.object({
  loan: loanListRowSchema.extend({
    institution: institutionRefSchema,
    applicationExternalId: z.string(),
    receivedFen: fen,
    repaymentMethod: repaymentMethodSchema,
    monthlyInterestRate: z.string(),
    penaltyDailyRate: z.string(),
    declaredAnnualRate: z.string(),
    aprEffectiveBps: z.number().int().nullable(),
    aprBasis: aprBasisSchema.nullable(),
    fees: z.array(feeSchema),
    appliedAt: z.number(),
    closedAt: z.number().nullable(),
    bankCard: z.object({ bankName: z.string(), cardNumberMasked: z.string(), boundAt: z.number().nullable() }).nullable(),
    overduePrincipalFen: fen,
    overdueInterestFen: fen,
    overdueFeeFen: fen,
    overduePenaltyFen: fen,
    derivedAt: z.number(),
    syncedAt: z.number(),
  }),
  line: z
    .object({ id: z.number().int(), externalId: z.string(), mode: lineModeFilterSchema, limitFen: fen, state: lineStateSchema })
    .nullable(),
  quotedPlan: z.array(z.object({ period: z.number().int(), dueDate: z.string(), principalFen: fen, interestFen: fen, feeFen: fen, totalFen: fen })),
  /** null when the institution provides no plan (planState missing) or it has not arrived yet. */
  installments: z
    .array(
      z.object({
        period: z.number().int(),
        dueDate: z.string(),
        principalFen: fen,
        interestFen: fen,
        feeFen: fen,
        penaltyFen: fen,
        paidPrincipalFen: fen,
        paidInterestFen: fen,
        paidFeeFen: fen,
        paidPenaltyFen: fen,
        status: z.enum(installmentStatuses),
        paidOffAt: z.number().nullable(),
        /** Days past this installment's due date while any of it is unpaid (0 otherwise). */
        dpd: z.number().int(),
      }),
    )
    .nullable(),
  planDifferences: z.array(
    z.object({
      period: z.number().int(),
      field: z.string(),
      quotedFen: fen.nullable(),
      bookedFen: fen.nullable(),
      quotedDate: z.string().nullable(),
      bookedDate: z.string().nullable(),
    }),
  ),
  repayments: z.array(
    z.object({
      id: z.number().int(),
      externalId: z.string(),
      amountFen: fen,
      paidAt: z.number(),
      channel: z.string(),
      kind: z.string(),
      allocation: z.array(z.object({ period: z.number().int(), principalFen: fen, interestFen: fen, feeFen: fen, penaltyFen: fen })),
    }),
  ),
});
export type LoanDetail = z.infer<typeof loanDetailSchema>;

export const filterOptionsSchema = z.object({
  institutions: z.array(institutionRefSchema),
  products: z.array(z.object({ institutionId: z.number().int(), productCode: z.string() })),
});

export const portfolioContract = {
  'portfolio:filter-options': channel({
    input: z.object({}),
    output: filterOptionsSchema,
    access: requires('portfolio:view'),
    doc: 'Institutions and products that have lines or loans, for the dashboard and list filters.',
  }),
  'portfolio:lines-dashboard': channel({
    input: portfolioScopeSchema,
    output: linesDashboardSchema,
    access: requires('portfolio:view'),
    doc: 'Line totals per institution and mode, flag counts, grants and utilisation over time.',
  }),
  'portfolio:lines-list': channel({
    input: lineListInputSchema,
    output: lineListSchema,
    access: requires('portfolio:view'),
    doc: 'One page of credit lines, filtered and sorted in SQL, with the total.',
  }),
  'portfolio:line-detail': channel({
    input: z.object({ id: idSchema }),
    output: lineDetailSchema,
    access: requires('portfolio:view'),
    doc: 'A credit line: reported and derived availability, drawdowns and the history sync has seen.',
  }),
  'portfolio:loans-dashboard': channel({
    input: portfolioScopeSchema,
    output: loansDashboardSchema,
    access: requires('portfolio:view'),
    doc: 'Loan counts by status, buckets, PAR, overdue amounts, compliance flags, roll rates and bucket history.',
  }),
  'portfolio:loans-list': channel({
    input: loanListInputSchema,
    output: loanListSchema,
    access: requires('portfolio:view'),
    doc: 'One page of loans, filtered and sorted in SQL, with the total.',
  }),
  'portfolio:loan-detail': channel({
    input: z.object({ id: idSchema }),
    output: loanDetailSchema,
    access: requires('portfolio:view'),
    doc: 'A loan: amounts, rates and computed APR, the booked plan with DPD per installment, repayments, plan differences, its line.',
  }),
};

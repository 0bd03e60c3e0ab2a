/**
 * Post-loan resources: `credit-lines`, `orders`, `repayment-plans` and `repayments`.
 */
import { z } from 'zod';
import {
  calendarDateSchema,
  decimalRateSchema,
  externalIdSchema,
  fenSchema,
  instantSchema,
  lineModeSchema,
  recordMetaShape,
  repaymentMethodSchema,
} from './primitives';

export const creditLineStatuses = ['active', 'frozen', 'expired', 'exhausted', 'closed'] as const;
export const creditLineStatusSchema = z
  .enum(creditLineStatuses)
  .describe(
    'active: drawable. frozen: no drawing (see frozen_reason), e.g. while a drawdown is overdue. expired: past valid_to. ' +
      'exhausted: nothing left to draw (a drawn single-batch line, or a revolving line at its limit). closed: ended by the institution.',
  );
export type CreditLineStatus = z.infer<typeof creditLineStatusSchema>;
/** Why a line is frozen. */
export const frozenReasons = ['overdue', 'risk_control', 'borrower_request'] as const;

export const creditLineRecordSchema = z
  .object({
    ...recordMetaShape,
    application_id: externalIdSchema,
    platform_user_id: externalIdSchema,
    product_code: externalIdSchema,
    mode: lineModeSchema.describe('revolving: draw repeatedly up to the available limit; single_batch: one drawdown, then a new application.'),
    limit_fen: fenSchema,
    used_fen: fenSchema.describe('Outstanding principal drawn on the line.'),
    available_fen: fenSchema.describe('What may be drawn now (0 unless status is active).'),
    partial_draw_allowed: z.boolean().describe('single_batch only: a smaller amount than the limit may be drawn.'),
    valid_from: instantSchema,
    valid_to: instantSchema,
    status: creditLineStatusSchema,
    frozen_reason: z.enum(frozenReasons).nullable(),
    granted_at: instantSchema,
  })
  .describe('A credit line granted on an approved application.');
export type CreditLineRecord = z.infer<typeof creditLineRecordSchema>;

export const orderStatuses = ['AUDITING', 'AUDIT_PASS', 'AUDIT_NO_PASS', 'LOAN_CANCEL', 'LOAN_FAILED', 'LOAN_SUCCESS', 'REPAYING', 'OVERDUE', 'CLOSED'] as const;
export const orderStatusSchema = z
  .enum(orderStatuses)
  .describe(
    'AUDITING: drawdown under review. AUDIT_PASS: approved, not yet disbursed. AUDIT_NO_PASS: refused. LOAN_CANCEL: cancelled before disbursement. ' +
      'LOAN_FAILED: disbursement failed. LOAN_SUCCESS: disbursed, plan starting. REPAYING: in repayment, nothing past the grace days. ' +
      'OVERDUE: an installment is unpaid beyond the grace days. CLOSED: fully repaid.',
  );
export type OrderStatus = z.infer<typeof orderStatusSchema>;

export const feeSchema = z.object({
  code: z.enum(['service', 'guarantee', 'platform', 'insurance', 'membership']),
  name: z.string().max(50),
  collection: z
    .enum(['upfront_deducted', 'per_installment'])
    .describe('upfront_deducted: taken from the principal at disbursement; per_installment: added to each installment.'),
  amount_fen: fenSchema.describe('upfront_deducted: the total; per_installment: the amount in each installment.'),
});

export const quotedInstallmentSchema = z.object({
  period: z.int().min(1),
  due_date: calendarDateSchema,
  principal_fen: fenSchema,
  interest_fen: fenSchema,
  fee_fen: fenSchema,
  total_fen: fenSchema,
});

export const bankCardSchema = z.object({
  bank_name: z.string().max(50),
  card_number_masked: z.string().max(30).describe('First 6 and last 4 digits at most.'),
  bound_at: instantSchema.describe('Cards are bound at withdrawal time, not at application.'),
});

export const orderRecordSchema = z
  .object({
    ...recordMetaShape,
    credit_line_id: externalIdSchema,
    application_id: externalIdSchema,
    platform_user_id: externalIdSchema,
    product_code: externalIdSchema,
    principal_fen: fenSchema.describe('The contract principal, which interest is charged on.'),
    received_fen: fenSchema.describe('What reached the borrower: principal minus up-front deducted fees.'),
    term_months: z.int().min(1).max(60),
    repayment_method: repaymentMethodSchema,
    monthly_interest_rate: decimalRateSchema.describe('Contract monthly rate; for flat, the flat monthly rate on the original principal.'),
    penalty_daily_rate: decimalRateSchema.describe('Daily penalty rate on overdue principal plus interest.'),
    declared_annual_rate: decimalRateSchema.describe(
      'The annualized rate the institution discloses (PBOC 2021 No. 3): nominal IRR x 12 over interest and every fee, on received_fen.',
    ),
    fees: z.array(feeSchema),
    quoted_plan: z.array(quotedInstallmentSchema).describe('The plan shown to the borrower at borrowing; must equal the booked plan.'),
    status: orderStatusSchema,
    applied_at: instantSchema,
    disbursed_at: instantSchema.nullable(),
    closed_at: instantSchema.nullable(),
    bank_card: bankCardSchema.nullable(),
  })
  .describe('A loan (drawdown) on a credit line.');
export type OrderRecord = z.infer<typeof orderRecordSchema>;

export const installmentStatuses = ['pending', 'overdue', 'paid'] as const;
export const installmentStatusSchema = z
  .enum(installmentStatuses)
  .describe('pending: not yet due or due today; overdue: past the due date and not fully paid (grace days included); paid: fully paid.');

export const installmentSchema = z.object({
  period: z.int().min(1),
  due_date: calendarDateSchema,
  principal_fen: fenSchema,
  interest_fen: fenSchema,
  fee_fen: fenSchema,
  penalty_fen: fenSchema.describe('Penalty accrued so far (grows daily while overdue past the grace days).'),
  paid_principal_fen: fenSchema,
  paid_interest_fen: fenSchema,
  paid_fee_fen: fenSchema,
  paid_penalty_fen: fenSchema,
  status: installmentStatusSchema,
  paid_off_at: instantSchema.nullable(),
});

export const repaymentPlanRecordSchema = z
  .object({
    ...recordMetaShape,
    order_id: externalIdSchema,
    platform_user_id: externalIdSchema,
    installments: z.array(installmentSchema).min(1),
  })
  .describe('The booked repayment plan of one order (only from institutions whose capabilities say repayment_plans: true).');
export type RepaymentPlanRecord = z.infer<typeof repaymentPlanRecordSchema>;

export const allocationSchema = z.object({
  period: z.int().min(1),
  principal_fen: fenSchema,
  interest_fen: fenSchema,
  fee_fen: fenSchema,
  penalty_fen: fenSchema,
});

/** How a repayment reached the institution, and what it paid. */
export const repaymentChannels = ['auto_debit', 'app', 'bank_transfer', 'offline'] as const;
export const repaymentKinds = ['scheduled', 'overdue', 'partial', 'early_settlement'] as const;

export const repaymentRecordSchema = z
  .object({
    ...recordMetaShape,
    order_id: externalIdSchema,
    platform_user_id: externalIdSchema,
    amount_fen: fenSchema,
    allocation: z.array(allocationSchema).min(1).describe('How the amount was applied, per installment; sums to amount_fen.'),
    paid_at: instantSchema,
    channel: z.enum(repaymentChannels),
    kind: z.enum(repaymentKinds),
  })
  .describe('A repayment received by the institution.');
export type RepaymentRecord = z.infer<typeof repaymentRecordSchema>;

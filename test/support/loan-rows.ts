/**
 * Row builders for the portfolio's tests (never imported by the app): orders, lines, plans and
 * repayments with realistic defaults, written the way the sync engine writes them (borrowers and
 * institutions: test/support/rows.ts).
 */
import type { OrderRecord } from '../../src/shared/institution-api/loans';
import type { Db } from '../../src/main/db/connection';
import { quotedInstallmentsOf, type QuotedInstallment } from '../../src/main/db/json-columns';
import {
  creditLinesTable,
  installmentsTable,
  ordersTable,
  repaymentPlansTable,
  repaymentsTable,
  type CreditLineRow,
  type InstallmentRow,
  type OrderRow,
} from '../../src/main/db/schema';

const baseTime = Date.UTC(2026, 0, 1);

type QuotedRow = OrderRecord['quoted_plan'][number];

/**
 * A plan as the institution sends it (an order's quoted plan, or a booked plan's installments,
 * which carry no total: principal, interest and fee make it) in the rows comparePlans reads.
 */
export function planOfWire(rows: ReadonlyArray<Omit<QuotedRow, 'total_fen'> & { total_fen?: number }>): QuotedInstallment[] {
  return quotedInstallmentsOf(rows.map((row) => ({ ...row, total_fen: row.total_fen ?? row.principal_fen + row.interest_fen + row.fee_fen })));
}

export type OrderValues = Partial<Omit<OrderRow, 'id'>> & Pick<OrderRow, 'institutionId' | 'externalId'>;

export function insertOrderRow(db: Db, values: OrderValues): number {
  return db
    .insert(ordersTable)
    .values({
      version: 1,
      remoteUpdatedAt: baseTime,
      creditLineExternalId: 'L-NONE',
      applicationExternalId: 'A-NONE',
      platformUserId: 'U-NONE',
      productCode: 'P1',
      principalFen: 1_000_000,
      receivedFen: 1_000_000,
      termMonths: 12,
      repaymentMethod: 'equal_installment',
      monthlyInterestRate: '0.01',
      penaltyDailyRate: '0.0005',
      declaredAnnualRate: '0.12',
      fees: '[]',
      quotedPlan: '[]',
      status: 'REPAYING',
      appliedAt: baseTime,
      disbursedAt: baseTime,
      derivedAt: baseTime,
      syncedAt: baseTime,
      ...values,
    })
    .returning({ id: ordersTable.id })
    .get().id;
}

export type LineValues = Partial<Omit<CreditLineRow, 'id'>> & Pick<CreditLineRow, 'institutionId' | 'externalId'>;

export function insertLineRow(db: Db, values: LineValues): number {
  return db
    .insert(creditLinesTable)
    .values({
      version: 1,
      remoteUpdatedAt: baseTime,
      applicationExternalId: 'A-NONE',
      platformUserId: 'U-NONE',
      productCode: 'P1',
      mode: 'revolving',
      limitFen: 5_000_000,
      usedFen: 0,
      availableFen: 5_000_000,
      partialDrawAllowed: false,
      validFrom: baseTime,
      validTo: baseTime + 365 * 86_400_000,
      status: 'active',
      frozenReason: null,
      grantedAt: baseTime,
      derivedUsedFen: 0,
      derivedAvailableFen: 5_000_000,
      derivedState: 'active',
      flags: '',
      derivedAt: baseTime,
      syncedAt: baseTime,
      ...values,
    })
    .returning({ id: creditLinesTable.id })
    .get().id;
}

export type InstallmentValues = Partial<Omit<InstallmentRow, 'planId' | 'period'>> & Pick<InstallmentRow, 'dueDate'>;

/** A booked plan for an order; installment periods are numbered from 1 in the order given. */
export function insertPlanRows(db: Db, plan: { institutionId: number; orderExternalId: string; installments: InstallmentValues[] }): number {
  const planId = db
    .insert(repaymentPlansTable)
    .values({
      institutionId: plan.institutionId,
      externalId: `PLAN-${plan.orderExternalId}`,
      version: 1,
      remoteUpdatedAt: baseTime,
      orderExternalId: plan.orderExternalId,
      syncedAt: baseTime,
    })
    .returning({ id: repaymentPlansTable.id })
    .get().id;
  plan.installments.forEach((row, index) => {
    db.insert(installmentsTable)
      .values({
        planId,
        period: index + 1,
        principalFen: 100_000,
        interestFen: 10_000,
        feeFen: 0,
        penaltyFen: 0,
        paidPrincipalFen: 0,
        paidInterestFen: 0,
        paidFeeFen: 0,
        paidPenaltyFen: 0,
        status: 'pending',
        paidOffAt: null,
        ...row,
      })
      .run();
  });
  return planId;
}

export function insertRepaymentRow(
  db: Db,
  values: {
    institutionId: number;
    externalId: string;
    orderExternalId: string;
    paidAt: number;
    allocation: Array<{ period: number; principal_fen: number; interest_fen: number; fee_fen: number; penalty_fen: number }>;
  },
): number {
  const amountFen = values.allocation.reduce((sum, part) => sum + part.principal_fen + part.interest_fen + part.fee_fen + part.penalty_fen, 0);
  return db
    .insert(repaymentsTable)
    .values({
      institutionId: values.institutionId,
      externalId: values.externalId,
      version: 1,
      remoteUpdatedAt: values.paidAt,
      orderExternalId: values.orderExternalId,
      platformUserId: 'U-NONE',
      amountFen,
      allocation: JSON.stringify(values.allocation),
      paidAt: values.paidAt,
      channel: 'app',
      kind: 'scheduled',
      syncedAt: values.paidAt,
    })
    .returning({ id: repaymentsTable.id })
    .get().id;
}

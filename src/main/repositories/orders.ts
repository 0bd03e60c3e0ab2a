/**
 * Orders (loans) with their derived delinquency, APR and plan checks, and the booked repayment
 * plans with their installments.
 */
import type { Db } from '../db/connection';
import type {
  InstallmentColumns,
  LineDrawdownRow,
  OrderDerivedColumns,
  OrderForDerivation,
  OrderRow,
  OrderWrite,
  PlanWrite,
  StoredVersion,
} from '../db/schema';
import { prepared, writeIngestedRow } from './sync';

export function findOrderVersion(db: Db, institutionId: number, externalId: string): StoredVersion | undefined {
  return prepared(db, `SELECT id, version, remote_updated_at AS remoteUpdatedAt FROM orders WHERE institution_id = ? AND external_id = ?`).get(institutionId, externalId) as
    | StoredVersion
    | undefined;
}

export function orderIdByExternalId(db: Db, institutionId: number, externalId: string): number | undefined {
  return findOrderVersion(db, institutionId, externalId)?.id;
}

/** orderIdByExternalId for many orders in one query (a page of plans or repayments); an order not stored is absent. */
export function orderIdsByExternalId(db: Db, institutionId: number, externalIds: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  if (externalIds.length === 0) return ids;
  const rows = prepared(db, `SELECT external_id, id FROM orders WHERE institution_id = ? AND external_id IN (SELECT value FROM json_each(?))`)
    .raw()
    .all(institutionId, JSON.stringify([...new Set(externalIds)])) as Array<[string, number]>;
  for (const [externalId, id] of rows) ids.set(externalId, id);
  return ids;
}

function toSql(row: OrderDerivedColumns): Record<string, unknown> {
  return { ...row, planMismatch: row.planMismatch ? 1 : 0, inGrace: row.inGrace ? 1 : 0 };
}

const orderColumns = [
  ['institution_id', 'institutionId'],
  ['external_id', 'externalId'],
  ['version', 'version'],
  ['remote_updated_at', 'remoteUpdatedAt'],
  ['credit_line_external_id', 'creditLineExternalId'],
  ['application_external_id', 'applicationExternalId'],
  ['borrower_id', 'borrowerId'],
  ['platform_user_id', 'platformUserId'],
  ['product_code', 'productCode'],
  ['principal_fen', 'principalFen'],
  ['received_fen', 'receivedFen'],
  ['term_months', 'termMonths'],
  ['repayment_method', 'repaymentMethod'],
  ['monthly_interest_rate', 'monthlyInterestRate'],
  ['penalty_daily_rate', 'penaltyDailyRate'],
  ['declared_annual_rate', 'declaredAnnualRate'],
  ['fees', 'fees'],
  ['quoted_plan', 'quotedPlan'],
  ['status', 'status'],
  ['applied_at', 'appliedAt'],
  ['disbursed_at', 'disbursedAt'],
  ['closed_at', 'closedAt'],
  ['bank_card', 'bankCard'],
  ['apr_nominal_bps', 'aprNominalBps'],
  ['apr_effective_bps', 'aprEffectiveBps'],
  ['apr_basis', 'aprBasis'],
  ['apr_flag', 'aprFlag'],
  ['plan_state', 'planState'],
  ['plan_mismatch', 'planMismatch'],
  ['plan_differences', 'planDifferences'],
  ['dpd', 'dpd'],
  ['bucket', 'bucket'],
  ['in_grace', 'inGrace'],
  ['outstanding_principal_fen', 'outstandingPrincipalFen'],
  ['overdue_principal_fen', 'overduePrincipalFen'],
  ['overdue_interest_fen', 'overdueInterestFen'],
  ['overdue_fee_fen', 'overdueFeeFen'],
  ['overdue_penalty_fen', 'overduePenaltyFen'],
  ['next_due_date', 'nextDueDate'],
  ['next_due_fen', 'nextDueFen'],
  ['delinquency_basis', 'delinquencyBasis'],
  ['derived_at', 'derivedAt'],
  ['synced_at', 'syncedAt'],
] as const;

/** Writes a version the caller checked is newer (UPDATE of `existingId`, else INSERT); returns the row id. */
export function writeOrder(db: Db, row: OrderWrite, existingId: number | undefined): number {
  return writeIngestedRow(db, 'orders', orderColumns, toSql(row), existingId);
}

const derivationColumns = `id, institution_id AS institutionId, external_id AS externalId, borrower_id AS borrowerId, credit_line_external_id AS creditLineExternalId,
  application_external_id AS applicationExternalId, platform_user_id AS platformUserId, product_code AS productCode, principal_fen AS principalFen,
  received_fen AS receivedFen, term_months AS termMonths, repayment_method AS repaymentMethod, monthly_interest_rate AS monthlyInterestRate,
  penalty_daily_rate AS penaltyDailyRate, declared_annual_rate AS declaredAnnualRate, fees, quoted_plan AS quotedPlan, status, applied_at AS appliedAt,
  disbursed_at AS disbursedAt, closed_at AS closedAt, bank_card AS bankCard, apr_nominal_bps AS aprNominalBps, apr_effective_bps AS aprEffectiveBps,
  apr_basis AS aprBasis, apr_flag AS aprFlag, plan_state AS planState, plan_mismatch AS planMismatch, plan_differences AS planDifferences, dpd, bucket,
  in_grace AS inGrace, outstanding_principal_fen AS outstandingPrincipalFen, overdue_principal_fen AS overduePrincipalFen,
  overdue_interest_fen AS overdueInterestFen, overdue_fee_fen AS overdueFeeFen, overdue_penalty_fen AS overduePenaltyFen, next_due_date AS nextDueDate,
  next_due_fen AS nextDueFen, delinquency_basis AS delinquencyBasis`;

export function orderForDerivation(db: Db, id: number): OrderForDerivation | undefined {
  const row = prepared(db, `SELECT ${derivationColumns} FROM orders WHERE id = ?`).get(id) as
    | (Omit<OrderForDerivation, 'planMismatch' | 'inGrace'> & { planMismatch: number; inGrace: number })
    | undefined;
  return row === undefined ? undefined : { ...row, planMismatch: Boolean(row.planMismatch), inGrace: Boolean(row.inGrace) };
}

/** Writes derived columns only when something differs (no churn for read-model triggers). */
export function updateOrderDerived(db: Db, id: number, derived: OrderDerivedColumns, derivedAt: number): void {
  prepared(
    db,
    `UPDATE orders SET apr_nominal_bps = @aprNominalBps, apr_effective_bps = @aprEffectiveBps, apr_basis = @aprBasis, apr_flag = @aprFlag, plan_state = @planState,
       plan_mismatch = @planMismatch, plan_differences = @planDifferences, dpd = @dpd, bucket = @bucket, in_grace = @inGrace,
       outstanding_principal_fen = @outstandingPrincipalFen, overdue_principal_fen = @overduePrincipalFen, overdue_interest_fen = @overdueInterestFen,
       overdue_fee_fen = @overdueFeeFen, overdue_penalty_fen = @overduePenaltyFen, next_due_date = @nextDueDate, next_due_fen = @nextDueFen,
       delinquency_basis = @delinquencyBasis, derived_at = @derivedAt
     WHERE id = @id`,
  ).run({ ...derived, ...toSql(derived), derivedAt, id });
}

/** Orders drawn on a line. */
export function drawdownsOfLine(db: Db, institutionId: number, lineExternalId: string): LineDrawdownRow[] {
  return prepared(
    db,
    `SELECT status, principal_fen AS principalFen, outstanding_principal_fen AS outstandingPrincipalFen, bucket FROM orders WHERE institution_id = ? AND credit_line_external_id = ?`,
  ).all(institutionId, lineExternalId) as LineDrawdownRow[];
}

/** drawdownsOfLine for many lines in one query (a page of lines): every line asked for is a key, with [] when nothing was drawn. */
export function drawdownsOfLines(db: Db, institutionId: number, lineExternalIds: readonly string[]): Map<string, LineDrawdownRow[]> {
  const unique = [...new Set(lineExternalIds)];
  const drawdowns = new Map<string, LineDrawdownRow[]>(unique.map((id) => [id, []]));
  if (unique.length === 0) return drawdowns;
  const rows = prepared(
    db,
    `SELECT credit_line_external_id, status, principal_fen, outstanding_principal_fen, bucket FROM orders
     WHERE institution_id = ? AND credit_line_external_id IN (SELECT value FROM json_each(?))`,
  )
    .raw()
    .all(institutionId, JSON.stringify(unique)) as Array<[string, OrderRow['status'], number, number, OrderRow['bucket']]>;
  for (const [line, status, principalFen, outstandingPrincipalFen, bucket] of rows) drawdowns.get(line)?.push({ status, principalFen, outstandingPrincipalFen, bucket });
  return drawdowns;
}

/** Order ids in id order from `afterId` (the daily pass walks them in chunks). */
export function orderIdsAfter(db: Db, afterId: number, limit: number): number[] {
  return (prepared(db, `SELECT id FROM orders WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as Array<{ id: number }>).map((row) => row.id);
}

// ---- booked plans ----------------------------------------------------------------------------------


const planColumns = [
  ['institution_id', 'institutionId'],
  ['external_id', 'externalId'],
  ['version', 'version'],
  ['remote_updated_at', 'remoteUpdatedAt'],
  ['order_external_id', 'orderExternalId'],
  ['synced_at', 'syncedAt'],
] as const;

/** Writes a plan version the caller checked is newer (UPDATE of `existingId`, else INSERT); returns the row id. */
export function writePlan(
  db: Db,
  row: PlanWrite,
  existingId: number | undefined,
): number {
  return writeIngestedRow(db, 'repayment_plans', planColumns, row, existingId);
}

/** Replaces a plan's installments as a whole with the new plan version; `existing` false for a plan row just inserted (nothing to delete). */
export function replaceInstallments(db: Db, planId: number, installments: readonly InstallmentColumns[], existing = true): void {
  if (existing) prepared(db, `DELETE FROM installments WHERE plan_id = ?`).run(planId);
  const insert = prepared(
    db,
    `INSERT INTO installments (plan_id, period, due_date, principal_fen, interest_fen, fee_fen, penalty_fen, paid_principal_fen, paid_interest_fen, paid_fee_fen,
       paid_penalty_fen, status, paid_off_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Positional binding: a plan of many installments is written per synced plan, and named binding of a spread copy costs twice as much.
  for (const row of installments) {
    insert.run(planId, row.period, row.dueDate, row.principalFen, row.interestFen, row.feeFen, row.penaltyFen, row.paidPrincipalFen, row.paidInterestFen, row.paidFeeFen, row.paidPenaltyFen, row.status, row.paidOffAt);
  }
}

/**
 * bookedInstallments for many orders in one query (a page of orders): the installments of each
 * order that has a synced plan, in period order; an order without one is absent from the map.
 */
export function bookedInstallmentsOf(db: Db, institutionId: number, orderExternalIds: readonly string[]): Map<string, InstallmentColumns[]> {
  const booked = new Map<string, InstallmentColumns[]>();
  if (orderExternalIds.length === 0) return booked;
  // Raw rows: building a 13-key object per installment through the driver costs more than the query.
  const rows = prepared(
    db,
    `SELECT p.order_external_id, i.period, i.due_date, i.principal_fen, i.interest_fen, i.fee_fen, i.penalty_fen, i.paid_principal_fen, i.paid_interest_fen,
       i.paid_fee_fen, i.paid_penalty_fen, i.status, i.paid_off_at
     FROM repayment_plans p JOIN installments i ON i.plan_id = p.id
     WHERE p.institution_id = ? AND p.order_external_id IN (SELECT value FROM json_each(?))
     ORDER BY p.order_external_id, i.period`,
  )
    .raw()
    .all(institutionId, JSON.stringify(orderExternalIds)) as Array<
    [string, number, string, number, number, number, number, number, number, number, number, InstallmentColumns['status'], number | null]
  >;
  for (const row of rows) {
    const installment: InstallmentColumns = {
      period: row[1],
      dueDate: row[2],
      principalFen: row[3],
      interestFen: row[4],
      feeFen: row[5],
      penaltyFen: row[6],
      paidPrincipalFen: row[7],
      paidInterestFen: row[8],
      paidFeeFen: row[9],
      paidPenaltyFen: row[10],
      status: row[11],
      paidOffAt: row[12],
    };
    const list = booked.get(row[0]);
    if (list) list.push(installment);
    else booked.set(row[0], [installment]);
  }
  return booked;
}

/** The booked installments of an order, or null when no plan was synced for it (a plan has at least one). */
export function bookedInstallments(db: Db, institutionId: number, orderExternalId: string): InstallmentColumns[] | null {
  const rows = prepared(
    db,
    `SELECT i.period, i.due_date AS dueDate, i.principal_fen AS principalFen, i.interest_fen AS interestFen, i.fee_fen AS feeFen, i.penalty_fen AS penaltyFen,
       i.paid_principal_fen AS paidPrincipalFen, i.paid_interest_fen AS paidInterestFen, i.paid_fee_fen AS paidFeeFen, i.paid_penalty_fen AS paidPenaltyFen, i.status,
       i.paid_off_at AS paidOffAt
     FROM repayment_plans p JOIN installments i ON i.plan_id = p.id
     WHERE p.institution_id = ? AND p.order_external_id = ? ORDER BY i.period`,
  ).all(institutionId, orderExternalId) as InstallmentColumns[];
  return rows.length === 0 ? null : rows;
}

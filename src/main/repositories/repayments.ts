/** Repayments received by institutions. */
import type { Db } from '../db/connection';
import type { RepaymentWrite } from '../db/schema';
import { addPaidParts, type PaidParts } from '../../shared/domain/delinquency';
import { prepared, writeIngestedRow } from './sync';

const repaymentColumns = [
  ['institution_id', 'institutionId'],
  ['external_id', 'externalId'],
  ['version', 'version'],
  ['remote_updated_at', 'remoteUpdatedAt'],
  ['order_external_id', 'orderExternalId'],
  ['platform_user_id', 'platformUserId'],
  ['amount_fen', 'amountFen'],
  ['allocation', 'allocation'],
  ['paid_at', 'paidAt'],
  ['channel', 'channel'],
  ['kind', 'kind'],
  ['synced_at', 'syncedAt'],
] as const;

/** Writes a repayment version the caller checked is newer (UPDATE of `existingId`, else INSERT); returns the row id. */
export function writeRepayment(db: Db, row: RepaymentWrite, existingId: number | undefined): number {
  return writeIngestedRow(db, 'repayments', repaymentColumns, row, existingId);
}

/** paidByPeriod for many orders in one query (a page of orders); an order without repayments is absent. */
export function paidByPeriodOf(db: Db, institutionId: number, orderExternalIds: readonly string[]): Map<string, Map<number, PaidParts>> {
  const paid = new Map<string, Map<number, PaidParts>>();
  if (orderExternalIds.length === 0) return paid;
  const rows = prepared(db, `SELECT order_external_id AS orderExternalId, allocation FROM repayments WHERE institution_id = ? AND order_external_id IN (SELECT value FROM json_each(?))`).all(
    institutionId,
    JSON.stringify(orderExternalIds),
  ) as Array<{ orderExternalId: string; allocation: string }>;
  for (const row of rows) {
    let byPeriod = paid.get(row.orderExternalId);
    if (!byPeriod) {
      byPeriod = new Map();
      paid.set(row.orderExternalId, byPeriod);
    }
    addAllocation(byPeriod, row.allocation);
  }
  return paid;
}

/** A stored allocation (the wire's snake_case JSON, written from a validated record) added to the per-period sums. */
function addAllocation(paid: Map<number, PaidParts>, allocation: string): void {
  const parts = JSON.parse(allocation) as Array<{ period: number; principal_fen: number; interest_fen: number; fee_fen: number; penalty_fen: number }>;
  addPaidParts(
    paid,
    parts.map((part) => ({ period: part.period, principalFen: part.principal_fen, interestFen: part.interest_fen, feeFen: part.fee_fen, penaltyFen: part.penalty_fen })),
  );
}

/** Per installment period, what the order's reported repayments paid (from their allocations). */
export function paidByPeriod(db: Db, institutionId: number, orderExternalId: string): Map<number, PaidParts> {
  const rows = prepared(db, `SELECT allocation FROM repayments WHERE institution_id = ? AND order_external_id = ?`).all(institutionId, orderExternalId) as Array<{ allocation: string }>;
  const paid = new Map<number, PaidParts>();
  for (const row of rows) addAllocation(paid, row.allocation);
  return paid;
}

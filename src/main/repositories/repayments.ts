/** Repayments received by institutions. */
import type { Db } from '../db/connection';
import type { RepaymentRow } from '../db/schema';
import { prepared, writeIngestedRow } from './sync';


export interface RepaymentWrite {
  institutionId: number;
  externalId: string;
  version: number;
  remoteUpdatedAt: number;
  orderExternalId: string;
  platformUserId: string;
  amountFen: number;
  allocation: string;
  paidAt: number;
  channel: RepaymentRow['channel'];
  kind: RepaymentRow['kind'];
  syncedAt: number;
}

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
  return writeIngestedRow(db, 'repayments', repaymentColumns, { ...row }, existingId);
}

/** Per installment period, what the order's reported repayments paid (from their allocations). */
export function paidByPeriod(db: Db, institutionId: number, orderExternalId: string): Map<number, { principalFen: number; interestFen: number; feeFen: number; penaltyFen: number }> {
  const rows = prepared(db, `SELECT allocation FROM repayments WHERE institution_id = ? AND order_external_id = ?`).all(institutionId, orderExternalId) as Array<{ allocation: string }>;
  const paid = new Map<number, { principalFen: number; interestFen: number; feeFen: number; penaltyFen: number }>();
  for (const row of rows) {
    for (const part of JSON.parse(row.allocation) as Array<{ period: number; principal_fen: number; interest_fen: number; fee_fen: number; penalty_fen: number }>) {
      const sum = paid.get(part.period) ?? { principalFen: 0, interestFen: 0, feeFen: 0, penaltyFen: 0 };
      sum.principalFen += part.principal_fen;
      sum.interestFen += part.interest_fen;
      sum.feeFen += part.fee_fen;
      sum.penaltyFen += part.penalty_fen;
      paid.set(part.period, sum);
    }
  }
  return paid;
}

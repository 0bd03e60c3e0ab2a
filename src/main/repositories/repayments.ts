/** Repayments received by institutions. */
import type { Db } from '../db/connection';
import type { RepaymentRow } from '../db/schema';
import type { StoredVersion } from './applications';
import { prepared } from './sync';

export function findRepaymentVersion(db: Db, institutionId: number, externalId: string): StoredVersion | undefined {
  return prepared(db, `SELECT id, version, remote_updated_at AS remoteUpdatedAt FROM repayments WHERE institution_id = ? AND external_id = ?`).get(
    institutionId,
    externalId,
  ) as StoredVersion | undefined;
}

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

export function writeRepayment(db: Db, row: RepaymentWrite): number {
  const result = prepared(
    db,
    `INSERT INTO repayments (institution_id, external_id, version, remote_updated_at, order_external_id, platform_user_id, amount_fen, allocation, paid_at, channel, kind, synced_at)
     VALUES (@institutionId, @externalId, @version, @remoteUpdatedAt, @orderExternalId, @platformUserId, @amountFen, @allocation, @paidAt, @channel, @kind, @syncedAt)
     ON CONFLICT (institution_id, external_id) DO UPDATE SET version = excluded.version, remote_updated_at = excluded.remote_updated_at,
       order_external_id = excluded.order_external_id, platform_user_id = excluded.platform_user_id, amount_fen = excluded.amount_fen,
       allocation = excluded.allocation, paid_at = excluded.paid_at, channel = excluded.channel, kind = excluded.kind, synced_at = excluded.synced_at
     RETURNING id`,
  ).get(row) as { id: number };
  return result.id;
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

/**
 * The floor of the sync bench: the same rows CreditDesk's ingest writes, inserted with raw
 * better-sqlite3 prepared statements in one transaction, with no validation, no version check and
 * no derivation. Rows are prepared before the clock starts; only the inserts are timed.
 */
import type Database from 'better-sqlite3';
import type { ApplicationRecord, CreditLineRecord, OrderRecord, RepaymentPlanRecord, RepaymentRecord, ResourceName } from '../src/shared/institution-api';
import { normalizeApplication, normalizeCreditLine, normalizeOrder, normalizePlan, normalizeRepayment } from '../src/main/sync/normalize';

export interface InstitutionPages {
  institutionId: number;
  pages: Partial<Record<ResourceName, unknown[][]>>;
}

type Statement = Database.Statement;

interface PreparedRows {
  records: number;
  run(statements: Record<string, Statement>): void;
}

/** Builds every row (untimed) and returns a closure that inserts them. */
export function prepareFloorRows(input: readonly InstitutionPages[], now: number): PreparedRows {
  const work: Array<(statements: Record<string, Statement>) => void> = [];
  let records = 0;
  for (const { institutionId, pages } of input) {
    for (const page of pages.applications ?? []) {
      for (const raw of page) {
        const record = raw as ApplicationRecord;
        const row = normalizeApplication(record);
        const text = JSON.stringify(record);
        records++;
        work.push((s) => {
          s.borrower?.run(row.borrower.idNumber, row.borrower.idNumber.slice(-6), 1, row.borrower.name, row.borrower.phone, row.borrower.platformUserId, now, now);
          const borrowerId = (s.borrowerId?.get(row.borrower.idNumber) as { id: number }).id;
          const id = (s.application?.get({ institutionId, externalId: row.externalId, version: row.version, remoteUpdatedAt: row.remoteUpdatedAt, borrowerId, ...row.columns, record: text, evidenceHash: '', syncedAt: now }) as { id: number }).id;
          for (const phone of row.contactPhones) s.contact?.run(id, borrowerId, phone);
        });
      }
    }
    for (const page of pages['credit-lines'] ?? []) {
      for (const raw of page) {
        const row = normalizeCreditLine(raw as CreditLineRecord);
        records++;
        work.push((s) => s.line?.run({ institutionId, externalId: row.externalId, version: row.version, remoteUpdatedAt: row.remoteUpdatedAt, ...row.columns, partialDrawAllowed: row.columns.partialDrawAllowed ? 1 : 0, now }));
      }
    }
    for (const page of pages.orders ?? []) {
      for (const raw of page) {
        const row = normalizeOrder(raw as OrderRecord);
        records++;
        work.push((s) => s.order?.run({ institutionId, externalId: row.externalId, version: row.version, remoteUpdatedAt: row.remoteUpdatedAt, ...row.columns, now }));
      }
    }
    for (const page of pages['repayment-plans'] ?? []) {
      for (const raw of page) {
        const row = normalizePlan(raw as RepaymentPlanRecord);
        records++;
        work.push((s) => {
          const id = (s.plan?.get(institutionId, row.externalId, row.version, row.remoteUpdatedAt, row.orderExternalId, now) as { id: number }).id;
          for (const installment of row.installments) s.installment?.run({ ...installment, planId: id });
        });
      }
    }
    for (const page of pages.repayments ?? []) {
      for (const raw of page) {
        const row = normalizeRepayment(raw as RepaymentRecord);
        records++;
        work.push((s) => s.repayment?.run({ institutionId, externalId: row.externalId, version: row.version, remoteUpdatedAt: row.remoteUpdatedAt, ...row.columns, now }));
      }
    }
  }
  return { records, run: (statements) => work.forEach((step) => step(statements)) };
}

/** Prepares the floor's statements on a migrated database (same schema, triggers included). */
export function floorStatements(client: Database.Database): Record<string, Statement> {
  return {
    borrower: client.prepare(
      'INSERT OR IGNORE INTO borrowers (id_number, id_tail, id_valid, name, phone, platform_user_id, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    borrowerId: client.prepare('SELECT id FROM borrowers WHERE id_number = ?'),
    application: client.prepare(
      `INSERT INTO applications (institution_id, external_id, version, remote_updated_at, borrower_id, platform_user_id, product_code, product_name, line_mode,
         requested_amount_fen, requested_term_months, status, risk_result, applied_at, submitted_at, credit_line_external_id, record, evidence_hash, synced_at)
       VALUES (@institutionId, @externalId, @version, @remoteUpdatedAt, @borrowerId, @platformUserId, @productCode, @productName, @lineMode, @requestedAmountFen,
         @requestedTermMonths, @status, @riskResult, @appliedAt, @submittedAt, @creditLineExternalId, @record, @evidenceHash, @syncedAt) RETURNING id`,
    ),
    contact: client.prepare('INSERT INTO contact_phones (application_id, borrower_id, phone) VALUES (?, ?, ?)'),
    line: client.prepare(
      `INSERT INTO credit_lines (institution_id, external_id, version, remote_updated_at, application_external_id, platform_user_id, product_code, mode, limit_fen, used_fen,
         available_fen, partial_draw_allowed, valid_from, valid_to, status, frozen_reason, granted_at, derived_at, synced_at)
       VALUES (@institutionId, @externalId, @version, @remoteUpdatedAt, @applicationExternalId, @platformUserId, @productCode, @mode, @limitFen, @usedFen, @availableFen,
         @partialDrawAllowed, @validFrom, @validTo, @status, @frozenReason, @grantedAt, @now, @now)`,
    ),
    order: client.prepare(
      `INSERT INTO orders (institution_id, external_id, version, remote_updated_at, credit_line_external_id, application_external_id, platform_user_id, product_code,
         principal_fen, received_fen, term_months, repayment_method, monthly_interest_rate, penalty_daily_rate, declared_annual_rate, fees, quoted_plan, status,
         applied_at, disbursed_at, closed_at, bank_card, derived_at, synced_at)
       VALUES (@institutionId, @externalId, @version, @remoteUpdatedAt, @creditLineExternalId, @applicationExternalId, @platformUserId, @productCode, @principalFen,
         @receivedFen, @termMonths, @repaymentMethod, @monthlyInterestRate, @penaltyDailyRate, @declaredAnnualRate, @fees, @quotedPlan, @status, @appliedAt,
         @disbursedAt, @closedAt, @bankCard, @now, @now)`,
    ),
    plan: client.prepare('INSERT INTO repayment_plans (institution_id, external_id, version, remote_updated_at, order_external_id, synced_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id'),
    installment: client.prepare(
      `INSERT INTO installments (plan_id, period, due_date, principal_fen, interest_fen, fee_fen, penalty_fen, paid_principal_fen, paid_interest_fen, paid_fee_fen,
         paid_penalty_fen, status, paid_off_at)
       VALUES (@planId, @period, @dueDate, @principalFen, @interestFen, @feeFen, @penaltyFen, @paidPrincipalFen, @paidInterestFen, @paidFeeFen, @paidPenaltyFen, @status, @paidOffAt)`,
    ),
    repayment: client.prepare(
      `INSERT INTO repayments (institution_id, external_id, version, remote_updated_at, order_external_id, platform_user_id, amount_fen, allocation, paid_at, channel, kind, synced_at)
       VALUES (@institutionId, @externalId, @version, @remoteUpdatedAt, @orderExternalId, @platformUserId, @amountFen, @allocation, @paidAt, @channel, @kind, @now)`,
    ),
  };
}

/**
 * Pure mapping from validated wire records (the shared zod types) to the rows CreditDesk stores.
 * No database, no clock: instants become epoch ms, JSON columns become text, and the evidence
 * the domain rules read is lifted out of the application record.
 */
import { normalizeMobile } from '../../shared/domain/contact-info';
import type { EmergencyContactInput } from '../../shared/domain/contacts';
import type { FaceVendor } from '../../shared/domain/face';
import type { IdCardOcrFields } from '../../shared/domain/ocr';
import type { PlanInstallment } from '../../shared/domain/apr';
import type {
  ApplicationRecord,
  CreditLineRecord,
  OrderRecord,
  RepaymentPlanRecord,
  RepaymentRecord,
} from '../../shared/institution-api';
import { encodeQuotedPlan, quotedInstallmentsOf } from '../db/json-columns';
import type { InstallmentColumns, ReportedApplication, ReportedLine, ReportedOrder, ReportedRepayment } from '../db/schema';

/** Epoch ms of an ISO 8601 instant with an offset (already validated by zod). */
export function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an instant: ${iso}`);
  return ms;
}

function optionalInstantMs(iso: string | null): number | null {
  return iso === null ? null : instantMs(iso);
}

/** The identity fields a borrower row takes from an application. */
export interface BorrowerFacts {
  /** Upper-cased, spaces removed: the key borrowers are linked by across institutions. */
  idNumber: string;
  name: string;
  /** Normalized (normalizeMobile) so it matches contact phones. */
  phone: string;
  platformUserId: string;
}

/** Everything the domain rules read from an application, without cross-record facts. */
export interface ApplicationEvidence {
  submitted: { name: string; idNumber: string; phone: string };
  ocr: { fields: IdCardOcrFields; qualityWarnings: string[] } | null;
  face: { vendor: FaceVendor; modelVersion: string; score: number } | null;
  /** null when the liveness item has no result (no liveness finding is then raised). */
  liveness: { passed: boolean; attempts: number } | null;
  contacts: EmergencyContactInput[];
}

export interface NormalizedApplication {
  externalId: string;
  version: number;
  remoteUpdatedAt: number;
  borrower: BorrowerFacts;
  columns: ReportedApplication;
  evidence: ApplicationEvidence;
  /** Normalized emergency-contact phones, in the borrower's order (duplicates kept out). */
  contactPhones: string[];
}

export function normalizeIdNumber(idNumber: string): string {
  return idNumber.replace(/\s+/g, '').toUpperCase();
}

export function normalizeApplication(record: ApplicationRecord): NormalizedApplication {
  const auth = record.authentication;
  const ocrResult = auth.id_card_ocr.result;
  const faceResult = auth.face_compare.result;
  const livenessResult = auth.liveness.result;
  const contactsResult = auth.contacts.result;
  // A call count is evidence only when the carrier call list was actually read.
  const callListRead = auth.carrier.status === 'completed' && auth.carrier.result !== null && auth.carrier.result.authorized && auth.carrier.result.call_list_months > 0;
  const contacts: EmergencyContactInput[] = (contactsResult?.emergency_contacts ?? []).map((contact) => ({
    name: contact.name,
    phone: contact.phone,
    relationship: contact.relationship,
    addressBookEntry:
      contact.address_book_entry === null
        ? null
        : { name: contact.address_book_entry.display_name, remark: contact.address_book_entry.remark ?? '', phone: contact.phone },
    callCount: callListRead ? contact.call_count : null,
  }));
  const contactPhones = [...new Set(contacts.map((contact) => normalizeMobile(contact.phone)).filter((phone) => phone !== ''))];
  return {
    externalId: record.id,
    version: record.version,
    remoteUpdatedAt: instantMs(record.updated_at),
    borrower: {
      idNumber: normalizeIdNumber(record.borrower.id_number),
      name: record.borrower.name,
      phone: normalizeMobile(record.borrower.phone),
      platformUserId: record.borrower.platform_user_id,
    },
    columns: {
      platformUserId: record.borrower.platform_user_id,
      productCode: record.product_code,
      productName: record.product_name,
      lineMode: record.line_mode,
      requestedAmountFen: record.requested_amount_fen,
      requestedTermMonths: record.requested_term_months,
      status: record.status,
      riskResult: record.risk_decision?.result ?? null,
      appliedAt: instantMs(record.applied_at),
      submittedAt: optionalInstantMs(record.submitted_at),
      creditLineExternalId: record.credit_line_id,
    },
    evidence: {
      submitted: { name: record.borrower.name, idNumber: record.borrower.id_number, phone: record.borrower.phone },
      ocr:
        ocrResult === null
          ? null
          : {
              fields: {
                name: ocrResult.front.name,
                sex: ocrResult.front.sex,
                ethnicity: ocrResult.front.ethnicity,
                birthDate: ocrResult.front.birth_date,
                address: ocrResult.front.address,
                idNumber: ocrResult.front.id_number,
                authority: ocrResult.back.issuing_authority,
                validFrom: ocrResult.back.valid_from,
                validTo: ocrResult.back.valid_to,
              },
              qualityWarnings: ocrResult.quality_warnings,
            },
      face: faceResult === null ? null : { vendor: faceResult.vendor, modelVersion: faceResult.model_version, score: faceResult.score },
      liveness: livenessResult === null ? null : { passed: livenessResult.passed, attempts: livenessResult.attempts },
      contacts,
    },
    contactPhones,
  };
}

export interface NormalizedCreditLine {
  externalId: string;
  version: number;
  remoteUpdatedAt: number;
  columns: ReportedLine;
}

export function normalizeCreditLine(record: CreditLineRecord): NormalizedCreditLine {
  return {
    externalId: record.id,
    version: record.version,
    remoteUpdatedAt: instantMs(record.updated_at),
    columns: {
      applicationExternalId: record.application_id,
      platformUserId: record.platform_user_id,
      productCode: record.product_code,
      mode: record.mode,
      limitFen: record.limit_fen,
      usedFen: record.used_fen,
      availableFen: record.available_fen,
      partialDrawAllowed: record.partial_draw_allowed,
      validFrom: instantMs(record.valid_from),
      validTo: instantMs(record.valid_to),
      status: record.status,
      frozenReason: record.frozen_reason,
      grantedAt: instantMs(record.granted_at),
    },
  };
}

export interface NormalizedOrder {
  externalId: string;
  version: number;
  remoteUpdatedAt: number;
  /** The quoted plan as the plan checks read it (columns.quotedPlan holds it as received). */
  quoted: PlanInstallment[];
  columns: ReportedOrder;
}

export function normalizeOrder(record: OrderRecord): NormalizedOrder {
  return {
    externalId: record.id,
    version: record.version,
    remoteUpdatedAt: instantMs(record.updated_at),
    quoted: quotedInstallmentsOf(record.quoted_plan),
    columns: {
      creditLineExternalId: record.credit_line_id,
      applicationExternalId: record.application_id,
      platformUserId: record.platform_user_id,
      productCode: record.product_code,
      principalFen: record.principal_fen,
      receivedFen: record.received_fen,
      termMonths: record.term_months,
      repaymentMethod: record.repayment_method,
      monthlyInterestRate: record.monthly_interest_rate,
      penaltyDailyRate: record.penalty_daily_rate,
      declaredAnnualRate: record.declared_annual_rate,
      fees: JSON.stringify(record.fees),
      quotedPlan: encodeQuotedPlan(record.quoted_plan),
      status: record.status,
      appliedAt: instantMs(record.applied_at),
      disbursedAt: optionalInstantMs(record.disbursed_at),
      closedAt: optionalInstantMs(record.closed_at),
      bankCard: record.bank_card === null ? null : JSON.stringify(record.bank_card),
    },
  };
}

export interface NormalizedPlan {
  externalId: string;
  version: number;
  remoteUpdatedAt: number;
  orderExternalId: string;
  installments: InstallmentColumns[];
}

export function normalizePlan(record: RepaymentPlanRecord): NormalizedPlan {
  return {
    externalId: record.id,
    version: record.version,
    remoteUpdatedAt: instantMs(record.updated_at),
    orderExternalId: record.order_id,
    installments: record.installments.map((row) => ({
      period: row.period,
      dueDate: row.due_date,
      principalFen: row.principal_fen,
      interestFen: row.interest_fen,
      feeFen: row.fee_fen,
      penaltyFen: row.penalty_fen,
      paidPrincipalFen: row.paid_principal_fen,
      paidInterestFen: row.paid_interest_fen,
      paidFeeFen: row.paid_fee_fen,
      paidPenaltyFen: row.paid_penalty_fen,
      status: row.status,
      paidOffAt: optionalInstantMs(row.paid_off_at),
    })),
  };
}

export interface NormalizedRepayment {
  externalId: string;
  version: number;
  remoteUpdatedAt: number;
  columns: ReportedRepayment;
}

export function normalizeRepayment(record: RepaymentRecord): NormalizedRepayment {
  return {
    externalId: record.id,
    version: record.version,
    remoteUpdatedAt: instantMs(record.updated_at),
    columns: {
      orderExternalId: record.order_id,
      platformUserId: record.platform_user_id,
      amountFen: record.amount_fen,
      allocation: JSON.stringify(record.allocation),
      paidAt: instantMs(record.paid_at),
      channel: record.channel,
      kind: record.kind,
    },
  };
}

/**
 * Review fixtures for tests and the bench: applications whose record follows the institution
 * API's applicationRecordSchema, with findings computed by the real domain rules and tasks made
 * by the real ingest (syncReviewTasks), as the sync engine does it.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { evaluateEmergencyContacts, type Relationship } from '../../src/shared/domain/contacts';
import { classifyFace, defaultFaceBands } from '../../src/shared/domain/face';
import type { Finding } from '../../src/shared/domain/findings';
import { compareIdCardOcr, type OcrQualityWarning } from '../../src/shared/domain/ocr';
import { applicationRecordSchema, type ApplicationRecord } from '../../src/shared/institution-api/applications';
import { shanghaiInstant } from '../../src/shared/time';
import type { Db } from '../../src/main/db/connection';
import { applicationFindingsTable, applicationsTable, borrowersTable, contactPhonesTable, institutionsTable } from '../../src/main/db/schema';
import { normalizeMobile } from '../../src/shared/domain/contact-info';
import { syncReviewTasks } from '../../src/main/review/task-sync';
import { insertBorrower, insertInstitution } from './rows';

export interface FixtureContact {
  name: string;
  phone: string;
  relationship: Relationship;
  addressBook: { displayName: string; remark: string | null } | null;
  callCount: number;
}

export interface FixtureOptions {
  externalId: string;
  version?: number;
  borrower?: { name: string; idNumber: string; phone: string; platformUserId?: string };
  ocr?: { name?: string; idNumber?: string; sex?: 'male' | 'female'; birthDate?: string; validFrom?: string; validTo?: string; warnings?: OcrQualityWarning[] };
  face?: { vendor?: 'faceplusplus' | 'tencent_faceid' | 'aliyun'; modelVersion?: string; score: number; livenessPassed?: boolean; attempts?: number };
  contacts?: FixtureContact[];
  riskResult?: 'approve' | 'reject' | 'manual_review';
  suggestedLimitFen?: number | null;
  requestedAmountFen?: number;
  status?: ApplicationRecord['status'];
  appliedAt?: number;
}

const defaultBorrower = { name: '王小明', idNumber: '110101199003078670', phone: '13800138000' };

/** A complete application record (every base item completed) shaped by the options. */
export function fixtureRecord(options: FixtureOptions, now: number): ApplicationRecord {
  const borrower = { ...defaultBorrower, ...options.borrower };
  const at = options.appliedAt ?? now - 3_600_000;
  const done = { status: 'completed' as const, completed_at: shanghaiInstant(at), valid_until: shanghaiInstant(at + 180 * 86_400_000), reused_from_application_id: null };
  const face = options.face ?? { score: 75 };
  const ocr = options.ocr ?? {};
  const contacts = options.contacts ?? [
    { name: '王母', phone: '13900000001', relationship: 'mother' as const, addressBook: { displayName: '妈妈', remark: '老妈' }, callCount: 42 },
    { name: '李朋友', phone: '13900000002', relationship: 'friend' as const, addressBook: { displayName: '李四', remark: '大学同学' }, callCount: 5 },
  ];
  const vendor = face.vendor ?? 'faceplusplus';
  const record = {
    id: options.externalId,
    version: options.version ?? 1,
    updated_at: shanghaiInstant(at + 600_000),
    borrower: { platform_user_id: borrower.platformUserId ?? `U${borrower.idNumber.slice(-8)}`, name: borrower.name, id_number: borrower.idNumber, phone: borrower.phone },
    product_code: 'CASH-12',
    product_name: '随借随还',
    line_mode: 'revolving',
    requested_amount_fen: options.requestedAmountFen ?? 2_000_000,
    requested_term_months: 12,
    quoted_monthly_rate: '0.0150',
    status: options.status ?? 'MANUAL_REVIEW',
    abandoned_at_item: null,
    applied_at: shanghaiInstant(at),
    submitted_at: shanghaiInstant(at + 300_000),
    authentication: {
      required_items: ['real_name', 'carrier', 'personal_info', 'contacts', 'id_card_ocr', 'liveness', 'face_compare'],
      real_name: { ...done, result: { matched: true, source: 'public_security' } },
      carrier: {
        ...done,
        result: {
          authorized: true,
          carrier: 'china_mobile',
          phone: borrower.phone,
          real_name_matched: true,
          account_age_months: 60,
          call_list_months: 6,
          call_list_distinct_numbers: 180,
          authorization_expires_at: shanghaiInstant(at + 90 * 86_400_000),
        },
      },
      personal_info: {
        ...done,
        result: { education: 'bachelor', marital_status: 'married', employer: '某科技公司', occupation: '工程师', monthly_income_fen: 1_500_000, residence_address: '北京市朝阳区建国路88号' },
      },
      contacts: {
        ...done,
        result: {
          address_book_size: 320,
          emergency_contacts: contacts.map((contact) => ({
            name: contact.name,
            phone: contact.phone,
            relationship: contact.relationship,
            address_book_entry: contact.addressBook ? { display_name: contact.addressBook.displayName, remark: contact.addressBook.remark } : null,
            call_count: contact.callCount,
            last_call_at: contact.callCount > 0 ? shanghaiInstant(at - 86_400_000) : null,
          })),
        },
      },
      id_card_ocr: {
        ...done,
        result: {
          front: {
            name: ocr.name ?? borrower.name,
            sex: ocr.sex ?? 'male',
            ethnicity: '汉',
            birth_date: ocr.birthDate ?? '1990-03-07',
            address: '北京市东城区东华门街道100号',
            id_number: ocr.idNumber ?? borrower.idNumber,
          },
          back: { issuing_authority: '北京市公安局东城分局', valid_from: ocr.validFrom ?? '2015-03-01', valid_to: ocr.validTo ?? '2035-03-01' },
          quality_warnings: ocr.warnings ?? [],
          quality_score: 88,
          front_image_id: `IMG.idf.${options.externalId}`,
          back_image_id: `IMG.idb.${options.externalId}`,
        },
      },
      liveness: {
        ...done,
        result: {
          passed: face.livenessPassed ?? true,
          vendor,
          model_version: face.modelVersion ?? '3.0',
          score: 0.97,
          threshold: 0.8,
          actions: ['blink', 'nod'],
          failure_reason: face.livenessPassed === false ? 'not_live' : null,
          attempts: face.attempts ?? 1,
          live_image_id: `IMG.live.${options.externalId}`,
        },
      },
      face_compare: {
        ...done,
        result: {
          vendor,
          model_version: face.modelVersion ?? '3.0',
          score: face.score,
          thresholds: [
            { false_accept_rate: '1e-3', score: 62.327 },
            { false_accept_rate: '1e-4', score: 69.101 },
            { false_accept_rate: '1e-5', score: 73.975 },
          ],
          reference_source: 'public_security',
          live_image_id: `IMG.live.${options.externalId}`,
          reference_image_id: `IMG.ref.${options.externalId}`,
        },
      },
      credit_card_four_elements: null,
      online_banking: null,
      ecommerce: null,
    },
    risk_decision: {
      result: options.riskResult ?? 'manual_review',
      score: 610,
      suggested_limit_fen: options.suggestedLimitFen === undefined ? 1_500_000 : options.suggestedLimitFen,
      reasons: [{ code: 'NEEDS_REVIEW', message: 'Flagged for manual review' }],
      decided_at: shanghaiInstant(at + 900_000),
    },
    review: null,
    credit_line_id: null,
  };
  return applicationRecordSchema.parse(record);
}

/** The findings the domain rules raise for a record (what the sync engine stores). */
export function fixtureFindings(record: ApplicationRecord, now: number, shared: Record<string, number> = {}, overdue: Record<string, { borrowerId: string }> = {}): Finding[] {
  const findings: Finding[] = [];
  const ocr = record.authentication.id_card_ocr.result;
  if (ocr) {
    findings.push(
      ...compareIdCardOcr(
        {
          submitted: { name: record.borrower.name, idNumber: record.borrower.id_number },
          ocr: {
            name: ocr.front.name,
            sex: ocr.front.sex,
            ethnicity: ocr.front.ethnicity,
            birthDate: ocr.front.birth_date,
            address: ocr.front.address,
            idNumber: ocr.front.id_number,
            authority: ocr.back.issuing_authority,
            validFrom: ocr.back.valid_from,
            validTo: ocr.back.valid_to,
          },
          qualityWarnings: ocr.quality_warnings,
        },
        { now, expiringSoonDays: 30 },
      ),
    );
  }
  const face = record.authentication.face_compare.result;
  const liveness = record.authentication.liveness.result;
  if (face) {
    findings.push(
      ...classifyFace({ vendor: face.vendor, modelVersion: face.model_version, score: face.score, liveness: { passed: liveness?.passed ?? true, attempts: liveness?.attempts } }, defaultFaceBands)
        .findings,
    );
  }
  const contacts = record.authentication.contacts.result;
  if (contacts) {
    findings.push(
      ...evaluateEmergencyContacts(
        {
          borrowerPhone: record.borrower.phone,
          contacts: contacts.emergency_contacts.map((contact) => ({
            name: contact.name,
            phone: contact.phone,
            relationship: contact.relationship,
            addressBookEntry: contact.address_book_entry ? { name: contact.address_book_entry.display_name, remark: contact.address_book_entry.remark ?? '', phone: contact.phone } : null,
            callCount: contact.call_count,
          })),
          sharedWith: shared,
          overdueBorrowerByPhone: overdue,
        },
        { sharedContactMinApplicants: 3 },
      ),
    );
  }
  return findings;
}

/** The institution with this code, made (named like a consumer-finance company) if there is none yet. */
export function insertFixtureInstitution(db: Db, code: string, now = 1_790_000_000_000): number {
  const existing = db.select({ id: institutionsTable.id, code: institutionsTable.code }).from(institutionsTable).all().find((row) => row.code === code);
  return existing?.id ?? insertInstitution(db, code, now, `${code} 消费金融`);
}

function upsertBorrower(db: Db, record: ApplicationRecord, now: number): number {
  const idNumber = record.borrower.id_number.toUpperCase();
  const existing = db.select({ id: borrowersTable.id, idNumber: borrowersTable.idNumber }).from(borrowersTable).all().find((row) => row.idNumber === idNumber);
  return existing?.id ?? insertBorrower(db, { idNumber, name: record.borrower.name, phone: record.borrower.phone, platformUserId: record.borrower.platform_user_id }, now);
}

/**
 * Stores an application (row, findings, contact phones) and runs the review ingest on it, as the
 * sync engine does. Calling it again with a changed record is a re-sync.
 */
export function ingestFixtureApplication(db: Db, institutionId: number, record: ApplicationRecord, now: number, findings = fixtureFindings(record, now)): { applicationId: number; borrowerId: number; evidenceHash: string } {
  const borrowerId = upsertBorrower(db, record, now);
  const evidenceHash = createHash('sha256').update(JSON.stringify([record.authentication, record.borrower])).digest('hex').slice(0, 32);
  const row = {
    institutionId,
    externalId: record.id,
    version: record.version,
    remoteUpdatedAt: Date.parse(record.updated_at),
    borrowerId,
    platformUserId: record.borrower.platform_user_id,
    productCode: record.product_code,
    productName: record.product_name,
    lineMode: record.line_mode,
    requestedAmountFen: record.requested_amount_fen,
    requestedTermMonths: record.requested_term_months,
    status: record.status,
    riskResult: record.risk_decision?.result ?? null,
    appliedAt: Date.parse(record.applied_at),
    submittedAt: record.submitted_at ? Date.parse(record.submitted_at) : null,
    creditLineExternalId: record.credit_line_id,
    record: JSON.stringify(record),
    evidenceHash,
    syncedAt: now,
  };
  // Update, else insert (as the sync engine does: read-model triggers refuse an upsert).
  const updated = db
    .update(applicationsTable)
    .set(row)
    .where(and(eq(applicationsTable.institutionId, institutionId), eq(applicationsTable.externalId, record.id)))
    .returning({ id: applicationsTable.id })
    .get();
  const applicationId = updated?.id ?? db.insert(applicationsTable).values(row).returning({ id: applicationsTable.id }).get().id;
  db.delete(applicationFindingsTable).where(eq(applicationFindingsTable.applicationId, applicationId)).run();
  if (findings.length > 0) {
    db.insert(applicationFindingsTable)
      .values(
        findings.map((finding) => ({
          applicationId,
          queue: finding.queue,
          code: finding.code,
          severity: finding.severity,
          subject: finding.subject ?? null,
          expected: finding.expected ?? null,
          actual: finding.actual ?? null,
          evidence: JSON.stringify(finding.evidence),
        })),
      )
      .run();
  }
  db.delete(contactPhonesTable).where(eq(contactPhonesTable.applicationId, applicationId)).run();
  const phones = [...new Set((record.authentication.contacts.result?.emergency_contacts ?? []).map((contact) => normalizeMobile(contact.phone)))];
  if (phones.length > 0) db.insert(contactPhonesTable).values(phones.map((phone) => ({ applicationId, borrowerId, phone }))).run();
  syncReviewTasks(db, { applicationId, institutionId, borrowerId, awaitingManualReview: record.status === 'MANUAL_REVIEW', evidenceHash, findings }, now);
  return { applicationId, borrowerId, evidenceHash };
}

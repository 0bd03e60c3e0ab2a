/**
 * Assessing an application: its findings and its evidence hash, and its review tasks brought in
 * line. The findings that need no other record (ID-number check, OCR, face, liveness) come from
 * `ownFindingsOf`, pure, which prepare.ts runs for each record before the write; the contact
 * findings read other borrowers (how many other applicants gave a phone, whether a phone belongs
 * to an overdue borrower) and are added in the page's transaction (ingest.ts), or again when a
 * cross-record fact changes and in the daily pass (derive.ts, `reassessApplication`).
 */
import { hash } from 'node:crypto';
import { evaluateEmergencyContacts } from '../../shared/domain/contacts';
import { classifyFace } from '../../shared/domain/face';
import { makeFinding, type Finding } from '../../shared/domain/findings';
import { validateResidentId } from '../../shared/domain/idcard';
import { compareIdCardOcr } from '../../shared/domain/ocr';
import type { DomainSettings } from '../../shared/domain/settings';
import type { ApplicationRecord } from '../../shared/institution-api';
import type { Db } from '../db/connection';
import { applicationForEvaluation, applicationsWithContactPhone, replaceFindings, setEvidenceHash } from '../repositories/applications';
import { borrowerPhone } from '../repositories/borrowers';
import { syncReviewTasks } from '../review/task-sync';
import { sqlContactFacts, type ContactFacts } from './contact-facts';
import { normalizeApplication, type ApplicationEvidence } from './normalize';

/** The findings of an application that depend on its own evidence only, in the order the rules give them. */
export function ownFindingsOf(evidence: ApplicationEvidence, at: number, settings: Pick<DomainSettings, 'ocrExpiringSoonDays' | 'faceBands'>): Finding[] {
  const findings: Finding[] = [];
  if (evidence.ocr !== null) {
    findings.push(
      ...compareIdCardOcr(
        { submitted: { name: evidence.submitted.name, idNumber: evidence.submitted.idNumber }, ocr: evidence.ocr.fields, qualityWarnings: evidence.ocr.qualityWarnings },
        { now: at, expiringSoonDays: settings.ocrExpiringSoonDays },
      ),
    );
  } else {
    const submittedId = validateResidentId(evidence.submitted.idNumber, { now: at });
    if (!submittedId.valid) {
      findings.push(makeFinding('ocr_submitted_id_invalid', { subject: 'idNumber', expected: null, actual: evidence.submitted.idNumber, evidence: { errors: submittedId.errors.join(',') } }));
    }
  }
  if (evidence.face !== null) {
    const classified = classifyFace({ ...evidence.face, liveness: evidence.liveness ?? { passed: true } }, settings.faceBands);
    // Without a liveness result there is nothing to say about liveness.
    findings.push(...(evidence.liveness === null ? classified.findings.filter((finding) => !finding.code.startsWith('face_liveness')) : classified.findings));
  } else if (evidence.liveness !== null && !evidence.liveness.passed) {
    findings.push(makeFinding('face_liveness_failed', { subject: 'liveness', expected: 'passed', actual: 'failed', evidence: { attempts: evidence.liveness.attempts } }));
  }
  return findings;
}

export interface ApplicationAssessment {
  findings: Finding[];
  evidenceHash: string;
}

/**
 * The findings of an application from the domain rules, with the cross-record facts they need:
 * how many other applicants gave each contact phone, and whether a phone belongs to an overdue
 * borrower. The evidence hash covers the evidence and those cross-record facts as far as they
 * decide a finding (crossing the shared-phone threshold, an overdue owner), not the raw counts.
 */
export function assessApplication(db: Db, input: { borrowerId: number; evidence: ApplicationEvidence; contactPhones: readonly string[] }, at: number, settings: DomainSettings): ApplicationAssessment {
  return assessWithOwnFindings(db, { ...input, ownFindings: ownFindingsOf(input.evidence, at, settings), evidenceJson: JSON.stringify(input.evidence) }, settings);
}

/**
 * The same assessment when the findings that need no other record and the evidence's JSON were
 * prepared already (prepare.ts, off the writing thread): adds the contact findings, which read
 * other borrowers, and the evidence hash.
 */
export function assessWithOwnFindings(
  db: Db,
  input: { borrowerId: number; evidence: ApplicationEvidence; contactPhones: readonly string[]; ownFindings: readonly Finding[]; evidenceJson: string },
  settings: DomainSettings,
  contacts: ContactFacts = sqlContactFacts(db),
): ApplicationAssessment {
  const { evidence } = input;
  const findings: Finding[] = [...input.ownFindings];
  const sharedWith: Record<string, number> = {};
  const overdueBorrowerByPhone: Record<string, { borrowerId: string }> = {};
  for (const phone of input.contactPhones) {
    sharedWith[phone] = contacts.otherApplicants(phone, input.borrowerId);
    const overdue = contacts.overdueBorrower(phone, input.borrowerId);
    if (overdue !== undefined) overdueBorrowerByPhone[phone] = { borrowerId: String(overdue) };
  }
  if (evidence.contacts.length > 0) {
    findings.push(
      ...evaluateEmergencyContacts(
        { borrowerPhone: evidence.submitted.phone, contacts: evidence.contacts, sharedWith, overdueBorrowerByPhone },
        { sharedContactMinApplicants: settings.sharedContactMinApplicants },
      ),
    );
  }
  const sharedPhones = Object.entries(sharedWith)
    .filter(([, count]) => count >= settings.sharedContactMinApplicants)
    .map(([phone]) => phone)
    .sort();
  // Which phones belong to an overdue borrower, not which row: row ids are local, the hash is not.
  const overduePhones = Object.keys(overdueBorrowerByPhone).sort();
  // The text of JSON.stringify({ v: 1, evidence, sharedPhones, overduePhones }), with the evidence's JSON given.
  const hashed = `{"v":1,"evidence":${input.evidenceJson},"sharedPhones":${JSON.stringify(sharedPhones)},"overduePhones":${JSON.stringify(overduePhones)}}`;
  const evidenceHash = hash('sha256', hashed, 'hex').slice(0, 32);
  return { findings, evidenceHash };
}

/**
 * Recomputes a stored application's findings (after a cross-record change or on a new day) and
 * brings its review tasks in line, idempotently.
 */
export function reassessApplication(db: Db, applicationId: number, at: number, settings: DomainSettings): boolean {
  const application = applicationForEvaluation(db, applicationId);
  if (!application) return false;
  const normalized = normalizeApplication(JSON.parse(application.record) as ApplicationRecord);
  const assessment = assessApplication(db, { borrowerId: application.borrowerId, evidence: normalized.evidence, contactPhones: normalized.contactPhones }, at, settings);
  replaceFindings(db, application.id, assessment.findings);
  if (assessment.evidenceHash !== application.evidenceHash) setEvidenceHash(db, application.id, assessment.evidenceHash);
  syncReviewTasks(
    db,
    {
      applicationId: application.id,
      institutionId: application.institutionId,
      borrowerId: application.borrowerId,
      awaitingManualReview: application.status === 'MANUAL_REVIEW',
      evidenceHash: assessment.evidenceHash,
      findings: assessment.findings,
    },
    at,
  );
  return assessment.evidenceHash !== application.evidenceHash;
}

/**
 * Applications whose contact findings may change because a borrower's overdue status flipped:
 * every application (whatever its status, so stored findings never depend on the order records
 * arrived in) that lists the borrower's phone as a contact.
 */
export function applicationsAffectedByOverdue(db: Db, borrowerId: number): number[] {
  const phone = borrowerPhone(db, borrowerId);
  return phone === undefined ? [] : applicationsWithContactPhone(db, phone, borrowerId);
}

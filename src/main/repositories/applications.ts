/**
 * Applications as the institutions report them, with their emergency-contact phones and their
 * domain findings. Written at ingest, one page per transaction.
 */
import type { Finding } from '../../shared/domain/findings';
import type { Db } from '../db/connection';
import type { ApplicationForEvaluation, ApplicationWrite } from '../db/schema';
import { prepared, writeIngestedRow } from './sync';

const applicationColumns = [
  ['institution_id', 'institutionId'],
  ['external_id', 'externalId'],
  ['version', 'version'],
  ['remote_updated_at', 'remoteUpdatedAt'],
  ['borrower_id', 'borrowerId'],
  ['platform_user_id', 'platformUserId'],
  ['product_code', 'productCode'],
  ['product_name', 'productName'],
  ['line_mode', 'lineMode'],
  ['requested_amount_fen', 'requestedAmountFen'],
  ['requested_term_months', 'requestedTermMonths'],
  ['status', 'status'],
  ['risk_result', 'riskResult'],
  ['applied_at', 'appliedAt'],
  ['submitted_at', 'submittedAt'],
  ['credit_line_external_id', 'creditLineExternalId'],
  // Bound as the institution's UTF-8 bytes where it has them (no re-encoding); the column stays text.
  ['record', 'record', 'CAST(? AS TEXT)'],
  ['evidence_hash', 'evidenceHash'],
  ['synced_at', 'syncedAt'],
] as const;

/** Writes a version the caller checked is newer (UPDATE of `existingId`, else INSERT); returns the row id. */
export function writeApplication(db: Db, row: ApplicationWrite, existingId: number | undefined): number {
  return writeIngestedRow(db, 'applications', applicationColumns, row, existingId);
}

/** Replaces an application's emergency-contact phones (normalized); `existing` false for a row just inserted. */
export function replaceContactPhones(db: Db, applicationId: number, borrowerId: number, phones: readonly string[], existing = true): void {
  if (existing) prepared(db, `DELETE FROM contact_phones WHERE application_id = ?`).run(applicationId);
  const insert = prepared(db, `INSERT INTO contact_phones (application_id, borrower_id, phone) VALUES (?, ?, ?)`);
  for (const phone of phones) insert.run(applicationId, borrowerId, phone);
}

export function contactPhonesOf(db: Db, applicationId: number): string[] {
  return (prepared(db, `SELECT phone FROM contact_phones WHERE application_id = ?`).all(applicationId) as Array<{ phone: string }>).map((row) => row.phone);
}

/** How many borrowers other than `borrowerId` gave this phone as an emergency contact. */
export function otherApplicantsWithPhone(db: Db, phone: string, borrowerId: number): number {
  return (prepared(db, `SELECT count(DISTINCT borrower_id) AS n FROM contact_phones WHERE phone = ? AND borrower_id != ?`).get(phone, borrowerId) as { n: number }).n;
}

/** How many distinct borrowers gave this phone. */
export function applicantsWithPhone(db: Db, phone: string): number {
  return (prepared(db, `SELECT count(DISTINCT borrower_id) AS n FROM contact_phones WHERE phone = ?`).get(phone) as { n: number }).n;
}

/** applicantsWithPhone for many phones in one query; a phone nobody gave counts 0. */
export function applicantsWithPhones(db: Db, phones: Iterable<string>): Map<string, number> {
  const unique = [...new Set(phones)];
  const counts = new Map<string, number>(unique.map((phone) => [phone, 0]));
  if (unique.length === 0) return counts;
  const rows = prepared(db, `SELECT phone, count(DISTINCT borrower_id) AS n FROM contact_phones WHERE phone IN (SELECT value FROM json_each(?)) GROUP BY phone`).all(
    JSON.stringify(unique),
  ) as Array<{ phone: string; n: number }>;
  for (const row of rows) counts.set(row.phone, row.n);
  return counts;
}

/** Which borrowers gave each of these phones as an emergency contact, as (phone, borrower id) pairs, in one query. */
export function borrowersGivingPhones(db: Db, phones: readonly string[]): Array<[string, number]> {
  if (phones.length === 0) return [];
  return prepared(db, `SELECT phone, borrower_id FROM contact_phones WHERE phone IN (SELECT value FROM json_each(?)) GROUP BY phone, borrower_id`)
    .raw()
    .all(JSON.stringify(phones)) as Array<[string, number]>;
}

/** Applications (of borrowers other than `excludeBorrowerId`) that list this phone as an emergency contact. */
export function applicationsWithContactPhone(db: Db, phone: string, excludeBorrowerId: number): number[] {
  return (
    prepared(db, `SELECT DISTINCT application_id AS id FROM contact_phones WHERE phone = ? AND borrower_id != ? ORDER BY application_id`).all(phone, excludeBorrowerId) as Array<{
      id: number;
    }>
  ).map((row) => row.id);
}

/**
 * Sets the number of other applicants on every shared-phone finding naming this phone, and returns
 * how many findings changed. Each application giving the phone sees the same number (the phone's
 * applicants less its own borrower), and while the finding stays on, nothing else in an
 * assessment depends on that number: not the other findings, not the evidence hash (it covers
 * which phones are shared, not by how many), not the review tasks. The text written is what
 * `evaluateEmergencyContacts` writes: `actual` the number as a string, the evidence's
 * `otherApplicants` the same number, in place (json_set keeps the key's position).
 */
export function setSharedPhoneCount(db: Db, phone: string, otherApplicants: number): number {
  if (!Number.isSafeInteger(otherApplicants) || otherApplicants < 0) throw new RangeError(`otherApplicants must be a non-negative integer, got ${otherApplicants}`);
  const actual = String(otherApplicants);
  // `+code`: drive the update from the phone's applications (contact_phones, then findings by
  // application), not from every shared-phone finding of the code index.
  return prepared(
    db,
    `UPDATE application_findings SET actual = ?, evidence = json_set(evidence, '$.otherApplicants', CAST(? AS INTEGER))
     WHERE application_id IN (SELECT application_id FROM contact_phones WHERE phone = ?) AND +code = 'contact_shared_phone' AND subject = ? AND actual IS NOT ?`,
  ).run(actual, otherApplicants, phone, phone, actual).changes;
}

/** Replaces an application's findings as a whole; `existing` false for a row just inserted. */
export function replaceFindings(db: Db, applicationId: number, findings: readonly Finding[], existing = true): void {
  if (existing) prepared(db, `DELETE FROM application_findings WHERE application_id = ?`).run(applicationId);
  const insert = prepared(
    db,
    `INSERT INTO application_findings (application_id, queue, code, severity, subject, expected, actual, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const finding of findings) {
    insert.run(applicationId, finding.queue, finding.code, finding.severity, finding.subject ?? null, finding.expected ?? null, finding.actual ?? null, JSON.stringify(finding.evidence));
  }
}

export function setEvidenceHash(db: Db, applicationId: number, evidenceHash: string): void {
  prepared(db, `UPDATE applications SET evidence_hash = ? WHERE id = ?`).run(evidenceHash, applicationId);
}

export function applicationForEvaluation(db: Db, id: number): ApplicationForEvaluation | undefined {
  return prepared(
    db,
    `SELECT id, institution_id AS institutionId, borrower_id AS borrowerId, status, record, evidence_hash AS evidenceHash, remote_updated_at AS remoteUpdatedAt FROM applications WHERE id = ?`,
  ).get(id) as ApplicationForEvaluation | undefined;
}

/** Ids of applications awaiting manual review, in id order from `afterId` (the daily pass walks them in chunks). */
export function manualReviewApplicationIds(db: Db, afterId: number, limit: number): number[] {
  return (prepared(db, `SELECT id FROM applications WHERE status = 'MANUAL_REVIEW' AND id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as Array<{ id: number }>).map(
    (row) => row.id,
  );
}

/** The borrowers of applications, by the institution's application ids, in one query (a page of lines or orders). */
export function borrowerIdsOfApplications(db: Db, institutionId: number, applicationExternalIds: readonly string[]): Map<string, number> {
  if (applicationExternalIds.length === 0) return new Map();
  const rows = prepared(
    db,
    `SELECT external_id AS externalId, borrower_id AS borrowerId FROM applications WHERE institution_id = ? AND external_id IN (SELECT value FROM json_each(?))`,
  ).all(institutionId, JSON.stringify([...new Set(applicationExternalIds)])) as Array<{ externalId: string; borrowerId: number }>;
  return new Map(rows.map((row) => [row.externalId, row.borrowerId]));
}

/** Which of these applications already have lines or orders (that arrived before them), in one query. */
export function applicationsWithLoans(db: Db, institutionId: number, applicationExternalIds: readonly string[]): Set<string> {
  if (applicationExternalIds.length === 0) return new Set();
  const ids = JSON.stringify(applicationExternalIds);
  const rows = prepared(
    db,
    `SELECT application_external_id AS id FROM credit_lines WHERE institution_id = ? AND application_external_id IN (SELECT value FROM json_each(?))
     UNION SELECT application_external_id FROM orders WHERE institution_id = ? AND application_external_id IN (SELECT value FROM json_each(?))`,
  ).all(institutionId, ids, institutionId, ids) as Array<{ id: string }>;
  return new Set(rows.map((row) => row.id));
}

/** Links lines and orders that arrived before their application to its borrower. */
export function linkLoansToBorrower(db: Db, institutionId: number, applicationExternalId: string, borrowerId: number): void {
  prepared(db, `UPDATE credit_lines SET borrower_id = ? WHERE institution_id = ? AND application_external_id = ? AND borrower_id IS NOT ?`).run(
    borrowerId,
    institutionId,
    applicationExternalId,
    borrowerId,
  );
  prepared(db, `UPDATE orders SET borrower_id = ? WHERE institution_id = ? AND application_external_id = ? AND borrower_id IS NOT ?`).run(
    borrowerId,
    institutionId,
    applicationExternalId,
    borrowerId,
  );
}

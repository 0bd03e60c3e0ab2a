/**
 * Turns an application as received (the institution's record) and its findings into what the
 * reviewer sees for each queue. Personal data leaves here masked, each value with the key that
 * reveals it (see revealValue); the comparisons are computed here so the screen only shows them.
 */
import { classifyFace, defaultFaceBands, type FaceVendor } from '../../shared/domain/face';
import { findingSchema, type Finding } from '../../shared/domain/findings';
import { validateResidentId, residentIdCheckChar } from '../../shared/domain/idcard';
import { maskAddress, maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import { normalizeMobile } from '../../shared/domain/contact-info';
import { LONG_TERM } from '../../shared/domain/ocr';
import { applicationRecordSchema, authItemNameSchema, type ApplicationRecord } from '../../shared/institution-api/applications';
import type { FindingView, PersonalText, TaskDetail } from '../../shared/contracts/review';
import { daysBetween, shanghaiDate, isValidIsoDate } from '../../shared/time';
import type { ApplicationFindingRow, ApplicationRow, BorrowerRow } from '../db/schema';

/** The application record, or null when what is stored does not parse (then only the row's columns show). */
export function parseRecord(row: ApplicationRow): ApplicationRecord | null {
  try {
    const parsed = applicationRecordSchema.safeParse(JSON.parse(row.record));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The stored findings as domain findings (rows that no longer parse are skipped). */
export function parseFindings(rows: readonly ApplicationFindingRow[]): Finding[] {
  const findings: Finding[] = [];
  for (const row of rows) {
    let evidence: unknown = {};
    try {
      evidence = JSON.parse(row.evidence);
    } catch {
      evidence = {};
    }
    const parsed = findingSchema.safeParse({
      code: row.code,
      queue: row.queue,
      severity: row.severity,
      subject: row.subject ?? undefined,
      expected: row.expected,
      actual: row.actual,
      evidence,
    });
    if (parsed.success) findings.push(parsed.data);
  }
  return findings;
}

function instant(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function masked(value: string, mask: (text: string) => string, revealKey: string): PersonalText {
  return { value: mask(value), revealKey };
}

function clear(value: string | null | undefined): PersonalText {
  return { value: value ?? '', revealKey: null };
}

const contactPersonalCodes = new Set(['contact_phone_invalid', 'contact_is_borrower', 'contact_duplicate']);
const relationshipCodes = new Set(['contact_relationship_mismatch', 'contact_relationship_unconfirmed']);
const idNumberCodes = new Set(['ocr_id_number_mismatch', 'ocr_submitted_id_invalid', 'ocr_id_number_invalid']);

/** A finding as shown: names, phones and ID numbers masked, contact findings tied to their contact. */
export function findingView(finding: Finding): FindingView {
  let { subject = null, expected = null, actual = null } = finding;
  if (finding.queue === 'contacts') {
    subject = subject === null ? null : maskPhone(subject);
    if (contactPersonalCodes.has(finding.code) && actual !== null) actual = maskPhone(actual);
    // Without a remark the address-book name stands in for it: a person's name, so masked.
    const remark = finding.evidence.addressBookRemark;
    if (relationshipCodes.has(finding.code) && actual !== null && (typeof remark !== 'string' || remark.trim() === '')) actual = maskName(actual);
  } else if (finding.code === 'ocr_name_mismatch') {
    expected = expected === null ? null : maskName(expected);
    actual = actual === null ? null : maskName(actual);
  } else if (idNumberCodes.has(finding.code)) {
    expected = expected === null ? null : maskIdNumber(expected);
    actual = actual === null ? null : maskIdNumber(actual);
  }
  const contactIndex = typeof finding.evidence.contactIndex === 'number' ? finding.evidence.contactIndex : null;
  return { code: finding.code, queue: finding.queue, severity: finding.severity, subject, expected, actual, contactIndex };
}

/** The authentication checklist: every item, whether the product asked for it, its status and validity now. */
export function checklist(record: ApplicationRecord | null, now: number): TaskDetail['application']['checklist'] {
  if (!record) return [];
  const authentication = record.authentication;
  return authItemNameSchema.options.map((name) => {
    const item = authentication[name];
    const required = authentication.required_items.includes(name);
    if (!item) return { item: name, required, status: 'not_asked' as const, completedAt: null, validUntil: null, valid: false, reusedFrom: null };
    const validUntil = instant(item.valid_until);
    return {
      item: name,
      required,
      status: item.status,
      completedAt: instant(item.completed_at),
      validUntil,
      valid: item.status === 'completed' && (validUntil === null || validUntil > now),
      reusedFrom: item.reused_from_application_id,
    };
  });
}

/** Face compare, its band with the thresholds used, and liveness. */
export function faceEvidence(record: ApplicationRecord | null, findings: readonly Finding[]): TaskDetail['face'] {
  const compare = record?.authentication.face_compare.result ?? null;
  const liveness = record?.authentication.liveness.result ?? null;
  if (!compare && !liveness) return null;
  let band: NonNullable<TaskDetail['face']>['band'] = null;
  if (compare) {
    // The thresholds ingest used are in the face finding's evidence; otherwise classify with the defaults.
    const recorded = findings.find((finding) => finding.queue === 'face' && 'passAtOrAbove' in finding.evidence);
    const classification = classifyFace(
      { vendor: compare.vendor as FaceVendor, modelVersion: compare.model_version, score: compare.score, liveness: { passed: liveness?.passed ?? true, attempts: liveness?.attempts } },
      defaultFaceBands,
    );
    const fromFinding = recorded
      ? {
          passAtOrAbove: typeof recorded.evidence.passAtOrAbove === 'number' ? recorded.evidence.passAtOrAbove : null,
          rejectBelow: typeof recorded.evidence.rejectBelow === 'number' ? recorded.evidence.rejectBelow : null,
          bandModelVersion: typeof recorded.evidence.bandModelVersion === 'string' ? recorded.evidence.bandModelVersion : null,
        }
      : null;
    const bandOfFindings = findings.some((finding) => finding.code === 'face_unknown_model')
      ? 'unknown_model'
      : findings.some((finding) => finding.code === 'face_score_reject')
        ? 'reject'
        : findings.some((finding) => finding.code === 'face_score_review' || finding.code === 'face_score_invalid')
          ? 'review'
          : null;
    band = {
      band: bandOfFindings ?? classification.band,
      passAtOrAbove: fromFinding?.passAtOrAbove ?? classification.thresholdsUsed?.passAtOrAbove ?? null,
      rejectBelow: fromFinding?.rejectBelow ?? classification.thresholdsUsed?.rejectBelow ?? null,
      bandModelVersion: fromFinding?.bandModelVersion ?? classification.thresholdsUsed?.modelVersion ?? null,
    };
  }
  return {
    compare: compare
      ? {
          vendor: compare.vendor,
          modelVersion: compare.model_version,
          score: compare.score,
          vendorThresholds: compare.thresholds.map((threshold) => ({ falseAcceptRate: threshold.false_accept_rate, score: threshold.score })),
          hasImages: true,
        }
      : null,
    band,
    liveness: liveness
      ? {
          passed: liveness.passed,
          vendor: liveness.vendor,
          modelVersion: liveness.model_version,
          score: liveness.score,
          threshold: liveness.threshold,
          actions: liveness.actions,
          failureReason: liveness.failure_reason,
          attempts: liveness.attempts,
        }
      : null,
  };
}

function idCheck(number: string, revealKey: string, now: number): NonNullable<TaskDetail['ocr']>['submittedId'] {
  const result = validateResidentId(number, { now });
  const digits = result.normalized;
  const first17 = /^\d{17}/.test(digits) ? digits.slice(0, 17) : null;
  return {
    number: masked(number, maskIdNumber, revealKey),
    valid: result.valid,
    errors: result.errors,
    checkExpected: first17 ? residentIdCheckChar(first17) : null,
    checkActual: digits.length === 18 ? digits.slice(17) : null,
    sex: result.sex ?? null,
    birthDate: result.birthDate ?? null,
    province: result.provinceName ?? null,
  };
}

/** OCR fields against the submission and what the number encodes, checksum, validity, quality. */
export function ocrEvidence(record: ApplicationRecord | null, findings: readonly Finding[], now: number): TaskDetail['ocr'] {
  const ocr = record?.authentication.id_card_ocr.result;
  if (!record || !ocr) return null;
  const has = (code: string) => findings.some((finding) => finding.code === code);
  const submittedId = idCheck(record.borrower.id_number, 'borrower.idNumber', now);
  const ocrId = idCheck(ocr.front.id_number, 'ocr.idNumber', now);
  // The sex and birth date compared are those the submitted number encodes (the OCR's number when the submitted one is invalid).
  const encoding = submittedId.valid ? submittedId : ocrId.valid ? ocrId : null;
  const longTerm = ocr.back.valid_to === LONG_TERM;
  const today = shanghaiDate(now);
  const daysLeft = !longTerm && isValidIsoDate(ocr.back.valid_to) ? daysBetween(today, ocr.back.valid_to) : null;
  const validityState = has('ocr_validity_unreadable')
    ? 'unreadable'
    : has('ocr_document_expired')
      ? 'expired'
      : has('ocr_document_not_yet_valid')
        ? 'not_yet_valid'
        : has('ocr_document_expiring_soon')
          ? 'expiring_soon'
          : 'valid';
  const validityMismatch = validityState !== 'valid';
  return {
    fields: [
      { field: 'name', ocr: masked(ocr.front.name, maskName, 'ocr.name'), compared: masked(record.borrower.name, maskName, 'borrower.name'), comparedSource: 'submitted', mismatch: has('ocr_name_mismatch') },
      {
        field: 'idNumber',
        ocr: masked(ocr.front.id_number, maskIdNumber, 'ocr.idNumber'),
        compared: masked(record.borrower.id_number, maskIdNumber, 'borrower.idNumber'),
        comparedSource: 'submitted',
        mismatch: has('ocr_id_number_mismatch') || has('ocr_id_number_invalid') || has('ocr_submitted_id_invalid'),
      },
      { field: 'sex', ocr: clear(ocr.front.sex), compared: encoding ? clear(encoding.sex) : null, comparedSource: encoding ? 'encoded' : null, mismatch: has('ocr_sex_mismatch') },
      {
        field: 'birthDate',
        ocr: clear(ocr.front.birth_date),
        compared: encoding ? clear(encoding.birthDate) : null,
        comparedSource: encoding ? 'encoded' : null,
        mismatch: has('ocr_birth_date_mismatch'),
      },
      { field: 'ethnicity', ocr: clear(ocr.front.ethnicity), compared: null, comparedSource: null, mismatch: false },
      { field: 'address', ocr: masked(ocr.front.address, maskAddress, 'ocr.address'), compared: null, comparedSource: null, mismatch: false },
      { field: 'authority', ocr: clear(ocr.back.issuing_authority), compared: null, comparedSource: null, mismatch: false },
      { field: 'validFrom', ocr: clear(ocr.back.valid_from), compared: null, comparedSource: null, mismatch: has('ocr_document_not_yet_valid') || has('ocr_validity_unreadable') },
      { field: 'validTo', ocr: clear(ocr.back.valid_to), compared: null, comparedSource: null, mismatch: validityMismatch && !has('ocr_document_not_yet_valid') },
    ],
    submittedId,
    ocrId,
    validity: { from: ocr.back.valid_from, to: ocr.back.valid_to, longTerm, daysLeft, state: validityState },
    qualityWarnings: ocr.quality_warnings,
    qualityScore: ocr.quality_score,
    hasImages: true,
  };
}

/** The phone a contact finding or sharing lookup uses. */
export function contactPhoneKey(phone: string): string {
  return normalizeMobile(phone);
}

/** Emergency contacts with their address-book match, calls and findings (sharing is added by the caller). */
export function contactsEvidence(
  record: ApplicationRecord | null,
  findings: readonly Finding[],
  sharing: (phone: string) => { total: number; rows: NonNullable<TaskDetail['contacts']>['contacts'][number]['sharedWith'] },
): TaskDetail['contacts'] {
  const result = record?.authentication.contacts.result;
  if (!result) return null;
  return {
    addressBookSize: result.address_book_size,
    contacts: result.emergency_contacts.map((contact, index) => {
      const own = findings.filter((finding) => finding.queue === 'contacts' && finding.evidence.contactIndex === index);
      const overdue = own.find((finding) => finding.code === 'contact_overdue_borrower');
      const overdueId = overdue ? Number(overdue.evidence.overdueBorrowerId ?? overdue.actual) : Number.NaN;
      const shared = sharing(contactPhoneKey(contact.phone));
      return {
        index,
        name: masked(contact.name, maskName, `contact.${index}.name`),
        phone: masked(contact.phone, maskPhone, `contact.${index}.phone`),
        relationship: contact.relationship,
        addressBook: contact.address_book_entry
          ? { displayName: masked(contact.address_book_entry.display_name, maskName, `contact.${index}.addressBookName`), remark: contact.address_book_entry.remark }
          : null,
        callCount: contact.call_count,
        lastCallAt: instant(contact.last_call_at),
        findings: own.map((finding) => finding.code),
        sharedWith: shared.rows,
        sharedTotal: shared.total,
        overdueBorrowerId: Number.isInteger(overdueId) && overdueId > 0 ? overdueId : null,
      };
    }),
  };
}

/**
 * The clear value behind a reveal key, from the application as submitted (the borrower row when
 * the record does not parse). Undefined for an unknown key.
 */
export function revealValue(key: string, record: ApplicationRecord | null, borrower: BorrowerRow): string | undefined {
  const ocr = record?.authentication.id_card_ocr.result;
  switch (key) {
    case 'borrower.name':
      return record?.borrower.name ?? borrower.name;
    case 'borrower.idNumber':
      return record?.borrower.id_number ?? borrower.idNumber;
    case 'borrower.phone':
      return record?.borrower.phone ?? borrower.phone;
    case 'ocr.name':
      return ocr?.front.name;
    case 'ocr.idNumber':
      return ocr?.front.id_number;
    case 'ocr.address':
      return ocr?.front.address;
    default: {
      const match = /^contact\.(\d)\.(name|phone|addressBookName)$/.exec(key);
      const contact = match ? record?.authentication.contacts.result?.emergency_contacts[Number(match[1])] : undefined;
      if (!match || !contact) return undefined;
      if (match[2] === 'name') return contact.name;
      if (match[2] === 'phone') return contact.phone;
      return contact.address_book_entry?.display_name;
    }
  }
}

/** The image ids of a task's evidence, by kind. */
export function imageIds(record: ApplicationRecord | null): Partial<Record<'live' | 'reference' | 'id_front' | 'id_back', string>> {
  if (!record) return {};
  const ids: Partial<Record<'live' | 'reference' | 'id_front' | 'id_back', string>> = {};
  const face = record.authentication.face_compare.result;
  const liveness = record.authentication.liveness.result;
  const ocr = record.authentication.id_card_ocr.result;
  if (face) {
    ids.live = face.live_image_id;
    ids.reference = face.reference_image_id;
  } else if (liveness) {
    ids.live = liveness.live_image_id;
  }
  if (ocr) {
    ids.id_front = ocr.front_image_id;
    ids.id_back = ocr.back_image_id;
  }
  return ids;
}

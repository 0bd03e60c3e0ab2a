/**
 * Turns an application as received (the institution's record) and its findings into what the
 * reviewer sees for each queue. Personal data leaves here masked, each value with the key that
 * reveals it (see revealValue); the comparisons are computed here so the screen only shows them.
 */
import { classifyFace, defaultFaceBands, type FaceVendor } from '../../shared/domain/face';
import { findingSchema, type Finding } from '../../shared/domain/findings';
import { validateResidentId, residentIdCheckChar } from '../../shared/domain/idcard';
import { ageBand, maskAddress, maskBirthDate, maskFreeText, maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import { relationshipSchema, relationshipsInRemark, type Relationship } from '../../shared/domain/contacts';
import { normalizeMobile } from '../../shared/domain/contact-info';
import { LONG_TERM, normalizeOcrDate } from '../../shared/domain/ocr';
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

/** The parts of two dates that differ ('day', 'month,day'...), never the dates. */
function differingDateParts(a: string | null, b: string | null): string | null {
  const left = /^(\d{4})-(\d{2})-(\d{2})$/.exec(a === null ? '' : (normalizeOcrDate(a) ?? ''));
  const right = /^(\d{4})-(\d{2})-(\d{2})$/.exec(b === null ? '' : (normalizeOcrDate(b) ?? ''));
  if (!left || !right) return 'unreadable';
  const parts = (['year', 'month', 'day'] as const).filter((_part, index) => left[index + 1] !== right[index + 1]);
  return parts.length > 0 ? parts.join(',') : null;
}

/**
 * A finding as shown: names, phones and ID numbers masked, contact findings tied to their
 * contact. Values that would complete a mask are replaced by what was found about them: the
 * relationships a remark names (never the remark, which often holds part of a name), the parts of
 * two birth dates that differ (never the dates, which are what the ID number's mask hides).
 */
export function findingView(finding: Finding): FindingView {
  let { subject = null, expected = null, actual = null } = finding;
  if (finding.queue === 'contacts') {
    subject = subject === null ? null : maskPhone(subject);
    if (contactPersonalCodes.has(finding.code) && actual !== null) actual = maskPhone(actual);
    if (relationshipCodes.has(finding.code)) {
      const named = typeof finding.evidence.remarkRelationships === 'string' ? finding.evidence.remarkRelationships : '';
      actual = named.split(',').filter((word) => relationshipSchema.safeParse(word).success).join(',') || null;
    }
  } else if (finding.code === 'ocr_birth_date_mismatch') {
    actual = differingDateParts(expected, actual);
    expected = null;
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

function idCheck(number: string, revealKey: string, birthDateKey: string, now: number): NonNullable<TaskDetail['ocr']>['submittedId'] {
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
    birthDate: result.birthDate ? masked(result.birthDate, maskBirthDate, birthDateKey) : null,
    ageBand: result.age === undefined || !result.birthDate ? null : ageBand(Number(result.birthDate.slice(0, 4)), Number(shanghaiDate(now).slice(0, 4))),
    province: result.provinceName ?? null,
  };
}

/** OCR fields against the submission and what the number encodes, checksum, validity, quality. */
export function ocrEvidence(record: ApplicationRecord | null, findings: readonly Finding[], now: number): TaskDetail['ocr'] {
  const ocr = record?.authentication.id_card_ocr.result;
  if (!record || !ocr) return null;
  const has = (code: string) => findings.some((finding) => finding.code === code);
  const submittedId = idCheck(record.borrower.id_number, 'borrower.idNumber', 'borrower.birthDate', now);
  const ocrId = idCheck(ocr.front.id_number, 'ocr.idNumber', 'ocr.idNumber.birthDate', now);
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
        // Both masked: the card's date and the encoded one are the digits the number's mask hides; the row says whether they match.
        ocr: masked(ocr.front.birth_date, maskBirthDate, 'ocr.birthDate'),
        compared: encoding?.birthDate ?? null,
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

/**
 * An address-book entry as the reviewer needs it: the saved name and remark masked whole (free
 * text, often a nickname made of the contact's name), and what they say instead: the
 * relationships they name, whether the saved name is the contact's typed name, and whether it
 * starts with the borrower's surname. The texts themselves are one recorded reveal away.
 */
function addressBookView(
  entry: { display_name: string; remark: string | null },
  contactName: string,
  borrowerName: string,
  index: number,
): NonNullable<NonNullable<TaskDetail['contacts']>['contacts'][number]['addressBook']> {
  const remark = entry.remark?.trim() ?? '';
  const savedName = entry.display_name.trim();
  // The same reading as the finding's (contacts.ts): the remark, or the saved name without one.
  const suggestsFrom = remark !== '' ? 'remark' : savedName !== '' ? 'name' : null;
  const suggests: Relationship[] = suggestsFrom === null ? [] : relationshipsInRemark(suggestsFrom === 'remark' ? remark : savedName);
  const compact = (text: string) => text.replace(/[\s·•・]+/g, '');
  const surname = Array.from(borrowerName.trim())[0];
  return {
    displayName: masked(entry.display_name, maskFreeText, `contact.${index}.addressBookName`),
    remark: remark === '' ? null : masked(remark, maskFreeText, `contact.${index}.addressBookRemark`),
    suggests,
    suggestsFrom,
    nameMatchesContact: savedName !== '' && compact(savedName) === compact(contactName),
    sharesBorrowerSurname: surname !== undefined && savedName.startsWith(surname),
  };
}

/** The phone a contact finding or sharing lookup uses. */
export function contactPhoneKey(phone: string): string {
  return normalizeMobile(phone);
}

/** Emergency contacts with their address-book match, calls and findings (sharing is added by the caller). */
export function contactsEvidence(
  record: ApplicationRecord | null,
  borrowerName: string,
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
        addressBook: contact.address_book_entry ? addressBookView(contact.address_book_entry, contact.name, borrowerName, index) : null,
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
    case 'ocr.birthDate':
      return ocr?.front.birth_date;
    // The birth dates the numbers encode: revealing one discloses the number's hidden digits.
    case 'borrower.birthDate':
      return validateResidentId(record?.borrower.id_number ?? borrower.idNumber).birthDate;
    case 'ocr.idNumber.birthDate':
      return ocr ? validateResidentId(ocr.front.id_number).birthDate : undefined;
    default: {
      const match = /^contact\.(\d)\.(name|phone|addressBookName|addressBookRemark)$/.exec(key);
      const contact = match ? record?.authentication.contacts.result?.emergency_contacts[Number(match[1])] : undefined;
      if (!match || !contact) return undefined;
      if (match[2] === 'name') return contact.name;
      if (match[2] === 'phone') return contact.phone;
      if (match[2] === 'addressBookRemark') return contact.address_book_entry?.remark ?? undefined;
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

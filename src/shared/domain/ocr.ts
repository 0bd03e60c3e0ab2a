/**
 * ID-card OCR comparison: what the card says against what the borrower submitted, and against
 * what the number itself encodes. The result is a list of findings for the OCR review queue.
 */
import { z } from 'zod';
import { daysBetween, isoDateFromParts, shanghaiDate, type IsoDate } from '../time';
import { makeFinding, type Finding, type FindingCode } from './findings';
import { validateResidentId, type ResidentIdResult, type Sex } from './idcard';

/** Vendor quality warnings, normalized to one closed list. */
export const ocrQualityWarningSchema = z.enum([
  'photocopy',
  'screen_reshoot',
  'edited',
  'temporary_card',
  'invalid_validity',
  'incomplete_border',
  'covered',
  'glare',
  'blur',
  'low_quality',
]);
export type OcrQualityWarning = z.infer<typeof ocrQualityWarningSchema>;
export const ocrQualityWarnings: readonly OcrQualityWarning[] = ocrQualityWarningSchema.options;

const QUALITY_FINDING: Record<OcrQualityWarning, FindingCode> = {
  photocopy: 'ocr_quality_photocopy',
  screen_reshoot: 'ocr_quality_screen_reshoot',
  edited: 'ocr_quality_edited',
  temporary_card: 'ocr_quality_temporary_card',
  invalid_validity: 'ocr_quality_invalid_validity',
  incomplete_border: 'ocr_quality_incomplete_border',
  covered: 'ocr_quality_covered',
  glare: 'ocr_quality_glare',
  blur: 'ocr_quality_blur',
  low_quality: 'ocr_quality_low_quality',
};

/** The validity end of a card issued without one (长期). */
export const LONG_TERM = 'long-term';

export interface IdCardOcrFields {
  name: string | null;
  /** '男' / '女' (or 'male' / 'female'). */
  sex: string | null;
  ethnicity: string | null;
  /** IsoDate, or as printed: '1990年1月8日', '19900108', '1990.01.08'. */
  birthDate: string | null;
  address: string | null;
  idNumber: string | null;
  authority: string | null;
  /** IsoDate (or '2015.03.01' / '20150301'). */
  validFrom: string | null;
  /** IsoDate (or as printed), or 'long-term' / '长期'. */
  validTo: string | null;
}

export interface IdCardOcrInput {
  submitted: { name: string; idNumber: string };
  ocr: IdCardOcrFields;
  /** Quality warning codes as normalized by the sync client; unknown codes are kept as such. */
  qualityWarnings: readonly string[];
}

/**
 * Compares an ID-card OCR result with the submission. Findings: name and number mismatches,
 * an invalid number on either side, the sex and birth date the number encodes against the
 * card's, validity expired / ending within expiringSoonDays / not yet started / unreadable, and
 * one finding per quality warning. `now` fixes "today" (Asia/Shanghai).
 */
export function compareIdCardOcr(input: IdCardOcrInput, options: { now: number; expiringSoonDays: number }): Finding[] {
  const findings: Finding[] = [];
  const { submitted, ocr } = input;
  const today = shanghaiDate(options.now);

  const submittedName = normalizeName(submitted.name);
  const ocrName = normalizeName(ocr.name ?? '');
  if (submittedName !== ocrName) {
    findings.push(makeFinding('ocr_name_mismatch', { subject: 'name', expected: submitted.name, actual: ocr.name, evidence: { source: 'ocr_front' } }));
  }

  const submittedId = validateResidentId(submitted.idNumber, { now: options.now });
  const ocrId = validateResidentId(ocr.idNumber ?? '', { now: options.now });
  if (submittedId.normalized !== ocrId.normalized) {
    findings.push(makeFinding('ocr_id_number_mismatch', { subject: 'idNumber', expected: submittedId.normalized, actual: ocr.idNumber, evidence: { source: 'ocr_front' } }));
  }
  if (!submittedId.valid) {
    findings.push(makeFinding('ocr_submitted_id_invalid', { subject: 'idNumber', expected: null, actual: submitted.idNumber, evidence: { errors: submittedId.errors.join(',') } }));
  }
  if (!ocrId.valid) {
    findings.push(makeFinding('ocr_id_number_invalid', { subject: 'idNumber', expected: null, actual: ocr.idNumber, evidence: { errors: ocrId.errors.join(',') } }));
  }

  // The number the public-security check saw is the submitted one; fall back to the card's.
  const encoding: ResidentIdResult | null = submittedId.valid ? submittedId : ocrId.valid ? ocrId : null;
  if (encoding !== null) {
    const numberSource = encoding === submittedId ? 'submitted' : 'ocr';
    const ocrSex = normalizeSex(ocr.sex);
    if (ocr.sex !== null && ocr.sex.trim() !== '' && ocrSex !== encoding.sex) {
      findings.push(makeFinding('ocr_sex_mismatch', { subject: 'sex', expected: encoding.sex ?? null, actual: ocr.sex, evidence: { numberSource, idNumber: encoding.normalized } }));
    }
    if (ocr.birthDate !== null && ocr.birthDate.trim() !== '' && normalizeOcrDate(ocr.birthDate) !== encoding.birthDate) {
      findings.push(makeFinding('ocr_birth_date_mismatch', { subject: 'birthDate', expected: encoding.birthDate ?? null, actual: ocr.birthDate, evidence: { numberSource, idNumber: encoding.normalized } }));
    }
  }

  findings.push(...validityFindings(ocr, today, options.expiringSoonDays));

  const seen = new Set<string>();
  for (const raw of input.qualityWarnings) {
    const parsed = ocrQualityWarningSchema.safeParse(raw);
    const code: FindingCode = parsed.success ? QUALITY_FINDING[parsed.data] : 'ocr_quality_unknown';
    if (seen.has(raw)) continue;
    seen.add(raw);
    findings.push(makeFinding(code, { subject: 'quality', expected: null, actual: raw, evidence: { warning: raw } }));
  }
  return findings;
}

function validityFindings(ocr: IdCardOcrFields, today: IsoDate, expiringSoonDays: number): Finding[] {
  const rawTo = ocr.validTo?.trim() ?? '';
  const rawFrom = ocr.validFrom?.trim() ?? '';
  const longTerm = rawTo === LONG_TERM || rawTo === '长期';
  const validTo = longTerm ? null : normalizeOcrDate(rawTo);
  const validFrom = normalizeOcrDate(rawFrom);
  const evidence = { validFrom: ocr.validFrom, validTo: ocr.validTo, today };
  if ((!longTerm && validTo === null) || validFrom === null || (validTo !== null && validTo < validFrom)) {
    return [makeFinding('ocr_validity_unreadable', { subject: 'validity', expected: null, actual: `${rawFrom}-${rawTo}`, evidence })];
  }
  const findings: Finding[] = [];
  if (validFrom > today) {
    findings.push(makeFinding('ocr_document_not_yet_valid', { subject: 'validFrom', expected: `<= ${today}`, actual: validFrom, evidence }));
  }
  if (validTo !== null) {
    const daysLeft = daysBetween(today, validTo);
    // A card is valid through its end date.
    if (daysLeft < 0) {
      findings.push(makeFinding('ocr_document_expired', { subject: 'validTo', expected: `>= ${today}`, actual: validTo, evidence: { ...evidence, daysLeft } }));
    } else if (daysLeft <= expiringSoonDays) {
      findings.push(makeFinding('ocr_document_expiring_soon', { subject: 'validTo', expected: `> ${expiringSoonDays} days`, actual: validTo, evidence: { ...evidence, daysLeft } }));
    }
  }
  return findings;
}

/** Names compare without spaces and with one middle dot ('·') for transliterated names. */
function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[•・.．‧]/g, '·')
    .toUpperCase();
}

function normalizeSex(sex: string | null): Sex | null {
  const value = sex?.trim().toLowerCase() ?? '';
  if (value === '男' || value === 'male' || value === 'm') return 'male';
  if (value === '女' || value === 'female' || value === 'f') return 'female';
  return null;
}

/** Reads a printed date ('1990年1月8日', '19900108', '1990.01.08', '1990-1-8') as an IsoDate, or null. */
export function normalizeOcrDate(text: string): IsoDate | null {
  const match = /^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$/.exec(text.trim()) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  if (match === null) return null;
  try {
    return isoDateFromParts(Number(match[1]), Number(match[2]), Number(match[3]));
  } catch {
    return null;
  }
}

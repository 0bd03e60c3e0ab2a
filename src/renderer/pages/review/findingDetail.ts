import type { FindingView } from '../../../shared/contracts/review';
import { isMessageKey, labelOf, type Translate } from '../../i18n/translate';

type Params = Record<string, string>;

/** The text after a comparison sign: "2026-12-03" from ">= 2026-12-03", "61" from ">= 61". */
function operand(text: string | null): string | null {
  const match = text === null ? null : /^[<>]=?\s*(\S+)/.exec(text);
  return match?.[1] ?? null;
}

function firstNumber(text: string | null): string | null {
  const match = text === null ? null : /\d+(?:\.\d+)?/.exec(text);
  return match ? match[0] : null;
}

/** 'day,month' as 'day、month' in the operator's words. */
function listOf(t: Translate, prefix: string, values: string): string {
  return values
    .split(',')
    .filter(Boolean)
    .map((value) => labelOf(t, prefix, value))
    .join(t('common.listSeparator'));
}

function known(t: Translate, prefix: string, value: string | null): string | null {
  return value === null ? null : labelOf(t, prefix, value);
}

/** What each code's sentence needs, read from the finding; null when the finding lacks it. */
function paramsOf(finding: FindingView, t: Translate): Params | null {
  const { subject, expected, actual } = finding;
  const need = (values: Record<string, string | null>): Params | null => (Object.values(values).every((value) => value !== null) ? (values as Params) : null);
  switch (finding.code) {
    case 'ocr_name_mismatch':
    case 'ocr_id_number_mismatch':
    case 'face_score_invalid':
      return need({ expected, actual });
    case 'ocr_birth_date_mismatch':
      // The server sends which parts differ, never the dates (they are what the ID number's mask hides).
      return need({ parts: actual === null ? null : listOf(t, 'review.datePart', actual) });
    case 'ocr_sex_mismatch':
      return need({ expected: known(t, 'review.sex', expected), actual: known(t, 'review.sex', actual) });
    case 'ocr_submitted_id_invalid':
    case 'ocr_id_number_invalid':
    case 'ocr_validity_unreadable':
    case 'ocr_quality_unknown':
    case 'face_unknown_model':
    case 'face_liveness_retried':
    case 'contact_phone_invalid':
      return need({ actual });
    case 'ocr_document_expired':
    case 'ocr_document_not_yet_valid':
      return need({ actual, today: operand(expected) });
    case 'ocr_document_expiring_soon':
      return need({ actual, days: firstNumber(expected) });
    case 'face_score_review':
    case 'face_score_reject':
      return need({ actual, line: operand(expected) });
    case 'face_liveness_failed':
      return {};
    case 'contact_not_in_address_book':
    case 'contact_is_borrower':
    case 'contact_overdue_borrower':
    case 'contact_duplicate':
      return need({ subject });
    case 'contact_never_called':
      return need({ subject, actual });
    case 'contact_relationship_mismatch':
      // The relationships the remark names (never the remark: it often holds part of a name).
      return need({ subject, actual: actual === null ? null : listOf(t, 'review.relationship', actual), relationship: known(t, 'review.relationship', expected) });
    case 'contact_relationship_unconfirmed':
      return need({ subject, relationship: known(t, 'review.relationship', expected) });
    case 'contact_shared_phone':
      return need({ subject, actual, threshold: firstNumber(expected) });
    default:
      return null;
  }
}

/**
 * One line saying what a finding compared, in the operator's language. Quality warnings other
 * than an unknown one say nothing more than their badge, so their line is empty. A finding whose
 * values do not have the shape its sentence needs (a code added later, an older row) falls back
 * to "subject · expected … · actual …" with the values as they are.
 */
export function findingDetail(finding: FindingView, t: Translate): string {
  if (finding.code.startsWith('ocr_quality_') && finding.code !== 'ocr_quality_unknown') return '';
  const key = `review.findingDetail.${finding.code}`;
  if (isMessageKey(key)) {
    const params = paramsOf(finding, t);
    if (params !== null) return t(key, params);
  }
  return [finding.subject, finding.expected !== null ? `${t('review.findings.expected')} ${finding.expected}` : null, finding.actual !== null ? `${t('review.findings.actual')} ${finding.actual}` : null]
    .filter(Boolean)
    .join(' · ');
}

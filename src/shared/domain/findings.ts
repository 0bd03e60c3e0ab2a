/**
 * Findings: what the domain checks found, for a reviewer to act on. Each finding belongs to
 * one review queue, carries a severity and names its evidence (the values compared and where
 * they came from), so a reviewer never has to re-derive why it was raised.
 */
import { z } from 'zod';

/** The review queues, in the order the screens list them: the one list of them. */
export const reviewQueues = ['contacts', 'face', 'ocr'] as const;
export const reviewQueueSchema = z.enum(reviewQueues);
export type ReviewQueue = z.infer<typeof reviewQueueSchema>;

/** One value for every review queue (a count, a setting, a schema), keyed by queue. */
export function perQueue<T>(value: (queue: ReviewQueue) => T): Record<ReviewQueue, T> {
  return Object.fromEntries(reviewQueues.map((queue) => [queue, value(queue)])) as Record<ReviewQueue, T>;
}

export const findingSeverities = ['info', 'warning', 'high'] as const;
export const findingSeveritySchema = z.enum(findingSeverities);
export type FindingSeverity = z.infer<typeof findingSeveritySchema>;

/** A review task's priority: its most severe finding's. */
export const severityPriority: Record<FindingSeverity, number> = { info: 1, warning: 2, high: 3 };
/** Every task priority, highest first: queue pages and counts walk them level by level. */
export const taskPriorityLevels: readonly number[] = [...new Set(Object.values(severityPriority))].sort((a, b) => b - a);

/**
 * Every finding code with its queue and severity. The severity here is the one the producing
 * check uses; README.md in this folder explains each code.
 */
export const findingCatalog = {
  // ID-card OCR against what was submitted
  ocr_name_mismatch: { queue: 'ocr', severity: 'high' },
  ocr_id_number_mismatch: { queue: 'ocr', severity: 'high' },
  ocr_sex_mismatch: { queue: 'ocr', severity: 'high' },
  ocr_birth_date_mismatch: { queue: 'ocr', severity: 'high' },
  ocr_submitted_id_invalid: { queue: 'ocr', severity: 'high' },
  ocr_id_number_invalid: { queue: 'ocr', severity: 'high' },
  ocr_document_expired: { queue: 'ocr', severity: 'high' },
  ocr_document_expiring_soon: { queue: 'ocr', severity: 'warning' },
  ocr_document_not_yet_valid: { queue: 'ocr', severity: 'high' },
  ocr_validity_unreadable: { queue: 'ocr', severity: 'warning' },
  ocr_quality_photocopy: { queue: 'ocr', severity: 'high' },
  ocr_quality_screen_reshoot: { queue: 'ocr', severity: 'high' },
  ocr_quality_edited: { queue: 'ocr', severity: 'high' },
  ocr_quality_temporary_card: { queue: 'ocr', severity: 'warning' },
  ocr_quality_invalid_validity: { queue: 'ocr', severity: 'high' },
  ocr_quality_incomplete_border: { queue: 'ocr', severity: 'warning' },
  ocr_quality_covered: { queue: 'ocr', severity: 'warning' },
  ocr_quality_glare: { queue: 'ocr', severity: 'info' },
  ocr_quality_blur: { queue: 'ocr', severity: 'warning' },
  ocr_quality_low_quality: { queue: 'ocr', severity: 'warning' },
  ocr_quality_unknown: { queue: 'ocr', severity: 'warning' },
  // Face compare and liveness
  face_score_review: { queue: 'face', severity: 'warning' },
  face_score_reject: { queue: 'face', severity: 'high' },
  face_score_invalid: { queue: 'face', severity: 'high' },
  face_unknown_model: { queue: 'face', severity: 'warning' },
  face_liveness_failed: { queue: 'face', severity: 'high' },
  face_liveness_retried: { queue: 'face', severity: 'info' },
  // Emergency contacts
  contact_not_in_address_book: { queue: 'contacts', severity: 'warning' },
  contact_relationship_mismatch: { queue: 'contacts', severity: 'warning' },
  contact_relationship_unconfirmed: { queue: 'contacts', severity: 'info' },
  contact_never_called: { queue: 'contacts', severity: 'warning' },
  contact_is_borrower: { queue: 'contacts', severity: 'high' },
  contact_phone_invalid: { queue: 'contacts', severity: 'high' },
  contact_shared_phone: { queue: 'contacts', severity: 'warning' },
  contact_overdue_borrower: { queue: 'contacts', severity: 'high' },
  contact_duplicate: { queue: 'contacts', severity: 'warning' },
} as const satisfies Record<string, { queue: ReviewQueue; severity: FindingSeverity }>;

export type FindingCode = keyof typeof findingCatalog;

const findingCodes = Object.keys(findingCatalog) as [FindingCode, ...FindingCode[]];
export const findingCodeSchema = z.enum(findingCodes);

const evidenceValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const findingSchema = z.object({
  code: findingCodeSchema,
  queue: reviewQueueSchema,
  severity: findingSeveritySchema,
  /** What the finding is about: a contact's phone, an OCR field name, a face vendor/model. */
  subject: z.string().optional(),
  expected: z.string().nullable().optional(),
  actual: z.string().nullable().optional(),
  evidence: z.record(z.string(), evidenceValueSchema),
});

export interface Finding {
  code: FindingCode;
  queue: ReviewQueue;
  severity: FindingSeverity;
  /** What the finding is about: a contact's phone, an OCR field name, a face vendor/model. */
  subject?: string;
  expected?: string | null;
  actual?: string | null;
  evidence: Record<string, string | number | boolean | null>;
}

/** Builds a finding with the catalog's queue and severity. */
export function makeFinding(
  code: FindingCode,
  details: { subject?: string; expected?: string | null; actual?: string | null; evidence?: Finding['evidence'] },
): Finding {
  const { queue, severity } = findingCatalog[code];
  const finding: Finding = { code, queue, severity, evidence: details.evidence ?? {} };
  if (details.subject !== undefined) finding.subject = details.subject;
  if (details.expected !== undefined) finding.expected = details.expected;
  if (details.actual !== undefined) finding.actual = details.actual;
  return finding;
}

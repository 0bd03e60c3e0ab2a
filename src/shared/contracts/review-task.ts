/**
 * The review family's task view: one task as the task screen shows it (`review:task`), with the
 * evidence, the application, the borrower's history and the timeline it nests. review.ts
 * re-exports its types.
 */
import { z } from 'zod';
import { relationshipSchema } from '../domain/contacts';
import { findingSeveritySchema, reviewQueueSchema } from '../domain/findings';
import {
  institutionRefSchema,
  operatorRefSchema,
  personalTextSchema,
  reasonCodeSchema,
  reviewActionSchema,
  reviewTaskStatusSchema,
  taskRowSchema,
} from './review-common';


export const waitingDecisionSchema = z.object({
  id: z.int(),
  action: reviewActionSchema,
  operator: operatorRefSchema,
  decidedAt: z.number(),
  reasonCode: z.string().nullable(),
  note: z.string(),
  fourEyesReasons: z.array(z.string()),
});

const checklistItemSchema = z.object({
  item: z.string(),
  required: z.boolean(),
  status: z.enum(['not_started', 'in_progress', 'completed', 'failed', 'not_asked']),
  completedAt: z.number().nullable(),
  validUntil: z.number().nullable(),
  /** completed and still within its validity now. */
  valid: z.boolean(),
  reusedFrom: z.string().nullable(),
});

const findingViewSchema = z.object({
  code: z.string(),
  queue: reviewQueueSchema,
  severity: findingSeveritySchema,
  /** Masked where it is personal data (a contact's phone, a name, an ID number). */
  subject: z.string().nullable(),
  expected: z.string().nullable(),
  actual: z.string().nullable(),
  /** For contact findings: the emergency contact it is about. */
  contactIndex: z.int().nullable(),
});
export type FindingView = z.infer<typeof findingViewSchema>;

const faceEvidenceSchema = z.object({
  compare: z
    .object({
      vendor: z.string(),
      modelVersion: z.string(),
      score: z.number(),
      vendorThresholds: z.array(z.object({ falseAcceptRate: z.string(), score: z.number() })),
      hasImages: z.boolean(),
    })
    .nullable(),
  band: z
    .object({
      band: z.enum(['pass', 'review', 'reject', 'unknown_model']),
      passAtOrAbove: z.number().nullable(),
      rejectBelow: z.number().nullable(),
      bandModelVersion: z.string().nullable(),
    })
    .nullable(),
  liveness: z
    .object({
      passed: z.boolean(),
      vendor: z.string(),
      modelVersion: z.string(),
      score: z.number(),
      threshold: z.number(),
      actions: z.array(z.string()),
      failureReason: z.string().nullable(),
      attempts: z.int(),
    })
    .nullable(),
});

const idCheckSchema = z.object({
  number: personalTextSchema,
  valid: z.boolean(),
  errors: z.array(z.string()),
  /** The check character the first 17 digits call for, and the one present. */
  checkExpected: z.string().nullable(),
  checkActual: z.string().nullable(),
  sex: z.enum(['male', 'female']).nullable(),
  /**
   * The birth date the number encodes: masked, because it is exactly the part the number's mask
   * hides (revealing it reveals the number, and is recorded as such). Null when the digits name no day.
   */
  birthDate: personalTextSchema.nullable(),
  /** The ages this year of that birth date's five-year cohort ('31-36' for 1990-1994 in 2026, mask.ts `ageBand`): what a reviewer compares a face with. */
  ageBand: z.string().nullable(),
  province: z.string().nullable(),
});

const ocrEvidenceSchema = z.object({
  fields: z.array(
    z.object({
      field: z.enum(['name', 'idNumber', 'sex', 'birthDate', 'ethnicity', 'address', 'authority', 'validFrom', 'validTo']),
      ocr: personalTextSchema,
      /** The submitted value (name, number) or what the number encodes (sex, birth date); null when not compared. */
      compared: personalTextSchema.nullable(),
      comparedSource: z.enum(['submitted', 'encoded']).nullable(),
      mismatch: z.boolean(),
    }),
  ),
  submittedId: idCheckSchema,
  ocrId: idCheckSchema,
  validity: z.object({
    from: z.string(),
    to: z.string(),
    longTerm: z.boolean(),
    daysLeft: z.int().nullable(),
    state: z.enum(['valid', 'expiring_soon', 'expired', 'not_yet_valid', 'unreadable']),
  }),
  qualityWarnings: z.array(z.string()),
  qualityScore: z.number(),
  hasImages: z.boolean(),
});

const contactsEvidenceSchema = z.object({
  addressBookSize: z.int(),
  contacts: z.array(
    z.object({
      index: z.int(),
      name: personalTextSchema,
      phone: personalTextSchema,
      relationship: z.string(),
      addressBook: z
        .object({
          /** The name the borrower saved, masked whole: it is often a nickname holding part of the contact's name. */
          displayName: personalTextSchema,
          /** The remark, masked whole for the same reason; null when there is none. */
          remark: personalTextSchema.nullable(),
          /** Relationships the remark (or, without one, the saved name) names by the relationship table: derived, never the text. */
          suggests: z.array(relationshipSchema),
          /** Where `suggests` was read; null when the entry has neither. */
          suggestsFrom: z.enum(['remark', 'name']).nullable(),
          /** The saved name is the name the borrower typed for this contact. */
          nameMatchesContact: z.boolean(),
          /** The saved name starts with the borrower's surname. */
          sharesBorrowerSurname: z.boolean(),
        })
        .nullable(),
      callCount: z.int(),
      lastCallAt: z.number().nullable(),
      findings: z.array(z.string()),
      /** Other applications that gave the same phone as an emergency contact. */
      sharedWith: z.array(z.object({ applicationId: z.int(), externalId: z.string(), institutionCode: z.string(), borrowerId: z.int(), taskId: z.int().nullable() })),
      sharedTotal: z.int(),
      overdueBorrowerId: z.int().nullable(),
    }),
  ),
});

const historySchema = z.object({
  applications: z.array(
    z.object({
      id: z.int(),
      institution: institutionRefSchema,
      externalId: z.string(),
      productName: z.string(),
      requestedAmountFen: z.int(),
      status: z.string(),
      appliedAt: z.number(),
      tasks: z.array(z.object({ id: z.int(), queue: reviewQueueSchema, status: reviewTaskStatusSchema })),
    }),
  ),
  lines: z.array(
    z.object({
      id: z.int(),
      institution: institutionRefSchema,
      externalId: z.string(),
      mode: z.string(),
      limitFen: z.int(),
      availableFen: z.int(),
      state: z.string(),
      validTo: z.number(),
    }),
  ),
  loans: z.array(
    z.object({
      id: z.int(),
      institution: institutionRefSchema,
      externalId: z.string(),
      principalFen: z.int(),
      outstandingPrincipalFen: z.int(),
      status: z.string(),
      dpd: z.int(),
      bucket: z.string(),
      disbursedAt: z.number().nullable(),
    }),
  ),
});

export const timelineEventSchema = z.object({
  id: z.string(),
  at: z.number(),
  kind: z.string(),
  operator: operatorRefSchema.nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const taskDetailSchema = z.object({
  now: z.number(),
  task: taskRowSchema.extend({
    evidenceHash: z.string(),
    returnNote: z.string().nullable(),
    heldByMe: z.boolean(),
    canClaim: z.boolean(),
    canDecide: z.boolean(),
    canSecondDecide: z.boolean(),
    canReveal: z.boolean(),
    canSeeImages: z.boolean(),
    waitingDecision: waitingDecisionSchema.nullable(),
    /** Why approving would need a supervisor's second decision (empty: it would not). */
    fourEyesOnApprove: z.array(z.string()),
  }),
  siblings: z.array(z.object({ id: z.int(), queue: reviewQueueSchema, status: reviewTaskStatusSchema, decision: z.string().nullable(), findingCount: z.int() })),
  application: z.object({
    id: z.int(),
    externalId: z.string(),
    version: z.int(),
    institution: institutionRefSchema,
    productCode: z.string(),
    productName: z.string(),
    lineMode: z.string(),
    requestedAmountFen: z.int(),
    requestedTermMonths: z.int(),
    quotedMonthlyRate: z.string().nullable(),
    status: z.string(),
    appliedAt: z.number(),
    submittedAt: z.number().nullable(),
    /** What an approval grants: the institution's suggested limit, else the requested amount. */
    approvedLimitFen: z.int(),
    risk: z
      .object({
        result: z.string(),
        score: z.int(),
        suggestedLimitFen: z.int().nullable(),
        reasons: z.array(z.object({ code: z.string(), message: z.string() })),
        decidedAt: z.number(),
      })
      .nullable(),
    checklist: z.array(checklistItemSchema),
  }),
  borrower: z.object({ id: z.int(), name: personalTextSchema, idNumber: personalTextSchema, phone: personalTextSchema }),
  findings: z.array(findingViewSchema),
  face: faceEvidenceSchema.nullable(),
  ocr: ocrEvidenceSchema.nullable(),
  contacts: contactsEvidenceSchema.nullable(),
  history: historySchema,
  timeline: z.array(timelineEventSchema),
  reasonCodes: z.array(reasonCodeSchema),
});
export type TaskDetail = z.infer<typeof taskDetailSchema>;

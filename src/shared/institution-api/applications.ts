/**
 * The `applications` resource: a credit application with its borrower, the institution's risk
 * decision and every authentication item the platform collected for it.
 */
import { z } from 'zod';
import { relationshipSchema, type Relationship } from '../domain/contacts';
import { LONG_TERM, ocrQualityWarningSchema } from '../domain/ocr';
import {
  calendarDateSchema,
  decimalRateSchema,
  externalIdSchema,
  faceVendorSchema,
  fenSchema,
  instantSchema,
  lineModeSchema,
  mobilePhoneSchema,
  recordMetaShape,
  sexSchema,
} from './primitives';

/** Application statuses, in the order an application usually moves through them. */
export const applicationStatuses = ['AUTHENTICATING', 'ABANDONED', 'RISK_REVIEWING', 'MANUAL_REVIEW', 'APPROVED', 'REJECTED'] as const;
export const applicationStatusSchema = z
  .enum(applicationStatuses)
  .describe(
    'AUTHENTICATING: items still being collected. ABANDONED: the borrower left part-way through authentication. ' +
      'RISK_REVIEWING: automatic risk control running. MANUAL_REVIEW: awaiting a person (POST a review decision). ' +
      'APPROVED: a credit line was granted. REJECTED: final refusal.',
  );
export type ApplicationStatus = z.infer<typeof applicationStatusSchema>;

/** Every authentication item the platform knows; a product asks for a subset. */
export const authItemNameSchema = z.enum([
  'real_name',
  'carrier',
  'personal_info',
  'contacts',
  'id_card_ocr',
  'liveness',
  'face_compare',
  'credit_card_four_elements',
  'online_banking',
  'ecommerce',
]);
export type AuthItemName = z.infer<typeof authItemNameSchema>;

export const authItemStatusSchema = z
  .enum(['not_started', 'in_progress', 'completed', 'failed'])
  .describe('completed and failed items carry a result; not_started and in_progress ones carry null.');
export type AuthItemStatus = z.infer<typeof authItemStatusSchema>;

/** The envelope every authentication item shares; `result` is item-specific. */
function authItem<Result extends z.ZodType>(result: Result) {
  return z.object({
    status: authItemStatusSchema,
    completed_at: instantSchema.nullable().describe('When the item was completed (or failed); null before.'),
    valid_until: instantSchema
      .nullable()
      .describe('End of validity: a new application before this instant may reuse the item instead of collecting it again.'),
    reused_from_application_id: externalIdSchema
      .nullable()
      .describe('Set when the item was not collected again but reused from an earlier application of the same borrower.'),
    result: result.nullable(),
  });
}

export const realNameResultSchema = z.object({
  matched: z.boolean().describe('Name and ID number match the public-security source.'),
  source: z.enum(['public_security']),
});

export const carrierResultSchema = z.object({
  authorized: z.boolean().describe('The borrower authorized access to the operator account.'),
  carrier: z.enum(['china_mobile', 'china_unicom', 'china_telecom', 'china_broadnet']),
  phone: mobilePhoneSchema,
  real_name_matched: z.boolean().describe('The operator account holder is the borrower.'),
  account_age_months: z.int().min(0),
  call_list_months: z.int().min(0).describe('How many months of call list were read.'),
  call_list_distinct_numbers: z.int().min(0),
  authorization_expires_at: instantSchema.nullable(),
});

export const educationSchema = z.enum(['junior_high_or_below', 'high_school', 'vocational', 'associate', 'bachelor', 'master_or_above']);
export const maritalStatusSchema = z.enum(['single', 'married', 'divorced', 'widowed']);

export const personalInfoResultSchema = z.object({
  education: educationSchema,
  marital_status: maritalStatusSchema,
  employer: z.string().max(100).nullable(),
  occupation: z.string().max(50).nullable(),
  monthly_income_fen: fenSchema.nullable(),
  residence_address: z.string().max(200),
});

/** The relationship the borrower chose when typing the emergency contact (the domain's list). */
export const contactRelationshipSchema = relationshipSchema;
export type ContactRelationship = Relationship;

export const emergencyContactSchema = z.object({
  name: z.string().min(1).max(50).describe('Name as typed by the borrower.'),
  phone: mobilePhoneSchema.describe('Phone as typed by the borrower (may be invalid; passed on unchanged).'),
  relationship: contactRelationshipSchema,
  address_book_entry: z
    .object({
      display_name: z.string().max(50).describe('The name the borrower saved for this number.'),
      remark: z.string().max(100).nullable().describe('The remark saved with the entry, if any.'),
    })
    .nullable()
    .describe("The borrower's address-book entry with the same number; null when the number is not in the address book."),
  call_count: z.int().min(0).describe('Calls with this number in the carrier call list (both directions).'),
  last_call_at: instantSchema.nullable(),
});

export const contactsResultSchema = z.object({
  address_book_size: z.int().min(0),
  emergency_contacts: z.array(emergencyContactSchema).max(5),
});

/** Quality warnings as ID-card OCR vendors report them, normalized to the domain's closed list. */
export const ocrWarningSchema = ocrQualityWarningSchema;
export type OcrWarning = z.infer<typeof ocrWarningSchema>;

export const idCardOcrResultSchema = z.object({
  front: z.object({
    name: z.string().max(50),
    sex: sexSchema,
    ethnicity: z.string().max(20),
    birth_date: calendarDateSchema,
    address: z.string().max(200),
    id_number: z.string().max(18).describe('As read by OCR; compare with the borrower id_number.'),
  }),
  back: z.object({
    issuing_authority: z.string().max(100),
    valid_from: calendarDateSchema,
    valid_to: z.union([calendarDateSchema, z.literal(LONG_TERM)]).describe(`A date, or "${LONG_TERM}" for cards without an end (长期).`),
  }),
  quality_warnings: z.array(ocrWarningSchema),
  quality_score: z.number().min(0).max(100).describe('Vendor image-quality score, higher is better.'),
  front_image_id: externalIdSchema.describe('GET /v1/images/{id}'),
  back_image_id: externalIdSchema.describe('GET /v1/images/{id}'),
});

export const faceThresholdSchema = z.object({
  false_accept_rate: z.enum(['1e-3', '1e-4', '1e-5']),
  score: z.number().describe("The vendor's published score for this false-accept rate."),
});

export const livenessResultSchema = z.object({
  passed: z.boolean(),
  vendor: faceVendorSchema,
  model_version: z.string().max(40),
  score: z.number().describe('Liveness score on the vendor scale.'),
  threshold: z.number().describe('Pass threshold used.'),
  actions: z.array(z.enum(['blink', 'open_mouth', 'nod', 'shake_head'])),
  failure_reason: z.enum(['action_timeout', 'not_live', 'multiple_faces', 'face_not_found', 'poor_lighting']).nullable(),
  attempts: z.int().min(1),
  live_image_id: externalIdSchema,
});

export const faceCompareResultSchema = z.object({
  vendor: faceVendorSchema,
  model_version: z.string().max(40),
  score: z.number().describe('Similarity on the vendor scale; meaningful only with vendor + model_version.'),
  thresholds: z.array(faceThresholdSchema).min(1).describe("The vendor's thresholds for this model."),
  reference_source: z.enum(['public_security']),
  live_image_id: externalIdSchema,
  reference_image_id: externalIdSchema,
});

export const creditCardFourElementsResultSchema = z.object({
  verified: z.boolean(),
  bank_name: z.string().max(50),
  card_number_masked: z.string().max(30),
  mismatched_elements: z.array(z.enum(['name', 'id_number', 'card_number', 'reserved_phone'])),
});

export const onlineBankingResultSchema = z.object({
  bank_name: z.string().max(50),
  months_imported: z.int().min(0),
  average_monthly_inflow_fen: fenSchema,
  average_monthly_outflow_fen: fenSchema,
  balance_fen: fenSchema,
  salary_detected: z.boolean(),
});

export const ecommerceResultSchema = z.object({
  platform: z.enum(['taobao', 'jd', 'pinduoduo']),
  account_age_months: z.int().min(0),
  orders_last_12_months: z.int().min(0),
  spend_last_12_months_fen: fenSchema,
  delivery_address_count: z.int().min(0),
  verified_real_name: z.boolean(),
});

export const authenticationSchema = z
  .object({
    required_items: z.array(authItemNameSchema).describe('What this product asks for, in collection order.'),
    real_name: authItem(realNameResultSchema),
    carrier: authItem(carrierResultSchema),
    personal_info: authItem(personalInfoResultSchema),
    contacts: authItem(contactsResultSchema),
    id_card_ocr: authItem(idCardOcrResultSchema),
    liveness: authItem(livenessResultSchema),
    face_compare: authItem(faceCompareResultSchema),
    credit_card_four_elements: authItem(creditCardFourElementsResultSchema).nullable().describe('null: the product does not ask for it.'),
    online_banking: authItem(onlineBankingResultSchema).nullable().describe('null: the product does not ask for it.'),
    ecommerce: authItem(ecommerceResultSchema).nullable().describe('null: the product does not ask for it.'),
  })
  .describe('The seven base items are always present; the product-specific three are null when not asked for.');

export const riskReasonSchema = z.object({
  code: z.string().max(60).describe('Institution-defined, e.g. FACE_SCORE_GREY, CONTACT_NOT_IN_ADDRESS_BOOK.'),
  message: z.string().max(200),
});

/** The institution's automatic risk-control result (manual_review: a person decides, through the review queues). */
export const riskResults = ['approve', 'reject', 'manual_review'] as const;

export const riskDecisionSchema = z.object({
  result: z.enum(riskResults),
  score: z.int().min(0).max(1000).describe('Institution risk score, higher is safer.'),
  suggested_limit_fen: fenSchema.nullable(),
  reasons: z.array(riskReasonSchema),
  decided_at: instantSchema,
});

export const appliedReviewSchema = z.object({
  decision_id: externalIdSchema,
  decision: z.enum(['approve', 'reject']),
  reviewer_id: z.string().max(64),
  reason_codes: z.array(z.string().max(60)),
  approved_limit_fen: fenSchema.nullable(),
  decided_at: instantSchema,
  received_at: instantSchema,
});

export const borrowerSchema = z.object({
  platform_user_id: externalIdSchema.describe("The platform's user id (the same person has the same id at every institution)."),
  name: z.string().min(1).max(50),
  id_number: z.string().max(18).describe('Resident ID number as submitted (18 characters; validate it, do not trust it).'),
  phone: mobilePhoneSchema,
});

export const applicationRecordSchema = z
  .object({
    ...recordMetaShape,
    borrower: borrowerSchema,
    product_code: externalIdSchema,
    product_name: z.string().max(50),
    line_mode: lineModeSchema,
    requested_amount_fen: fenSchema,
    requested_term_months: z.int().min(1).max(60),
    quoted_monthly_rate: decimalRateSchema,
    status: applicationStatusSchema,
    abandoned_at_item: authItemNameSchema.nullable().describe('For ABANDONED: the item the borrower stopped at.'),
    applied_at: instantSchema,
    submitted_at: instantSchema.nullable().describe('When all required items were complete and the application went to risk control.'),
    authentication: authenticationSchema,
    risk_decision: riskDecisionSchema.nullable(),
    review: appliedReviewSchema.nullable().describe('The manual review decision applied, if any.'),
    credit_line_id: externalIdSchema.nullable().describe('The line granted on approval.'),
  })
  .describe('A credit application.');
export type ApplicationRecord = z.infer<typeof applicationRecordSchema>;

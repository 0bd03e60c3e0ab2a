/**
 * Borrower lookup for support: one search over name, phone, ID number (whole values, or the last
 * 4 characters the masked view shows), platform user id and loan/application/line numbers
 * (prefixes), matched server-side and answered masked; identifier searches are recorded and
 * throttled per operator (RATE_LIMITED); the borrower page across institutions; an audited
 * reveal of personal data.
 */
import { z } from 'zod';
import { bucketSchema } from '../domain/delinquency';
import { reviewQueueSchema } from '../domain/findings';
import { lineModeSchema } from '../domain/lines';
import { applicationStatuses } from '../institution-api/applications';
import { orderStatusSchema } from '../institution-api/loans';
import { channel, requires } from '../rpc/define';
import { lineStateSchema, lineFlagSchema, planStateSchema } from './portfolio';

const fen = z.number().int();
const idSchema = z.number().int().positive();

export const borrowerMatchKinds = ['id_number', 'id_tail', 'phone', 'phone_tail', 'name', 'platform_user', 'loan', 'application', 'line'] as const;
export const borrowerMatchSchema = z.enum(borrowerMatchKinds);
export type BorrowerMatch = z.infer<typeof borrowerMatchSchema>;

export const borrowerSearchResultSchema = z.object({
  borrowerId: z.number().int(),
  nameMasked: z.string(),
  phoneMasked: z.string(),
  idNumberMasked: z.string(),
  platformUserId: z.string(),
  matchedOn: borrowerMatchSchema,
  /** The loan, application or line number that matched (not personal data). */
  matchedReference: z.string().nullable(),
  openLoanCount: z.number().int(),
  /** Largest DPD among the borrower's open loans. */
  maxDpd: z.number().int(),
});
export type BorrowerSearchResult = z.infer<typeof borrowerSearchResultSchema>;

export const piiFields = ['name', 'phone', 'idNumber'] as const;
export const piiFieldSchema = z.enum(piiFields);

const institutionRefSchema = z.object({ id: z.number().int(), code: z.string(), name: z.string() });

/** A reveal's purpose: a ticket number or a few words, recorded with the reveal. */
export const revealPurposeMaxLength = 64;

export const borrowerPageSchema = z.object({
  /** Revealing this page's personal data needs a purpose (the domain setting revealNeedsPurpose). */
  revealNeedsPurpose: z.boolean(),
  borrower: z.object({
    id: z.number().int(),
    nameMasked: z.string(),
    phoneMasked: z.string(),
    idNumberMasked: z.string(),
    idValid: z.boolean(),
    platformUserId: z.string(),
    firstSeenAt: z.number(),
    updatedAt: z.number(),
  }),
  institutions: z.array(institutionRefSchema),
  summary: z.object({
    openLoanCount: z.number().int(),
    outstandingPrincipalFen: fen,
    overdueLoanCount: z.number().int(),
    maxDpd: z.number().int(),
    /** Earliest next due date among open loans, and what is due on it across them. */
    nextDueDate: z.string().nullable(),
    nextDueFen: fen.nullable(),
  }),
  applications: z.array(
    z.object({
      id: z.number().int(),
      institutionId: z.number().int(),
      externalId: z.string(),
      productCode: z.string(),
      productName: z.string(),
      lineMode: lineModeSchema,
      requestedAmountFen: fen,
      status: z.enum(applicationStatuses),
      appliedAt: z.number(),
    }),
  ),
  lines: z.array(
    z.object({
      id: z.number().int(),
      institutionId: z.number().int(),
      externalId: z.string(),
      productCode: z.string(),
      mode: lineModeSchema,
      limitFen: fen,
      usedFen: fen,
      availableFen: fen,
      state: lineStateSchema,
      flags: z.array(lineFlagSchema),
      validTo: z.number(),
    }),
  ),
  loans: z.array(
    z.object({
      id: z.number().int(),
      institutionId: z.number().int(),
      externalId: z.string(),
      productCode: z.string(),
      status: orderStatusSchema,
      principalFen: fen,
      outstandingPrincipalFen: fen,
      disbursedAt: z.number().nullable(),
      dpd: z.number().int(),
      bucket: bucketSchema,
      inGrace: z.boolean(),
      overdueFen: fen,
      nextDueDate: z.string().nullable(),
      nextDueFen: fen.nullable(),
      planState: planStateSchema,
    }),
  ),
  reviewTasks: z.array(
    z.object({
      id: z.number().int(),
      applicationId: z.number().int(),
      applicationExternalId: z.string(),
      institutionId: z.number().int(),
      queue: reviewQueueSchema,
      status: z.string(),
      findingCodes: z.array(z.string()),
      createdAt: z.number(),
      decidedAt: z.number().nullable(),
      decisions: z.array(
        z.object({
          id: z.number().int(),
          action: z.string(),
          stage: z.string(),
          state: z.string(),
          operatorName: z.string().nullable(),
          reasonCode: z.string().nullable(),
          decidedAt: z.number(),
        }),
      ),
    }),
  ),
});
export type BorrowerPage = z.infer<typeof borrowerPageSchema>;

/** The longest search the back end takes; the search boxes stop there and count. */
export const borrowerQueryMaxLength = 64;

export const borrowersContract = {
  'borrowers:search': channel({
    input: z.object({ query: z.string().trim().min(1).max(borrowerQueryMaxLength), limit: z.number().int().min(1).max(50).default(20) }),
    output: z.object({ results: z.array(borrowerSearchResultSchema), truncated: z.boolean() }),
    access: requires('borrowers:lookup'),
    doc: 'Borrowers matching a whole name, phone or ID number, the last 4 of a phone or ID number, or a platform user id or loan/application/line number prefix; masked; identifier searches recorded and throttled.',
  }),
  'borrowers:get': channel({
    input: z.object({ id: idSchema }),
    output: borrowerPageSchema,
    access: requires('borrowers:lookup'),
    doc: 'A borrower across institutions: masked identity, applications, lines, loans, review tasks and decisions.',
  }),
  'borrowers:reveal': channel({
    input: z.object({ id: idSchema, fields: z.array(piiFieldSchema).min(1).max(3), purpose: z.string().trim().max(revealPurposeMaxLength).optional() }),
    output: z.object({ name: z.string().optional(), phone: z.string().optional(), idNumber: z.string().optional() }),
    access: requires('pii:reveal'),
    doc: 'Shows personal data in clear; recorded in the audit log with who, whom, which fields and the purpose given (required while the revealNeedsPurpose setting is on).',
  }),
};

/**
 * The audit trail: browse and filter the hash-chained log, check the chain, export it.
 */
import { z } from 'zod';
import { channel, requires } from '../rpc/define';
import { exportRequestFields, exportSummarySchema } from './exports';

import { calendarDateSchema, comparableDates } from './calendar-date';

export const auditFilterSchema = z
  .object({
    /** Operator username, exact. */
    operator: z.string().trim().min(1).max(64).optional(),
    /** An exact action ('auth.sign-in') or a family ending with a dot ('auth.'). */
    action: z
      .string()
      .trim()
      .regex(/^[a-z0-9.-]+$/, 'Actions are lower-case words joined by dots and dashes')
      .max(64)
      .optional(),
    targetType: z.string().trim().min(1).max(32).optional(),
    targetId: z.string().trim().min(1).max(64).optional(),
    /** Calendar dates in Asia/Shanghai, both inclusive. */
    from: calendarDateSchema.optional(),
    to: calendarDateSchema.optional(),
  })
  .refine((value) => !comparableDates(value.from, value.to) || (value.from as string) <= (value.to as string), { message: 'The start date must not be after the end date', path: ['to'] });
export type AuditFilterInput = z.infer<typeof auditFilterSchema>;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.number(),
  operatorId: z.number().int().nullable(),
  operatorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditCursorSchema = z.object({ at: z.number().int(), id: z.number().int() });

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  /** Entries checked (up to and including the broken one). */
  checked: z.number().int(),
  /** The first entry whose link does not hold, when not ok. */
  broken: z
    .object({
      id: z.number().int(),
      /**
       * hash-mismatch: the entry's content no longer matches its hash (edited, or forged without
       * the key); previous-hash-mismatch: it does not follow the entry before it; sequence-gap:
       * ids are not 1..N without gaps; sequence-mismatch: SQLite's AUTOINCREMENT mark is past the
       * newest entry (entries were cut from the end); empty: no entries at all; unkeyed: no key
       * anchor (the chain is plain SHA-256, which anyone can recompute); key-missing / key-mismatch:
       * this process has no audit key, or not the one the chain was written with; head-mismatch:
       * the expected head (kept outside the database) is gone or changed.
       */
      reason: z.enum([
        'hash-mismatch',
        'previous-hash-mismatch',
        'sequence-gap',
        'sequence-mismatch',
        'empty',
        'unkeyed',
        'key-missing',
        'key-mismatch',
        'head-mismatch',
      ]),
    })
    .nullable(),
  lastHash: z.string(),
  /** The newest entry verified: copy it elsewhere ("ID:HASH") to detect a shortened log later. */
  head: z.object({ id: z.number().int(), hash: z.string() }).nullable(),
  /** The key anchor's id: entries before it are unkeyed (written before the key existed). */
  keyedFrom: z.number().int().nullable(),
});
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

export const auditContract = {
  'audit:list': channel({
    input: z.object({
      filter: auditFilterSchema.default({}),
      after: auditCursorSchema.optional(),
      limit: z.number().int().min(1).max(200).default(50),
    }),
    output: z.object({
      entries: z.array(auditEntrySchema),
      /** Pass as `after` for the next page; null on the last page. */
      next: auditCursorSchema.nullable(),
      total: z.number().int(),
    }),
    access: requires('audit:view'),
    doc: 'One page of the audit log, newest first, filtered by operator, action, target and dates.',
  }),
  'audit:actions': channel({
    input: z.object({}),
    output: z.array(z.string()),
    access: requires('audit:view'),
    doc: 'The actions present in the log, for the action filter.',
  }),
  'audit:verify': channel({
    input: z.object({}),
    output: auditVerificationSchema,
    access: requires('audit:view'),
    doc: 'Walk the hash chain and report the first broken link.',
  }),
  'audit:export': channel({
    input: z.object({ filter: auditFilterSchema.default({}), ...exportRequestFields }),
    output: exportSummarySchema,
    access: requires('audit:view'),
    doc: 'Export the filtered audit log as CSV, XLSX or PDF (runs in the background).',
  }),
};

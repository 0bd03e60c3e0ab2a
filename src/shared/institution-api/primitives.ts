/**
 * Wire primitives of the institution API v1 (docs/institution-api.md, "Conventions").
 * Every resource schema is built from these, so one rule (amounts in fen, times with an
 * offset, rates as decimal strings) is stated once.
 */
import { z } from 'zod';

/** An identifier chosen by the institution or the platform: opaque, case-sensitive (the pattern asks for at least one character). */
export const externalIdSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/)
  .describe('Opaque identifier, 1-64 characters of A-Z a-z 0-9 _ . : -, case-sensitive.');

/**
 * Money: a non-negative integer number of fen (1 CNY = 100 fen). `z.int()` already stops at
 * Number.MAX_SAFE_INTEGER (and says so in the JSON Schema), so no second bound: every check is run
 * for each of the dozens of amounts in an order or a plan, and this one cost about 15% of their validation.
 */
export const fenSchema = z.int().min(0).describe('Amount in integer fen (1 CNY = 100 fen).');

/** An instant: ISO 8601 with an explicit offset (the reference simulator writes +08:00). */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .describe('Instant, ISO 8601 with an explicit UTC offset, e.g. 2026-11-25T09:30:00.000+08:00.');

/** A calendar date in Asia/Shanghai: 'YYYY-MM-DD'. */
export const calendarDateSchema = z.iso.date().describe('Calendar date YYYY-MM-DD, read in Asia/Shanghai.');

/** A rate as an exact decimal string (never a float): "0.0100" is 1% per period. */
export const decimalRateSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,3})\.\d{2,10}$/)
  .describe('Exact decimal string, e.g. "0.0100" = 1%. Never a JSON number.');

/** Mainland mobile number, 11 digits (the +86 prefix is not used on the wire). */
export const mobilePhoneSchema = z
  .string()
  .min(3)
  .max(20)
  .describe('Phone number as the institution holds it; valid mainland mobiles match ^1[3-9]\\d{9}$, but a borrower-typed number may be invalid and is passed on unchanged.');

/** Record version: starts at 1 and increases every time the record's content changes. */
export const versionSchema = z.int().min(1).describe('Starts at 1; increases whenever the record changes.');

/** The three fields every resource record carries. */
export const recordMetaShape = {
  id: externalIdSchema.describe("The institution's id for this record (unique within the resource)."),
  version: versionSchema,
  updated_at: instantSchema.describe('When this version was written; records page in (updated_at, id) order.'),
};

/** Sex as printed on the ID card. */
export const sexSchema = z.enum(['male', 'female']);

/** Face comparison and liveness vendors whose scores the platform knows how to read (the domain's list). */
export { faceVendorSchema, type FaceVendor } from '../domain/face';

/** How a loan is repaid (DOMAIN.md "Schedules"); the domain's own enum is the wire enum. */
export { repaymentMethodSchema } from '../domain/schedule';

/** Credit line modes (the domain's list). */
export { lineModeSchema, type LineMode } from '../domain/lines';

/**
 * How a client reads `/v1/capabilities` and `/v1/stats`: tolerant of what v1 allows to be added
 * (docs/institution-api.md section 9) and of figures it cannot hold exactly, so one addition never
 * stops a pass. capabilitiesSchema and statsSchema stay what an institution must send (the OpenAPI
 * document); these readers keep what they can use and say, in `ignored`, what they could not
 * (as data: the Sync page shows it to an administrator in their language).
 */
import { z } from 'zod';
import { applicationStatusSchema } from './applications';
import { creditLineStatusSchema, orderStatusSchema } from './loans';
import { instantSchema } from './primitives';
import { capabilitiesSchema, productSchema, resourceNameSchema, type Capabilities, type ResourceName } from './resources';

/**
 * One thing a tolerant reader could not use, as data (the Sync page words it in the user's
 * language; `describeToleranceNote` gives the English line for logs). `subject` is the resource,
 * product or key it is about; `detail` the status, sum, value or zod issue, when there is one.
 */
export const toleranceNoteKindSchema = z.enum([
  /** capabilities: a resource this client does not know (not pulled). */
  'unknown_resource',
  /** capabilities: a product that could not be read (left out). */
  'unreadable_product',
  /** stats: a top-level key this client does not know (ignored). */
  'unknown_key',
  /** stats: `as_of` could not be read. */
  'unreadable_as_of',
  /** stats: a resource's figures are absent (not reconciled). */
  'absent_figures',
  /** stats: a resource's figures could not be read (not reconciled). */
  'unreadable_figures',
  /** stats: a count that is not an exact integer (not reconciled). */
  'inexact_count',
  /** stats: a status count that is not an exact integer (statuses not compared). */
  'inexact_status_count',
  /** stats: a status outside the v1 list (counted). */
  'unknown_status',
  /** stats: a sum beyond 2^53 (not compared). */
  'inexact_sum',
  /** stats: a sum missing or not a number (not compared). */
  'missing_sum',
]);
export type ToleranceNoteKind = z.infer<typeof toleranceNoteKindSchema>;

/**
 * What was wrong with an entry that could not be read (`unreadable_product`, `unreadable_figures`),
 * so the Sync page can say it in the user's language; `detail` keeps zod's own text for support.
 */
export const toleranceIssueSchema = z.enum([
  /** A required field is absent. */
  'missing',
  /** A field holds another type (a string for a number, ...). */
  'wrong_type',
  /** A field holds a value outside the standard's list (an enum). */
  'not_allowed',
  /** A number or a length outside its bounds. */
  'out_of_range',
  /** A text that does not have the expected form (a date, a pattern). */
  'bad_format',
  /** Fields the standard does not define where none may be added (`field` names them). */
  'unknown_field',
  /** The entry is not an object at all. */
  'not_an_object',
  /** Anything else. */
  'invalid',
]);
export type ToleranceIssue = z.infer<typeof toleranceIssueSchema>;

export const toleranceNoteSchema = z.object({
  kind: toleranceNoteKindSchema,
  subject: z.string(),
  detail: z.string().nullable(),
  /** For an unreadable entry: the first field at fault (dotted path; null for the entry itself) and what is wrong with it. Absent in notes stored before. */
  field: z.string().nullable().optional(),
  issue: toleranceIssueSchema.optional(),
});
export type ToleranceNote = z.infer<typeof toleranceNoteSchema>;

/** The note as one English line (logs, tests). */
export function describeToleranceNote(note: ToleranceNote): string {
  const { subject, detail } = note;
  switch (note.kind) {
    case 'unknown_resource':
      return `resource "${subject}" is not one this client knows: not pulled`;
    case 'unreadable_product':
      return `product "${subject}" could not be read (${detail ?? 'invalid'}): left out`;
    case 'unknown_key':
      return `key "${subject}" is not one this client knows: ignored`;
    case 'unreadable_as_of':
      return 'as_of could not be read';
    case 'absent_figures':
      return `${subject}: absent`;
    case 'unreadable_figures':
      return `${subject} could not be read (${detail ?? 'invalid'}): not reconciled`;
    case 'inexact_count':
      return `${subject}.count ${detail ?? ''} is not an exact count: not reconciled`;
    case 'inexact_status_count':
      return `${subject}.by_status.${detail ?? ''} is not an exact count: statuses not compared`;
    case 'unknown_status':
      return `${subject}.by_status: status "${detail ?? ''}" is not in the v1 list (counted)`;
    case 'inexact_sum':
      return `${subject} ${detail ?? ''} is beyond 2^53 and cannot be compared exactly: not compared`;
    case 'missing_sum':
      return `${subject} is missing or not a number: not compared`;
    default: {
      const unknown: never = note.kind;
      throw new Error(`Unknown note ${String(unknown)}`);
    }
  }
}

export type Tolerated<T> = T & {
  /** What the reader could not use (unknown resources, products, statuses, keys; figures beyond 2^53). */
  ignored: ToleranceNote[];
};

const note = (kind: ToleranceNoteKind, subject: string, detail: string | null = null): ToleranceNote => ({ kind, subject, detail });

export type ReadCapabilities = Tolerated<Capabilities>;

const lenientCapabilitiesSchema = capabilitiesSchema.extend({
  resources: z.array(z.string()),
  products: z.array(z.unknown()),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** An unreadable entry's note: zod's first issue as data (field and kind, for the user's language) and as zod's text (for support). */
function unreadable(kind: 'unreadable_product' | 'unreadable_figures', subject: string, raw: unknown, error: z.ZodError): ToleranceNote {
  const first = error.issues[0];
  const base = { kind, subject, detail: firstIssue(error) };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ...base, field: null, issue: 'not_an_object' };
  if (first === undefined) return { ...base, field: null, issue: 'invalid' };
  const field = first.path.length === 0 ? null : first.path.map(String).join('.');
  switch (first.code) {
    case 'invalid_type':
      return { ...base, field, issue: valueAt(raw, first.path) === undefined ? 'missing' : 'wrong_type' };
    case 'invalid_value':
      return { ...base, field, issue: 'not_allowed' };
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
      return { ...base, field, issue: 'out_of_range' };
    case 'invalid_format':
      return { ...base, field, issue: 'bad_format' };
    case 'unrecognized_keys':
      return { ...base, field: first.keys.map((key) => (field === null ? key : `${field}.${key}`)).join(', '), issue: 'unknown_field' };
    default:
      return { ...base, field, issue: 'invalid' };
  }
}

/**
 * Capabilities as a client uses them: resources this client does not know (new endpoints within
 * v1) and products it cannot read are left out with a note; the rest must be as the standard says.
 */
export function readCapabilities(json: unknown): { success: true; data: ReadCapabilities } | { success: false; error: z.ZodError } {
  const parsed = lenientCapabilitiesSchema.safeParse(json);
  if (!parsed.success) return parsed;
  const ignored: ToleranceNote[] = [];
  const resources: ResourceName[] = [];
  for (const name of parsed.data.resources) {
    const known = resourceNameSchema.safeParse(name);
    if (known.success) resources.push(known.data);
    else ignored.push(note('unknown_resource', name));
  }
  const products: Capabilities['products'] = [];
  for (const [index, raw] of parsed.data.products.entries()) {
    const product = productSchema.safeParse(raw);
    if (product.success) products.push(product.data);
    else {
      const code = raw !== null && typeof raw === 'object' && typeof (raw as { code?: unknown }).code === 'string' ? (raw as { code: string }).code : `#${index}`;
      ignored.push(unreadable('unreadable_product', code, raw, product.error));
    }
  }
  return { success: true, data: { ...parsed.data, resources, products, ignored } };
}

/** The figures of one resource in /v1/stats; a sum beyond 2^53 is null (it cannot be compared exactly). */
export interface ReadResourceStats {
  count: number;
  max_updated_at: string | null;
  /** Count per status, statuses this client does not know included (they still count); null when the institution sends none. */
  by_status: Record<string, number> | null;
  sums: Record<string, number | null>;
}

export type ReadStats = Tolerated<{
  as_of: string | null;
  applications: ReadResourceStats | null;
  credit_lines: ReadResourceStats | null;
  orders: ReadResourceStats | null;
  repayment_plans: ReadResourceStats | null;
  repayments: ReadResourceStats | null;
}>;

type StatsKey = Exclude<keyof ReadStats, 'as_of' | 'ignored'>;

const statsResources: Record<StatsKey, { statuses: readonly string[]; sums: readonly string[] }> = {
  applications: { statuses: applicationStatusSchema.options, sums: [] },
  credit_lines: { statuses: creditLineStatusSchema.options, sums: ['limit_fen', 'used_fen'] },
  orders: { statuses: orderStatusSchema.options, sums: ['principal_fen'] },
  repayment_plans: { statuses: [], sums: [] },
  repayments: { statuses: [], sums: ['amount_fen'] },
};

/** Any JSON number, read as it came; exactness is judged below. */
const lenientResourceStatsSchema = z.object({
  count: z.number().min(0),
  max_updated_at: instantSchema.nullable(),
  by_status: z.record(z.string(), z.number()).optional(),
});

const exact = (value: number) => Number.isSafeInteger(value) && value >= 0;

function readResourceStats(key: StatsKey, raw: unknown, ignored: ToleranceNote[]): ReadResourceStats | null {
  if (raw === null) return null;
  if (raw === undefined) {
    ignored.push(note('absent_figures', key));
    return null;
  }
  const parsed = lenientResourceStatsSchema.safeParse(raw);
  if (!parsed.success) {
    ignored.push(unreadable('unreadable_figures', key, raw, parsed.error));
    return null;
  }
  if (!exact(parsed.data.count)) {
    ignored.push(note('inexact_count', key, String(parsed.data.count)));
    return null;
  }
  const { statuses, sums: sumNames } = statsResources[key];
  // One inexact status count makes the whole breakdown uncomparable: leaving that status out
  // would read as a difference.
  let byStatus: Record<string, number> | null = parsed.data.by_status === undefined ? null : {};
  for (const [status, count] of Object.entries(parsed.data.by_status ?? {})) {
    if (byStatus === null) break;
    if (!exact(count)) {
      ignored.push(note('inexact_status_count', key, `${status} ${count}`));
      byStatus = null;
      break;
    }
    byStatus[status] = count;
    if (!statuses.includes(status)) ignored.push(note('unknown_status', key, status));
  }
  const sums: Record<string, number | null> = {};
  const record = raw as Record<string, unknown>;
  for (const name of sumNames) {
    const value = record[name];
    if (typeof value === 'number' && exact(value)) sums[name] = value;
    else {
      sums[name] = null;
      // JSON.parse already rounded a figure beyond 2^53; what it shows is approximate.
      ignored.push(typeof value === 'number' ? note('inexact_sum', `${key}.${name}`, `≈${value.toExponential(6)}`) : note('missing_sum', `${key}.${name}`));
    }
  }
  return { count: parsed.data.count, max_updated_at: parsed.data.max_updated_at, by_status: byStatus, sums };
}

/**
 * Stats as a client uses them: unknown statuses are counted, unknown keys ignored, a resource
 * whose figures cannot be read is left unreconciled and a sum beyond 2^53 uncompared, each with
 * a note; only a body that is not an object at all is refused.
 */
export function readStats(json: unknown): { success: true; data: ReadStats } | { success: false; error: z.ZodError } {
  const shape = z.record(z.string(), z.unknown()).safeParse(json);
  if (!shape.success) return shape;
  const body = shape.data;
  const ignored: ToleranceNote[] = [];
  const asOf = instantSchema.safeParse(body.as_of);
  if (!asOf.success) ignored.push(note('unreadable_as_of', 'as_of'));
  const known = new Set<string>(['as_of', ...Object.keys(statsResources)]);
  for (const key of Object.keys(body)) if (!known.has(key)) ignored.push(note('unknown_key', key));
  const read = (key: StatsKey) => readResourceStats(key, body[key], ignored);
  return {
    success: true,
    data: {
      as_of: asOf.success ? asOf.data : null,
      applications: read('applications'),
      credit_lines: read('credit_lines'),
      orders: read('orders'),
      repayment_plans: read('repayment_plans'),
      repayments: read('repayments'),
      ignored,
    },
  };
}

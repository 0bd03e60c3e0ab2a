/**
 * How a client reads `/v1/capabilities` and `/v1/stats`: tolerant of what v1 allows to be added
 * (docs/institution-api.md section 9) and of figures it cannot hold exactly, so one addition never
 * stops a pass. capabilitiesSchema and statsSchema stay what an institution must send (the OpenAPI
 * document); these readers keep what they can use and say, in `ignored`, what they could not.
 */
import { z } from 'zod';
import { applicationStatusSchema } from './applications';
import { creditLineStatusSchema, orderStatusSchema } from './loans';
import { instantSchema } from './primitives';
import { capabilitiesSchema, productSchema, resourceNameSchema, type Capabilities, type ResourceName } from './resources';

export type Tolerated<T> = T & {
  /** What the reader could not use, one sentence each (unknown resources, products, statuses, keys; figures beyond 2^53). */
  ignored: string[];
};

export type ReadCapabilities = Tolerated<Capabilities>;

const lenientCapabilitiesSchema = capabilitiesSchema.extend({
  resources: z.array(z.string()),
  products: z.array(z.unknown()),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}

/**
 * Capabilities as a client uses them: resources this client does not know (new endpoints within
 * v1) and products it cannot read are left out with a note; the rest must be as the standard says.
 */
export function readCapabilities(json: unknown): { success: true; data: ReadCapabilities } | { success: false; error: z.ZodError } {
  const parsed = lenientCapabilitiesSchema.safeParse(json);
  if (!parsed.success) return parsed;
  const ignored: string[] = [];
  const resources: ResourceName[] = [];
  for (const name of parsed.data.resources) {
    const known = resourceNameSchema.safeParse(name);
    if (known.success) resources.push(known.data);
    else ignored.push(`resource "${name}" is not one this client knows: not pulled`);
  }
  const products: Capabilities['products'] = [];
  for (const [index, raw] of parsed.data.products.entries()) {
    const product = productSchema.safeParse(raw);
    if (product.success) products.push(product.data);
    else {
      const code = raw !== null && typeof raw === 'object' && typeof (raw as { code?: unknown }).code === 'string' ? (raw as { code: string }).code : `#${index}`;
      ignored.push(`product "${code}" could not be read (${firstIssue(product.error)}): left out`);
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

function readResourceStats(key: StatsKey, raw: unknown, ignored: string[]): ReadResourceStats | null {
  if (raw === null) return null;
  if (raw === undefined) {
    ignored.push(`${key}: absent`);
    return null;
  }
  const parsed = lenientResourceStatsSchema.safeParse(raw);
  if (!parsed.success) {
    ignored.push(`${key} could not be read (${firstIssue(parsed.error)}): not reconciled`);
    return null;
  }
  if (!exact(parsed.data.count)) {
    ignored.push(`${key}.count ${parsed.data.count} is not an exact count: not reconciled`);
    return null;
  }
  const { statuses, sums: sumNames } = statsResources[key];
  // One inexact status count makes the whole breakdown uncomparable: leaving that status out
  // would read as a difference.
  let byStatus: Record<string, number> | null = parsed.data.by_status === undefined ? null : {};
  for (const [status, count] of Object.entries(parsed.data.by_status ?? {})) {
    if (byStatus === null) break;
    if (!exact(count)) {
      ignored.push(`${key}.by_status.${status} ${count} is not an exact count: statuses not compared`);
      byStatus = null;
      break;
    }
    byStatus[status] = count;
    if (!statuses.includes(status)) ignored.push(`${key}.by_status: status "${status}" is not in the v1 list (counted)`);
  }
  const sums: Record<string, number | null> = {};
  const record = raw as Record<string, unknown>;
  for (const name of sumNames) {
    const value = record[name];
    if (typeof value === 'number' && exact(value)) sums[name] = value;
    else {
      sums[name] = null;
      // JSON.parse already rounded a figure beyond 2^53; what it shows is approximate.
      ignored.push(`${key}.${name} ${typeof value === 'number' ? `≈${value.toExponential(6)} is beyond 2^53 and cannot be compared exactly` : 'is missing or not a number'}: not compared`);
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
  const ignored: string[] = [];
  const asOf = instantSchema.safeParse(body.as_of);
  if (!asOf.success) ignored.push('as_of could not be read');
  const known = new Set<string>(['as_of', ...Object.keys(statsResources)]);
  for (const key of Object.keys(body)) if (!known.has(key)) ignored.push(`key "${key}" is not one this client knows: ignored`);
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

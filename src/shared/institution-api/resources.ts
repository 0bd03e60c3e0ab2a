/**
 * The resource list, paging envelope, capabilities and reconciliation statistics.
 */
import { z } from 'zod';
import { applicationRecordSchema, applicationStatusSchema, authItemNameSchema } from './applications';
import { creditLineRecordSchema, creditLineStatusSchema, orderRecordSchema, orderStatusSchema, repaymentPlanRecordSchema, repaymentRecordSchema } from './loans';
import { externalIdSchema, faceVendorSchema, fenSchema, instantSchema, lineModeSchema, repaymentMethodSchema } from './primitives';

/** The pullable resources, as they appear in the path: GET /v1/{resource}. */
export const resourceNames = ['applications', 'credit-lines', 'orders', 'repayment-plans', 'repayments'] as const;
export type ResourceName = (typeof resourceNames)[number];
export const resourceNameSchema = z.enum(resourceNames);

/** The record schema of each resource. */
export const resourceRecordSchemas = {
  applications: applicationRecordSchema,
  'credit-lines': creditLineRecordSchema,
  orders: orderRecordSchema,
  'repayment-plans': repaymentPlanRecordSchema,
  repayments: repaymentRecordSchema,
} as const satisfies Record<ResourceName, z.ZodType>;

export type ResourceRecord<Name extends ResourceName> = z.infer<(typeof resourceRecordSchemas)[Name]>;

/** Page size when `limit` is absent, and the most a client may ask for. */
export const defaultPageLimit = 200;
export const maxPageLimit = 1000;

/** The envelope of GET /v1/{resource}: records in (updated_at, id) order and where to continue. */
export function pageSchema<Record extends z.ZodType>(record: Record) {
  return z.object({
    data: z.array(record),
    next_cursor: z
      .string()
      .max(512)
      .nullable()
      .describe('Pass as `cursor` to continue. Store it even when has_more is false: it is where the next incremental pull starts. null only when no cursor was given and there is no record yet.'),
    has_more: z.boolean().describe('true: more records are available right now; false: caught up.'),
  });
}

/** The paging envelope with records left unparsed, for a client that validates record by record. */
export const rawPageSchema = pageSchema(z.unknown());

export const productSchema = z.object({
  code: externalIdSchema,
  name: z.string().max(50),
  line_mode: lineModeSchema,
  partial_draw_allowed: z.boolean(),
  required_items: z.array(authItemNameSchema),
  repayment_methods: z.array(repaymentMethodSchema).min(1),
  term_months: z.array(z.int().min(1).max(60)).min(1),
  face_vendor: faceVendorSchema,
  face_model_version: z.string().max(40),
});

export const capabilitiesSchema = z.object({
  api_version: z.literal('v1'),
  institution: z.object({ code: externalIdSchema, name: z.string().max(100) }),
  resources: z.array(resourceNameSchema).min(1).describe('Resources this institution serves; others answer 404 RESOURCE_NOT_OFFERED.'),
  repayment_plans: z
    .boolean()
    .describe('false: the institution syncs order status but not per-installment plans; the platform shows the plan as missing.'),
  review_decisions: z.boolean().describe('Whether POST /v1/applications/{id}/review-decisions is accepted.'),
  grace_days: z.int().min(0).max(10).describe('Days after a due date without penalty or overdue status.'),
  default_page_limit: z.int().min(1),
  max_page_limit: z.int().min(1),
  products: z.array(productSchema),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

const resourceStatsSchema = z.object({
  count: z.int().min(0).describe('Records currently visible (each id once).'),
  max_updated_at: instantSchema.nullable(),
});

export const statsSchema = z.object({
  as_of: instantSchema,
  applications: resourceStatsSchema.extend({ by_status: z.partialRecord(applicationStatusSchema, z.int().min(0)) }),
  credit_lines: resourceStatsSchema.extend({
    by_status: z.partialRecord(creditLineStatusSchema, z.int().min(0)),
    limit_fen: fenSchema,
    used_fen: fenSchema,
  }),
  orders: resourceStatsSchema.extend({
    by_status: z.partialRecord(orderStatusSchema, z.int().min(0)),
    principal_fen: fenSchema.describe('Sum of principal_fen over all orders.'),
  }),
  repayment_plans: resourceStatsSchema.nullable().describe('null when the institution does not serve repayment plans.'),
  repayments: resourceStatsSchema.extend({ amount_fen: fenSchema }),
});
export type Stats = z.infer<typeof statsSchema>;

import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns';
import { applicationsTable } from './applications';

/**
 * The authentication funnel's read model: one row per application with its required and
 * completed items as bit masks (bit i = authItemNames[i] in src/main/reports/funnel.ts). Kept by
 * triggers on `applications` (migration), so every ingest path keeps it exact without parsing
 * the record JSON at report time.
 */
export const applicationFunnelTable = sqliteTable(
  'application_funnel',
  {
    applicationId: integer('application_id')
      .primaryKey()
      .references(() => applicationsTable.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
    productCode: text('product_code').notNull(),
    appliedAt: epochMs('applied_at').notNull(),
    status: text('status').notNull(),
    /** JSON array: the product's items in collection order. */
    requiredItems: text('required_items').notNull(),
    requiredMask: integer('required_mask').notNull(),
    completedMask: integer('completed_mask').notNull(),
    failedMask: integer('failed_mask').notNull(),
    /** For abandoned applications: the item the borrower stopped at. */
    abandonedAtItem: text('abandoned_at_item'),
  },
  (table) => [index('application_funnel_applied_idx').on(table.appliedAt, table.institutionId)],
);

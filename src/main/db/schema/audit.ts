import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, idColumn } from './columns';

/**
 * Append-only: triggers in the migration refuse UPDATE and DELETE. Each row carries the hash of
 * the previous row, so an edit made behind SQLite's back breaks the chain and is detectable.
 */
export const auditLogTable = sqliteTable(
  'audit_log',
  {
    id: idColumn(),
    at: epochMs('at').notNull(),
    operatorId: integer('operator_id'),
    operatorName: text('operator_name'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** JSON; never personal data in clear. */
    details: text('details').notNull().default('{}'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [
    index('audit_log_at_idx').on(table.at),
    index('audit_log_action_idx').on(table.action, table.at),
    // The audit browser filters by operator or by target and pages newest first (at, id).
    index('audit_log_operator_idx').on(table.operatorName, table.at),
    index('audit_log_target_idx').on(table.targetType, table.targetId, table.at),
  ],
);
export type AuditRow = typeof auditLogTable.$inferSelect;

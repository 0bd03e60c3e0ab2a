import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { exportFormats, exportStatuses } from '../../../shared/contracts/exports';
import { booleanColumn, epochMs, idColumn } from './columns';

/**
 * Every export, from the screen or the CLI: who asked for what, with which filters, how many
 * rows went out, and where the file is. The audit log records the same facts tamper-evidently;
 * this table serves the progress, the download and the file clean-up.
 */
export const exportsTable = sqliteTable(
  'exports',
  {
    id: idColumn(),
    /** null when the CLI exported (no signed-in operator). */
    operatorId: integer('operator_id'),
    operatorName: text('operator_name').notNull(),
    /** What was exported: a report id ('review-operations', ...) or 'audit'. */
    kind: text('kind').notNull(),
    format: text('format', { enum: exportFormats }).notNull(),
    /** JSON of the filters used (never personal data: institution ids, dates, codes). */
    filters: text('filters').notNull(),
    masked: booleanColumn('masked').notNull(),
    status: text('status', { enum: exportStatuses }).notNull(),
    rowCount: integer('row_count').notNull().default(0),
    totalRows: integer('total_rows'),
    byteSize: integer('byte_size'),
    fileName: text('file_name').notNull(),
    /** Absolute path of the written file; null once it has been deleted. */
    filePath: text('file_path'),
    error: text('error'),
    startedAt: epochMs('started_at').notNull(),
    finishedAt: epochMs('finished_at'),
  },
  (table) => [index('exports_operator_idx').on(table.operatorId, table.startedAt), index('exports_started_idx').on(table.startedAt)],
);
export type ExportRow = typeof exportsTable.$inferSelect;

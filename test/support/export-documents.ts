/**
 * An audit-log export document for the writers' tests: generated entry rows and a "By action"
 * summary, shaped as the audit export hands them to the PDF and XLSX writers.
 */
import type { ExportDocument, ExportValue } from '../../src/main/exports/model';

export interface AuditDocumentOptions {
  /** The entry at `index` (from 0): id, operator, action. */
  row: (index: number) => ExportValue[];
  filters: ExportDocument['filters'];
  summaryRows: ExportValue[][];
}

export function auditExportDocument(count: number, options: AuditDocumentOptions): ExportDocument {
  function* rows(): Generator<ExportValue[]> {
    for (let index = 0; index < count; index++) yield options.row(index);
  }
  return {
    title: 'Audit log',
    filters: options.filters,
    generatedAt: Date.UTC(2026, 10, 25),
    generatedBy: 'cli:root',
    locale: 'en',
    masked: true,
    charts: [],
    summaries: [
      {
        title: 'By action',
        columns: [
          { key: 'action', header: 'Action', kind: 'text' },
          { key: 'count', header: 'Count', kind: 'integer' },
        ],
        rows: options.summaryRows,
      },
    ],
    main: {
      title: 'Entries',
      columns: [
        { key: 'id', header: 'ID', kind: 'integer' },
        { key: 'operator', header: 'Operator', kind: 'text' },
        { key: 'action', header: 'Action', kind: 'text' },
      ],
      rows: rows(),
      totalRows: count,
    },
  };
}

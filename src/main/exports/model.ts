/**
 * What an export is made of, independent of the file format: a titled document with the filters
 * that produced it, optional charts and small summary tables, and one main table whose rows
 * stream from an async iterator (SQL paged by keyset), so a million rows never sit in memory.
 */

import type { ChartColor } from '../../shared/chart-colors';

/**
 * How a column's values are typed, so every format can write them properly:
 * - text: a string;
 * - integer / decimal: a number (decimal keeps `digits` fraction digits);
 * - money: integer fen, written as yuan (an exact decimal string in CSV, a number cell in XLSX);
 * - percent: a fraction (0.1234 = 12.34%);
 * - instant: epoch milliseconds, shown in Asia/Shanghai;
 * - date: a calendar date 'YYYY-MM-DD'.
 */
export type ExportColumnKind = 'text' | 'integer' | 'decimal' | 'money' | 'percent' | 'instant' | 'date';

/** Personal data a column may hold; masked in the file unless the operator may export it in clear. */
export type PersonalDataKind = 'name' | 'idNumber' | 'phone' | 'bankCard' | 'address';

export interface ExportColumn {
  key: string;
  header: string;
  kind: ExportColumnKind;
  /** Width in characters (XLSX column width; PDF relative width). */
  width?: number;
  /** Fraction digits for decimal columns (default 2). */
  digits?: number;
  personal?: PersonalDataKind;
  /**
   * Values someone will look up or copy (loan and application numbers, ids): the PDF widens or
   * wraps them but never cuts them short, and integer ids get no thousands separators.
   */
  identifier?: boolean;
  /**
   * A code for programs reading the file (the status code beside the status in words): CSV and
   * XLSX carry it, the PDF, read by people, leaves it out.
   */
  forMachines?: boolean;
}

/** One cell: strings for text/date, numbers for the numeric kinds and instants; null = empty. */
export type ExportValue = string | number | null;

/** A table whose rows are already in memory (small: summaries, chart data). */
export interface SummaryTable {
  title: string;
  columns: ExportColumn[];
  rows: ExportValue[][];
  /**
   * A table of figures mixes counts, money and ratios in one value column: the kind of each row's
   * non-text cells (row by row), overriding the columns' kind.
   */
  rowKinds?: ExportColumnKind[];
}

export type ChartValueFormat = 'integer' | 'decimal' | 'percent' | 'money' | 'minutes';

/** A chart the PDF draws as vector graphics from the report's own data. */
export interface ChartSpec {
  kind: 'bar' | 'stacked-bar' | 'line';
  title: string;
  categories: string[];
  /** `color`: the series' colour from the shared palette (the screens use the same); else by order. */
  series: Array<{ name: string; values: Array<number | null>; color?: ChartColor }>;
  valueFormat: ChartValueFormat;
}

export interface MainTable {
  title: string;
  columns: ExportColumn[];
  /** Rows in column order. Iterated once; the iterator must release its statement on return(). */
  rows: AsyncIterable<ExportValue[]> | Iterable<ExportValue[]>;
  /** The row count when cheap to know up front (for the progress bar); null when unknown. */
  totalRows: number | null;
}

export interface ExportDocument {
  title: string;
  /** The filters used, printed in the PDF and in the XLSX's first sheet. */
  filters: Array<{ label: string; value: string }>;
  generatedAt: number;
  generatedBy: string;
  locale: 'zh-CN' | 'en';
  /** True when personal columns are masked in this file. */
  masked: boolean;
  charts: ChartSpec[];
  summaries: SummaryTable[];
  main: MainTable;
}

export const exportFormats = ['csv', 'xlsx', 'pdf'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** Reports progress while rows are written; `rows` counts main-table rows written so far. */
export interface WriteProgress {
  (rows: number): void;
}

export interface WriteOptions {
  signal?: AbortSignal;
  onProgress?: WriteProgress;
}

/** What every writer reports back. */
export interface WriteResult {
  rows: number;
  bytes: number;
  /** The PDF prints at most a set number of detail rows; the rest are only counted. */
  truncated: boolean;
}

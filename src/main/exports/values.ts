import { maskAddress, maskBankCard, maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import { shanghaiDateTime, shanghaiOffsetMs } from '../../shared/time';
import type { ExportColumn, ExportColumnKind, ExportValue, PersonalDataKind, SummaryTable } from './model';

const dayMs = 86_400_000;
/** Days from Excel's 1900 epoch (with its 1900 leap-year bug) to 1970-01-01. */
const excelUnixEpochSerial = 25_569;

/** Integer fen as an exact yuan string: -123456 -> '-1234.56' (never through a float). */
export function fenToYuan(fen: number, thousands = false): string {
  const negative = fen < 0;
  const absolute = Math.abs(Math.trunc(fen));
  const whole = Math.floor(absolute / 100);
  const cents = String(absolute % 100).padStart(2, '0');
  const wholeText = thousands ? whole.toLocaleString('en-US') : String(whole);
  return `${negative ? '-' : ''}${wholeText}.${cents}`;
}

/** A spreadsheet date serial for an instant, as Shanghai wall time (spreadsheets have no zones). */
export function excelSerialOfInstant(epochMs: number): number {
  return (epochMs + shanghaiOffsetMs) / dayMs + excelUnixEpochSerial;
}

/** A spreadsheet date serial for a calendar date 'YYYY-MM-DD'; NaN when it is not one. */
export function excelSerialOfDate(date: string): number {
  // Exports repeat the same few dates row after row: remember the last one.
  if (date === lastDate) return lastDateSerial;
  lastDate = date;
  lastDateSerial = parseDateSerial(date);
  return lastDateSerial;
}

let lastDate = '';
let lastDateSerial = Number.NaN;

function parseDateSerial(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return Number.NaN;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / dayMs + excelUnixEpochSerial;
}

function maskerOf(kind: PersonalDataKind): (value: string) => string {
  switch (kind) {
    case 'name':
      return maskName;
    case 'idNumber':
      return maskIdNumber;
    case 'phone':
      return maskPhone;
    case 'bankCard':
      return maskBankCard;
    case 'address':
      return maskAddress;
    default: {
      const unknownKind: never = kind;
      throw new Error(`No masking rule for ${String(unknownKind)}`);
    }
  }
}

/**
 * Returns a function that masks the personal columns of a row in place, or null when nothing
 * needs masking (no personal column, or the file is allowed to hold them in clear).
 */
export function rowMasker(columns: readonly ExportColumn[], masked: boolean): ((row: ExportValue[]) => ExportValue[]) | null {
  if (!masked) return null;
  const rules: Array<[number, (value: string) => string]> = [];
  columns.forEach((column, index) => {
    if (column.personal) rules.push([index, maskerOf(column.personal)]);
  });
  if (rules.length === 0) return null;
  return (row) => {
    for (const [index, mask] of rules) {
      const value = row[index];
      if (value !== null && value !== undefined) row[index] = mask(String(value));
    }
    return row;
  };
}

/**
 * A cell as text for CSV and PDF. `display` adds thousands separators to money (PDF); CSV keeps
 * plain machine-readable figures.
 */
export function cellText(column: ExportColumn, value: ExportValue | undefined, display = false): string {
  if (value === null || value === undefined) return '';
  switch (column.kind) {
    case 'text':
    case 'date':
      return String(value);
    case 'integer':
      return typeof value === 'number' ? (display && !column.identifier ? value.toLocaleString('en-US') : String(Math.trunc(value))) : String(value);
    case 'decimal':
      return typeof value === 'number' ? value.toFixed(column.digits ?? 2) : String(value);
    case 'money':
      return typeof value === 'number' ? fenToYuan(value, display) : String(value);
    case 'percent':
      return typeof value === 'number' ? `${(value * 100).toFixed(2)}%` : String(value);
    case 'instant':
      return typeof value === 'number' ? shanghaiDateTime(value) : String(value);
    default: {
      const unknownKind: never = column.kind;
      throw new Error(`Unknown column kind ${String(unknownKind)}`);
    }
  }
}

/**
 * The columns of each row of a summary table: a table of figures (`rowKinds`) gives each row's
 * value cells their own kind (a count, yuan, a ratio); text columns keep theirs.
 */
export function summaryRowColumns(table: Pick<SummaryTable, 'columns' | 'rowKinds'>): (rowIndex: number) => ExportColumn[] {
  const { columns, rowKinds } = table;
  if (!rowKinds) return () => columns;
  const byKind = new Map<ExportColumnKind, ExportColumn[]>();
  return (rowIndex) => {
    const kind = rowKinds[rowIndex];
    if (kind === undefined) return columns;
    let typed = byKind.get(kind);
    if (!typed) {
      typed = columns.map((column) => (column.kind === 'text' ? column : { ...column, kind }));
      byKind.set(kind, typed);
    }
    return typed;
  };
}

import type { ExportColumn, ExportDocument, ExportValue, WriteOptions, WriteResult } from './model';
import { FileSink, iterateRows, TextChunker, throwIfAborted, yieldToEventLoop } from './sink';
import { cellText, rowMasker } from './values';

/** UTF-8 byte-order mark: without it spreadsheet programs guess a legacy code page and garble Chinese. */
export const utf8Bom = '\uFEFF';

const needsQuoting = /[",\r\n]/;
/** Text a spreadsheet would run as a formula (CSV injection); such cells get a leading apostrophe. */
const formulaStart = /^[=+\-@\t\r]/;

/** One field, quoted per RFC 4180 when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return needsQuoting.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvCell(column: ExportColumn, value: ExportValue | undefined): string {
  let text = cellText(column, value);
  if (column.kind === 'text' && formulaStart.test(text)) text = `'${text}`;
  return csvField(text);
}

/** One record ending with CRLF, as RFC 4180 says. */
export function csvRecord(columns: readonly ExportColumn[], row: readonly (ExportValue | undefined)[]): string {
  let line = '';
  for (let index = 0; index < columns.length; index++) {
    if (index > 0) line += ',';
    line += csvCell(columns[index] as ExportColumn, row[index]);
  }
  return `${line}\r\n`;
}

/**
 * Writes the main table as CSV: BOM, a header row, one record per row. Charts and summaries
 * have no place in a flat file; the other formats carry them.
 */
export async function writeCsv(document: ExportDocument, path: string, options: WriteOptions = {}): Promise<WriteResult> {
  const sink = new FileSink(path);
  const { columns } = document.main;
  const mask = rowMasker(columns, document.masked);
  const chunker = new TextChunker();
  let rows = 0;
  try {
    await sink.write(utf8Bom + columns.map((column) => csvField(column.header)).join(',') + '\r\n');
    for await (const row of iterateRows(document.main.rows)) {
      const chunk = chunker.add(csvRecord(columns, mask ? mask(row) : row));
      rows++;
      if (chunk !== null) {
        await sink.write(chunk);
        options.onProgress?.(rows);
        await yieldToEventLoop();
        throwIfAborted(options.signal);
      }
    }
    throwIfAborted(options.signal);
    await sink.write(chunker.take());
    await sink.close();
  } catch (error) {
    sink.destroy();
    throw error;
  }
  options.onProgress?.(rows);
  return { rows, bytes: sink.bytes, truncated: false };
}

import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { auditExportDocument } from '../../../test/support/export-documents';
import type { ExportDocument } from './model';
import { readWorkbook } from '../../../test/support/export-readers';
import { writeXlsx } from './xlsx';

const folders = tempFolders('creditdesk-xlsx-');
afterEach(() => folders.removeAll());

/** The entries of a ZIP by name, read from its central directory (as a streaming reader starts). */
function unzip(file: string): Map<string, string> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = new Map<string, string>();
  for (let index = 0; index < count; index++) {
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function documentWith(count: number): ExportDocument {
  return auditExportDocument(count, {
    row: (index) => [index + 1, `operator${index % 7}`, 'review.decided'],
    filters: [
      { label: 'Dates', value: 'all' },
      { label: 'Action', value: 'all' },
    ],
    summaryRows: [
      ['review.decided', 5],
      ['auth.sign-in', 3],
      ['users.updated', 1],
    ],
  });
}

describe('XLSX <dimension>', () => {
  it('gives every sheet its range before its rows, so streaming readers know the row count', async () => {
    const file = folders.file('audit.xlsx');
    await writeXlsx(documentWith(1234), file);
    const entries = unzip(file);
    const dimension = (sheet: string) => /<dimension ref="([^"]+)"\/>/.exec(entries.get(`xl/worksheets/${sheet}.xml`) ?? '')?.[1];
    // Header row plus 1,234 rows; the summary's header plus 3; the about sheet's title, 2 filters and 4 lines.
    expect([dimension('sheet1'), dimension('sheet2'), dimension('sheet3')]).toEqual(['A1:C1235', 'A1:B4', 'A1:B7']);
    // Where the schema wants it: before the sheet views and the rows.
    const sheet = entries.get('xl/worksheets/sheet1.xml') ?? '';
    expect(sheet.indexOf('<dimension')).toBeLessThan(sheet.indexOf('<sheetViews'));
    const workbook = await readWorkbook(file);
    expect(workbook.worksheets.map((worksheet) => worksheet.rowCount)).toEqual([1235, 4, 7]);
  });
});

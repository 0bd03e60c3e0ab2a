import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { auditExportDocument } from '../../../test/support/export-documents';
import type { ExportDocument } from './model';
import { pdfDetailRowLimit, writePdf } from './pdf';
import { readPdfPages } from '../../../test/support/export-readers';

const folders = tempFolders('creditdesk-pdf-');
afterEach(() => folders.removeAll());

function documentWith(count: number, summaryRows = 2): ExportDocument {
  return auditExportDocument(count, {
    row: (index) => [index + 1, `operator${index % 40}`, `review.decided ${index}`],
    filters: [{ label: 'Dates', value: 'all' }],
    summaryRows: Array.from({ length: summaryRows }, (_, index) => [`action.${index}`, index]),
  });
}

describe('PDF pages', () => {
  it('writes the detail pages out while it draws them instead of holding them all to the end', async () => {
    const file = folders.file('long.pdf');
    const sizes: number[] = [];
    const result = await writePdf(documentWith(pdfDetailRowLimit + 10), file, { onProgress: (written) => void (written < pdfDetailRowLimit && sizes.push(existsSync(file) ? statSync(file).size : 0)) });
    expect(result).toMatchObject({ rows: pdfDetailRowLimit, truncated: true });
    // Held in PDFKit's page buffer, nothing of the table reached the file before the end.
    expect(sizes.at(-1)).toBeGreaterThan(20_000);
    expect(sizes.at(-1)).toBeLessThan(statSync(file).size);
  });

  it('numbers every page "page X / N" with the true N, whatever fills the last page', async () => {
    // Row counts around a page boundary and a note that falls on a page of its own.
    for (const [count, summaryRows] of [
      [0, 2],
      [39, 2],
      [41, 2],
      [120, 30],
    ] as const) {
      const file = folders.file(`p${count}.pdf`);
      await writePdf(documentWith(count, summaryRows), file);
      const pages = await readPdfPages(file);
      pages.forEach((text, index) => expect(text, `${count} rows, page ${index + 1}`).toContain(`Page ${index + 1} / ${pages.length}`));
    }
  });
});

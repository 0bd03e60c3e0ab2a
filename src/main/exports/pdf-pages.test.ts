import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/backend';
import type { ExportDocument, ExportValue } from './model';
import { pdfDetailRowLimit, writePdf } from './pdf';
import { readPdfPages } from '../../../test/support/export-readers';

const folders: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.remove();
});

function fileIn(name: string): string {
  const folder = tempDir('creditdesk-pdf-');
  folders.push(folder);
  return path.join(folder.dir, name);
}

function* rows(count: number): Generator<ExportValue[]> {
  for (let index = 0; index < count; index++) yield [index + 1, `operator${index % 40}`, `review.decided ${index}`];
}

function documentWith(count: number, summaryRows = 2): ExportDocument {
  return {
    title: 'Audit log',
    filters: [{ label: 'Dates', value: 'all' }],
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
        rows: Array.from({ length: summaryRows }, (_, index) => [`action.${index}`, index]),
      },
    ],
    main: {
      title: 'Entries',
      columns: [
        { key: 'id', header: 'ID', kind: 'integer' },
        { key: 'operator', header: 'Operator', kind: 'text' },
        { key: 'action', header: 'Action', kind: 'text' },
      ],
      rows: rows(count),
      totalRows: count,
    },
  };
}

describe('PDF pages', () => {
  it('writes the detail pages out while it draws them instead of holding them all to the end', async () => {
    const file = fileIn('long.pdf');
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
      const file = fileIn(`p${count}.pdf`);
      await writePdf(documentWith(count, summaryRows), file);
      const pages = await readPdfPages(file);
      pages.forEach((text, index) => expect(text, `${count} rows, page ${index + 1}`).toContain(`Page ${index + 1} / ${pages.length}`));
    }
  });
});

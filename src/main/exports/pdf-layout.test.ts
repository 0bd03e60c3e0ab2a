import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { chartColorHex } from '../../shared/chart-colors';
import type { ChartSpec, ExportDocument, ExportValue, SummaryTable } from './model';
import { writePdf } from './pdf';
import { axisOf, formatChartValue } from './pdf-chart';
import { pdfFillColors, readPdfPages, readWorkbook } from '../../../test/support/export-readers';
import { writeXlsx } from './xlsx';

// What a supervisor hands on: the files are read by people who never open CreditDesk.

const folders = tempFolders('creditdesk-layout-');
afterEach(() => folders.removeAll());

function documentWith(parts: { charts?: ChartSpec[]; summaries?: SummaryTable[]; rows?: ExportValue[][]; locale?: 'zh-CN' | 'en' }): ExportDocument {
  return {
    title: 'Portfolio',
    filters: [{ label: 'Dates', value: '2026-11-01 – 2026-11-30' }],
    generatedAt: Date.UTC(2026, 10, 30),
    generatedBy: 'zhao',
    locale: parts.locale ?? 'en',
    masked: true,
    charts: parts.charts ?? [],
    summaries: parts.summaries ?? [],
    main: {
      title: 'Loans',
      // Many columns, so the page is too narrow for their natural widths.
      columns: [
        { key: 'loan', header: 'Loan', kind: 'text', width: 8, identifier: true },
        { key: 'institution', header: 'Institution', kind: 'text', width: 14 },
        { key: 'product', header: 'Product', kind: 'text', width: 12 },
        { key: 'borrower', header: 'Borrower', kind: 'text', width: 10 },
        { key: 'status', header: 'Status', kind: 'text', width: 12 },
        { key: 'disbursed', header: 'Disbursed', kind: 'instant' },
        { key: 'principal', header: 'Principal', kind: 'money', width: 6 },
        { key: 'outstanding', header: 'Outstanding', kind: 'money', width: 6 },
        { key: 'dpd', header: 'DPD', kind: 'integer', width: 4 },
        { key: 'bucket', header: 'Bucket', kind: 'text', width: 7 },
        { key: 'apr', header: 'APR', kind: 'percent', width: 9 },
        { key: 'flag', header: 'APR flag', kind: 'text', width: 12 },
        { key: 'plan', header: 'Plan', kind: 'text', width: 9 },
        { key: 'note', header: 'Note', kind: 'text', width: 30 },
      ],
      rows: parts.rows ?? [],
      totalRows: parts.rows?.length ?? 0,
    },
  };
}

describe('PDF tables', () => {
  it('never cuts an identifier or an amount short, however many columns share the page', async () => {
    const file = folders.file('ids.pdf');
    const loan = 'LO2026020200001234567';
    const row: ExportValue[] = [loan, 'HNXD 消费金融', 'CASH-12', '欧***', 'Repaying', Date.UTC(2026, 1, 2), 650_309_053, 650_309_053, 45, 'M2', 0.2412, 'Above warning line', 'Booked', 'a long note '.repeat(12)];
    await writePdf(documentWith({ rows: [row, row] }), file);
    const text = (await readPdfPages(file)).join('\n');
    expect(text).toContain(loan);
    expect(text).toContain('6,503,090.53');
    expect(text).not.toMatch(/LO\d*…/);
  });

  it('says "No data" under a summary table without rows', async () => {
    const file = folders.file('empty.pdf');
    const empty: SummaryTable = { title: 'Roll rates', columns: [{ key: 'month', header: 'Month end', kind: 'date' }, { key: 'c1', header: 'C→M1', kind: 'percent' }], rows: [] };
    await writePdf(documentWith({ summaries: [empty] }), file);
    const text = (await readPdfPages(file)).join('\n');
    expect(text).toMatch(/Roll rates\s+Month end\s+C→M1\s+No data/);
  });

  it('prints each figure of a figures table as its own kind', async () => {
    const figures: SummaryTable = {
      title: 'Risk and compliance',
      columns: [{ key: 'figure', header: 'Figure', kind: 'text' }, { key: 'value', header: 'Value', kind: 'decimal' }],
      rows: [['PAR30', 0.0898], ['Open loans', 684], ['Open principal (CNY)', 650_309_053]],
      rowKinds: ['percent', 'integer', 'money'],
    };
    const pdf = folders.file('figures.pdf');
    await writePdf(documentWith({ summaries: [figures] }), pdf);
    const text = (await readPdfPages(pdf)).join('\n');
    expect(text).toMatch(/PAR30\s+8\.98%/);
    expect(text).toMatch(/Open loans\s+684(?!\.)/);
    expect(text).toMatch(/Open principal \(CNY\)\s+6,503,090\.53/);

    const xlsx = folders.file('figures.xlsx');
    await writeXlsx(documentWith({ summaries: [figures] }), xlsx);
    const sheet = (await readWorkbook(xlsx)).getWorksheet('Risk and compliance');
    // Numbers stay numbers (a spreadsheet can add them up), each with its own number format.
    expect([sheet?.getCell('B2').value, sheet?.getCell('B2').numFmt]).toEqual([0.0898, '0.00%']);
    expect([sheet?.getCell('B3').value, sheet?.getCell('B3').numFmt]).toEqual([684, '#,##0']);
    expect([sheet?.getCell('B4').value, sheet?.getCell('B4').numFmt]).toEqual([6_503_090.53, '#,##0.00']);
  });
});

describe('PDF charts', () => {
  it('names every series in the legend, on more lines when they do not fit on one', async () => {
    const products = ['HNXD 消费金融 CASH-12', 'HNXD 消费金融 CASH-24', '示例银行 信用贷 BANK-LOAN', 'Acme Consumer Finance REVOLVE', 'Acme Consumer Finance BATCH-7D'];
    const chart: ChartSpec = {
      kind: 'line',
      title: 'Share completing each item',
      categories: ['Real name', 'Carrier', 'Contacts'],
      series: products.map((name, index) => ({ name, values: [1, 0.9 - index * 0.05, 0.8 - index * 0.05] })),
      valueFormat: 'percent',
    };
    // The same products as the categories of a bar chart: every one is labelled (wrapped), none skipped.
    const drops: ChartSpec = { kind: 'stacked-bar', title: 'Where borrowers drop', categories: products, series: [{ name: 'Liveness', values: [3, 4, 5, 6, 7] }], valueFormat: 'integer' };
    const file = folders.file('legend.pdf');
    await writePdf(documentWith({ charts: [chart, drops] }), file);
    const first = (await readPdfPages(file))[0] as string;
    for (const name of products) expect(first).toContain(name);
    const labels = first.slice(first.indexOf('Where borrowers drop'));
    for (const name of products) expect(labels.replace(/\s+/g, '')).toContain(name.replace(/\s+/g, ''));
  });

  it('draws each series in its own colour from the shared palette, as the screens do', async () => {
    const chart: ChartSpec = {
      kind: 'stacked-bar',
      title: 'Decisions per day',
      categories: ['11-29', '11-30'],
      series: [
        { name: 'Approve', values: [3, 4], color: 'teal' },
        { name: 'Reject', values: [1, 2], color: 'red' },
      ],
      valueFormat: 'integer',
    };
    const file = folders.file('colours.pdf');
    await writePdf(documentWith({ charts: [chart] }), file);
    const colours = await pdfFillColors(file, 1);
    expect(colours).toContain(chartColorHex.teal);
    expect(colours).toContain(chartColorHex.red);
    // The palette's first two colours (blue, teal) are what a series without a colour gets.
    expect(colours).not.toContain(chartColorHex.blue);
  });

  it('gives an all-zero axis, or one of small counts, ticks that read differently', async () => {
    const zero: ChartSpec = { kind: 'line', title: 'Handling time', categories: ['11-29', '11-30'], series: [{ name: 'P90', values: [0, 0] }], valueFormat: 'minutes' };
    const small: ChartSpec = { kind: 'bar', title: 'Escalations', categories: ['11-29', '11-30'], series: [{ name: 'Escalate', values: [1, 0] }], valueFormat: 'integer' };
    const file = folders.file('zero.pdf');
    await writePdf(documentWith({ charts: [zero, small] }), file);
    const first = (await readPdfPages(file))[0] as string;
    expect(first.match(/(^|\s)0 min/g)).toHaveLength(1);
    // The count axis reads 0, 1: not 0, 0, 0, 1, 1 (steps of 0.2 rounded).
    expect(first).toMatch(/Escalations\s+0\s+1\s+11-29/);
  });

  it('steps an axis no finer than its labels can show', () => {
    for (const format of ['minutes', 'integer', 'money', 'percent', 'decimal'] as const) {
      const { bottom, top, step } = axisOf(0, 0, format);
      const labels: string[] = [];
      for (let tick = bottom; tick <= top + step / 2; tick += step) labels.push(formatChartValue(tick, format, 'en'));
      expect(new Set(labels).size, `${format}: ${labels.join(', ')}`).toBe(labels.length);
      expect(labels.length).toBeGreaterThan(1);
    }
    expect(axisOf(0, 1, 'integer').step).toBe(1);
  });

  it('says "无数据" on a chart whose series hold no values', async () => {
    const chart: ChartSpec = { kind: 'line', title: '迁徙率', categories: ['2026-10', '2026-11'], series: [{ name: 'C→M1', values: [null, null] }], valueFormat: 'percent' };
    const file = folders.file('nodata.pdf');
    await writePdf(documentWith({ charts: [chart], locale: 'zh-CN' }), file);
    expect((await readPdfPages(file))[0]).toContain('无数据');
  });
});

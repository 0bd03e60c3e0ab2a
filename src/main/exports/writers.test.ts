import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { shanghaiDateTime } from '../../shared/time';
import { tempFolders } from '../../../test/support/temp-folders';
import { csvField, writeCsv } from './csv';
import type { ExportDocument, ExportValue } from './model';
import { pdfDetailRowLimit, writePdf } from './pdf';
import { countPdfFills, readPdfPages, readWorkbook } from '../../../test/support/export-readers';
import { fenToYuan } from './values';
import { writeXlsx } from './xlsx';

const folders = tempFolders('creditdesk-export-');
afterEach(() => folders.removeAll());

// 2026-11-25 10:30:00 in Shanghai.
const decidedAt = Date.UTC(2026, 10, 25, 2, 30, 0);

function* sampleRows(count: number): Generator<ExportValue[]> {
  for (let index = 0; index < count; index++) {
    yield [index + 1, index % 2 === 0 ? '示例消费金融' : 'Acme, "Credit" Ltd', 123_456 + index, decidedAt + index * 60_000, '2026-11-25', 0.1234, 12.5, '110101199003078670', index === 0 ? '=HYPERLINK("x")' : 'ok'];
  }
}

function sampleDocument(rows: number, overrides: Partial<ExportDocument> = {}): ExportDocument {
  return {
    title: '复核运营 Review operations',
    filters: [
      { label: '日期', value: '2026-11-01 – 2026-11-25' },
      { label: '机构', value: '示例消费金融' },
    ],
    generatedAt: decidedAt,
    generatedBy: 'supervisor1',
    locale: 'zh-CN',
    masked: true,
    charts: [
      {
        kind: 'stacked-bar',
        title: '每日决定 Decisions per day',
        categories: ['11-23', '11-24', '11-25'],
        series: [
          { name: '通过', values: [5, 8, 3] },
          { name: '拒绝', values: [2, 1, 4] },
        ],
        valueFormat: 'integer',
      },
      { kind: 'line', title: '处理时长 Handling time', categories: ['11-23', '11-24', '11-25'], series: [{ name: 'p90', values: [40, null, 30] }], valueFormat: 'minutes' },
    ],
    summaries: [
      {
        title: '按队列 By queue',
        columns: [
          { key: 'queue', header: '队列', kind: 'text' },
          { key: 'decided', header: '已决定', kind: 'integer' },
        ],
        rows: [
          ['contacts', 5],
          ['face', 7],
        ],
      },
    ],
    main: {
      title: '任务明细',
      totalRows: rows,
      columns: [
        { key: 'id', header: '编号', kind: 'integer' },
        { key: 'institution', header: '机构', kind: 'text' },
        { key: 'amount', header: '金额', kind: 'money' },
        { key: 'decidedAt', header: '决定时间', kind: 'instant' },
        { key: 'day', header: '日期', kind: 'date' },
        { key: 'share', header: '占比', kind: 'percent' },
        { key: 'minutes', header: '分钟', kind: 'decimal', digits: 1 },
        { key: 'idNumber', header: '身份证号', kind: 'text', personal: 'idNumber' },
        { key: 'note', header: '备注', kind: 'text' },
      ],
      rows: sampleRows(rows),
    },
    ...overrides,
  };
}

describe('values', () => {
  it('turns fen into exact yuan without floating-point drift', () => {
    expect(fenToYuan(123_456)).toBe('1234.56');
    expect(fenToYuan(-5)).toBe('-0.05');
    expect(fenToYuan(1_000_000_001, true)).toBe('10,000,000.01');
    expect(shanghaiDateTime(decidedAt)).toBe('2026-11-25 10:30:00');
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('starts with a BOM, ends records with CRLF, masks personal data and defuses formulas', async () => {
    const file = folders.file('tasks.csv');
    const result = await writeCsv(sampleDocument(3), file);
    expect(result.rows).toBe(3);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('编号,机构,金额,决定时间,日期,占比,分钟,身份证号,备注');
    expect(lines[1]).toBe(`1,示例消费金融,1234.56,2026-11-25 10:30:00,2026-11-25,12.34%,12.5,110101********8670,"'=HYPERLINK(""x"")"`);
    expect(lines[2]).toBe('2,"Acme, ""Credit"" Ltd",1234.57,2026-11-25 10:31:00,2026-11-25,12.34%,12.5,110101********8670,ok');
    expect(lines[4]).toBe('');
    expect(text).not.toContain('110101199003078670');
  });

  it('keeps personal data in clear when the document is not masked', async () => {
    const file = folders.file('clear.csv');
    await writeCsv(sampleDocument(1, { masked: false }), file);
    expect(readFileSync(file, 'utf8')).toContain('110101199003078670');
  });

  it('stops with an AbortError and reports no success when cancelled', async () => {
    const controller = new AbortController();
    const file = folders.file('cancelled.csv');
    const pending = writeCsv(sampleDocument(200_000), file, {
      signal: controller.signal,
      onProgress: (rows) => {
        if (rows > 1000) controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('XLSX', () => {
  it('is a real workbook: typed cells, bold header, frozen pane, widths, summaries and the filters', async () => {
    const file = folders.file('tasks.xlsx');
    const result = await writeXlsx(sampleDocument(25), file);
    expect(result.rows).toBe(25);
    const workbook = await readWorkbook(file);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['任务明细', '按队列 By queue', '报告信息']);

    const sheet = workbook.getWorksheet('任务明细') as ExcelJS.Worksheet;
    expect(sheet.rowCount).toBe(26);
    expect(sheet.getRow(1).values).toEqual([undefined, '编号', '机构', '金额', '决定时间', '日期', '占比', '分钟', '身份证号', '备注']);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(sheet.getColumn(4).width).toBeGreaterThanOrEqual(19);

    const id = sheet.getCell('A2');
    expect(id.type).toBe(ExcelJS.ValueType.Number);
    expect(id.value).toBe(1);
    const amount = sheet.getCell('C2');
    expect(amount.type).toBe(ExcelJS.ValueType.Number);
    expect(amount.value).toBe(1234.56);
    expect(amount.numFmt).toBe('#,##0.00');
    const decided = sheet.getCell('D2');
    expect(decided.type).toBe(ExcelJS.ValueType.Date);
    // Spreadsheets have no time zones: the cell holds the Shanghai wall time.
    expect((decided.value as Date).toISOString()).toBe('2026-11-25T10:30:00.000Z');
    expect(decided.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    const day = sheet.getCell('E2');
    expect(day.type).toBe(ExcelJS.ValueType.Date);
    expect((day.value as Date).toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(sheet.getCell('F2').value).toBe(0.1234);
    expect(sheet.getCell('F2').numFmt).toBe('0.00%');
    expect(sheet.getCell('B3').value).toBe('Acme, "Credit" Ltd');
    expect(sheet.getCell('H2').value).toBe('110101********8670');
    expect(sheet.getCell('I2').value).toBe('=HYPERLINK("x")');
    expect(sheet.getCell('I2').type).toBe(ExcelJS.ValueType.String);

    const summary = workbook.getWorksheet('按队列 By queue') as ExcelJS.Worksheet;
    expect(summary.getRow(3).values).toEqual([undefined, 'face', 7]);

    const about = workbook.getWorksheet('报告信息') as ExcelJS.Worksheet;
    const aboutText = about.getSheetValues().flat().map(String).join('|');
    expect(aboutText).toContain('复核运营 Review operations');
    expect(aboutText).toContain('2026-11-01 – 2026-11-25');
    expect(aboutText).toContain('supervisor1');
    expect(about.getCell('B6').value).toBe(25);
    expect(about.getCell('B7').value).toBe('已脱敏');
  });

  it('writes an empty table as a header-only sheet', async () => {
    const file = folders.file('empty.xlsx');
    await writeXlsx(sampleDocument(0), file);
    const sheet = (await readWorkbook(file)).worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.rowCount).toBe(1);
    expect(sheet.getCell('B1').value).toBe('机构');
  });
});

describe('PDF', () => {
  it('prints the title, filters, charts, summaries and rows in Chinese and English', async () => {
    const file = folders.file('report.pdf');
    const result = await writePdf(sampleDocument(40), file);
    expect(result).toMatchObject({ rows: 40, truncated: false });
    const pages = await readPdfPages(file);
    const all = pages.join('\n');
    expect(pages[0]).toContain('复核运营 Review operations');
    expect(pages[0]).toContain('筛选条件');
    expect(pages[0]).toContain('2026-11-01 – 2026-11-25');
    expect(pages[0]).toContain('示例消费金融');
    expect(pages[0]).toContain('每日决定 Decisions per day');
    expect(pages[0]).toContain('个人信息已脱敏');
    expect(all).toContain('按队列 By queue');
    expect(all).toContain('1,234.56');
    expect(all).toContain('2026-11-25 10:30:00');
    expect(all).toContain('Acme, "Credit" Ltd');
    expect(all).toContain('110101********8670');
    expect(all).not.toContain('110101199003078670');
    expect(all).toContain('共 40 行');
    expect(pages[pages.length - 1]).toContain(`第 ${pages.length} / ${pages.length} 页`);
    // The charts are vector drawings: bars are filled paths on the first page.
    expect(await countPdfFills(file, 1)).toBeGreaterThan(10);
  });

  it('stops with an AbortError when cancelled mid-write and leaves no promise rejected behind', async () => {
    // Destroying the file while one of pdfkit's writes is on its way fails that write with
    // ERR_STREAM_DESTROYED; nothing may be left waiting on the file to reject unheard.
    const unheard: unknown[] = [];
    const listen = (reason: unknown) => unheard.push(reason);
    process.on('unhandledRejection', listen);
    try {
      for (let round = 0; round < 6; round++) {
        const controller = new AbortController();
        const pending = writePdf(sampleDocument(pdfDetailRowLimit), folders.file(`cancelled-${round}.pdf`), {
          signal: controller.signal,
          onProgress: (rows) => {
            if (rows >= 200 * (1 + (round % 3))) controller.abort();
          },
        });
        await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', listen);
    }
    expect(unheard).toEqual([]);
  });

  it('prints at most the row limit and says where the rest is', async () => {
    const file = folders.file('long.pdf');
    const result = await writePdf(sampleDocument(pdfDetailRowLimit + 50, { locale: 'en', title: 'Audit log' }), file);
    expect(result).toMatchObject({ rows: pdfDetailRowLimit, truncated: true });
    const pages = await readPdfPages(file);
    expect(pages.join('\n')).toContain(`Showing the first 2,000 rows of ${(pdfDetailRowLimit + 50).toLocaleString('en-US')}`);
  });
});

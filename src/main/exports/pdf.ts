import { once } from 'node:events';
import { statSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { shanghaiDateTime } from '../../shared/time';
import { locateCjkFont } from '../fonts/cjk-font';
import type { ExportColumn, ExportDocument, ExportValue, WriteOptions, WriteResult } from './model';
import { drawChart } from './pdf-chart';
import { contentWidth, Pager, pdfFonts, pdfPage, rowHeightOf, rowTexts, TableDrawer } from './pdf-table';
import { FileSink, iterateRows, throwIfAborted, yieldToEventLoop } from './sink';
import { rowMasker, summaryRowColumns } from './values';

/**
 * A PDF can hold a report, not a data dump: at most this many detail rows are printed (with a
 * note saying so); CSV and XLSX carry every row.
 */
export const pdfDetailRowLimit = 2000;

const page = pdfPage;
const footerY = page.height - page.margin + 8;
const fonts = pdfFonts;
// Below the last table row: the closing note (rows shown, left out) and the gap above it.
const noteGap = 6;
const noteRoom = noteGap + 2 * rowHeightOf(1);

function labels(locale: ExportDocument['locale']) {
  return locale === 'en'
    ? {
        filters: 'Filters',
        generated: (at: string, by: string) => `Generated ${at} (Asia/Shanghai) by ${by}`,
        masked: 'Personal data is masked.',
        clear: 'Personal data is shown in clear: handle this file accordingly.',
        truncated: (shown: number, total: number | null) =>
          `Showing the first ${shown.toLocaleString('en-US')} rows${total !== null ? ` of ${total.toLocaleString('en-US')}` : ''}; export CSV or XLSX for every row.`,
        rows: (count: number) => `${count.toLocaleString('en-US')} rows`,
        page: (number: number, total: number) => `Page ${number} / ${total}`,
        empty: 'No rows match these filters.',
        noData: 'No data',
      }
    : {
        filters: '筛选条件',
        generated: (at: string, by: string) => `生成于 ${at}（北京时间），生成人 ${by}`,
        masked: '个人信息已脱敏。',
        clear: '个人信息为明文，请妥善保管本文件。',
        truncated: (shown: number, total: number | null) =>
          `仅显示前 ${shown.toLocaleString('en-US')} 行${total !== null ? `（共 ${total.toLocaleString('en-US')} 行）` : ''}；完整数据请导出 CSV 或 XLSX。`,
        rows: (count: number) => `共 ${count.toLocaleString('en-US')} 行`,
        page: (number: number, total: number) => `第 ${number} / ${total} 页`,
        empty: '没有符合筛选条件的数据。',
        noData: '无数据',
      };
}

function sectionTitle(doc: PDFKit.PDFDocument, title: string): void {
  if (doc.y + 60 > page.height - page.margin) doc.addPage();
  doc.moveDown(0.6);
  doc.font(fonts.bold).fontSize(11).fillColor('#212529').text(title, page.margin, doc.y, { width: contentWidth });
  doc.moveDown(0.3);
}

/**
 * Writes a formatted report: title, the filters used, who generated it and when, the charts
 * drawn as vector graphics, the summary tables, then the detail rows (up to pdfDetailRowLimit).
 * Text is set in the CJK font the simulator's images use, which covers Latin as well, so
 * Chinese and English both render and can be extracted.
 */
export async function writePdf(document: ExportDocument, path: string, options: WriteOptions = {}): Promise<WriteResult> {
  const font = locateCjkFont();
  const text = labels(document.locale);
  const sink = new FileSink(path);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: page.margin,
    bufferPages: true,
    info: { Title: document.title, Author: document.generatedBy, Creator: 'CreditDesk', CreationDate: new Date(document.generatedAt) },
    lang: document.locale,
  });
  doc.pipe(sink.writable);
  const closed = once(sink.writable, 'close');
  const pager = new Pager(doc, (index, total) => {
    doc.font(fonts.regular).fontSize(7).fillColor('#868e96');
    // Writing inside the bottom margin must not trigger PDFKit's automatic page break.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.text(`CreditDesk · ${document.title}`, page.margin, footerY, { width: contentWidth / 2, lineBreak: false });
    doc.text(text.page(index + 1, total), page.margin + contentWidth / 2, footerY, { width: contentWidth / 2, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  });
  let rows = 0;
  let truncated = false;
  try {
    doc.registerFont(fonts.regular, font.regularPath);
    doc.registerFont(fonts.bold, font.boldPath);

    doc.font(fonts.bold).fontSize(18).fillColor('#212529').text(document.title, page.margin, page.margin, { width: contentWidth });
    doc.moveDown(0.2);
    doc.font(fonts.regular).fontSize(8.5).fillColor('#495057');
    doc.text(text.generated(shanghaiDateTime(document.generatedAt), document.generatedBy), { width: contentWidth });
    doc.text(document.masked ? text.masked : text.clear, { width: contentWidth });

    sectionTitle(doc, text.filters);
    doc.font(fonts.regular).fontSize(9).fillColor('#212529');
    for (const filter of document.filters) {
      const y = doc.y;
      doc.font(fonts.bold).text(filter.label, page.margin, y, { width: 150, lineBreak: false });
      doc.font(fonts.regular).text(filter.value, page.margin + 155, y, { width: contentWidth - 155 });
      doc.y = Math.max(doc.y, y + 12);
    }

    const chartHeight = 190;
    const chartWidth = (contentWidth - 18) / 2;
    for (let index = 0; index < document.charts.length; index += 2) {
      if (index === 0) doc.moveDown(0.8);
      if (doc.y + chartHeight > page.height - page.margin) doc.addPage();
      const y = doc.y;
      drawChart(doc, document.charts[index] as ExportDocument['charts'][number], { x: page.margin, y, width: chartWidth, height: chartHeight }, fonts, document.locale);
      const second = document.charts[index + 1];
      if (second) drawChart(doc, second, { x: page.margin + chartWidth + 18, y, width: chartWidth, height: chartHeight }, fonts, document.locale);
      doc.x = page.margin;
      doc.y = y + chartHeight + 12;
    }

    for (const summary of document.summaries) {
      throwIfAborted(options.signal);
      sectionTitle(doc, summary.title);
      const mask = rowMasker(summary.columns, document.masked);
      const columnsOfRow = summaryRowColumns(summary);
      const texts = summary.rows.map((row, index) => rowTexts(columnsOfRow(index), mask ? mask([...row]) : row));
      const table = new TableDrawer(doc, pager, summary.columns, texts);
      table.header();
      if (texts.length === 0) table.note(text.noData);
      for (const row of texts) table.row(table.layout(row));
    }

    // The printed rows are read first (at most pdfDetailRowLimit, the bound this writer holds),
    // so the page count is known before the detail pages are drawn and each can be written out.
    const printed: Array<readonly (ExportValue | undefined)[]> = [];
    const mask = rowMasker(document.main.columns, document.masked);
    const iterator = iterateRows(document.main.rows);
    try {
      for await (const row of iterator) {
        if (printed.length >= pdfDetailRowLimit) {
          truncated = true;
          break;
        }
        printed.push(mask ? mask(row) : row);
        if (printed.length % 500 === 0) {
          await yieldToEventLoop();
          throwIfAborted(options.signal);
        }
      }
    } finally {
      await iterator.return(undefined);
    }

    sectionTitle(doc, document.main.title);
    // Codes kept for programs (forMachines) stay in CSV and XLSX; people read the words.
    const shown = document.main.columns.flatMap((column, index) => (column.forMachines ? [] : [index]));
    const shownColumns = shown.map((index) => document.main.columns[index] as ExportColumn);
    const texts = printed.map((row) => rowTexts(shownColumns, shown.map((index) => row[index])));
    printed.length = 0;
    const table = new TableDrawer(doc, pager, shownColumns, texts);
    table.header();
    const laidOut = texts.map((row) => table.layout(row));
    texts.length = 0;
    pager.settle(table.plannedPages(laidOut, noteRoom));
    for (const row of laidOut) {
      table.row(row);
      rows++;
      if (rows % 200 === 0) {
        options.onProgress?.(rows);
        await yieldToEventLoop();
        throwIfAborted(options.signal);
      }
    }
    if (doc.y + noteRoom > page.height - page.margin) pager.newPage();
    doc.y += noteGap;
    doc.font(fonts.regular).fontSize(8.5).fillColor('#495057');
    if (rows === 0) doc.text(text.empty, page.margin, doc.y, { width: contentWidth });
    else if (truncated) doc.text(text.truncated(rows, document.main.totalRows), page.margin, doc.y, { width: contentWidth });
    else doc.text(text.rows(rows), page.margin, doc.y, { width: contentWidth });
    pager.finish();
    options.onProgress?.(rows);
    doc.end();
    await closed;
  } catch (error) {
    doc.unpipe(sink.writable);
    sink.destroy();
    // A write still on its way fails with ERR_STREAM_DESTROYED and rejects `closed`: heard here,
    // since the file is dropped anyway (left unheard it was an unhandled rejection).
    await closed.catch(() => undefined);
    throw error;
  }
  return { rows, bytes: statSync(path).size, truncated };
}

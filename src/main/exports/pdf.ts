import { once } from 'node:events';
import { statSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { locateCjkFont } from '../fonts/cjk-font';
import type { ExportColumn, ExportDocument, ExportValue, WriteOptions, WriteResult } from './model';
import { drawChart, fitText } from './pdf-chart';
import { FileSink, iterateRows, throwIfAborted, yieldToEventLoop } from './sink';
import { cellText, rowMasker, shanghaiDateTime } from './values';

/**
 * A PDF can hold a report, not a data dump: at most this many detail rows are printed (with a
 * note saying so); CSV and XLSX carry every row.
 */
export const pdfDetailRowLimit = 2000;

const page = { width: 841.89, height: 595.28, margin: 36 };
const contentWidth = page.width - page.margin * 2;
const footerY = page.height - page.margin + 8;
const fonts = { regular: 'cjk-regular', bold: 'cjk-bold' };
const rowHeight = 13;
const tableFontSize = 7.5;
// Below the last table row: the closing note (rows shown, left out) and the gap above it.
const noteGap = 6;
const noteRoom = noteGap + 2 * rowHeight;
const tableBottom = page.height - page.margin - rowHeight;

/** Where a table row goes when the cursor is at y: here, or under the header repeated on a new page. */
function rowPlacement(y: number): { top: number; newPage: boolean } {
  return y + rowHeight > tableBottom ? { top: page.margin + rowHeight, newPage: true } : { top: y, newPage: false };
}

/**
 * Page breaks and footers ("page X / N"). PDFKit buffers pages so footers can go on at the end,
 * but a buffered page keeps its content as small strings until doc.end(): the 2,000-row detail
 * table held 40-50 MB that way. Once the page count is known (settle), each page gets its footer
 * and is written out as the next one starts.
 */
class Pager {
  private total: number | null = null;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly footer: (index: number, total: number) => void,
  ) {}

  /** The document will have `total` pages: from now on pages are written out as they are left. */
  settle(total: number): void {
    this.total = total;
  }

  newPage(): void {
    if (this.total !== null) {
      this.footBuffered(this.total);
      this.doc.flushPages();
    }
    this.doc.addPage();
  }

  /** Footers on the pages still buffered; returns the page count. */
  finish(): number {
    const range = this.doc.bufferedPageRange();
    const total = this.total ?? range.start + range.count;
    this.footBuffered(total);
    return range.start + range.count;
  }

  private footBuffered(total: number): void {
    const range = this.doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index++) {
      this.doc.switchToPage(index);
      this.footer(index, total);
    }
  }
}

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
      };
}

function isNumeric(column: ExportColumn): boolean {
  return column.kind !== 'text' && column.kind !== 'date' && column.kind !== 'instant';
}

/** Column widths in points: natural widths from the character counts, shrunk to fit the page. */
function columnWidths(columns: readonly ExportColumn[]): number[] {
  const natural = columns.map((column) => Math.max(column.width ?? (column.kind === 'instant' ? 19 : column.kind === 'text' ? 14 : 11), 6) * 6);
  const total = natural.reduce((sum, width) => sum + width, 0) || 1;
  return total <= contentWidth ? natural : natural.map((width) => (width / total) * contentWidth);
}

/**
 * Draws tables page by page: the header repeats on every page it spans. Kept as a small object
 * so the main table can be fed one streamed row at a time.
 */
class TableDrawer {
  private readonly widths: number[];
  private readonly tableWidth: number;
  private striped = false;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly pager: Pager,
    private readonly columns: readonly ExportColumn[],
  ) {
    this.widths = columnWidths(columns);
    this.tableWidth = this.widths.reduce((sum, width) => sum + width, 0);
  }

  header(): void {
    const { doc } = this;
    if (doc.y + rowHeight * 2 > tableBottom) this.pager.newPage();
    const y = doc.y;
    doc.rect(page.margin, y, this.tableWidth, rowHeight).fill('#e9ecef');
    doc.font(fonts.bold).fontSize(tableFontSize).fillColor('#212529');
    this.cells(this.columns.map((column) => column.header), y);
    doc.y = y + rowHeight;
    this.striped = false;
  }

  row(values: readonly (ExportValue | undefined)[]): void {
    const { doc } = this;
    if (rowPlacement(doc.y).newPage) {
      this.pager.newPage();
      this.header();
    }
    const y = doc.y;
    if (this.striped) doc.rect(page.margin, y, this.tableWidth, rowHeight).fill('#f8f9fa');
    this.striped = !this.striped;
    doc.font(fonts.regular).fontSize(tableFontSize).fillColor('#212529');
    this.cells(
      this.columns.map((column, index) => cellText(column, values[index], true)),
      y,
    );
    doc.y = y + rowHeight;
  }

  private cells(texts: readonly string[], y: number): void {
    let x = page.margin;
    texts.forEach((text, index) => {
      const width = this.widths[index] as number;
      const column = this.columns[index] as ExportColumn;
      const fitted = fitText(this.doc, text, width - 6);
      this.doc.text(fitted, x + 3, y + 3, { width: width - 6, align: isNumeric(column) ? 'right' : 'left', lineBreak: false });
      x += width;
    });
  }
}

function sectionTitle(doc: PDFKit.PDFDocument, title: string): void {
  if (doc.y + 60 > page.height - page.margin) doc.addPage();
  doc.moveDown(0.6);
  doc.font(fonts.bold).fontSize(11).fillColor('#212529').text(title, page.margin, doc.y, { width: contentWidth });
  doc.moveDown(0.3);
}

/**
 * The page count once `rows` detail rows follow the cursor: the same placement as
 * TableDrawer.row and the closing note, so the footers' totals are exact.
 */
function plannedPages(doc: PDFKit.PDFDocument, rows: number): number {
  const range = doc.bufferedPageRange();
  let pages = range.start + range.count;
  let y = doc.y;
  for (let index = 0; index < rows; index++) {
    const placement = rowPlacement(y);
    if (placement.newPage) pages++;
    y = placement.top + rowHeight;
  }
  return y + noteRoom > page.height - page.margin ? pages + 1 : pages;
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
      const table = new TableDrawer(doc, pager, summary.columns);
      const mask = rowMasker(summary.columns, document.masked);
      table.header();
      for (const row of summary.rows) table.row(mask ? mask([...row]) : row);
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
    const table = new TableDrawer(doc, pager, document.main.columns);
    table.header();
    pager.settle(plannedPages(doc, printed.length));
    for (const row of printed) {
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

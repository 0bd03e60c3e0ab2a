import type { ExportColumn, ExportValue } from './model';
import { cellText } from './values';

/**
 * Tables in the PDF: page breaks with the header repeated, and cells that are never cut short
 * where it matters. Identifier and number columns get the width their widest value needs (other
 * text columns give way); what still does not fit wraps onto more lines, so a loan number or an
 * amount is never ellipsised. Free text wraps too, up to `textLineLimit` lines.
 */

export const pdfPage = { width: 841.89, height: 595.28, margin: 36 };
export const contentWidth = pdfPage.width - pdfPage.margin * 2;
export const pdfFonts = { regular: 'cjk-regular', bold: 'cjk-bold' };
export const tableFontSize = 7.5;
const lineHeight = 9;
const cellPadding = 3;
/** Free text (names, notes) wraps to at most this many lines; identifiers and numbers wrap without limit. */
const textLineLimit = 3;
const headerLineLimit = 3;
/** A free-text column shrinks to no less than this before identifiers and numbers have to wrap. */
const minimumTextWidth = 36;
/** A free-text column asks for at most this width (points); longer text wraps. */
const maximumTextWidth = 220;
/** A header asks for its width up to this (points); a longer header wraps. */
const headerAsk = 96;
export const tableBottom = pdfPage.height - pdfPage.margin - 13;

/** The height of a row of `lines` lines: one line gives the single-line row height (13 pt). */
export function rowHeightOf(lines: number): number {
  return lines * lineHeight + 4;
}

/** Where a row goes when the cursor is at y: here, or under the header repeated on a new page. */
export function rowPlacement(y: number, height: number, headerHeight: number): { top: number; newPage: boolean } {
  return y + height > tableBottom ? { top: pdfPage.margin + headerHeight, newPage: true } : { top: y, newPage: false };
}

type Measure = (text: string) => number;

/** Pieces a line may break between: words with their trailing space, single CJK characters. */
function tokens(text: string): string[] {
  return text.match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+/g) ?? [];
}

/**
 * Breaks text into lines no wider than `width`: at spaces and between CJK characters, and inside
 * a word only when the word alone is wider than the line. With `maxLines`, the last line kept ends
 * with an ellipsis when text was left over; without it nothing is ever dropped.
 */
export function wrapText(measure: Measure, text: string, width: number, maxLines: number | null): string[] {
  if (text === '') return [''];
  // Widths are sums of glyph advances: allow for the last bit of floating-point rounding.
  const fits = (candidate: string) => measure(candidate) <= width + 0.01;
  if (fits(text)) return [text];
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line.trimEnd());
    line = '';
  };
  for (const token of tokens(text)) {
    if (fits(line + token.trimEnd())) {
      line += token;
      continue;
    }
    if (line.trim() !== '') push();
    const piece = line === '' ? token.trimStart() : token;
    if (fits(piece.trimEnd())) {
      line = piece;
      continue;
    }
    // A word wider than the line: split it where it must.
    for (const character of Array.from(piece)) {
      if (line !== '' && !fits(line + character)) push();
      line += character;
    }
  }
  if (line.trim() !== '') push();
  if (maxLines === null || lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = ellipsise(measure, `${kept[maxLines - 1]} ${lines[maxLines]}`, width);
  return kept;
}

/** Shortens text with an ellipsis until it fits `width` (free text only, never identifiers). */
export function ellipsise(measure: Measure, text: string, width: number): string {
  if (measure(text) <= width) return text;
  const characters = Array.from(text);
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (measure(`${characters.slice(0, middle).join('')}…`) <= width) low = middle;
    else high = middle - 1;
  }
  return low === 0 ? '' : `${characters.slice(0, low).join('')}…`;
}

function isNumeric(column: ExportColumn): boolean {
  return column.kind !== 'text' && column.kind !== 'date' && column.kind !== 'instant';
}

/** Cut short never: identifiers, numbers, dates and instants. */
function mustShowWhole(column: ExportColumn): boolean {
  return column.identifier === true || column.kind !== 'text';
}

/**
 * Column widths in points. Columns whose values must show whole get the width of their widest
 * value (as printed in this table); free-text columns ask for their widest value too, up to
 * `maximumTextWidth` (their natural width from the character counts when the table has no rows),
 * and when the page is too narrow the widest of them give way first (to no less than
 * `minimumTextWidth`), wrapping. Every column asks at least for its header (up to `headerAsk`), so
 * a short header does not break mid-word. Only when even that does not fit does every column
 * shrink (and identifiers wrap).
 */
export function columnWidths(measure: Measure, columns: readonly ExportColumn[], texts: ReadonlyArray<readonly string[]>, headerMeasure: Measure = measure): number[] {
  const natural = columns.map((column) => Math.max(column.width ?? (column.kind === 'instant' ? 19 : column.kind === 'text' ? 14 : 11), 6) * 6);
  const fixedColumn = columns.map(mustShowWhole);
  // Free text gives way (widest first) and wraps when the page is too narrow; see fillLevel.
  const widths = columns.map((column, index) => {
    let widest = 0;
    for (const row of texts) widest = Math.max(widest, measure(row[index] ?? ''));
    const header = Math.min(headerMeasure(column.header), headerAsk);
    if (texts.length === 0) return Math.max(natural[index] as number, header);
    const ask = Math.max(widest, header) + cellPadding * 2;
    return fixedColumn[index] ? ask : Math.min(ask, maximumTextWidth);
  });
  const total = widths.reduce((sum, width) => sum + width, 0);
  if (total <= contentWidth) return widths;
  const fixed = widths.reduce((sum, width, index) => sum + (fixedColumn[index] ? width : 0), 0);
  const flexibleWidths = widths.filter((_width, index) => !fixedColumn[index]);
  const level = fillLevel(flexibleWidths, contentWidth - fixed);
  if (flexibleWidths.length > 0 && level >= minimumTextWidth) {
    // The widest free-text columns give way first; the short ones keep all they asked for.
    return widths.map((width, index) => (fixedColumn[index] ? width : Math.min(width, level)));
  }
  if (flexibleWidths.length === 0 && fixed <= contentWidth) return widths;
  return widths.map((width) => (width / total) * contentWidth);
}

/** The cap L such that the widths, each cut to at most L, add up to `room` (water-filling). */
function fillLevel(widths: readonly number[], room: number): number {
  const sorted = [...widths].sort((a, b) => a - b);
  let remaining = room;
  for (let index = 0; index < sorted.length; index++) {
    const level = remaining / (sorted.length - index);
    if ((sorted[index] as number) > level) return level;
    remaining -= sorted[index] as number;
  }
  return Number.POSITIVE_INFINITY;
}

/** A row laid out: the lines of each cell and the row's height. */
export interface LaidOutRow {
  cells: string[][];
  height: number;
}

/**
 * Page breaks and footers ("page X / N"). PDFKit buffers pages so footers can go on at the end,
 * but a buffered page keeps its content as small strings until doc.end(), which for the longest
 * detail table was most of the export's memory (docs/performance.md#pdf-export-memory). Once the page count is known (settle), each page gets its footer
 * and is written out as the next one starts.
 */
export class Pager {
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

/**
 * Draws one table page by page: the header repeats on every page it spans. The rows are laid out
 * before drawing (widths from every printed value, then each row's lines), so the page count is
 * known before the first row is drawn.
 */
export class TableDrawer {
  private readonly widths: number[];
  private readonly tableWidth: number;
  private readonly headerCells: string[][];
  readonly headerHeight: number;
  private striped = false;

  /** `texts`: every row's printed cells, from which identifier and number columns take their width. */
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly pager: Pager,
    private readonly columns: readonly ExportColumn[],
    texts: ReadonlyArray<readonly string[]>,
  ) {
    const measure: Measure = (text) => doc.font(pdfFonts.regular).fontSize(tableFontSize).widthOfString(text);
    const headerMeasure: Measure = (text) => doc.font(pdfFonts.bold).fontSize(tableFontSize).widthOfString(text);
    this.widths = columnWidths(measure, columns, texts, headerMeasure);
    this.tableWidth = this.widths.reduce((sum, width) => sum + width, 0);
    this.headerCells = columns.map((column, index) => wrapText(headerMeasure, column.header, (this.widths[index] as number) - cellPadding * 2, headerLineLimit));
    this.headerHeight = rowHeightOf(Math.max(1, ...this.headerCells.map((lines) => lines.length)));
  }

  /** Each cell's lines at the widths chosen; identifiers and numbers wrap but are never cut. */
  layout(texts: readonly string[]): LaidOutRow {
    const { doc } = this;
    doc.font(pdfFonts.regular).fontSize(tableFontSize);
    const measure: Measure = (text) => doc.widthOfString(text);
    const cells = this.columns.map((column, index) =>
      wrapText(measure, texts[index] ?? '', (this.widths[index] as number) - cellPadding * 2, mustShowWhole(column) ? null : textLineLimit),
    );
    return { cells, height: rowHeightOf(Math.max(1, ...cells.map((lines) => lines.length))) };
  }

  header(): void {
    const { doc } = this;
    if (doc.y + this.headerHeight + rowHeightOf(1) > tableBottom) this.pager.newPage();
    const y = doc.y;
    doc.rect(pdfPage.margin, y, this.tableWidth, this.headerHeight).fill('#e9ecef');
    doc.font(pdfFonts.bold).fontSize(tableFontSize).fillColor('#212529');
    this.cells(this.headerCells, y, false);
    doc.y = y + this.headerHeight;
    this.striped = false;
  }

  row(row: LaidOutRow): void {
    const { doc } = this;
    if (rowPlacement(doc.y, row.height, this.headerHeight).newPage) {
      this.pager.newPage();
      this.header();
    }
    const y = doc.y;
    if (this.striped) doc.rect(pdfPage.margin, y, this.tableWidth, row.height).fill('#f8f9fa');
    this.striped = !this.striped;
    doc.font(pdfFonts.regular).fontSize(tableFontSize).fillColor('#212529');
    this.cells(row.cells, y, true);
    doc.y = y + row.height;
  }

  /** A dimmed line across the table (an empty table says so). */
  note(text: string): void {
    const { doc } = this;
    const y = doc.y;
    doc.font(pdfFonts.regular).fontSize(tableFontSize).fillColor('#868e96');
    doc.text(text, pdfPage.margin + cellPadding, y + cellPadding, { width: Math.max(this.tableWidth, 200) - cellPadding * 2, lineBreak: false });
    doc.y = y + rowHeightOf(1);
  }

  /** The page count once these rows follow the cursor, with `after` points of closing note below them. */
  plannedPages(rows: readonly LaidOutRow[], after: number): number {
    const range = this.doc.bufferedPageRange();
    let pages = range.start + range.count;
    let y = this.doc.y;
    for (const row of rows) {
      const placement = rowPlacement(y, row.height, this.headerHeight);
      if (placement.newPage) pages++;
      y = placement.top + row.height;
    }
    return y + after > pdfPage.height - pdfPage.margin ? pages + 1 : pages;
  }

  private cells(cells: readonly string[][], y: number, body: boolean): void {
    let x = pdfPage.margin;
    cells.forEach((lines, index) => {
      const width = this.widths[index] as number;
      const column = this.columns[index] as ExportColumn;
      const align = body && isNumeric(column) ? 'right' : 'left';
      lines.forEach((line, lineIndex) => {
        this.doc.text(line, x + cellPadding, y + cellPadding + lineIndex * lineHeight, { width: width - cellPadding * 2, align, lineBreak: false });
      });
      x += width;
    });
  }
}

/** The printed text of each cell of a row (display form: thousands separators on money). */
export function rowTexts(columns: readonly ExportColumn[], values: readonly (ExportValue | undefined)[]): string[] {
  return columns.map((column, index) => cellText(column, values[index], true));
}

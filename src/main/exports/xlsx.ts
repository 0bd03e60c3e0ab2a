import type { ExportColumn, ExportColumnKind, ExportDocument, ExportValue, SummaryTable, WriteOptions, WriteResult } from './model';
import { FileSink, TextChunker, throwIfAborted, yieldToEventLoop } from './sink';
import { excelSerialOfDate, excelSerialOfInstant, rowMasker, summaryRowColumns } from './values';
import { ZipWriter } from './zip';

/**
 * An Office Open XML workbook written as a stream, part by part, into a ZIP: text as inline
 * strings (no shared-string table to hold in memory), typed number and date cells with number
 * formats, a bold header row, a frozen pane under it and column widths. A main table longer than
 * a sheet's 1,048,576 rows continues on further sheets.
 */

const mainNamespace = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const relationshipNamespace = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const packageRelationshipNamespace = 'http://schemas.openxmlformats.org/package/2006/relationships';
const xmlHead = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Data rows per sheet: the format's 1,048,576 rows less the header. */
const maxDataRowsPerSheet = 1_048_575;

/** Style indexes into cellXfs below. */
const style = {
  plain: 0,
  header: 1,
  money: 2,
  integer: 3,
  percent: 4,
  instant: 5,
  date: 6,
  title: 7,
  label: 8,
  /** decimal with d fraction digits (0..4) is decimalBase + d. */
  decimalBase: 9,
} as const;

const stylesXml =
  xmlHead +
  `<styleSheet xmlns="${mainNamespace}">` +
  '<numFmts count="7">' +
  '<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>' +
  '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>' +
  '<numFmt numFmtId="166" formatCode="0"/>' +
  '<numFmt numFmtId="167" formatCode="0.0"/>' +
  '<numFmt numFmtId="168" formatCode="0.00"/>' +
  '<numFmt numFmtId="169" formatCode="0.000"/>' +
  '<numFmt numFmtId="170" formatCode="0.0000"/>' +
  '</numFmts>' +
  '<fonts count="3">' +
  '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>' +
  '</fonts>' +
  '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
  '<fill><patternFill patternType="solid"><fgColor rgb="FFE9ECEF"/><bgColor indexed="64"/></patternFill></fill></fills>' +
  '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>' +
  '<border><left/><right/><top/><bottom style="thin"><color rgb="FFADB5BD"/></bottom><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="14">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>' +
  '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="169" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="170" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

// Characters XML 1.0 cannot carry at all; they are dropped rather than breaking the file.
const invalidXmlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xmlSpecial = /[&<>"]/g;
const needsEscaping = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const xmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text escaped for XML content and attributes. */
export function xmlEscape(text: string): string {
  if (!needsEscaping.test(text)) return text;
  return text.replace(invalidXmlCharacters, '').replace(xmlSpecial, (character) => xmlEntities[character] as string);
}

/** Column letters: 0 -> A, 25 -> Z, 26 -> AA. */
export function columnLetters(index: number): string {
  let letters = '';
  let remaining = index + 1;
  while (remaining > 0) {
    const digit = (remaining - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    remaining = Math.floor((remaining - 1) / 26);
  }
  return letters;
}

function styleOf(kind: ExportColumnKind, digits: number | undefined): number {
  switch (kind) {
    case 'text':
      return style.plain;
    case 'integer':
      return style.integer;
    case 'decimal':
      return style.decimalBase + Math.max(0, Math.min(4, digits ?? 2));
    case 'money':
      return style.money;
    case 'percent':
      return style.percent;
    case 'instant':
      return style.instant;
    case 'date':
      return style.date;
    default: {
      const unknownKind: never = kind;
      throw new Error(`Unknown column kind ${String(unknownKind)}`);
    }
  }
}

/** Display width of text in character cells: CJK and other wide characters count double. */
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += (character.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1;
  return width;
}

function defaultWidth(column: ExportColumn): number {
  switch (column.kind) {
    case 'instant':
      return 20;
    case 'date':
      return 12;
    case 'money':
      return 14;
    case 'text':
      return 16;
    default:
      return 10;
  }
}

function widthOf(column: ExportColumn): number {
  return Math.min(60, Math.max(column.width ?? defaultWidth(column), displayWidth(column.header) + 2));
}

function inlineString(reference: string, text: string, styleIndex: number): string {
  const escaped = xmlEscape(text);
  const preserve = escaped !== escaped.trim() ? ' xml:space="preserve"' : '';
  const styleAttribute = styleIndex === 0 ? '' : ` s="${styleIndex}"`;
  return `<c r="${reference}"${styleAttribute} t="inlineStr"><is><t${preserve}>${escaped}</t></is></c>`;
}

function numberCell(reference: string, value: number, styleIndex: number): string {
  return `<c r="${reference}" s="${styleIndex}"><v>${value}</v></c>`;
}

/** Compiles the cell writer of one column: the type decides between a number and a string cell. */
function cellWriter(column: ExportColumn): (reference: string, value: ExportValue | undefined) => string {
  const styleIndex = styleOf(column.kind, column.digits);
  const asText = (reference: string, value: ExportValue) => inlineString(reference, String(value), style.plain);
  switch (column.kind) {
    case 'text':
      return (reference, value) => (value === null || value === undefined ? '' : inlineString(reference, String(value), style.plain));
    case 'money':
      return (reference, value) => {
        if (value === null || value === undefined) return '';
        return typeof value === 'number' ? numberCell(reference, value / 100, styleIndex) : asText(reference, value);
      };
    case 'instant':
      return (reference, value) => {
        if (value === null || value === undefined) return '';
        return typeof value === 'number' ? numberCell(reference, excelSerialOfInstant(value), styleIndex) : asText(reference, value);
      };
    case 'date':
      return (reference, value) => {
        if (value === null || value === undefined) return '';
        const serial = typeof value === 'string' ? excelSerialOfDate(value) : Number.NaN;
        return Number.isFinite(serial) ? numberCell(reference, serial, styleIndex) : asText(reference, value);
      };
    default:
      return (reference, value) => {
        if (value === null || value === undefined) return '';
        return typeof value === 'number' && Number.isFinite(value) ? numberCell(reference, value, styleIndex) : asText(reference, value);
      };
  }
}

/**
 * `lastRow`: the sheet's last row number for its `<dimension>` (streaming readers size the sheet
 * from it before reading a row), or null when it is not known up front.
 */
function sheetHead(columns: readonly ExportColumn[], selected: boolean, frozen: boolean, lastRow: number | null): string {
  const pane = frozen
    ? '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    : '';
  const cols = columns
    .map((column, index) => `<col min="${index + 1}" max="${index + 1}" width="${widthOf(column)}" customWidth="1"/>`)
    .join('');
  return (
    xmlHead +
    `<worksheet xmlns="${mainNamespace}" xmlns:r="${relationshipNamespace}">` +
    (lastRow !== null && columns.length > 0 ? `<dimension ref="A1:${columnLetters(columns.length - 1)}${Math.max(1, lastRow)}"/>` : '') +
    `<sheetViews><sheetView workbookViewId="0"${selected ? ' tabSelected="1"' : ''}>${pane}</sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : '') +
    '<sheetData>'
  );
}

const sheetTail = '</sheetData></worksheet>';

function headerRow(columns: readonly ExportColumn[]): string {
  return `<row r="1">${columns.map((column, index) => inlineString(`${columnLetters(index)}1`, column.header, style.header)).join('')}</row>`;
}

/** Sheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
function sheetNamer(): (wanted: string) => string {
  const used = new Set<string>();
  return (wanted) => {
    const base = wanted.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31) || 'Sheet';
    let name = base;
    for (let suffix = 2; used.has(name.toLowerCase()); suffix++) name = `${base.slice(0, 31 - String(suffix).length - 3)} (${suffix})`;
    used.add(name.toLowerCase());
    return name;
  };
}

interface RowCursor {
  next(): Promise<IteratorResult<ExportValue[]>>;
  return(): Promise<unknown>;
}

function cursorOf(rows: AsyncIterable<ExportValue[]> | Iterable<ExportValue[]>): RowCursor {
  if (Symbol.asyncIterator in rows) {
    const iterator = (rows as AsyncIterable<ExportValue[]>)[Symbol.asyncIterator]();
    return { next: () => iterator.next(), return: async () => iterator.return?.() };
  }
  const iterator = (rows as Iterable<ExportValue[]>)[Symbol.iterator]();
  return { next: async () => iterator.next(), return: async () => iterator.return?.() };
}

function labels(locale: ExportDocument['locale']) {
  return locale === 'en'
    ? { data: 'Data', about: 'About', generatedAt: 'Generated at', generatedBy: 'Generated by', rows: 'Rows', masked: 'Personal data', maskedYes: 'masked', maskedNo: 'in clear', filter: 'Filter', value: 'Value' }
    : { data: '明细', about: '报告信息', generatedAt: '生成时间', generatedBy: '生成人', rows: '行数', masked: '个人信息', maskedYes: '已脱敏', maskedNo: '明文', filter: '项目', value: '内容' };
}

/**
 * Writes the workbook: the main table first (continued on further sheets past a sheet's row
 * limit), one sheet per summary table, and an "about" sheet with the title, the filters, who
 * generated it and when, and the row count.
 */
export async function writeXlsx(document: ExportDocument, path: string, options: WriteOptions = {}): Promise<WriteResult> {
  const sink = new FileSink(path);
  const zip = new ZipWriter(sink, document.generatedAt, 1);
  const text = labels(document.locale);
  const nameSheet = sheetNamer();
  const sheetNames: string[] = [];
  const { columns } = document.main;
  const mask = rowMasker(columns, document.masked);
  const writers = columns.map(cellWriter);
  const letters = columns.map((_column, index) => columnLetters(index));
  const cursor = cursorOf(document.main.rows);
  const totalRows = document.main.totalRows;
  let rows = 0;
  let exhausted = false;

  async function* mainSheet(first: boolean): AsyncGenerator<string | Buffer> {
    // The rows this sheet will hold, from the source's count made with the same filters when the
    // export started (the writer streams, so it cannot count them first itself).
    const planned = totalRows === null ? null : Math.min(maxDataRowsPerSheet, Math.max(0, totalRows - rows));
    yield sheetHead(columns, first, true, planned === null ? null : planned + 1) + headerRow(columns);
    const chunker = new TextChunker();
    let rowNumber = 1;
    while (rowNumber <= maxDataRowsPerSheet) {
      const next = await cursor.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const row = mask ? mask(next.value) : next.value;
      rowNumber++;
      rows++;
      let xml = `<row r="${rowNumber}">`;
      for (let index = 0; index < writers.length; index++) {
        xml += (writers[index] as (reference: string, value: ExportValue | undefined) => string)(`${letters[index]}${rowNumber}`, row[index]);
      }
      const chunk = chunker.add(`${xml}</row>`);
      if (chunk !== null) {
        yield chunk;
        options.onProgress?.(rows);
        await yieldToEventLoop();
        throwIfAborted(options.signal);
      }
    }
    yield chunker.take();
    yield sheetTail;
  }

  function* smallSheet(table: SummaryTable): Generator<string> {
    const tableColumns = table.columns;
    const tableRows = table.rows;
    yield sheetHead(tableColumns, false, true, tableRows.length + 1) + headerRow(tableColumns);
    // A table of figures types each row on its own (a count, yuan, a ratio): writers per kind.
    const columnsOfRow = summaryRowColumns(table);
    const writersOf = new Map<ExportColumn[], Array<ReturnType<typeof cellWriter>>>();
    const tableMask = rowMasker(tableColumns, document.masked);
    let xml = '';
    tableRows.forEach((source, rowIndex) => {
      const row = tableMask ? tableMask([...source]) : source;
      const rowColumns = columnsOfRow(rowIndex);
      let tableWriters = writersOf.get(rowColumns);
      if (!tableWriters) {
        tableWriters = rowColumns.map(cellWriter);
        writersOf.set(rowColumns, tableWriters);
      }
      const rowNumber = rowIndex + 2;
      xml += `<row r="${rowNumber}">`;
      tableWriters.forEach((write, index) => {
        xml += write(`${columnLetters(index)}${rowNumber}`, row[index]);
      });
      xml += '</row>';
    });
    yield xml + sheetTail;
  }

  function* aboutSheet(): Generator<string> {
    const labelColumn: ExportColumn = { key: 'label', header: text.filter, kind: 'text', width: 18 };
    const valueColumn: ExportColumn = { key: 'value', header: text.value, kind: 'text', width: 48 };
    // Title, the filters, then generated at, generated by, rows and masked.
    let xml = sheetHead([labelColumn, valueColumn], false, false, 1 + document.filters.length + 4);
    let rowNumber = 0;
    const line = (label: string, cell: (reference: string) => string) => {
      rowNumber++;
      xml += `<row r="${rowNumber}">${inlineString(`A${rowNumber}`, label, style.label)}${cell(`B${rowNumber}`)}</row>`;
    };
    rowNumber++;
    xml += `<row r="1">${inlineString('A1', document.title, style.title)}</row>`;
    for (const filter of document.filters) line(filter.label, (reference) => inlineString(reference, filter.value, style.plain));
    line(text.generatedAt, (reference) => numberCell(reference, excelSerialOfInstant(document.generatedAt), style.instant));
    line(text.generatedBy, (reference) => inlineString(reference, document.generatedBy, style.plain));
    line(text.rows, (reference) => numberCell(reference, rows, style.integer));
    line(text.masked, (reference) => inlineString(reference, document.masked ? text.maskedYes : text.maskedNo, style.plain));
    yield xml + sheetTail;
  }

  try {
    try {
      do {
        const index = sheetNames.length + 1;
        sheetNames.push(nameSheet(sheetNames.length === 0 ? document.main.title || text.data : `${document.main.title || text.data} ${index}`));
        await zip.addEntry(`xl/worksheets/sheet${index}.xml`, mainSheet(index === 1), options.signal);
      } while (!exhausted);
    } finally {
      await cursor.return();
    }
    options.onProgress?.(rows);
    for (const summary of document.summaries) {
      throwIfAborted(options.signal);
      sheetNames.push(nameSheet(summary.title));
      await zip.addEntry(`xl/worksheets/sheet${sheetNames.length}.xml`, smallSheet(summary));
    }
    sheetNames.push(nameSheet(text.about));
    await zip.addEntry(`xl/worksheets/sheet${sheetNames.length}.xml`, aboutSheet());

    const sheetEntries = sheetNames.map((name, index) => `<sheet name="${xmlEscape(name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`);
    await zip.addEntry(
      'xl/workbook.xml',
      [
        xmlHead +
          `<workbook xmlns="${mainNamespace}" xmlns:r="${relationshipNamespace}">` +
          '<bookViews><workbookView activeTab="0"/></bookViews>' +
          `<sheets>${sheetEntries.join('')}</sheets></workbook>`,
      ],
    );
    await zip.addEntry('xl/styles.xml', [stylesXml]);
    await zip.addEntry(
      'xl/_rels/workbook.xml.rels',
      [
        xmlHead +
          `<Relationships xmlns="${packageRelationshipNamespace}">` +
          sheetNames
            .map((_name, index) => `<Relationship Id="rId${index + 1}" Type="${relationshipNamespace}/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`)
            .join('') +
          `<Relationship Id="rId${sheetNames.length + 1}" Type="${relationshipNamespace}/styles" Target="styles.xml"/>` +
          '</Relationships>',
      ],
    );
    await zip.addEntry(
      '_rels/.rels',
      [
        xmlHead +
          `<Relationships xmlns="${packageRelationshipNamespace}">` +
          `<Relationship Id="rId1" Type="${relationshipNamespace}/officeDocument" Target="xl/workbook.xml"/>` +
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
          `<Relationship Id="rId3" Type="${relationshipNamespace}/extended-properties" Target="docProps/app.xml"/>` +
          '</Relationships>',
      ],
    );
    const created = `${new Date(document.generatedAt).toISOString().slice(0, 19)}Z`;
    await zip.addEntry(
      'docProps/core.xml',
      [
        xmlHead +
          '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
          `<dc:title>${xmlEscape(document.title)}</dc:title><dc:creator>${xmlEscape(document.generatedBy)}</dc:creator>` +
          `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created>` +
          '</cp:coreProperties>',
      ],
    );
    await zip.addEntry(
      'docProps/app.xml',
      [
        xmlHead +
          '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>CreditDesk</Application></Properties>',
      ],
    );
    await zip.addEntry(
      '[Content_Types].xml',
      [
        xmlHead +
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          sheetNames
            .map((_name, index) => `<Override PartName="/xl/worksheets/sheet${index + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
            .join('') +
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
          '</Types>',
      ],
    );
    await zip.finish();
    await sink.close();
  } catch (error) {
    sink.destroy();
    throw error;
  }
  return { rows, bytes: sink.bytes, truncated: false };
}


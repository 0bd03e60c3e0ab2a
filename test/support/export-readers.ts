// Readers for tests: open produced files with independent parsers (exceljs, pdf.js) and check
// what a person would see, not only that a file exists.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';

/** Opens an XLSX with exceljs's reader. */
export async function readWorkbook(path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook;
}

/** The text of each page of a PDF, as pdf.js extracts it (items joined by spaces). */
export async function readPdfPages(path: string): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await getDocument({ data: new Uint8Array(readFileSync(path)), isEvalSupported: false, useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await document.destroy();
  return pages;
}

/** How many path-filling operations page `number` draws (charts are vector bars and lines). */
export async function countPdfFills(path: string, number: number): Promise<number> {
  const { getDocument, OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await getDocument({ data: new Uint8Array(readFileSync(path)), isEvalSupported: false, useSystemFonts: false }).promise;
  const page = await document.getPage(number);
  const operators = await page.getOperatorList();
  await document.destroy();
  const fills = new Set<number>([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.constructPath]);
  return operators.fnArray.filter((operator) => fills.has(operator)).length;
}

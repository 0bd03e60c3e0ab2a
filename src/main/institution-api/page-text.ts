/**
 * The text of each record of a page as the institution sent it, as its UTF-8 bytes. A page's body
 * is parsed with `JSON.parse` as always; this scan only finds where each element of its top-level
 * `data` array starts and ends in the body's bytes, so ingest can store an application's record
 * (and quarantine an invalid one) as the institution's own text instead of serializing the parsed
 * object again, which was the largest single cost of preparing an application; the scan costs a
 * fraction of that (docs/performance.md#page-text).
 *
 * Why bytes and not the decoded string: an element is a view of the body (no copy), and the body
 * is UTF-8 already, which is what SQLite stores; a slice of the decoded string would keep the
 * whole page's string alive (two bytes a character once a page holds any Chinese), and binding it
 * would encode it to UTF-8 again, which costs more than binding the bytes as they are (stored
 * with `CAST(? AS TEXT)`, so the column stays text). The scan
 * is the same on bytes: every byte JSON's structure needs (quotes, backslashes, brackets, commas,
 * colons, whitespace) is ASCII, and no byte of a multi-byte UTF-8 character is. A body that is
 * not valid UTF-8 gives null (its decoded text, which `JSON.parse` read, would differ from its
 * bytes).
 *
 * The scan knows only what JSON's grammar needs to find those bounds: strings (with escapes),
 * brackets and commas. It never decides whether the body is valid JSON: `JSON.parse` does, and a
 * body it accepts has well-formed bounds. Anything the scan does not expect (no `data` array,
 * a different number of elements than the parse found, a top-level string written with
 * escapes, which could be the key spelled differently) gives null, and the caller serializes as before.
 */
import { isUtf8 } from 'node:buffer';

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/** Index just past the string whose opening quote is at `start`, or -1 if it never closes. */
function endOfString(bytes: Buffer, start: number): number {
  let at = start + 1;
  for (;;) {
    const close = bytes.indexOf(quote, at);
    if (close < 0) return -1;
    // A quote preceded by an odd number of backslashes is escaped.
    let backslashes = 0;
    for (let index = close - 1; index > start && bytes[index] === backslash; index--) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    at = close + 1;
  }
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Whether the string ending just before `end` is a member's name (a colon follows it). */
function isKey(bytes: Buffer, end: number): boolean {
  let at = end;
  while (at < bytes.length && isWhitespace(bytes[at]!)) at++;
  return bytes[at] === colon;
}

/** A view of the bytes from `start` to `end` without the whitespace around them (no copy). */
function trimmed(bytes: Buffer, start: number, end: number): Buffer {
  let from = start;
  let to = end;
  while (from < to && isWhitespace(bytes[from]!)) from++;
  while (to > from && isWhitespace(bytes[to - 1]!)) to--;
  return bytes.subarray(from, to);
}

/**
 * The UTF-8 texts (views of `body`, not copies) of the elements of the array under `key` in the
 * top-level object of `body`, in order; the last such member when the key repeats (as
 * `JSON.parse` keeps the last). Null when there is no such array, the body does not scan
 * cleanly, or it is not valid UTF-8.
 */
export function arrayElementTexts(body: Buffer, key: string): Buffer[] | null {
  return isUtf8(body) ? arrayElementBytes(body, key) : null;
}

/** arrayElementTexts for any bytes: every byte the scan looks for is ASCII, which no byte of a broken sequence is either. */
function arrayElementBytes(body: Buffer, key: string): Buffer[] | null {
  return scanArray(body, key)?.elements ?? null;
}

/**
 * A page's body in parts that decode small: the text of the body with the elements of the array
 * under `key` taken out (`{"data":[],...}`) and each element's bytes (views, as
 * arrayElementTexts gives them). Null where arrayElementTexts is null.
 *
 * Why: decoding a whole page to one string (about a megabyte, two bytes a character once it holds
 * any Chinese) is a large allocation V8 makes outside its young generation, and on the server it
 * cost more than JSON.parse of the same text; each element's text is a few kilobytes, made and
 * dropped in the young generation (docs/performance.md#page-text). `parsePageBody` puts the parts
 * together again.
 */
export function pageParts(body: Buffer, key: string): { envelope: string; elements: Buffer[] } | null {
  if (!isUtf8(body)) return null;
  const scanned = scanArray(body, key);
  if (scanned === null) return null;
  return { envelope: body.toString('utf8', 0, scanned.open + 1) + body.toString('utf8', scanned.close), elements: scanned.elements };
}

/**
 * `JSON.parse` of a page's body, with the array under `key` parsed element by element from
 * `pageParts` (null when the parts cannot be used: the caller parses the whole text, which also
 * says why it is not JSON). The same value as `JSON.parse` of the whole text: the parts are the
 * body cut at the array's own brackets and commas, outside any string, so the body is valid JSON
 * exactly when the envelope and every element are, and the element values are the array's.
 */
export function parsePageBody(body: Buffer, key: string): { json: Record<string, unknown>; elements: Buffer[] } | null {
  const parts = pageParts(body, key);
  if (parts === null) return null;
  let json: unknown;
  const records: unknown[] = new Array(parts.elements.length);
  try {
    json = JSON.parse(parts.envelope);
    for (let index = 0; index < parts.elements.length; index++) records[index] = JSON.parse(parts.elements[index]!.toString('utf8'));
  } catch {
    return null;
  }
  // The emptied array must be the member JSON.parse keeps (the last of that name, at the top).
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const emptied = (json as Record<string, unknown>)[key];
  if (!Array.isArray(emptied) || emptied.length !== 0) return null;
  (json as Record<string, unknown>)[key] = records;
  return { json: json as Record<string, unknown>, elements: parts.elements };
}

/**
 * A page read from its parts (`parsePageBody`) and checked by `schema`, each record's text in
 * `texts`; null where the whole body must be read instead (the parts cannot be used, or the page
 * breaks the schema: reading it whole says how).
 */
export function pageFromParts<T extends { data: unknown[] }>(body: Buffer, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): (T & { texts: Buffer[] }) | null {
  const parts = parsePageBody(body, 'data');
  if (parts === null) return null;
  const parsed = schema.safeParse(parts.json);
  if (!parsed.success || parsed.data.data.length !== parts.elements.length) return null;
  return Object.assign(parsed.data, { texts: parts.elements });
}

/** The elements of the top-level array under `key` (the last such member) and where its brackets are. */
function scanArray(body: Buffer, key: string): { elements: Buffer[]; open: number; close: number } | null {
  let open = -1;
  let close = -1;
  let depth = 0;
  // The last string read directly inside the top-level object, to tell a key from a value.
  let lastTopString: string | null = null;
  let elements: Buffer[] | null = null;
  let collecting: Buffer[] | null = null;
  let elementStart = -1;
  let collectingFrom = -1;
  const length = body.length;
  for (let index = 0; index < length; index++) {
    const code = body[index]!;
    if (code === quote) {
      const end = endOfString(body, index);
      if (end < 0) return null;
      if (depth === 1) {
        lastTopString = body.toString('utf8', index + 1, end - 1);
        // A top-level key written with escapes may equal `key` (\u0064ata): rather than decode
        // it, give up, so a later duplicate spelled that way can never be missed.
        if (lastTopString.includes('\\') && isKey(body, end)) return null;
      }
      index = end - 1;
      continue;
    }
    if (code === openBrace || code === openBracket) {
      if (depth === 1 && code === openBracket && lastTopString === key) {
        collecting = [];
        elementStart = index + 1;
        collectingFrom = index;
      }
      depth++;
      continue;
    }
    if (code === closeBrace || code === closeBracket) {
      depth--;
      if (depth < 0) return null;
      if (depth === 1 && collecting !== null) {
        if (code !== closeBracket) return null;
        const last = trimmed(body, elementStart, index);
        if (last.length > 0) collecting.push(last);
        else if (collecting.length > 0) return null;
        elements = collecting;
        collecting = null;
        open = collectingFrom;
        close = index;
      }
      continue;
    }
    if (code === comma) {
      if (depth === 2 && collecting !== null) {
        collecting.push(trimmed(body, elementStart, index));
        elementStart = index + 1;
      } else if (depth === 1) {
        lastTopString = null;
      }
      continue;
    }
    if (code === colon && depth === 1) continue;
    // Any other character (numbers, literals, whitespace) needs nothing.
  }
  if (depth !== 0 || elements === null) return null;
  return { elements, open, close };
}

/**
 * Where a record's bytes are not UTF-8, as a non-enumerable mark on its parsed object: JSON.parse
 * read such bytes as U+FFFD, which would be stored silently (a borrower's name with a replacement
 * character). prepare.ts refuses a marked record to quarantine with this reason.
 */
const invalidUtf8Mark = Symbol('invalid UTF-8');

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let index = 0; index < bytes.length; ) {
    const lead = bytes[index]!;
    const width = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (width === 0 || index + width > bytes.length || !isUtf8(bytes.subarray(index, index + width))) return index;
    index += width;
  }
  return -1;
}

/** Why `bytes` cannot be stored as text: where the first broken sequence is, and what precedes it. */
export function invalidUtf8Reason(bytes: Buffer): string {
  const at = firstInvalidUtf8(bytes);
  const before = bytes.toString('utf8', Math.max(0, at - 24), at).replace(/^[\s\S]*?(?=[\x20-\x7e\u4e00-\u9fff])/, '');
  return `The record is not valid UTF-8 at byte ${at} (after …${before}); its text would be stored with U+FFFD in place of what was sent`;
}

/**
 * Marks the records of a page whose bytes are not valid UTF-8 (the body was not): each one when
 * the records can be told apart in the body, else all of them (each is fetched again by id).
 */
export function markInvalidUtf8Records(body: Buffer, key: string, records: readonly unknown[]): void {
  const elements = arrayElementBytes(body, key);
  const apart = elements !== null && elements.length === records.length;
  records.forEach((record, index) => {
    const bytes = apart ? (elements[index] as Buffer) : body;
    if (apart && isUtf8(bytes)) return;
    markInvalidUtf8(record, apart ? invalidUtf8Reason(bytes) : `The page's body is not valid UTF-8 and its records could not be told apart (${invalidUtf8Reason(body)})`);
  });
}

export function markInvalidUtf8(record: unknown, reason: string): void {
  if (record !== null && typeof record === 'object') Object.defineProperty(record, invalidUtf8Mark, { value: reason, enumerable: false });
}

/** The reason a record was marked by markInvalidUtf8Records, or undefined. */
export function invalidUtf8Of(record: unknown): string | undefined {
  return record !== null && typeof record === 'object' ? ((record as Record<symbol, string | undefined>)[invalidUtf8Mark]) : undefined;
}


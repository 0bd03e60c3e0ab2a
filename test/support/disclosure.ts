/**
 * Finds personal data in an answer: a borrower's or contact's true values appearing whole, and
 * masked values that the rest of the same answer completes (a masked ID number plus the birth
 * date it hides, two differently masked phones, a masked name plus a short text holding the rest
 * of it). The true values come from the database (the borrower rows and the application records
 * as the institution sent them), never from the answers.
 */
import type { Db } from '../../src/main/db/connection';
import { normalizeMobile, validateMobile } from '../../src/shared/domain/contact-info';

export interface Secrets {
  idNumbers: Set<string>;
  phones: Set<string>;
  /** Names of borrowers and contacts and the names saved in address books (two characters or more). */
  names: Set<string>;
  addresses: Set<string>;
  /** Texts that are no one's personal data (institution, product and reason names), skipped when completing a masked name. */
  publicTexts: Set<string>;
}

interface RecordShape {
  borrower?: { name?: string; id_number?: string; phone?: string };
  authentication?: {
    personal_info?: { result?: { residence_address?: string } | null };
    id_card_ocr?: { result?: { front?: { name?: string; id_number?: string; address?: string } } | null };
    contacts?: { result?: { emergency_contacts?: Array<{ name?: string; phone?: string; address_book_entry?: { display_name?: string } | null }> } | null };
  };
}

/** Every personal value the database holds: borrower rows and the application records. */
export function secretsOf(db: Db): Secrets {
  const secrets: Secrets = { idNumbers: new Set(), phones: new Set(), names: new Set(), addresses: new Set(), publicTexts: new Set() };
  const addId = (value: string | undefined) => {
    const cleaned = (value ?? '').replace(/\s+/g, '').toUpperCase();
    if (/^\d{17}[\dX]$/.test(cleaned)) secrets.idNumbers.add(cleaned);
  };
  const addPhone = (value: string | undefined) => {
    if (value && validateMobile(value).valid) secrets.phones.add(normalizeMobile(value));
  };
  const addName = (value: string | undefined) => {
    const trimmed = (value ?? '').trim();
    if (Array.from(trimmed).length >= 2) secrets.names.add(trimmed);
  };
  const addAddress = (value: string | undefined) => {
    if (value && value.trim().length >= 6) secrets.addresses.add(value.trim());
  };
  for (const row of db.$client.prepare('SELECT name, phone, id_number AS idNumber FROM borrowers').all() as Array<{ name: string; phone: string; idNumber: string }>) {
    addId(row.idNumber);
    addPhone(row.phone);
    addName(row.name);
  }
  for (const { record } of db.$client.prepare('SELECT record FROM applications').all() as Array<{ record: string }>) {
    let parsed: RecordShape;
    try {
      parsed = JSON.parse(record) as RecordShape;
    } catch {
      continue;
    }
    addId(parsed.borrower?.id_number);
    addPhone(parsed.borrower?.phone);
    addName(parsed.borrower?.name);
    const front = parsed.authentication?.id_card_ocr?.result?.front;
    addId(front?.id_number);
    addName(front?.name);
    addAddress(front?.address);
    addAddress(parsed.authentication?.personal_info?.result?.residence_address);
    for (const contact of parsed.authentication?.contacts?.result?.emergency_contacts ?? []) {
      addPhone(contact.phone);
      addName(contact.name);
      addName(contact.address_book_entry?.display_name);
    }
  }
  const publicTexts = db.$client
    .prepare(
      `SELECT name AS text FROM institutions UNION SELECT code FROM institutions UNION SELECT DISTINCT product_name FROM applications
       UNION SELECT label_zh FROM review_reason_codes UNION SELECT label_en FROM review_reason_codes`,
    )
    .all() as Array<{ text: string }>;
  for (const { text } of publicTexts) secrets.publicTexts.add(text);
  return secrets;
}

/** Keys whose values name organisations, products and provinces, never a person. */
const publicKeys = new Set(['bankName', 'productName', 'productCode', 'labelZh', 'labelEn', 'institutionName', 'institutionCode', 'code', 'province']);

/** Every string in a value, object keys included; `open` gets those not under a public key. */
export function stringsOf(value: unknown, into: string[] = [], open: string[] = [], key = ''): string[] {
  if (typeof value === 'string') {
    into.push(value);
    if (!publicKeys.has(key)) open.push(value);
  } else if (Array.isArray(value)) for (const item of value) stringsOf(item, into, open, key);
  else if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      into.push(name);
      stringsOf(item, into, open, name);
    }
  }
  return into;
}

/** The ways a birth date is written: 19900108, 1990-01-08, 1990/1/8, 1990.01.08, 1990年1月8日. */
function birthDateForms(idNumber: string): string[] {
  const year = idNumber.slice(6, 10);
  const month = idNumber.slice(10, 12);
  const day = idNumber.slice(12, 14);
  const m = String(Number(month));
  const d = String(Number(day));
  return [`${year}${month}${day}`, `${year}-${month}-${day}`, `${year}/${month}/${day}`, `${year}/${m}/${d}`, `${year}.${month}.${day}`, `${year}年${m}月${d}日`, `${year}年${month}月${day}日`];
}

function maskedName(name: string): string {
  const characters = Array.from(name);
  return characters.map((character, index) => (index === 0 || character === '·' ? character : '*')).join('');
}

/** The secrets indexed for a fast scan of many answers. */
export interface SecretIndex {
  secrets: Secrets;
  /** ID numbers and phones by what their usual mask shows (first 6 + last 4, first 3 + last 4). */
  idsByEnds: Map<string, string[]>;
  phonesByEnds: Map<string, string[]>;
  namesByMask: Map<string, string[]>;
  /** Addresses by their first 6 characters. */
  addressesByStart: Map<string, string[]>;
  /** Names longer than shortNameLength, looked for whole (the rest by every substring). */
  longNames: string[];
}

const shortNameLength = 6;

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexSecrets(secrets: Secrets): SecretIndex {
  const index: SecretIndex = { secrets, idsByEnds: new Map(), phonesByEnds: new Map(), namesByMask: new Map(), addressesByStart: new Map(), longNames: [] };
  for (const address of secrets.addresses) push(index.addressesByStart, Array.from(address).slice(0, 6).join(''), address);
  for (const id of secrets.idNumbers) push(index.idsByEnds, id.slice(0, 6) + id.slice(-4), id);
  for (const phone of secrets.phones) push(index.phonesByEnds, phone.slice(0, 3) + phone.slice(-4), phone);
  for (const name of secrets.names) {
    push(index.namesByMask, maskedName(name), name);
    if (name.length > shortNameLength) index.longNames.push(name);
  }
  return index;
}

/** Positions of `secret` that masked forms in `masks` show (same length, '*' where hidden, the true character elsewhere). */
function shownPositions(secret: string, masks: readonly string[]): Set<number> {
  const shown = new Set<number>();
  for (const text of masks) {
    if (text.length !== secret.length) continue;
    const consistent = Array.from(text).every((character, index) => character === '*' || character === secret[index]);
    if (!consistent) continue;
    Array.from(text).forEach((character, index) => {
      if (character !== '*') shown.add(index);
    });
  }
  return shown;
}

/**
 * What of the secrets one answer (or several answers taken together) discloses, each as
 * "kind: value" (empty when nothing). `shortestRest`: how many characters a masked name's hidden
 * part must have for a short text holding them to count as completing it (1: every name).
 */
export function disclosures(answer: unknown, index: SecretIndex, options: { shortestRest?: number } = {}): string[] {
  const shortestRest = options.shortestRest ?? 1;
  const { secrets } = index;
  const personal: string[] = [];
  // Each distinct text once: many answers taken together repeat the same keys and masks.
  const strings = [...new Set(stringsOf(answer, [], personal))];
  const compact = [...new Set(strings.map((text) => text.replace(/[\s-]+/g, '').toUpperCase()))];
  const found = new Set<string>();
  // Clear values: every run of digits of the right length, every short substring for names.
  for (const text of compact) {
    for (const match of text.matchAll(/\d{17}[\dX]/g)) if (secrets.idNumbers.has(match[0])) found.add(`id number in clear: ${match[0]}`);
    for (let start = 0; start + 11 <= text.length; start += 1) {
      const candidate = text.slice(start, start + 11);
      if (secrets.phones.has(candidate)) found.add(`phone in clear: ${candidate}`);
    }
  }
  for (const text of strings) {
    const characters = Array.from(text);
    for (let start = 0; start < characters.length; start += 1) {
      let candidate = characters[start] as string;
      for (let end = start + 1; end < characters.length && candidate.length < shortNameLength; end += 1) {
        candidate += characters[end] as string;
        if (secrets.names.has(candidate)) found.add(`name in clear: ${candidate}`);
      }
    }
    for (const name of index.longNames) if (text.includes(name)) found.add(`name in clear: ${name}`);
    for (let start = 0; start + 6 <= characters.length; start += 1) {
      for (const address of index.addressesByStart.get(characters.slice(start, start + 6).join('')) ?? []) {
        if (text.includes(address)) found.add(`address in clear: ${address}`);
      }
    }
  }
  // Masks completed by the rest of the answer.
  const idMasks = compact.filter((text) => text.length === 18 && text.includes('*') && /^[\dX*]+$/.test(text));
  for (const mask of idMasks) {
    for (const id of index.idsByEnds.get(mask.slice(0, 6) + mask.slice(-4)) ?? []) {
      const shown = shownPositions(id, idMasks);
      if (birthDateForms(id).some((form) => strings.some((text) => text.includes(form)))) for (let position = 6; position < 14; position += 1) shown.add(position);
      // The check character follows from the other 17, so one hidden position is none.
      if (shown.size >= 17) found.add(`id number rebuilt from its mask and the rest of the answer: ${id}`);
    }
  }
  const phoneMasks = compact.filter((text) => text.length === 11 && text.includes('*') && /^[\d*]+$/.test(text));
  for (const phone of secrets.phones.size > 0 ? new Set(phoneMasks.flatMap((mask) => index.phonesByEnds.get(mask.slice(0, 3) + mask.slice(-4)) ?? [])) : []) {
    if (shownPositions(phone, phoneMasks).size >= 11) found.add(`phone rebuilt from two masks: ${phone}`);
  }
  const shortTexts = [...new Set(personal)].filter((text) => text.length <= 8 && !text.includes('*') && !secrets.publicTexts.has(text));
  for (const text of strings) {
    for (const name of index.namesByMask.get(text) ?? []) {
      // A masked name shows the first character; a short text (a remark, a label) holding all the rest completes it.
      const rest = Array.from(name).slice(1).join('');
      if (Array.from(rest).length < shortestRest) continue;
      const completing = shortTexts.find((short) => short.includes(rest));
      if (completing !== undefined) found.add(`name rebuilt from its mask and a short text: ${name} (${text} + ${completing})`);
    }
  }
  return [...found];
}

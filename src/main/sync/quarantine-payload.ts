/**
 * A quarantined record as the Sync page shows it: the institution's JSON with every personal
 * field masked the way the rest of the app masks it, so the page answers why the record failed
 * without giving what a reveal would. The log's key list is not enough here: it misses the
 * institution API's own names (`birth_date`, `residence_address`, `display_name`, `remark`), a
 * birth date beside the borrower's masked ID number elsewhere completes it, and an address
 * longer than a name passes its free-text masks.
 */
import { maskAddress, maskBankCard, maskBirthDate, maskFreeText, maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import { redactText } from '../logging/redact';

const secretKey = /pass(word)?|secret|token|authorization|cookie|signature|api[-_]?key|credential/i;

/** Personal fields by key (snake_case as the institution API writes them, camelCase too), each with the app's mask. */
const maskByKey: Array<[RegExp, (value: string) => string]> = [
  [/^(id_?number|id_?no|id_?card_?(no|number))$/i, maskIdNumber],
  [/^(phone|mobile|reserved_?phone|.*_phone)$/i, maskPhone],
  [/^(card_?(no|number)|bank_?card_?(no|number))$/i, maskBankCard],
  [/^(birth_?date|birthday|date_?of_?birth|dob)$/i, maskBirthDate],
  [/address$/i, maskAddress],
  // Saved names and remarks are often nicknames holding part of a name: masked whole, as on the task page.
  [/^(display_?name|remark|nickname|note)$/i, maskFreeText],
  [/^(name|real_?name|borrower_?name|contact_?name)$/i, maskName],
];

/** Deeper than any institution record; past it a value is replaced, not shown. */
const maxDepth = 32;

/** A deep copy of a record with secrets dropped, personal fields masked by key and free text masked as in the log. */
export function maskRecordPayload(value: unknown, depth = 0): unknown {
  if (depth > maxDepth) return '[nested]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => maskRecordPayload(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (secretKey.test(key)) {
      out[key] = '[redacted]';
      continue;
    }
    const mask = maskByKey.find(([pattern]) => pattern.test(key))?.[1];
    if (mask === undefined) out[key] = maskRecordPayload(inner, depth + 1);
    else if (typeof inner === 'string') out[key] = mask(inner);
    else if (inner === null || inner === undefined || typeof inner === 'boolean') out[key] = inner;
    // A personal field of an unexpected type (a number, an object): nothing of it is shown.
    else out[key] = '[personal]';
  }
  return out;
}

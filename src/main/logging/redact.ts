const secretKey = /pass(word)?|secret|token|authorization|cookie|signature|api[-_]?key|credential/i;
const personalKey = /^(name|real_?name|borrower_?name|id_?number|id_?no|phone|mobile|address|card(_?no|_?number)?|bank_?card|contacts?)$/i;

/** Chain hashes and heads ("ID:HASH"): hex digests, never personal, kept whole to compare. */
const digestKey = /^(audit_?head|hash|prev_?hash|last_?hash)$/i;
const digestValue = /^(\d+:)?[0-9a-f]{64}$/;

// Digits may come spaced or dashed ("138 1234 5678", "110105 19491231 002X"): one optional
// separator between any two digits. Full-width digits and signs are folded first (NFKC).
const separator = '[ \\-\\u2010-\\u2015.]?';
const idNumberPattern = new RegExp(`(?<![\\d])\\d(?:${separator}\\d){16}${separator}[\\dXx](?![\\dXx])`, 'g');
const longDigitsPattern = new RegExp(`(?<![\\d])\\d(?:${separator}\\d){15,18}(?![\\d])`, 'g');
// Mobile numbers with or without +86 / 0086 / 86 in front.
const phonePattern = new RegExp(`(?<![\\d+])(?:(?:\\+|00)86${separator}|86${separator})?1[3-9](?:${separator}\\d){9}(?![\\d])`, 'g');
// A name after a label ("姓名：张三", "name=张三", "contact: Li Lei"): the value up to a delimiter.
const labelledName = /(?<![A-Za-z_])([Nn]ame|NAME|姓名|联系人|借款人|紧急联系人|[Cc]ontact|CONTACT|[Bb]orrower|BORROWER)(["']?\s*[:：=]\s*["']?)([^\s,;，；。"'}\]]{1,40}(?: [A-Z][a-z]+){0,2})/gu;
const labels = new Set(['姓名', '联系人', '借款人', '紧急联系人']);
// Chinese names in free text: a standalone run of 2-4 Han characters keeps its first one.
const hanName = /(?<!\p{Script=Han})(\p{Script=Han})(\p{Script=Han}{1,3})(?!\p{Script=Han})/gu;

const plainText = /^[\x20-\x2f\x3b\x3c\x3e-\x7e]*$/;

/** The longest string a log entry keeps; the rest is cut (a request echoing 1 MB stays 2 KB). */
export const maxLoggedStringChars = 2000;

function digitsOf(match: string): string {
  return match.replace(/[^\dXx]/g, '').toUpperCase();
}

function maskPhone(match: string): string {
  const digits = digitsOf(match);
  const body = digits.slice(digits.length - 11);
  return `${body.slice(0, 3)}****${body.slice(7)}`;
}

/**
 * Masks ID numbers, mobile numbers, card-like digit runs and names inside free text, after
 * folding full-width characters and with separators between digits allowed, and cuts it to
 * maxLoggedStringChars.
 */
export function redactText(text: string): string {
  // Printable ASCII without digits, ':' or '=' holds nothing the patterns below can match (each
  // needs a digit, a label's ':' / '=' or a Han character) and NFKC leaves it as it is: most
  // messages and field values (a channel, an action, an outcome) are such text.
  if (text.length <= maxLoggedStringChars && plainText.test(text)) return text;
  const long = text.length > maxLoggedStringChars;
  // Cut a little past the limit before masking, so a number across the cut is masked whole.
  const head = (long ? text.slice(0, maxLoggedStringChars + 64) : text).normalize('NFKC');
  const masked = head
    .replace(idNumberPattern, (match) => {
      const digits = digitsOf(match);
      return `${digits.slice(0, 6)}********${digits.slice(14)}`;
    })
    .replace(longDigitsPattern, (match) => {
      const digits = digitsOf(match);
      return `${digits.slice(0, 4)}****${digits.slice(-4)}`;
    })
    .replace(phonePattern, maskPhone)
    .replace(labelledName, '$1$2[personal]')
    .replace(hanName, (match: string, first: string, rest: string) => (labels.has(match) ? match : `${first}${'*'.repeat(rest.length)}`));
  return long ? `${masked.slice(0, maxLoggedStringChars)}…[cut ${text.length - maxLoggedStringChars} chars]` : masked;
}

/**
 * Deep copy with secrets removed and personal data masked. Keys decide first (a `password` field
 * is dropped whatever it holds); free text is then scanned for ID and phone numbers.
 */
export function redact<T>(value: T, depth = 0): T {
  if (depth > 6) return '[nested]' as T;
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1)) as T;
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) } as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (secretKey.test(key)) out[key] = '[redacted]';
      else if (digestKey.test(key) && typeof inner === 'string' && digestValue.test(inner)) out[key] = inner;
      else if (personalKey.test(key)) out[key] = inner === null || inner === undefined ? inner : '[personal]';
      else out[key] = redact(inner, depth + 1);
    }
    return out as T;
  }
  return value;
}

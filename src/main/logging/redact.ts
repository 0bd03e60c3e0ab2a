const secretKey = /pass(word)?|secret|token|authorization|cookie|signature|api[-_]?key|credential/i;
const personalKey = /^(name|real_?name|borrower_?name|id_?number|id_?no|phone|mobile|address|card(_?no|_?number)?|bank_?card|contacts?)$/i;

/** Chain hashes and heads ("ID:HASH"): hex digests, never personal, kept whole to compare. */
const digestKey = /^(audit_?head|hash|prev_?hash|last_?hash)$/i;
const digestValue = /^(\d+:)?[0-9a-f]{64}$/;

const idNumberPattern = /\b(\d{6})\d{8}(\d{3}[\dXx])\b/g;
const phonePattern = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const longDigitsPattern = /(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)/g;

/** Masks ID numbers, mobile numbers and card-like digit runs inside free text. */
export function redactText(text: string): string {
  return text
    .replace(idNumberPattern, '$1********$2')
    .replace(phonePattern, '$1****$2')
    .replace(longDigitsPattern, '$1****$2');
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

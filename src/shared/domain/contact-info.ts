/**
 * Mobile numbers and bank cards. Since 2019-12-01 numbers are portable, so no carrier is
 * derived from the prefix. A bank card's Luhn failure is only a warning: some old debit cards
 * fail it, and the real check is the four-element verification.
 */

export type MobileError = 'empty' | 'format';

export interface MobileResult {
  valid: boolean;
  /** The 11 digits without +86/0086, spaces or dashes; the cleaned input when invalid. */
  normalized: string;
  errors: MobileError[];
}

/** Validates a mainland mobile number: ^1[3-9]\d{9}$, optionally with +86, 0086 or 86 before it. */
export function validateMobile(input: string): MobileResult {
  const normalized = normalizeMobile(input);
  if (normalized === '') return { valid: false, normalized, errors: ['empty'] };
  if (!/^1[3-9]\d{9}$/.test(normalized)) return { valid: false, normalized, errors: ['format'] };
  return { valid: true, normalized, errors: [] };
}

/**
 * The comparable form of a phone number: spaces, dashes and brackets dropped, and a +86, 0086
 * or 86 country prefix removed when 11 digits follow it. Used to match phones across sources.
 */
export function normalizeMobile(input: string): string {
  const compact = input.replace(/[\s\-()]+/g, '');
  const prefixed = /^(?:\+86|0086|86)(\d{11})$/.exec(compact);
  return prefixed?.[1] ?? compact;
}

export type BankCardError = 'empty' | 'format' | 'length';
export type BankCardWarning = 'luhn' | 'not_unionpay';

export interface BankCardResult {
  /** False only for errors; warnings leave the card usable pending four-element verification. */
  valid: boolean;
  normalized: string;
  errors: BankCardError[];
  warnings: BankCardWarning[];
  /** Starts with 62 (UnionPay BIN range). */
  unionPay: boolean;
  luhnValid: boolean;
}

/**
 * Validates a bank card number: digits only (spaces and dashes allowed in input), 13-19 digits
 * (ISO/IEC 7812), and 16-19 when it is a UnionPay (62) card. Luhn failure and a non-UnionPay
 * prefix are warnings.
 */
export function validateBankCard(input: string): BankCardResult {
  const normalized = input.replace(/[\s-]+/g, '');
  const base = { normalized, unionPay: normalized.startsWith('62'), luhnValid: false, warnings: [] as BankCardWarning[] };
  if (normalized === '') return { ...base, valid: false, errors: ['empty'] };
  if (!/^\d+$/.test(normalized)) return { ...base, valid: false, errors: ['format'] };
  const luhnValid = passesLuhn(normalized);
  const warnings: BankCardWarning[] = [];
  if (!luhnValid) warnings.push('luhn');
  if (!base.unionPay) warnings.push('not_unionpay');
  const [minLength, maxLength] = base.unionPay ? [16, 19] : [13, 19];
  const errors: BankCardError[] = normalized.length < minLength || normalized.length > maxLength ? ['length'] : [];
  return { ...base, valid: errors.length === 0, errors, warnings, luhnValid };
}

/** The Luhn (mod 10) check over a string of digits. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

import { describe, expect, it } from 'vitest';
import { normalizeMobile, passesLuhn, validateBankCard, validateMobile } from './contact-info';

describe('validateMobile', () => {
  it('accepts 1[3-9] plus 9 digits, with or without a country prefix', () => {
    for (const input of ['13812345678', '+86 138 1234 5678', '008619912345678', '8615012345678', '199-1234-5678']) {
      expect(validateMobile(input).valid, input).toBe(true);
    }
    expect(validateMobile('+86 138 1234 5678').normalized).toBe('13812345678');
  });

  it('rejects other numbers', () => {
    expect(validateMobile('').errors).toEqual(['empty']);
    for (const input of ['12812345678', '1381234567', '138123456789', '02012345678', '1381234567a']) {
      expect(validateMobile(input).errors, input).toEqual(['format']);
    }
  });

  it('normalizes for matching', () => {
    expect(normalizeMobile('(+86)138-1234-5678')).toBe('13812345678');
    expect(normalizeMobile('861381234567')).toBe('861381234567');
  });
});

describe('validateBankCard', () => {
  it('passes a UnionPay card with a good Luhn digit', () => {
    expect(validateBankCard('6222 0000 0000 0000 004')).toMatchObject({ valid: true, unionPay: true, luhnValid: true, warnings: [] });
  });

  it('keeps a Luhn failure as a warning only', () => {
    const result = validateBankCard('6222000000000000003');
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual(['luhn']);
  });

  it('checks length and characters', () => {
    expect(validateBankCard('').errors).toEqual(['empty']);
    expect(validateBankCard('6222abc').errors).toEqual(['format']);
    expect(validateBankCard('622200000000003').errors).toEqual(['length']);
    expect(validateBankCard('62220000000000000000').errors).toEqual(['length']);
    expect(validateBankCard('4111111111111111')).toMatchObject({ valid: true, warnings: ['not_unionpay'] });
  });

  it('computes Luhn like the reference numbers', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });
});

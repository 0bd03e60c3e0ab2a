import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ageBand, maskAddress, maskBankCard, maskBirthDate, maskFreeText, maskIdNumber, maskName, maskPhone } from './mask';

function revealedCount(masked: string): number {
  return Array.from(masked).filter((character) => character !== '*').length;
}

describe('masking examples', () => {
  it('masks ID numbers', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('11010519491231002x')).toBe('110105********002X');
    expect(maskIdNumber('110105491231002')).toBe('110105******002');
    expect(maskIdNumber('12345678')).toBe('******78');
    expect(maskIdNumber('')).toBe('');
  });

  it('masks mobile numbers', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('010-12345')).toBe('******45');
  });

  it('masks names', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('买买提·艾力')).toBe('买**·**');
    expect(maskName('王')).toBe('*');
    expect(maskName('')).toBe('');
  });

  it('masks bank cards', () => {
    expect(maskBankCard('6222021234567890123')).toBe('6222***********0123');
    expect(maskBankCard('6222 0212 3456 7890')).toBe('6222********7890');
    expect(maskBankCard('622202')).toBe('*****2');
  });

  it('masks addresses after the district', () => {
    expect(maskAddress('北京市朝阳区建国路88号院3号楼1单元101')).toBe('北京市朝阳区****');
    expect(maskAddress('上海市浦东新区世纪大道100号')).toBe('上海市浦东新区****');
    expect(maskAddress('广东省深圳市南山区科技园路1号')).toBe('广东省深圳市南山区****');
    expect(maskAddress('河北省三河市燕郊镇某小区')).toBe('河北省三河市****');
    expect(maskAddress('建国路88号')).toBe('建国路****');
  });
});

describe('masking never reveals more than it should', () => {
  it('ID numbers: never the birth date, at most 10 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789X'), maxLength: 24 }), (value) => {
        const masked = maskIdNumber(value);
        expect(masked.length).toBe(value.length);
        expect(revealedCount(masked)).toBeLessThanOrEqual(Math.min(10, Math.ceil(value.length * 0.67)));
        if (value.length === 18) expect(masked.slice(6, 14)).toBe('********');
        if (value.length === 15) expect(masked.slice(6, 12)).toBe('******');
      }),
    );
  });

  it('phones: at most 7 digits of 11, the middle 4 always hidden', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 16 }), (value) => {
        const masked = maskPhone(value);
        expect(revealedCount(masked)).toBeLessThanOrEqual(value.length === 11 ? 7 : Math.floor(value.length / 4));
        if (value.length === 11) expect(masked.slice(3, 7)).toBe('****');
      }),
    );
  });

  it('names: only the first character and separators', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 12 }), (value) => {
        const masked = Array.from(maskName(value));
        const original = Array.from(value.trim());
        expect(masked.length).toBe(original.length);
        masked.slice(1).forEach((character, index) => {
          if (character !== '*') expect(['·', '•', '・', ' ']).toContain(original[index + 1]);
        });
      }),
    );
  });

  it('bank cards: at most the first 4 and last 4 digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 19 }), (value) => {
        const masked = maskBankCard(value);
        expect(masked.length).toBe(value.length);
        expect(revealedCount(masked)).toBeLessThanOrEqual(value.length >= 12 ? 8 : Math.floor(value.length / 4));
      }),
    );
  });

  it('addresses: at most 12 characters, never the whole text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const masked = maskAddress(value);
        const kept = masked.endsWith('****') ? Array.from(masked).length - 4 : 0;
        expect(kept).toBeLessThanOrEqual(12);
        if (value.trim() !== '') expect(kept).toBeLessThan(Array.from(value.trim()).length);
      }),
    );
  });
});

describe('free text, birth dates and age bands', () => {
  it('shows no character of free text about a person, nor its length', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }).filter((text) => text.trim() !== ''), (text) => {
        expect(maskFreeText(text)).toBe('****');
      }),
    );
    expect(maskFreeText('  ')).toBe('');
  });

  it('shows nothing of a birth date, in whatever form', () => {
    expect(maskBirthDate('1990-03-07')).toBe('****-**-**');
    expect(maskBirthDate('1990年3月7日')).toBe('****-**-**');
  });

  it('gives the ages this year of a five-year birth cohort, the same for everyone born in it', () => {
    expect([1990, 1994, 1995, 1949, 2025].map((year) => ageBand(year, 2026))).toEqual(['31-36', '31-36', '26-31', '76-81', '0-1']);
    expect(ageBand(1990, 2027)).toBe('32-37');
  });
});

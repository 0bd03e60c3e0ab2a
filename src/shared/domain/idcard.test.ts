import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, shanghaiStartOfDay } from '../time';
import { ageOn, composeResidentId, residentIdCheckChar, upgradeResidentId15, validateResidentId } from './idcard';

const NOW = shanghaiStartOfDay('2025-06-01');

describe('validateResidentId: public test numbers from DOMAIN.md', () => {
  const valid = [
    '440308199901101512',
    '110101199003078670',
    '500154199804106120',
    '430302199312194239',
    '360426199101010071',
    '11010519491231002X',
    '371001198010082394',
    '34052419800101001X',
    '120103198806018241',
  ];
  it.each(valid)('%s is valid', (id) => {
    const result = validateResidentId(id, { now: NOW });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  const invalid: Array<[string, string]> = [
    ['440308199901101513', 'check'],
    ['11010119900307867X', 'check'],
    ['111111199901101512', 'region'],
    ['440308199902301512', 'date'],
    ['110105194912310021', 'check'],
    ['110105194902310026', 'date'],
    ['160105194912310029', 'region'],
    ['360426199101010070', 'check'],
  ];
  it.each(invalid)('%s is invalid (%s)', (id, reason) => {
    const result = validateResidentId(id, { now: NOW });
    expect(result.valid).toBe(false);
    expect(result.errors).toContain(reason);
  });

  it('derives sex, birth date, age and province', () => {
    const female = validateResidentId('11010519491231002X', { now: NOW });
    expect(female).toMatchObject({
      sex: 'female',
      birthDate: '1949-12-31',
      age: 75,
      regionCode: '110105',
      provinceName: '北京市',
    });
    const male = validateResidentId('371001198010082394', { now: NOW });
    expect(male).toMatchObject({ sex: 'male', birthDate: '1980-10-08', age: 44, provinceName: '山东省' });
  });
});

describe('validateResidentId: input handling', () => {
  it('upper-cases x and drops spaces', () => {
    const result = validateResidentId(' 110105 19491231 002x ', { now: NOW });
    expect(result.valid).toBe(true);
    expect(result.normalized).toBe('11010519491231002X');
  });

  it('reports empty and malformed input', () => {
    expect(validateResidentId('').errors).toEqual(['empty']);
    expect(validateResidentId('11010519491231002').errors).toEqual(['format']);
    expect(validateResidentId('1101051949123100XX').errors).toEqual(['format']);
    expect(validateResidentId('X10105194912310021').errors).toEqual(['format']);
  });

  it('rejects a birth date in the future (Asia/Shanghai today)', () => {
    const tomorrow = composeResidentId('110105', '2025-06-02', 11);
    expect(validateResidentId(tomorrow, { now: NOW }).errors).toEqual(['future_birth_date']);
    // 23:30 on 1 June in Shanghai is still 1 June, whatever UTC says.
    const today = composeResidentId('110105', '2025-06-01', 11);
    expect(validateResidentId(today, { now: NOW + 23.5 * 3_600_000 })).toMatchObject({ valid: true, age: 0 });
  });

  it('accepts X check characters and rejects a wrong one', () => {
    expect(residentIdCheckChar('34052419800101001')).toBe('X');
    expect(validateResidentId('340524198001010010', { now: NOW }).errors).toEqual(['check']);
  });

  it('handles 29 February births', () => {
    const leap = composeResidentId('440308', '2000-02-29', 123);
    expect(validateResidentId(leap, { now: NOW })).toMatchObject({ valid: true, birthDate: '2000-02-29' });
    const notLeap = `${leap.slice(0, 6)}19000229${leap.slice(14, 17)}`;
    const fixed = notLeap + residentIdCheckChar(notLeap);
    expect(validateResidentId(fixed, { now: NOW }).errors).toEqual(['date']);
    expect(ageOn('2000-02-29', '2025-02-28')).toBe(24);
    expect(ageOn('2000-02-29', '2025-03-01')).toBe(25);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });

  it('accepts Hainan’s 4600xx county codes for people born while they were issued (1988-2002), and only then', () => {
    const result = validateResidentId('460003199005011231', { now: NOW });
    expect(result).toMatchObject({ valid: true, errors: [], provinceName: '海南省', birthDate: '1990-05-01' });
    // Every county of the 1988-2002 numbering, and the 4690xx codes that replaced them.
    for (const code of ['460001', '460007', '460021', '460036', '469001', '469030']) {
      expect(validateResidentId(composeResidentId(code, '1985-03-12', 17), { now: NOW }).valid, code).toBe(true);
    }
    // Born after the 4600xx codes were retired: such a number was never issued.
    expect(validateResidentId(composeResidentId('460003', '2005-03-12', 17), { now: NOW }).errors).toEqual(['region']);
    // "00" is a prefecture block in Hainan only, not a rule for every province.
    expect(validateResidentId(composeResidentId('440003', '1990-05-01', 17), { now: NOW }).errors).toEqual(['region']);
    // Chongqing's own codes date from 1997; its 03 block (county-level cities) ended in 2006.
    expect(validateResidentId(composeResidentId('500381', '2008-01-01', 17), { now: NOW }).errors).toEqual(['region']);
    expect(validateResidentId(composeResidentId('500154', '1960-01-01', 17), { now: NOW }).valid).toBe(true);
  });

  it('checks the prefecture block against the province’s table, not only the province', () => {
    const codes: Array<[string, boolean]> = [
      ['110105', true],
      ['110205', true],
      ['110305', false],
      ['500381', true],
      ['440390', true],
      ['469001', true],
      ['447101', false],
      ['810000', true],
      ['810101', false],
      ['830000', false],
      ['000000', false],
    ];
    for (const [code, ok] of codes) {
      const id = composeResidentId(code, '1990-01-01', 1);
      expect(validateResidentId(id, { now: NOW }).errors.includes('region'), code).toBe(!ok);
    }
  });

  it('uses a caller-supplied county table for the name only', () => {
    const lookup = (code: string): string | undefined => (code === '440308' ? '盐田区' : undefined);
    expect(validateResidentId('440308199901101512', { now: NOW, regionName: lookup }).regionName).toBe('盐田区');
    expect(validateResidentId('34052419800101001X', { now: NOW, regionName: lookup }).valid).toBe(true);
  });
});

describe('upgradeResidentId15', () => {
  it('inserts 19 and appends the check character', () => {
    expect(upgradeResidentId15('110105491231002')).toBe('11010519491231002X');
    const result = validateResidentId('110105491231002', { now: NOW });
    expect(result).toMatchObject({ valid: true, normalized: '11010519491231002X', upgradedFrom15: true, sex: 'female' });
  });

  it('refuses anything but 15 digits', () => {
    expect(() => upgradeResidentId15('11010549123100')).toThrow(RangeError);
  });
});

describe('composeResidentId properties', () => {
  it('always composes a valid number whose parts read back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('110105', '440308', '500154', '650102', '810000'),
        fc.integer({ min: 0, max: 38_000 }),
        fc.integer({ min: 0, max: 999 }),
        (region, dayOffset, sequence) => {
          const birthDate = addDays('1920-01-01', dayOffset);
          const id = composeResidentId(region, birthDate, sequence);
          const result = validateResidentId(id, { now: NOW });
          expect(result.valid).toBe(true);
          expect(result.birthDate).toBe(birthDate);
          expect(result.sex).toBe(sequence % 2 === 1 ? 'male' : 'female');
          // Any single changed digit among the first 17 breaks the check (MOD 11-2 catches it).
          const position = sequence % 17;
          const changed = id.slice(0, position) + String((Number(id[position]) + 1) % 10) + id.slice(position + 1);
          expect(validateResidentId(changed, { now: NOW }).valid).toBe(false);
        },
      ),
    );
  });
});

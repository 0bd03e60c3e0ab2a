import { describe, expect, it } from 'vitest';
import { shanghaiStartOfDay } from '../time';
import { findingSchema } from './findings';
import { composeResidentId } from './idcard';
import { compareIdCardOcr, ocrQualityWarnings, type IdCardOcrInput } from './ocr';

const NOW = shanghaiStartOfDay('2025-06-01') + 10 * 3_600_000;
const OPTIONS = { now: NOW, expiringSoonDays: 30 };

function cleanInput(): IdCardOcrInput {
  return {
    submitted: { name: '张三', idNumber: '371001198010082394' },
    ocr: {
      name: '张三',
      sex: '男',
      ethnicity: '汉',
      birthDate: '1980年10月8日',
      address: '山东省威海市环翠区某路1号',
      idNumber: '371001198010082394',
      authority: '威海市公安局环翠分局',
      validFrom: '2015.03.01',
      validTo: '2035.03.01',
    },
    qualityWarnings: [],
  };
}

function codes(input: IdCardOcrInput): string[] {
  return compareIdCardOcr(input, OPTIONS).map((finding) => finding.code);
}

describe('compareIdCardOcr', () => {
  it('finds nothing when the card matches the submission', () => {
    expect(compareIdCardOcr(cleanInput(), OPTIONS)).toEqual([]);
  });

  it('ignores spacing and dot variants in names', () => {
    const input = cleanInput();
    input.submitted.name = '买买提·艾力';
    input.ocr.name = '买买提 • 艾力';
    expect(codes(input)).toEqual([]);
  });

  it('reports a name mismatch with both values', () => {
    const input = cleanInput();
    input.ocr.name = '张山';
    const findings = compareIdCardOcr(input, OPTIONS);
    expect(findings).toEqual([
      { code: 'ocr_name_mismatch', queue: 'ocr', severity: 'high', subject: 'name', expected: '张三', actual: '张山', evidence: { source: 'ocr_front' } },
    ]);
    expect(() => findingSchema.parse(findings[0])).not.toThrow();
  });

  it('reports a number mismatch, and an invalid card number', () => {
    const input = cleanInput();
    input.ocr.idNumber = '371001198010082395';
    expect(codes(input)).toEqual(['ocr_id_number_mismatch', 'ocr_id_number_invalid']);
  });

  it('compares the sex and birth date the number encodes with the card', () => {
    const input = cleanInput();
    input.ocr.sex = '女';
    input.ocr.birthDate = '1980年10月9日';
    const findings = compareIdCardOcr(input, OPTIONS);
    expect(findings.map((finding) => [finding.code, finding.expected, finding.actual])).toEqual([
      ['ocr_sex_mismatch', 'male', '女'],
      ['ocr_birth_date_mismatch', '1980-10-08', '1980年10月9日'],
    ]);
    expect(findings[0]?.evidence).toEqual({ numberSource: 'submitted', idNumber: '371001198010082394' });
  });

  it('handles an X check character and a 29 February birth', () => {
    const input = cleanInput();
    input.submitted = { name: '李四', idNumber: '11010519491231002x' };
    input.ocr = { ...input.ocr, name: '李四', idNumber: '11010519491231002X', sex: '女', birthDate: '19491231' };
    expect(codes(input)).toEqual([]);
    const leap = cleanInput();
    const leapId = composeResidentId('440308', '2000-02-29', 123);
    leap.submitted = { name: '王五', idNumber: leapId };
    leap.ocr = { ...leap.ocr, name: '王五', idNumber: leapId, sex: '男', birthDate: '2000年2月29日' };
    expect(codes(leap)).toEqual([]);
    leap.ocr.birthDate = '2000年3月1日';
    expect(codes(leap)).toEqual(['ocr_birth_date_mismatch']);
  });

  it('flags expired, expiring, not yet valid and unreadable validity', () => {
    const expired = cleanInput();
    expired.ocr.validTo = '2025.05.31';
    expect(codes(expired)).toEqual(['ocr_document_expired']);
    const lastDay = cleanInput();
    lastDay.ocr.validTo = '2025-06-01';
    expect(compareIdCardOcr(lastDay, OPTIONS)[0]).toMatchObject({ code: 'ocr_document_expiring_soon', evidence: { daysLeft: 0 } });
    const later = cleanInput();
    later.ocr.validTo = '2025-07-02';
    expect(codes(later)).toEqual([]);
    const future = cleanInput();
    future.ocr.validFrom = '2025-06-02';
    expect(codes(future)).toEqual(['ocr_document_not_yet_valid']);
    const unreadable = cleanInput();
    unreadable.ocr.validTo = '2035.13.01';
    expect(codes(unreadable)).toEqual(['ocr_validity_unreadable']);
    const longTerm = cleanInput();
    longTerm.ocr.validTo = '长期';
    expect(codes(longTerm)).toEqual([]);
    longTerm.ocr.validTo = 'long-term';
    expect(codes(longTerm)).toEqual([]);
  });

  it('turns each quality warning into its own finding, once', () => {
    const input = cleanInput();
    input.qualityWarnings = [...ocrQualityWarnings, 'glare', 'vendor_new_code'];
    const findings = compareIdCardOcr(input, OPTIONS);
    expect(findings.map((finding) => finding.code)).toEqual([
      'ocr_quality_photocopy',
      'ocr_quality_screen_reshoot',
      'ocr_quality_edited',
      'ocr_quality_temporary_card',
      'ocr_quality_invalid_validity',
      'ocr_quality_incomplete_border',
      'ocr_quality_covered',
      'ocr_quality_glare',
      'ocr_quality_blur',
      'ocr_quality_low_quality',
      'ocr_quality_unknown',
    ]);
    expect(findings.at(-1)).toMatchObject({ actual: 'vendor_new_code', evidence: { warning: 'vendor_new_code' } });
    for (const finding of findings) expect(findingSchema.safeParse(finding).success).toBe(true);
  });

  it('treats an unread field as a mismatch of the compared values', () => {
    const input = cleanInput();
    input.ocr.name = null;
    input.ocr.idNumber = null;
    expect(codes(input)).toEqual(['ocr_name_mismatch', 'ocr_id_number_mismatch', 'ocr_id_number_invalid']);
  });
});

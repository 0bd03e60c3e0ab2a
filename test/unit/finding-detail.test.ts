// The reviewer's one-line explanation of a finding, for findings made by the real rules and shown
// through the server's masking: every code gets its own sentence in both languages, and none of
// the rules' machine wording ("'>= 1 call'", "in address book") reaches a zh-CN screen.
import { describe, expect, it } from 'vitest';
import { evaluateEmergencyContacts } from '../../src/shared/domain/contacts';
import { classifyFace, defaultFaceBands } from '../../src/shared/domain/face';
import { findingCatalog, type Finding } from '../../src/shared/domain/findings';
import { compareIdCardOcr } from '../../src/shared/domain/ocr';
import { shanghaiStartOfDay } from '../../src/shared/time';
import { findingView } from '../../src/main/review/evidence';
import { translate } from '../../src/renderer/i18n/translate';
import { findingDetail } from '../../src/renderer/pages/review/findingDetail';

const NOW = shanghaiStartOfDay('2025-06-01') + 10 * 3_600_000;

function contactFindings(): Finding[] {
  const entry = (name: string, remark: string, phone: string) => ({ name, remark, phone });
  return evaluateEmergencyContacts(
    {
      borrowerPhone: '13812345678',
      contacts: [
        { name: '王芳', phone: '12345', relationship: 'mother', addressBookEntry: null, callCount: 3 },
        { name: '李四', phone: '13812345678', relationship: 'friend', addressBookEntry: entry('李四', '', '13812345678'), callCount: 3 },
        { name: '张总', phone: '13900001111', relationship: 'mother', addressBookEntry: entry('张总', '张总', '13900001111'), callCount: 0 },
        { name: '张总', phone: '13900001111', relationship: 'colleague', addressBookEntry: entry('张总', '张总', '13900001111'), callCount: 4 },
        { name: 'Jason', phone: '13900002222', relationship: 'father', addressBookEntry: entry('Jason', 'Jason', '13900002222'), callCount: 9 },
        { name: '赵六', phone: '13900003333', relationship: 'friend', addressBookEntry: null, callCount: 2 },
      ],
      sharedWith: { '13900003333': 7 },
      overdueBorrowerByPhone: { '13900003333': { borrowerId: '42' } },
    },
    { sharedContactMinApplicants: 3 },
  );
}

function ocrFindings(): Finding[] {
  const base = { name: '张三', sex: '男', ethnicity: '汉', birthDate: '1980年10月8日', address: '山东省威海市环翠区某路1号', idNumber: '371001198010082394', authority: '威海市公安局环翠分局', validFrom: '2015.03.01', validTo: '2035.03.01' };
  const options = { now: NOW, expiringSoonDays: 30 };
  return [
    ...compareIdCardOcr({ submitted: { name: '张三', idNumber: '371001198010082394' }, ocr: { ...base, name: '张山', sex: '女', birthDate: '1981年10月8日', validTo: '2025.05.01' }, qualityWarnings: ['screen_reshoot', 'vendor_says_odd'] }, options),
    ...compareIdCardOcr({ submitted: { name: '张三', idNumber: '371001198010082394' }, ocr: { ...base, idNumber: '371001198010082395', validTo: '2025.06.20' }, qualityWarnings: [] }, options),
    ...compareIdCardOcr({ submitted: { name: '张三', idNumber: '371001198010082395' }, ocr: { ...base, validFrom: '2025.07.01', validTo: '2045.07.01' }, qualityWarnings: [] }, options),
    ...compareIdCardOcr({ submitted: { name: '张三', idNumber: '371001198010082394' }, ocr: { ...base, validFrom: '长期', validTo: '某日' }, qualityWarnings: [] }, options),
  ];
}

function faceFindings(): Finding[] {
  return [
    ...classifyFace({ vendor: 'aliyun', modelVersion: 'any', score: 65, liveness: { passed: true, attempts: 3 } }, defaultFaceBands).findings,
    ...classifyFace({ vendor: 'aliyun', modelVersion: 'any', score: 50, liveness: { passed: false, attempts: 1 } }, defaultFaceBands).findings,
    ...classifyFace({ vendor: 'aliyun', modelVersion: 'any', score: 120, liveness: { passed: true, attempts: 1 } }, defaultFaceBands).findings,
    ...classifyFace({ vendor: 'tencent_compareface', modelVersion: '9.9', score: 50, liveness: { passed: true, attempts: 1 } }, defaultFaceBands).findings,
  ];
}

const all = [...contactFindings(), ...ocrFindings(), ...faceFindings()].map(findingView);
const zh = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('zh-CN', key, params);
const en = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);

describe('findingDetail', () => {
  it('is fed findings of (nearly) every code by the rules', () => {
    const produced = new Set(all.map((finding) => finding.code));
    const missing = Object.keys(findingCatalog).filter((code) => !produced.has(code) && !code.startsWith('ocr_quality_'));
    expect(missing).toEqual([]);
  });

  it('says each in its own sentence, in zh-CN without the rules\' English', () => {
    for (const finding of all) {
      const text = findingDetail(finding, zh);
      if (finding.code.startsWith('ocr_quality_') && finding.code !== 'ocr_quality_unknown') {
        expect(text, finding.code).toBe('');
        continue;
      }
      expect(text, finding.code).not.toMatch(/应为|实为/);
      expect(text, finding.code).not.toMatch(/\b(call|calls|address book|applicants|days|passed|failed|digits|expected|actual)\b/);
      expect(text.length, finding.code).toBeGreaterThan(0);
    }
  });

  it('keeps the values the server masked and reads the numbers out of the rule', () => {
    const byCode = new Map(all.map((finding) => [finding.code, finding]));
    const shared = byCode.get('contact_shared_phone');
    expect(shared && findingDetail(shared, zh)).toBe('139****3333 另有 7 位申请人填写（阈值 3）');
    expect(shared && findingDetail(shared, en)).toBe('139****3333 is also given by 7 other applicants (threshold 3)');
    const mismatch = byCode.get('contact_relationship_mismatch');
    // The relationship the remark names, never the remark: '张总' is also the contact's name.
    expect(mismatch && findingDetail(mismatch, zh)).toBe('139****1111：所选关系「母亲」，通讯录备注指向「同事」');
    expect(mismatch && findingDetail(mismatch, en)).toBe('139****1111: chose "mother", the address book suggests "colleague"');
    // Which parts of the birth dates differ, never the dates (the digits the ID number's mask hides).
    const birth = byCode.get('ocr_birth_date_mismatch');
    expect(birth && findingDetail(birth, zh)).toBe('证件上的出生日期与号码编码的不同：年不一致（日期本身已隐藏）');
    expect(JSON.stringify(birth)).not.toMatch(/1980|1981/);
    const review = byCode.get('face_score_review');
    expect(review && findingDetail(review, zh)).toBe('相似度 65，通过线 69');
    const expired = byCode.get('ocr_document_expired');
    expect(expired && findingDetail(expired, en)).toBe('valid to 2025-05-01: expired by 2025-06-01, the day of the check');
    const name = byCode.get('ocr_name_mismatch');
    expect(name && findingDetail(name, zh)).not.toContain('张三');
  });

  it('falls back to the values as they are for a shape it does not know', () => {
    const odd = { code: 'face_score_review', queue: 'face' as const, severity: 'warning' as const, subject: null, expected: 'about 69', actual: '65', contactIndex: null };
    expect(findingDetail(odd, zh)).toBe('应为 about 69 · 实为 65');
  });
});

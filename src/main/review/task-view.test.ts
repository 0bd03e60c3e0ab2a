import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../shared/domain/idcard';
import { shanghaiDate } from '../../shared/time';
import { call, clock, detail, failure, grey, ingest, reviewer, sql, useReviewWorld, zhang } from '../../../test/support/review-world';

useReviewWorld();

describe('evidence', () => {
  it('face: the score with its vendor, model, band and thresholds; liveness with attempts', async () => {
    ingest(grey('APP-1', { face: { score: 65, attempts: 3 } }));
    const taskId = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'face'")[0]?.id ?? 0;
    const face = (await call<{ face: unknown }>('review:task', { taskId }, reviewer)).face;
    expect(face).toMatchObject({
      compare: { vendor: 'faceplusplus', modelVersion: '3.0', score: 65, vendorThresholds: [{ falseAcceptRate: '1e-3', score: 62.327 }, { falseAcceptRate: '1e-4' }, { falseAcceptRate: '1e-5' }] },
      band: { band: 'review', rejectBelow: 62.327, passAtOrAbove: 69.101 },
      liveness: { passed: true, attempts: 3 },
    });
  });

  it('ID OCR: each mismatch flagged, the checksum and what the number encodes, validity and quality warnings', async () => {
    // The card reads another (valid) number and the photo is a photocopy.
    ingest({ externalId: 'APP-1', ocr: { idNumber: '11010519491231002X', sex: 'female', birthDate: '1949-12-31', warnings: ['photocopy', 'glare'] } });
    const taskId = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'ocr'")[0]?.id ?? 0;
    const ocr = (await call<{ ocr: { fields: Array<{ field: string; mismatch: boolean; ocr: { value: string } }>; submittedId: unknown; ocrId: unknown; qualityWarnings: string[]; validity: unknown } }>('review:task', { taskId }, reviewer)).ocr;
    expect(ocr.fields.filter((field) => field.mismatch).map((field) => field.field)).toEqual(['idNumber', 'sex', 'birthDate']);
    expect(ocr.fields.find((field) => field.field === 'idNumber')?.ocr.value).toBe('110105********002X');
    // The birth dates are the digits the numbers' masks hide: masked, with the age band and the comparison instead.
    expect(ocr.submittedId).toMatchObject({
      valid: true,
      checkExpected: '0',
      checkActual: '0',
      sex: 'male',
      birthDate: { value: '****-**-**', revealKey: 'borrower.birthDate' },
      ageBand: '31-36',
      province: '北京市',
    });
    expect(ocr.ocrId).toMatchObject({ valid: true, checkExpected: 'X', checkActual: 'X', sex: 'female', birthDate: { value: '****-**-**', revealKey: 'ocr.idNumber.birthDate' }, ageBand: '76-81' });
    expect(ocr.fields.find((field) => field.field === 'birthDate')?.ocr).toEqual({ value: '****-**-**', revealKey: 'ocr.birthDate' });
    const whole = await call<{ findings: Array<{ code: string; expected: string | null; actual: string | null }> }>('review:task', { taskId }, reviewer);
    expect(whole.findings.find((finding) => finding.code === 'ocr_birth_date_mismatch')).toMatchObject({ expected: null, actual: 'year,month,day' });
    expect(JSON.stringify(whole)).not.toMatch(/1990-?03-?07|1949-?12-?31|1990年|1949年/);
    expect(ocr.qualityWarnings).toEqual(['photocopy', 'glare']);
    expect(ocr.validity).toMatchObject({ from: '2015-03-01', to: '2035-03-01', state: 'valid', longTerm: false });
  });

  it('ID OCR: the age band does not move on the borrower’s birthday, so watching it cannot date the birth the number’s mask hides', async () => {
    // Born 1991-11-26 (check character computed): 34 the day the task is made, 35 the next day.
    const first17 = '11010119911126123';
    const idNumber = `${first17}${residentIdCheckChar(first17)}`;
    ingest({ externalId: 'APP-1', borrower: { name: '李四', idNumber, phone: '13700000002' }, ocr: { idNumber, birthDate: '1991-11-26', warnings: ['glare'] } });
    const taskId = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'ocr'")[0]?.id ?? 0;
    const changedOn: string[] = [];
    let previous: string | null = null;
    // A reviewer looking at the task every day past the birthday and past New Year.
    for (let day = 0; day < 60; day++) {
      const band = (await call<{ ocr: { submittedId: { ageBand: string | null } } }>('review:task', { taskId }, reviewer)).ocr.submittedId.ageBand;
      if (previous !== null && band !== previous) changedOn.push(shanghaiDate(clock.now()).slice(5));
      previous = band;
      clock.advance(86_400_000);
    }
    // It changes, if at all, on 1 January, the same day for every borrower.
    expect(changedOn.filter((date) => date !== '01-01')).toEqual([]);
  });

  it('contacts: address-book match and remark, calls, findings, other applicants sharing the phone, names masked', async () => {
    const shared = { name: '赵六', phone: '13900000009', relationship: 'mother' as const, addressBook: { displayName: '赵六', remark: null }, callCount: 0 };
    ingest(grey('OTHER-1', { ...zhang, contacts: [shared] }));
    const mine = ingest(grey('APP-1', { contacts: [shared] }));
    ingest(grey('APP-0', { contacts: [shared] }));
    const taskId = sql<{ id: number }>("SELECT id FROM review_tasks WHERE queue = 'contacts' AND application_id = ?", mine.applicationId)[0]?.id ?? 0;
    const otherTask = sql<{ id: number }>("SELECT t.id FROM review_tasks t JOIN applications a ON a.id = t.application_id WHERE t.queue = 'contacts' AND a.external_id = 'OTHER-1'")[0]?.id;
    const detailed = await call<{ contacts: { contacts: unknown[] }; findings: Array<{ code: string; actual: string | null }> }>('review:task', { taskId }, reviewer);
    expect(detailed.contacts.contacts).toEqual([
      expect.objectContaining({
        name: { value: '赵*', revealKey: 'contact.0.name' },
        phone: { value: '139****0009', revealKey: 'contact.0.phone' },
        relationship: 'mother',
        // Saved name and remark masked whole; what they say is derived.
        addressBook: {
          displayName: { value: '****', revealKey: 'contact.0.addressBookName' },
          remark: null,
          suggests: [],
          suggestsFrom: 'name',
          nameMatchesContact: true,
          sharesBorrowerSurname: false,
        },
        callCount: 0,
        findings: ['contact_relationship_unconfirmed', 'contact_never_called'],
        // The same borrower's other application (APP-0) is not another applicant.
        sharedWith: [expect.objectContaining({ externalId: 'OTHER-1', taskId: otherTask })],
        sharedTotal: 1,
      }),
    ]);
    expect(detailed.findings.find((finding) => finding.code === 'contact_relationship_unconfirmed')?.actual).toBeNull();
  });
});

describe('personal data', () => {
  it('is masked; a reviewer reveals a field only on a task they hold, and the reveal is recorded', async () => {
    ingest(grey('APP-1'));
    const taskId = sql<{ id: number }>('SELECT id FROM review_tasks')[0]?.id ?? 0;
    const shown = await detail(taskId);
    expect(shown.borrower.name).toEqual({ value: '王**', revealKey: 'borrower.name' });
    expect(await failure('review:reveal', { taskId, field: 'borrower.name' }, reviewer)).toMatchObject({ code: 'FORBIDDEN' });
    await call('review:claim', { taskId }, reviewer);
    expect(await call('review:reveal', { taskId, field: 'borrower.name' }, reviewer)).toEqual({ value: '王小明' });
    expect(await call('review:reveal', { taskId, field: 'contact.0.phone' }, reviewer)).toEqual({ value: '13900000001' });
    expect((await failure('review:reveal', { taskId, field: 'contact.7.phone' }, reviewer)).code).toBe('NOT_FOUND');
    expect(await call('review:reveal', { taskId, field: 'ocr.idNumber' }, reviewer)).toEqual({ value: '110101199003078670' });
    const audit = sql<{ action: string; details: string }>("SELECT action, details FROM audit_log WHERE action = 'review.pii-revealed'");
    expect(audit.map((row) => JSON.parse(row.details))).toEqual([{ field: 'borrower.name' }, { field: 'contact.0.phone' }, { field: 'ocr.idNumber' }]);
    expect(audit.some((row) => row.details.includes('王小明'))).toBe(false);
    expect((await detail(taskId)).timeline.filter((event) => event.kind === 'pii_revealed')).toHaveLength(3);
  });
});

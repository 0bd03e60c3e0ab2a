import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import { insertApplication, insertBorrower, insertInstitution } from '../../../test/support/rows';
import { auditLogTable } from '../db/schema';
import type { CallContext } from '../core/actor';
import type { BorrowerPage, BorrowerSearchResult } from '../../shared/contracts/borrowers';
import { insertLineRow, insertOrderRow } from '../../../test/support/loan-rows';
import { residentIdCheckChar } from '../../shared/domain/idcard';
import { identifierMissLimit, planSearch } from './borrowers';

let backend: Awaited<ReturnType<typeof createTestBackend>>;
let support: CallContext;
let reviewer: CallContext;
const ids: Record<string, number> = {};

beforeAll(async () => {
  backend = await createTestBackend({ clock: new ManualClock(Date.UTC(2026, 10, 25, 2)) });
  support = await operatorContext(backend, 'helpdesk', 'support');
  reviewer = await operatorContext(backend, 'rev', 'reviewer');
  const db = backend.db;
  const first = insertInstitution(db, 'AAA');
  const second = insertInstitution(db, 'BBB');
  ids.wang = insertBorrower(db, { idNumber: '110101199003078670', name: '王小明', phone: '13800138000', platformUserId: 'PU-1001' });
  ids.wangTwo = insertBorrower(db, { idNumber: '440308199901101512', name: '王小红', phone: '13912348670', platformUserId: 'PU-1002' });
  ids.li = insertBorrower(db, { idNumber: '11010519491231002X', name: '李四', phone: '13700001111', platformUserId: 'PU-2001' });
  insertApplication(db, { institutionId: first, borrowerId: ids.wang as number }, 'APP-77001');
  insertOrderRow(db, { institutionId: first, externalId: 'LN-5001', borrowerId: ids.wang, platformUserId: 'PU-1001', status: 'OVERDUE', dpd: 45, bucket: 'M2', outstandingPrincipalFen: 300_000, nextDueDate: '2026-12-10', nextDueFen: 50_000 });
  insertOrderRow(db, { institutionId: second, externalId: 'LN-5002', borrowerId: ids.wang, platformUserId: 'PU-1001', status: 'REPAYING', outstandingPrincipalFen: 200_000, nextDueDate: '2026-12-05', nextDueFen: 30_000 });
  insertOrderRow(db, { institutionId: second, externalId: 'LN-9001', borrowerId: ids.li, platformUserId: 'PU-2001', status: 'CLOSED' });
  // A line not yet linked to a borrower row is still found through the platform user id.
  insertLineRow(db, { institutionId: second, externalId: 'CL-3001', borrowerId: null, platformUserId: 'PU-2001' });
});

afterAll(async () => backend.cleanup());

async function search(query: string, context = support): Promise<BorrowerSearchResult[]> {
  const result = await backend.router.call('borrowers:search', { query }, context);
  if (!result.ok) throw new Error(result.error.message);
  return (result.data as { results: BorrowerSearchResult[] }).results;
}

describe('borrower lookup', () => {
  it('finds by full phone and by the phone tail the mask shows, answering masked', async () => {
    const [byPhone] = await search('138 0013 8000');
    expect(byPhone).toMatchObject({ borrowerId: ids.wang, matchedOn: 'phone', phoneMasked: '138****8000', nameMasked: '王**', idNumberMasked: '110101********8670' });
    expect((await search('+86 13800138000')).map((row) => row.borrowerId)).toEqual([ids.wang]);
    expect((await search('1111')).map((row) => row.borrowerId)).toEqual([ids.li]);
  });

  it('finds by full ID number and by the last 4 characters the mask shows (an X included)', async () => {
    expect((await search('110101199003078670')).map((row) => [row.borrowerId, row.matchedOn])).toEqual([[ids.wang, 'id_number']]);
    // "8670" ends one ID number and one phone: both borrowers, the ID match first.
    expect((await search('8670')).map((row) => [row.borrowerId, row.matchedOn])).toEqual([
      [ids.wang, 'id_tail'],
      [ids.wangTwo, 'phone_tail'],
    ]);
    expect((await search('002x')).map((row) => row.borrowerId)).toEqual([ids.li]);
  });

  it('never matches a prefix or a longer tail of a phone, an ID number or a name (each would read hidden digits one by one)', async () => {
    for (const query of ['1391', '13912', '1380013800', '110101', '11010119900307867', '1002x', '231002X', '78670', '王小', '王']) {
      expect(await search(query), query).toEqual([]);
    }
  });

  it('finds by full name, platform user id and loan, application or line number', async () => {
    expect((await search('王小明')).map((row) => row.borrowerId)).toEqual([ids.wang]);
    expect((await search('李四')).map((row) => row.borrowerId)).toEqual([ids.li]);
    expect((await search('PU-2001')).map((row) => [row.borrowerId, row.matchedOn])).toEqual([[ids.li, 'platform_user']]);
    expect((await search('ln-5001')).map((row) => [row.borrowerId, row.matchedOn, row.matchedReference])).toEqual([[ids.wang, 'loan', 'LN-5001']]);
    expect((await search('APP-77001')).map((row) => [row.borrowerId, row.matchedOn])).toEqual([[ids.wang, 'application']]);
    expect((await search('CL-3001')).map((row) => [row.borrowerId, row.matchedOn])).toEqual([[ids.li, 'line']]);
  });

  it('shows open loans and the worst DPD with each result, and never a clear value', async () => {
    const [wang] = await search('13800138000');
    expect(wang).toMatchObject({ openLoanCount: 2, maxDpd: 45 });
    expect(JSON.stringify(await search('王小明'))).not.toMatch(/王小明|13800138000|110101199003078670/);
  });

  it('plans the searches from the query’s shape', () => {
    expect(planSearch('王').map((step) => step.matchedOn)).toEqual(['name']);
    expect(planSearch('13800138000').map((step) => step.matchedOn)).toEqual(['phone', 'platform_user', 'loan', 'application', 'line']);
    expect(planSearch('8670').map((step) => step.matchedOn)).toEqual(['id_tail', 'phone_tail', 'platform_user', 'loan', 'application', 'line']);
  });
});

describe('the borrower page', () => {
  it('gathers loans across institutions with the next due date, masked', async () => {
    const result = await backend.router.call('borrowers:get', { id: ids.wang }, support);
    if (!result.ok) throw new Error(result.error.message);
    const page = result.data as BorrowerPage;
    expect(page.borrower.nameMasked).toBe('王**');
    expect(page.loans.map((loan) => loan.externalId).sort()).toEqual(['LN-5001', 'LN-5002']);
    expect(page.summary).toEqual({ openLoanCount: 2, outstandingPrincipalFen: 500_000, overdueLoanCount: 1, maxDpd: 45, nextDueDate: '2026-12-05', nextDueFen: 30_000 });
    expect(page.applications.map((application) => application.externalId)).toEqual(['APP-77001']);
    expect(JSON.stringify(page)).not.toContain('13800138000');
  });

  it('answers NOT_FOUND for an unknown borrower', async () => {
    const result = await backend.router.call('borrowers:get', { id: 999_999 }, support);
    expect(result.ok ? null : result.error.code).toBe('NOT_FOUND');
  });

  it('reveals in clear only with pii:reveal and a purpose, and records who revealed which fields and why', async () => {
    const denied = await backend.router.call('borrowers:reveal', { id: ids.wang, fields: ['phone'], purpose: 'T-1' }, reviewer);
    expect(denied.ok ? null : denied.error.code).toBe('FORBIDDEN');
    expect(await backend.router.call('borrowers:get', { id: ids.wang }, support)).toMatchObject({ ok: true, data: { revealNeedsPurpose: true } });
    // On by default: no purpose, no reveal, and nothing recorded as revealed.
    for (const purpose of [undefined, '   ']) {
      const refused = await backend.router.call('borrowers:reveal', { id: ids.wang, fields: ['phone'], ...(purpose === undefined ? {} : { purpose }) }, support);
      expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'purpose', reason: 'purpose_required' } } });
    }
    expect(backend.db.select().from(auditLogTable).all().filter((row) => row.action === 'borrowers.pii-revealed')).toEqual([]);
    const revealed = await backend.router.call('borrowers:reveal', { id: ids.wang, fields: ['phone', 'idNumber'], purpose: ' 工单 T-20261207-17 ' }, support);
    expect(revealed).toEqual({ ok: true, data: { phone: '13800138000', idNumber: '110101199003078670' } });
    const entry = backend.db.select().from(auditLogTable).all().find((row) => row.action === 'borrowers.pii-revealed');
    expect(entry).toMatchObject({ operatorName: 'helpdesk', targetType: 'borrower', targetId: String(ids.wang) });
    expect(JSON.parse(entry?.details ?? '{}')).toEqual({ fields: ['idNumber', 'phone'], purpose: '工单 T-20261207-17' });
    expect(entry?.details).not.toContain('13800138000');
  });

  it('reveals without a purpose once an administrator turns the setting off', async () => {
    const admin = await operatorContext(backend, 'root2', 'admin');
    expect((await backend.router.call('settings:set-domain', { settings: { revealNeedsPurpose: false } }, admin)).ok).toBe(true);
    const page = await backend.router.call('borrowers:get', { id: ids.wang }, support);
    expect(page).toMatchObject({ ok: true, data: { revealNeedsPurpose: false } });
    expect(await backend.router.call('borrowers:reveal', { id: ids.wang, fields: ['phone'] }, support)).toEqual({ ok: true, data: { phone: '13800138000' } });
    expect((await backend.router.call('settings:set-domain', { settings: { revealNeedsPurpose: true } }, admin)).ok).toBe(true);
  });

  it('refuses an empty or overlong query before it reaches the service', async () => {
    for (const query of ['', '   ', 'x'.repeat(65)]) {
      const result = await backend.router.call('borrowers:search', { query }, support);
      expect(result.ok ? null : result.error.code).toBe('VALIDATION');
    }
  });
});

describe('identifier searches', () => {
  it('are recorded with who, which kinds of identifier and how many hits, never the value searched', async () => {
    const clerk = await operatorContext(backend, 'clerk-a', 'support');
    await backend.router.call('borrowers:search', { query: '13800138000' }, clerk);
    await backend.router.call('borrowers:search', { query: '8670' }, clerk);
    await backend.router.call('borrowers:search', { query: 'LN-5001' }, clerk);
    const entries = backend.db
      .select()
      .from(auditLogTable)
      .all()
      .filter((row) => row.action === 'borrowers.searched' && row.operatorName === 'clerk-a');
    expect(entries.map((row) => JSON.parse(row.details))).toEqual([
      { kinds: ['phone'], hits: 1, truncated: false },
      { kinds: ['id_tail', 'phone_tail'], hits: 2, truncated: false },
    ]);
    expect(entries.map((row) => row.details).join()).not.toMatch(/13800138000|8670/);
  });

  it('are throttled per operator: a burst gets RATE_LIMITED, another operator is not held up, reference searches go on', async () => {
    const fast = await operatorContext(backend, 'clerk-b', 'support');
    const other = await operatorContext(backend, 'clerk-c', 'support');
    const codes: string[] = [];
    for (let attempt = 0; attempt < 31; attempt += 1) {
      const result = await backend.router.call('borrowers:search', { query: `1380013${String(attempt).padStart(4, '0')}` }, fast);
      codes.push(result.ok ? 'ok' : result.error.code);
    }
    expect(codes.slice(0, 30).every((code) => code === 'ok')).toBe(true);
    expect(codes[30]).toBe('RATE_LIMITED');
    expect((await backend.router.call('borrowers:search', { query: 'LN-5001' }, fast)).ok).toBe(true);
    expect((await backend.router.call('borrowers:search', { query: '13800138000' }, other)).ok).toBe(true);
  });
});

describe('guessing a masked ID number through whole-value searches', () => {
  /** What a reviewer's answers give without a reveal: the mask (region, last 4) and the task's five-year age band. */
  function candidatesFor(masked: string, bornFrom: string, bornTo: string): string[] {
    const candidates: string[] = [];
    for (let day = Date.parse(`${bornFrom}T00:00:00Z`); day <= Date.parse(`${bornTo}T00:00:00Z`); day += 86_400_000) {
      const first17 = `${masked.slice(0, 6)}${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}${masked.slice(14, 17)}`;
      if (residentIdCheckChar(first17) === masked.slice(17)) candidates.push(`${first17}${masked.slice(17)}`);
    }
    return candidates;
  }

  it('runs out of misses long before the birth date is found, however slowly the guesses come, and the refusal is recorded', async () => {
    const clock = backend.clock as ManualClock;
    const guesser = await operatorContext(backend, 'rev-guess', 'reviewer');
    // 王小明 110101199003078670: born 1990-03-07, in the band a review task shows (35-39 at the test clock).
    const candidates = candidatesFor('110101********8670', '1986-11-26', '1991-11-25');
    expect(candidates).toContain('110101199003078670');
    expect(candidates.length).toBeGreaterThan(100);
    let found = false;
    let refusedAfter: number | null = null;
    for (const [index, candidate] of candidates.entries()) {
      // Well under the per-minute limit: one guess every three minutes.
      clock.advance(3 * 60_000);
      const result = await backend.router.call('borrowers:search', { query: candidate }, guesser);
      if (!result.ok) {
        expect(result.error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'identifier_misses' } });
        refusedAfter = index;
        break;
      }
      if ((result.data as { results: BorrowerSearchResult[] }).results.some((row) => row.matchedOn === 'id_number')) {
        found = true;
        break;
      }
    }
    expect(found).toBe(false);
    expect(refusedAfter).toBe(identifierMissLimit.misses);
    // The tail the mask shows still answers; a whole value does not until the misses age out.
    expect((await backend.router.call('borrowers:search', { query: '8670' }, guesser)).ok).toBe(true);
    expect((await backend.router.call('borrowers:search', { query: '110101199003078670' }, guesser)).ok).toBe(false);
    const refusals = backend.db
      .select()
      .from(auditLogTable)
      .all()
      .filter((row) => row.action === 'access.refused' && row.operatorName === 'rev-guess');
    expect(refusals.map((row) => [row.targetType, row.targetId, JSON.parse(row.details)])).toEqual([
      ['channel', 'borrowers:search', { reason: 'identifier_misses', misses: identifierMissLimit.misses }],
    ]);
    clock.advance(identifierMissLimit.windowMs);
    expect((await backend.router.call('borrowers:search', { query: '110101199003078670' }, guesser)).ok).toBe(true);
  });

  it('takes back a miss the operator typed on from: an ID number starting 13 passes through a phone-shaped 11 digits as one types it', async () => {
    const clock = backend.clock as ManualClock;
    const first17 = '13010219870512003';
    const hebei = `${first17}${residentIdCheckChar(first17)}`;
    insertBorrower(backend.db, { idNumber: hebei, name: '赵六', phone: '13600006666', platformUserId: 'PU-3001' });
    const clerk = await operatorContext(backend, 'clerk-typing', 'support');
    for (let call = 0; call < identifierMissLimit.misses + 10; call += 1) {
      clock.advance(5 * 60_000);
      // As the desk searches while one types: the 11-digit prefix (a phone that is no one's), then the whole number.
      const typing = await backend.router.call('borrowers:search', { query: hebei.slice(0, 11) }, clerk);
      expect(typing.ok).toBe(true);
      clock.advance(2_000);
      const whole = await backend.router.call('borrowers:search', { query: hebei }, clerk);
      expect(whole.ok).toBe(true);
      expect((whole as { data: { results: BorrowerSearchResult[] } }).data.results.map((row) => row.matchedOn)).toContain('id_number');
    }
    // A guess that extends nothing is still counted, typed on or not.
    const guesser = await operatorContext(backend, 'rev-typing', 'reviewer');
    const codes: string[] = [];
    for (let attempt = 0; attempt <= identifierMissLimit.misses; attempt += 1) {
      clock.advance(3 * 60_000);
      const result = await backend.router.call('borrowers:search', { query: `1500000${String(attempt).padStart(4, '0')}` }, guesser);
      codes.push(result.ok ? 'ok' : result.error.code);
    }
    expect(codes.at(-1)).toBe('RATE_LIMITED');
  });

  it('counts only searches that found no one by the whole value: finding the borrower costs nothing', async () => {
    const clerk = await operatorContext(backend, 'clerk-hits', 'support');
    const clock = backend.clock as ManualClock;
    for (let attempt = 0; attempt < identifierMissLimit.misses + 5; attempt += 1) {
      clock.advance(3 * 60_000);
      const result = await backend.router.call('borrowers:search', { query: attempt % 2 === 0 ? '110101199003078670' : '13800138000' }, clerk);
      expect(result.ok).toBe(true);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import { insertBorrower, insertInstitution } from '../../../test/support/rows';
import { creditLineHistoryTable } from '../db/schema';
import type { CallContext } from '../core/actor';
import type { LineDetail, LinesDashboard, LoanDetail } from '../../shared/contracts/portfolio';
import { shanghaiStartOfDay } from '../../shared/time';
import { insertLineRow, insertOrderRow, insertPlanRows, insertRepaymentRow } from '../../../test/support/loan-rows';

const now = Date.UTC(2026, 10, 25, 2);
let backend: Awaited<ReturnType<typeof createTestBackend>>;
let supervisor: CallContext;
let reviewer: CallContext;
const ids: Record<string, number> = {};

async function call<T>(channel: string, input: unknown, context = supervisor): Promise<T> {
  const result = await backend.router.call(channel, input, context);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

beforeAll(async () => {
  backend = await createTestBackend({ clock: new ManualClock(now) });
  supervisor = await operatorContext(backend, 'sup', 'supervisor');
  reviewer = await operatorContext(backend, 'rev', 'reviewer');
  const db = backend.db;
  const first = insertInstitution(db, 'AAA');
  const second = insertInstitution(db, 'BBB');
  ids.first = first;
  ids.second = second;
  const borrower = insertBorrower(db, { idNumber: '110101199003078670', name: '王小明', phone: '13800138000', platformUserId: 'PU-1' });
  // 25 loans at AAA disbursed one per day in October, principal rising with the day.
  for (let day = 1; day <= 25; day++) {
    insertOrderRow(db, {
      institutionId: first,
      externalId: `A-${String(day).padStart(2, '0')}`,
      borrowerId: borrower,
      disbursedAt: shanghaiStartOfDay(`2026-10-${String(day).padStart(2, '0')}`) + 3_600_000,
      principalFen: day * 10_000,
      outstandingPrincipalFen: day * 10_000,
      dpd: day % 5 === 0 ? 40 : 0,
      bucket: day % 5 === 0 ? 'M2' : 'M0',
      productCode: day % 2 === 0 ? 'EVEN' : 'ODD',
    });
  }
  ids.line = insertLineRow(db, {
    institutionId: second,
    externalId: 'CL-1',
    borrowerId: borrower,
    limitFen: 1_000_000,
    derivedUsedFen: 600_000,
    derivedAvailableFen: 0,
    derivedState: 'frozen',
    flags: 'frozen_overdue',
    usedFen: 600_000,
    availableFen: 400_000,
    status: 'active',
    validTo: now + 10 * 86_400_000,
  });
  insertLineRow(db, { institutionId: second, externalId: 'CL-2', mode: 'single_batch', flags: 'expired', derivedState: 'expired', validTo: now - 86_400_000 });
  db.insert(creditLineHistoryTable)
    .values([
      { creditLineId: ids.line, version: 1, seenAt: now - 5000, remoteUpdatedAt: now - 6000, changes: JSON.stringify({ limit_fen: [null, 800_000] }) },
      { creditLineId: ids.line, version: 2, seenAt: now - 1000, remoteUpdatedAt: now - 2000, changes: JSON.stringify({ limit_fen: [800_000, 1_000_000] }) },
    ])
    .run();
  // An overdue loan on the line, with a booked plan that differs from the quoted one.
  ids.overdue = insertOrderRow(db, {
    institutionId: second,
    externalId: 'B-OVERDUE',
    borrowerId: borrower,
    creditLineExternalId: 'CL-1',
    status: 'OVERDUE',
    principalFen: 600_000,
    receivedFen: 580_000,
    outstandingPrincipalFen: 600_000,
    dpd: 15,
    bucket: 'M1',
    aprNominalBps: 2650,
    aprEffectiveBps: 2990,
    aprBasis: 'monthly',
    aprFlag: 'warning',
    planState: 'booked',
    planMismatch: true,
    fees: JSON.stringify([{ code: 'service', name: '服务费', collection: 'upfront_deducted', amount_fen: 20_000 }]),
    quotedPlan: JSON.stringify([
      { period: 1, due_date: '2026-11-10', principal_fen: 300_000, interest_fen: 6_000, fee_fen: 0, total_fen: 306_000 },
      { period: 2, due_date: '2026-12-10', principal_fen: 300_000, interest_fen: 3_000, fee_fen: 0, total_fen: 303_000 },
    ]),
  });
  insertPlanRows(db, {
    institutionId: second,
    orderExternalId: 'B-OVERDUE',
    installments: [
      { dueDate: '2026-11-10', principalFen: 300_000, interestFen: 6_500, status: 'overdue' },
      { dueDate: '2026-12-10', principalFen: 300_000, interestFen: 3_000 },
    ],
  });
  insertRepaymentRow(db, {
    institutionId: second,
    externalId: 'R-1',
    orderExternalId: 'B-OVERDUE',
    paidAt: now - 86_400_000,
    allocation: [{ period: 1, principal_fen: 0, interest_fen: 6_500, fee_fen: 0, penalty_fen: 0 }],
  });
  ids.noPlan = insertOrderRow(db, { institutionId: second, externalId: 'B-NOPLAN', status: 'REPAYING', planState: 'missing' });
});

afterAll(async () => backend.cleanup());

describe('loan list', () => {
  it('pages in SQL order without overlap, with the total of the filter', async () => {
    const input = { institutionId: ids.first, sort: 'principal', direction: 'desc', limit: 10 };
    const pages = [];
    for (const offset of [0, 10, 20]) pages.push(await call<{ total: number; rows: Array<{ externalId: string }> }>('portfolio:loans-list', { ...input, offset }));
    expect(pages.map((page) => page.total)).toEqual([25, 25, 25]);
    const order = pages.flatMap((page) => page.rows.map((row) => row.externalId));
    expect(order).toHaveLength(25);
    expect(order.slice(0, 3)).toEqual(['A-25', 'A-24', 'A-23']);
    expect(new Set(order).size).toBe(25);
  });

  it('filters by disbursement dates (inclusive, Shanghai days), product and bucket together', async () => {
    const list = await call<{ total: number; rows: Array<{ externalId: string }> }>('portfolio:loans-list', {
      disbursedFrom: '2026-10-05',
      disbursedTo: '2026-10-20',
      productCode: 'EVEN',
      bucket: 'M2',
      sort: 'disbursedAt',
      direction: 'asc',
    });
    expect(list.rows.map((row) => row.externalId)).toEqual(['A-10', 'A-20']);
    expect(list.total).toBe(2);
  });

  it('shows the borrower masked', async () => {
    const list = await call<{ rows: Array<{ borrowerNameMasked: string | null }> }>('portfolio:loans-list', { institutionId: ids.first, limit: 1 });
    expect(list.rows[0]?.borrowerNameMasked).toBe('王**');
  });

  it('rejects a page size above the maximum before it reaches the service', async () => {
    const result = await backend.router.call('portfolio:loans-list', { limit: 5000 }, supervisor);
    expect(result.ok ? null : result.error.code).toBe('VALIDATION');
  });
});

describe('loan detail', () => {
  it('shows the plan with each installment’s DPD, the repayments, the computed APR and the quoted-vs-booked difference', async () => {
    const detail = await call<LoanDetail>('portfolio:loan-detail', { id: ids.overdue });
    expect(detail.loan).toMatchObject({ receivedFen: 580_000, aprNominalBps: 2650, aprBasis: 'monthly', aprFlag: 'warning', dpd: 15, bucket: 'M1' });
    expect(detail.loan.fees).toEqual([{ code: 'service', name: '服务费', collection: 'upfront_deducted', amountFen: 20_000 }]);
    expect(detail.installments?.map((row) => [row.dueDate, row.status, row.dpd])).toEqual([
      ['2026-11-10', 'overdue', 15],
      ['2026-12-10', 'pending', 0],
    ]);
    expect(detail.repayments.map((row) => row.allocation)).toEqual([[{ period: 1, principalFen: 0, interestFen: 6_500, feeFen: 0, penaltyFen: 0 }]]);
    expect(detail.planDifferences.filter((difference) => difference.field === 'interest')).toEqual([
      { period: 1, field: 'interest', quotedFen: 6_000, bookedFen: 6_500, quotedDate: null, bookedDate: null },
    ]);
    expect(detail.line).toMatchObject({ id: ids.line, externalId: 'CL-1', state: 'frozen' });
  });

  it('says the plan is missing rather than inventing one', async () => {
    const detail = await call<LoanDetail>('portfolio:loan-detail', { id: ids.noPlan });
    expect(detail.loan.planState).toBe('missing');
    expect(detail.installments).toBeNull();
  });
});

describe('lines', () => {
  it('totals lines in force per institution and mode and counts each flag', async () => {
    const dashboard = await call<LinesDashboard>('portfolio:lines-dashboard', {});
    expect(dashboard.totals).toEqual([{ institutionId: ids.second, mode: 'revolving', lineCount: 1, limitFen: 1_000_000, usedFen: 600_000, availableFen: 0 }]);
    expect(dashboard.flags.filter((flag) => flag.lineCount > 0).map((flag) => [flag.flag, flag.lineCount])).toEqual([
      ['frozen_overdue', 1],
      ['expired', 1],
    ]);
    const expiredList = await call<{ total: number; rows: Array<{ externalId: string }> }>('portfolio:lines-list', { flag: 'expired' });
    expect(expiredList.rows.map((row) => row.externalId)).toEqual(['CL-2']);
    expect(expiredList.total).toBe(1);
  });

  it('explains a line: reported and derived figures, days to expiry, drawdowns and history', async () => {
    const detail = await call<LineDetail>('portfolio:line-detail', { id: ids.line });
    expect(detail.line).toMatchObject({ state: 'frozen', usedFen: 600_000, availableFen: 0, remainingLimitFen: 400_000, daysToExpiry: 10 });
    expect(detail.line.reported).toEqual({ status: 'active', usedFen: 600_000, availableFen: 400_000, frozenReason: null });
    expect(detail.drawdowns.map((drawdown) => [drawdown.externalId, drawdown.bucket])).toEqual([['B-OVERDUE', 'M1']]);
    expect(detail.history.map((entry) => entry.changes)).toEqual([
      [{ field: 'limit_fen', before: 800_000, after: 1_000_000 }],
      [{ field: 'limit_fen', before: null, after: 800_000 }],
    ]);
  });

  it('is open to any role with portfolio:view, and refused without it', async () => {
    await expect(call('portfolio:lines-dashboard', {}, reviewer)).resolves.toBeTruthy();
    const result = await backend.router.call('portfolio:lines-dashboard', {}, { ...reviewer, actor: null });
    expect(result.ok ? null : result.error.code).toBe('UNAUTHORIZED');
  });
});

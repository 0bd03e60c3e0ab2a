import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock } from '../../../test/support/backend';
import { insertInstitution } from '../../../test/support/rows';
import { eq } from 'drizzle-orm';
import { institutionsTable, portfolioDailyBucketsTable, portfolioMonthEndLoansTable, portfolioMonthEndRunsTable, type InstallmentRow } from '../db/schema';
import { addMonthsClamped, shanghaiStartOfDay } from '../../shared/time';
import { defaultDomainSettings } from '../../shared/domain/settings';
import { completedMonthEnds, createSnapshotJob } from './snapshots';
import { delinquencyAsOf, installmentsAsOf, parseAllocation, quotedInstallments } from './history';
import { insertOrderRow, insertPlanRows, insertRepaymentRow, type InstallmentValues } from '../../../test/support/loan-rows';
import { createPortfolioService } from './service';

const endOf = (date: string) => shanghaiStartOfDay(date) + 86_400_000 - 1;

function installment(values: Partial<InstallmentRow> & Pick<InstallmentRow, 'dueDate' | 'period'>): InstallmentRow {
  return {
    planId: 1,
    principalFen: 100_000,
    interestFen: 1_000,
    feeFen: 0,
    penaltyFen: 0,
    paidPrincipalFen: 0,
    paidInterestFen: 0,
    paidFeeFen: 0,
    paidPenaltyFen: 0,
    status: 'pending',
    paidOffAt: null,
    ...values,
  };
}

describe('delinquency as of a past day', () => {
  it('counts an installment paid from its paid_off_at, and partial payments from the allocations received by then', () => {
    const rows = [
      installment({ period: 1, dueDate: '2026-07-10', paidPrincipalFen: 100_000, paidInterestFen: 1_000, status: 'paid', paidOffAt: endOf('2026-07-09') }),
      installment({ period: 2, dueDate: '2026-08-10', paidPrincipalFen: 100_000, paidInterestFen: 1_000, status: 'paid', paidOffAt: endOf('2026-09-20') }),
      installment({ period: 3, dueDate: '2026-09-10', paidPrincipalFen: 40_000, status: 'overdue' }),
    ];
    const partial = { paidAt: endOf('2026-09-05'), allocation: parseAllocation(JSON.stringify([{ period: 3, principal_fen: 40_000, interest_fen: 0, fee_fen: 0, penalty_fen: 0 }])) };
    // 31 August: period 2 is 21 days late; nothing of period 3 is due.
    const august = delinquencyAsOf(rows, [partial], endOf('2026-08-31'), 0);
    expect([august.dpd, august.bucket, august.outstandingPrincipalFen]).toEqual([21, 'M1', 200_000]);
    // 10 September: the partial payment of 5 September is counted, period 2 still open (paid 20th).
    const tenth = installmentsAsOf(rows, [partial], endOf('2026-09-10'));
    expect(tenth.map((row) => row.paidPrincipalFen)).toEqual([100_000, 0, 40_000]);
    // 30 September: period 2 paid, period 3 (due 10th) 20 days late with 60,000 of principal left.
    const september = delinquencyAsOf(rows, [partial], endOf('2026-09-30'), 3);
    expect([september.dpd, september.bucket, september.outstandingPrincipalFen]).toEqual([20, 'M1', 60_000]);
    // Within the grace days the bucket stays M0, as the live derivation does.
    expect(delinquencyAsOf(rows, [], endOf('2026-08-12'), 3).bucket).toBe('M0');
  });

  it('reads the quoted plan against allocations when the institution books no plan', () => {
    const quoted = quotedInstallments(
      JSON.stringify([
        { period: 1, due_date: '2026-07-10', principal_fen: 50_000, interest_fen: 500, fee_fen: 0, total_fen: 50_500 },
        { period: 2, due_date: '2026-08-10', principal_fen: 50_000, interest_fen: 250, fee_fen: 0, total_fen: 50_250 },
      ]),
    );
    const paid = [{ paidAt: endOf('2026-07-10'), allocation: parseAllocation(JSON.stringify([{ period: 1, principal_fen: 50_000, interest_fen: 500, fee_fen: 0, penalty_fen: 0 }])) }];
    const state = delinquencyAsOf(quoted, paid, endOf('2026-08-20'), 0);
    expect([state.dpd, state.bucket, state.outstandingPrincipalFen]).toEqual([10, 'M1', 50_000]);
  });

  it('lists the completed month-ends between two days', () => {
    expect(completedMonthEnds('2026-01-15', '2026-04-30')).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    expect(completedMonthEnds('2026-04-01', '2026-04-30')).toEqual([]);
  });
});

describe('the snapshot job', () => {
  let backend: Awaited<ReturnType<typeof createTestBackend>>;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 10, 25, 2));
    backend = await createTestBackend({ clock });
  });
  afterEach(async () => backend.cleanup());

  function monthly(firstDue: string, count: number, paidOff: Array<number | null>): InstallmentValues[] {
    return Array.from({ length: count }, (_, index) => {
      const paidOffAt = paidOff[index] ?? null;
      return {
        dueDate: addMonthsClamped(firstDue, index),
        principalFen: 100_000,
        interestFen: 1_000,
        paidPrincipalFen: paidOffAt === null ? 0 : 100_000,
        paidInterestFen: paidOffAt === null ? 0 : 1_000,
        status: paidOffAt === null ? 'pending' : 'paid',
        paidOffAt,
      } satisfies InstallmentValues;
    });
  }

  it('reconstructs past month-ends from installments, rolls them into rates, and takes today live', async () => {
    const db = backend.db;
    // An institution with no loans first, so ids of institutions and orders differ.
    insertInstitution(db, 'EMPTY');
    const institutionId = insertInstitution(db, 'AAA');
    const disbursedAt = shanghaiStartOfDay('2026-06-10') + 3_600_000;
    // O1 misses August's installment until 20 September, then pays on time.
    insertOrderRow(db, { institutionId, externalId: 'O1', principalFen: 1_200_000, disbursedAt, status: 'REPAYING', outstandingPrincipalFen: 700_000, bucket: 'M0' });
    insertPlanRows(db, {
      institutionId,
      orderExternalId: 'O1',
      installments: monthly('2026-07-10', 12, [endOf('2026-07-09'), endOf('2026-09-20'), endOf('2026-09-20'), endOf('2026-10-10'), endOf('2026-11-10')]),
    });
    // O2 always pays on its due date.
    insertOrderRow(db, { institutionId, externalId: 'O2', principalFen: 600_000, disbursedAt, status: 'REPAYING', outstandingPrincipalFen: 100_000, bucket: 'M0' });
    insertPlanRows(db, {
      institutionId,
      orderExternalId: 'O2',
      installments: monthly('2026-07-10', 6, ['2026-07-10', '2026-08-10', '2026-09-10', '2026-10-10', '2026-11-10'].map(endOf)),
    });
    // O3 pays nothing and has been M1 since 10 November (derived live values match).
    insertOrderRow(db, { institutionId, externalId: 'O3', principalFen: 300_000, disbursedAt: shanghaiStartOfDay('2026-10-01'), status: 'OVERDUE', outstandingPrincipalFen: 300_000, bucket: 'M1', dpd: 15 });
    insertPlanRows(db, { institutionId, orderExternalId: 'O3', installments: monthly('2026-11-10', 3, []) });
    // A repayment record for O1's August installment, as the institution reports it.
    insertRepaymentRow(db, {
      institutionId,
      externalId: 'R1',
      orderExternalId: 'O1',
      paidAt: endOf('2026-09-20'),
      allocation: [{ period: 2, principal_fen: 100_000, interest_fen: 1_000, fee_fen: 0, penalty_fen: 0 }],
    });

    const job = createSnapshotJob({ db, clock, settings: () => defaultDomainSettings });
    // While the institution's first sync is still running, its month-ends wait.
    db.update(institutionsTable).set({ state: 'syncing' }).where(eq(institutionsTable.id, institutionId)).run();
    expect((await job.run()).monthEndsTaken).toEqual([]);
    db.update(institutionsTable).set({ state: 'idle', lastSuccessAt: clock.now() }).where(eq(institutionsTable.id, institutionId)).run();
    const first = await job.run();
    expect(first.date).toBe('2026-11-25');
    expect(first.monthEndsTaken.map((entry) => [entry.monthEnd, entry.source, entry.loanCount])).toEqual([
      ['2026-06-30', 'reconstructed', 2],
      ['2026-07-31', 'reconstructed', 2],
      ['2026-08-31', 'reconstructed', 2],
      ['2026-09-30', 'reconstructed', 2],
      ['2026-10-31', 'reconstructed', 3],
    ]);
    const cohort = (monthEnd: string) =>
      db
        .select()
        .from(portfolioMonthEndLoansTable)
        .all()
        .filter((row) => row.monthEnd === monthEnd)
        .map((row) => [row.orderId, row.bucket, row.dpd, row.balanceFen]);
    expect(new Set(first.monthEndsTaken.map((entry) => entry.institutionId))).toEqual(new Set([institutionId]));
    expect(cohort('2026-08-31')).toEqual([
      [1, 'M1', 21, 1_100_000],
      [2, 'M0', 0, 400_000],
    ]);
    expect(cohort('2026-09-30')).toEqual([
      [1, 'M0', 0, 900_000],
      [2, 'M0', 0, 300_000],
    ]);

    const service = createPortfolioService({ db, clock, settings: () => defaultDomainSettings });
    const dashboard = service.loansDashboard({});
    const august = dashboard.rollRates.find((rate) => rate.monthEnd === '2026-08-31');
    // 31 July: O1 1,100,000 and O2 500,000 current; O1 rolled to M1.
    expect(august?.currentToM1).toEqual({ ratio: 1_100_000 / 1_600_000, numeratorFen: 1_100_000, denominatorFen: 1_600_000 });
    expect(august?.reconstructed).toBe(true);
    const september = dashboard.rollRates.find((rate) => rate.monthEnd === '2026-09-30');
    expect(september?.m1ToM2).toEqual({ ratio: 0, numeratorFen: 0, denominatorFen: 1_100_000 });
    // The loans behind a roll figure.
    const rolled = service.loansList({ rolled: { monthEnd: '2026-08-31', from: 'M0', to: 'M1' }, scope: 'all', sort: 'disbursedAt', direction: 'desc', offset: 0, limit: 10 });
    expect(rolled.rows.map((row) => row.externalId)).toEqual(['O1']);

    // Buckets over time: reconstructed month-ends, then today's live row from the derived columns.
    const today = dashboard.bucketsOverTime.filter((row) => row.date === '2026-11-25');
    expect(today.map((row) => [row.bucket, row.loanCount, row.balanceFen, row.source])).toEqual([
      ['M0', 2, 800_000, 'live'],
      ['M1', 1, 300_000, 'live'],
    ]);
    expect(dashboard.bucketsOverTime.find((row) => row.date === '2026-08-31' && row.bucket === 'M1')).toEqual({
      date: '2026-08-31',
      bucket: 'M1',
      loanCount: 1,
      balanceFen: 1_100_000,
      source: 'reconstructed',
    });

    // A second run the same day takes nothing new; after the month ends the month-end is live.
    expect((await job.run()).monthEndsTaken).toEqual([]);
    clock.set(shanghaiStartOfDay('2026-12-01') + 5_000);
    const december = await job.run();
    expect(december.monthEndsTaken.map((entry) => [entry.monthEnd, entry.source])).toEqual([['2026-11-30', 'live']]);
    expect(db.select().from(portfolioMonthEndRunsTable).all()).toHaveLength(6);
    expect(new Set(db.select().from(portfolioDailyBucketsTable).all().map((row) => row.date))).toEqual(
      new Set(['2026-06-30', '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-25', '2026-11-30', '2026-12-01']),
    );
  });
});

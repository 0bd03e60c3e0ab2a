import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { applyMigrations, findMigrationsFolder, openDatabase, type Db } from '../db/connection';
import { borrowerSearchTable, borrowersTable, creditLinesTable, ordersTable, portfolioLineGrantsTable } from '../db/schema';
import { liveLineSummary, readLineSummary, grantsByMonth } from '../repositories/portfolio-lines';
import { liveOrderSummary, readOrderSummary } from '../repositories/portfolio-loans';
import { insertBorrower, insertInstitution } from '../../../test/support/rows';
import { insertLineRow, insertOrderRow } from '../../../test/support/loan-rows';

function sorted<T>(rows: T[]): T[] {
  return [...rows].map((row) => JSON.stringify(row)).sort().map((row) => JSON.parse(row) as T);
}

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('portfolio summaries kept by triggers', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase({ file: ':memory:', migrationsFolder: findMigrationsFolder() });
    applyMigrations(db, findMigrationsFolder());
  });
  afterEach(() => db.$client.close());

  it('equal the live aggregate of orders after inserts, updates and deletes', () => {
    const next = random(7);
    const pick = <T,>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
    const institutions = [insertInstitution(db, 'AAA'), insertInstitution(db, 'BBB')];
    const ids: number[] = [];
    for (let index = 0; index < 300; index++) {
      const dpd = pick([0, 0, 0, 2, 15, 45, 75, 120]);
      ids.push(
        insertOrderRow(db, {
          institutionId: pick(institutions),
          externalId: `O${index}`,
          productCode: pick(['P1', 'P2']),
          status: pick(['REPAYING', 'OVERDUE', 'CLOSED', 'AUDITING', 'LOAN_SUCCESS'] as const),
          dpd,
          bucket: dpd === 0 ? 'M0' : dpd <= 30 ? 'M1' : dpd <= 60 ? 'M2' : dpd <= 90 ? 'M3' : 'M3+',
          aprFlag: pick(['ok', 'warning', 'non_compliant', 'unknown'] as const),
          planState: pick(['booked', 'missing', 'awaiting'] as const),
          planMismatch: next() < 0.2,
          principalFen: 100_000 + Math.floor(next() * 900_000),
          outstandingPrincipalFen: Math.floor(next() * 100_000),
          overduePrincipalFen: Math.floor(next() * 1000),
          overdueInterestFen: Math.floor(next() * 100),
          overdueFeeFen: Math.floor(next() * 10),
          overduePenaltyFen: Math.floor(next() * 10),
        }),
      );
    }
    for (let index = 0; index < 400; index++) {
      const id = pick(ids);
      const dpd = pick([0, 1, 31, 61, 91]);
      db.update(ordersTable)
        .set({
          dpd,
          bucket: pick(['M0', 'M1', 'M2', 'M3', 'M3+'] as const),
          status: pick(['REPAYING', 'OVERDUE', 'CLOSED'] as const),
          outstandingPrincipalFen: Math.floor(next() * 100_000),
          version: index,
        })
        .where(eq(ordersTable.id, id))
        .run();
    }
    // An update touching no summarised column leaves the summary alone.
    db.update(ordersTable).set({ syncedAt: 5 }).run();
    for (const id of ids.slice(0, 40)) db.delete(ordersTable).where(eq(ordersTable.id, id)).run();

    expect(sorted(readOrderSummary(db, {}))).toEqual(sorted(liveOrderSummary(db, {})));
    expect(sorted(readOrderSummary(db, { institutionId: institutions[1], productCode: 'P2' }))).toEqual(
      sorted(liveOrderSummary(db, { institutionId: institutions[1], productCode: 'P2' })),
    );
    const total = readOrderSummary(db, {}).reduce((sum, row) => sum + row.loanCount, 0);
    expect(total).toBe(260);
  });

  it('equal the live aggregate of lines, and count grants per Shanghai month', () => {
    const institution = insertInstitution(db, 'AAA');
    // 2026-01-31 17:00 UTC is already 1 February in Shanghai.
    insertLineRow(db, { institutionId: institution, externalId: 'L1', grantedAt: Date.UTC(2026, 0, 31, 17), limitFen: 100 });
    insertLineRow(db, { institutionId: institution, externalId: 'L2', grantedAt: Date.UTC(2026, 0, 31, 15), limitFen: 200, mode: 'single_batch' });
    const third = insertLineRow(db, { institutionId: institution, externalId: 'L3', grantedAt: Date.UTC(2026, 0, 10), limitFen: 300, flags: 'expiring_soon' });
    db.update(creditLinesTable).set({ flags: 'frozen_overdue', derivedState: 'frozen', derivedAvailableFen: 0 }).where(eq(creditLinesTable.id, third)).run();
    db.update(creditLinesTable).set({ grantedAt: Date.UTC(2026, 2, 1) }).where(eq(creditLinesTable.externalId, 'L1')).run();

    expect(sorted(readLineSummary(db, {}))).toEqual(sorted(liveLineSummary(db, {})));
    expect(grantsByMonth(db, {})).toEqual([
      { month: '2026-01', mode: 'revolving', lineCount: 1, limitFen: 300 },
      { month: '2026-01', mode: 'single_batch', lineCount: 1, limitFen: 200 },
      { month: '2026-03', mode: 'revolving', lineCount: 1, limitFen: 100 },
    ]);
    // The live path (a product scope) gives the same months.
    expect(grantsByMonth(db, { productCode: 'P1' })).toEqual(grantsByMonth(db, {}));
    expect(db.select({ n: sql<number>`count(*)` }).from(portfolioLineGrantsTable).get()?.n).toBe(3);
  });

  it('index the last four characters of ID number and phone, following changes', () => {
    const id = insertBorrower(db, { idNumber: '11010519491231002x', name: '王小明', phone: '13800138000', platformUserId: 'U1' });
    const terms = () => db.select({ term: borrowerSearchTable.term }).from(borrowerSearchTable).where(eq(borrowerSearchTable.borrowerId, id)).all().map((row) => row.term).sort();
    expect(terms()).toEqual(['q:8000', 't:002X']);
    db.update(borrowersTable).set({ phone: '13912345678' }).where(eq(borrowersTable.id, id)).run();
    expect(terms()).toEqual(['q:5678', 't:002X']);
    db.delete(borrowersTable).where(eq(borrowersTable.id, id)).run();
    expect(terms()).toEqual([]);
  });
});

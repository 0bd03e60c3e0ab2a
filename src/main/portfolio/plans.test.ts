/**
 * The hot queries of the portfolio pages use an index (EXPLAIN QUERY PLAN), so a list page and a
 * lookup stay fast at 100,000 borrowers instead of scanning or sorting whole tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { SQL } from 'drizzle-orm';
import { applyMigrations, findMigrationsFolder, openDatabase, type Db } from '../db/connection';
import type { LineListInput, LoanListInput } from '../../shared/contracts/portfolio';
import { lineFilterConditions, linePageQuery } from '../repositories/portfolio-lines';
import { loanFilterConditions, loanPageQuery } from '../repositories/portfolio-loans';
import { borrowersByPrefix, borrowersByReference, borrowersByTail, borrowersByValue, openLoanStats } from '../repositories/portfolio-borrowers';

let db: Db;
beforeAll(() => {
  db = openDatabase({ file: ':memory:', migrationsFolder: findMigrationsFolder() });
  applyMigrations(db, findMigrationsFolder());
});
afterAll(() => db.$client.close());

/** The plan's detail lines, with each statement's placeholders bound. */
function planOf(text: string, params: unknown[]): string {
  const rows = db.$client.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>;
  return rows.map((row) => row.detail).join('\n');
}

/** Captures the SQL a lookup function runs (through the connection's prepare), then explains it. */
function planOfCall(run: () => unknown): string {
  const client = db.$client;
  const original = client.prepare.bind(client);
  const seen: string[] = [];
  client.prepare = ((text: string) => {
    seen.push(text);
    return original(text);
  }) as typeof client.prepare;
  try {
    run();
  } finally {
    client.prepare = original;
  }
  if (seen.length === 0) throw new Error('no statement prepared (cached from an earlier call?)');
  return seen.map((text) => planOf(text, Array.from({ length: (text.match(/\?/g) ?? []).length }, () => '1'))).join('\n');
}

const page = { offset: 0, limit: 100 } as const;

const dialect = new SQLiteSyncDialect();

function explain(query: SQL): string {
  const { sql, params } = dialect.sqlToQuery(query);
  return planOf(sql, params);
}

function loanPlan(filter: Partial<LoanListInput>, sort: LoanListInput['sort'] = 'disbursedAt', readInSortOrder = false): string {
  const input = { scope: 'all' as const, ...filter };
  return explain(loanPageQuery(loanFilterConditions(input), { sort, direction: 'desc', ...page }, { readInSortOrder }));
}

function linePlan(filter: Partial<LineListInput>, sort: LineListInput['sort'] = 'grantedAt', readInSortOrder = false): string {
  return explain(linePageQuery(lineFilterConditions(filter), { sort, direction: 'desc', ...page }, { readInSortOrder }));
}

describe('loan list pages use an index', () => {
  it.each([
    ['newest first', {}, 'disbursedAt', /USING (COVERING )?INDEX orders_disbursed_idx/],
    ['worst DPD first among open loans', { scope: 'open' }, 'dpd', /USING (COVERING )?INDEX orders_dpd_idx/],
    ['largest outstanding', {}, 'outstanding', /USING (COVERING )?INDEX orders_outstanding_idx/],
    ['one institution, newest first', { institutionId: 1 }, 'disbursedAt', /USING (COVERING )?INDEX orders_(institution_)?disbursed_idx/],
    ['one bucket', { bucket: 'M2', scope: 'open' }, 'disbursedAt', /USING (COVERING )?INDEX orders_(bucket|disbursed)_idx/],
    ['PAR30', { parDays: 30, scope: 'open' }, 'outstanding', /USING (COVERING )?INDEX orders_(dpd|outstanding)_idx/],
    ['a month of disbursements', { disbursedFrom: '2026-06-01', disbursedTo: '2026-06-30' }, 'disbursedAt', /USING (COVERING )?INDEX orders_disbursed_idx/],
  ] as const)('%s', (_name, filter, sort, index) => {
    const plan = loanPlan(filter, sort);
    expect(plan).toMatch(index);
    expect(plan).not.toMatch(/SCAN orders\b(?! USING)/);
  });
});

describe('a broad filter is read in sort order, never sorted whole', () => {
  it.each(['disbursedAt', 'principal', 'outstanding', 'dpd', 'apr', 'nextDue'] as const)('loans by %s', (sort) => {
    const plan = loanPlan({ institutionId: 1, flag: 'apr_warning', scope: 'disbursed' }, sort, true);
    expect(plan).toMatch(/SCAN orders USING INDEX orders_/);
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });

  it.each(['grantedAt', 'validTo', 'limit', 'used', 'available', 'utilisation'] as const)('lines by %s', (sort) => {
    const plan = linePlan({ institutionId: 1, inForce: true }, sort, true);
    expect(plan).toMatch(/SCAN credit_lines USING INDEX credit_lines_/);
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });
});

describe('line list pages use an index', () => {
  it.each([
    ['newest first', {}, 'grantedAt', /USING (COVERING )?INDEX credit_lines_granted_idx/],
    ['frozen because of overdue', { flag: 'frozen_overdue' }, 'grantedAt', /USING (COVERING )?INDEX credit_lines_flag_frozen_overdue_idx/],
    ['expiring soon', { flag: 'expiring_soon' }, 'grantedAt', /USING (COVERING )?INDEX credit_lines_flag_expiring_soon_idx/],
    ['expiring soon, by end of validity', { flag: 'expiring_soon' }, 'validTo', /USING (COVERING )?INDEX credit_lines_(expiring_valid_to|valid_to)_idx/],
    ['highest utilisation in force', { inForce: true }, 'utilisation', /USING (COVERING )?INDEX credit_lines_utilisation_idx/],
    ['largest limit', {}, 'limit', /USING (COVERING )?INDEX credit_lines_limit_idx/],
  ] as const)('%s', (_name, filter, sort, index) => {
    const plan = linePlan(filter, sort);
    expect(plan).toMatch(index);
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });
});

describe('borrower lookup uses an index for every kind of query', () => {
  it('prefix of name, phone, ID number and user id', () => {
    expect(planOfCall(() => borrowersByValue(db, 'name', '王小明', 5))).toMatch(/USING (COVERING )?INDEX borrowers_name_idx/);
    expect(planOfCall(() => borrowersByValue(db, 'phone', '13800138000', 5))).toMatch(/USING (COVERING )?INDEX borrowers_phone_idx/);
    expect(planOfCall(() => borrowersByValue(db, 'idNumber', '110101199003078670', 5))).toMatch(/USING (COVERING )?INDEX borrowers_id_number_unique/);
    expect(planOfCall(() => borrowersByPrefix(db, 'platformUserId', 'U1', 5))).toMatch(/USING (COVERING )?INDEX borrowers_platform_user_idx/);
  });

  it('ID number and phone tails through the search terms', () => {
    const plan = planOfCall(() => borrowersByTail(db, 't', '1234', 5));
    expect(plan).toMatch(/SEARCH s USING (COVERING )?(PRIMARY KEY|INDEX sqlite_autoindex_borrower_search_1)/);
    expect(plan).toMatch(/SEARCH b USING INTEGER PRIMARY KEY/);
  });

  it('loan, application and line numbers through their unique indexes', () => {
    expect(planOfCall(() => borrowersByReference(db, 'loan', 'LO2026', 5))).toMatch(/SEARCH r USING (COVERING )?INDEX orders_external_unique \(institution_id=\? AND external_id>\? AND external_id<\?\)/);
    expect(planOfCall(() => borrowersByReference(db, 'application', 'AP', 5))).toMatch(/USING (COVERING )?INDEX applications_external_unique \(institution_id=\? AND external_id>\?/);
    expect(planOfCall(() => borrowersByReference(db, 'line', 'LN', 5))).toMatch(/USING (COVERING )?INDEX credit_lines_external_unique \(institution_id=\? AND external_id>\?/);
  });

  it('open loans of the results by borrower', () => {
    expect(planOfCall(() => openLoanStats(db, [1, 2]))).toMatch(/USING (COVERING )?INDEX orders_borrower_idx/);
  });
});

/**
 * Borrower lookup and the borrower page. Prefix and full-value searches use the borrowers
 * table's indexes as ranges; ID-number and phone tails go through `borrower_search` (last 4
 * characters, trigger-kept); loan, application and line numbers use each table's
 * (institution, external id) unique index, one range per institution. Every lookup query has an
 * EXPLAIN QUERY PLAN test (portfolio-plans.test.ts).
 */
import type Database from 'better-sqlite3';
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import {
  applicationsTable,
  borrowersTable,
  creditLinesTable,
  operatorsTable,
  ordersTable,
  reviewDecisionsTable,
  reviewTasksTable,
  type BorrowerRow,
} from '../db/schema';
import { openLoanStatuses } from '../../shared/contracts/portfolio';

/** Greater than any string that starts with the prefix (U+10FFFF sorts after every character). */
function upperBound(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

// The lookup answers as the operator types: its statements are prepared once per connection,
// because the query builder's per-call cost is a large share of a sub-millisecond query.
const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function prepared(db: Db, text: string): Database.Statement {
  const client = db.$client;
  let statements = statementCache.get(client);
  if (!statements) statementCache.set(client, (statements = new Map()));
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = client.prepare(text)));
  return statement;
}

export type BorrowerIdentity = Pick<BorrowerRow, 'id' | 'name' | 'phone' | 'idNumber' | 'platformUserId'>;

const identityColumns = 'b.id AS id, b.name AS name, b.phone AS phone, b.id_number AS idNumber, b.platform_user_id AS platformUserId';

export type BorrowerColumnSearch = 'idNumber' | 'phone' | 'name' | 'platformUserId';

const searchColumns: Record<BorrowerColumnSearch, string> = {
  idNumber: 'id_number',
  phone: 'phone',
  name: 'name',
  platformUserId: 'platform_user_id',
};

/** Borrowers whose column equals `value` exactly (personal identifiers never match by prefix). */
export function borrowersByValue(db: Db, column: Exclude<BorrowerColumnSearch, 'platformUserId'>, value: string, limit: number): BorrowerIdentity[] {
  const name = searchColumns[column];
  return prepared(db, `SELECT ${identityColumns} FROM borrowers b WHERE b.${name} = ? ORDER BY b.id LIMIT ?`).all(value, limit) as BorrowerIdentity[];
}

/** Borrowers whose column starts with `prefix`, in column order: platform user ids only (not personal data). */
export function borrowersByPrefix(db: Db, column: 'platformUserId', prefix: string, limit: number): BorrowerIdentity[] {
  const name = searchColumns[column];
  return prepared(db, `SELECT ${identityColumns} FROM borrowers b WHERE b.${name} >= ? AND b.${name} < ? ORDER BY b.${name} LIMIT ?`).all(
    prefix,
    upperBound(prefix),
    limit,
  ) as BorrowerIdentity[];
}

/** Borrowers whose ID number ('t') or phone ('q') ends with `tail` (the 4 characters the masked view shows). */
export function borrowersByTail(db: Db, kind: 't' | 'q', tail: string, limit: number): BorrowerIdentity[] {
  const column = kind === 't' ? 'upper(b.id_number)' : 'b.phone';
  return prepared(
    db,
    `SELECT ${identityColumns} FROM borrower_search s JOIN borrowers b ON b.id = s.borrower_id
     WHERE s.term = ? AND substr(${column}, ?) = ? ORDER BY b.id LIMIT ?`,
  ).all(`${kind}:${tail.slice(-4)}`, -tail.length, tail, limit) as BorrowerIdentity[];
}

export function borrowersByIds(db: Db, ids: readonly number[]): BorrowerIdentity[] {
  if (ids.length === 0) return [];
  return prepared(db, `SELECT ${identityColumns} FROM borrowers b WHERE b.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as BorrowerIdentity[];
}

export type ReferenceKind = 'loan' | 'application' | 'line';
const referenceTables: Record<ReferenceKind, string> = { loan: 'orders', application: 'applications', line: 'credit_lines' };

/**
 * Borrowers of loans, applications or lines whose number starts with `prefix`, across
 * institutions (each institution's unique (institution, external id) index, one range each).
 * Rows without a linked borrower are matched through the platform user id.
 */
export function borrowersByReference(db: Db, kind: ReferenceKind, prefix: string, limit: number): Array<{ borrowerId: number; reference: string }> {
  const table = referenceTables[kind];
  const rows = prepared(
    db,
    `SELECT r.external_id AS reference, coalesce(r.borrower_id, (SELECT b.id FROM borrowers b WHERE b.platform_user_id = r.platform_user_id LIMIT 1)) AS borrowerId
     FROM ${table} r WHERE r.institution_id IN (SELECT id FROM institutions) AND r.external_id >= ? AND r.external_id < ? LIMIT ?`,
  ).all(prefix, upperBound(prefix), limit) as Array<{ reference: string; borrowerId: number | null }>;
  return rows.flatMap((row) => (row.borrowerId === null ? [] : [{ borrowerId: row.borrowerId, reference: row.reference }]));
}

/** Open loans and the largest DPD among them, per borrower. */
export function openLoanStats(db: Db, borrowerIds: readonly number[]): Map<number, { openLoanCount: number; maxDpd: number }> {
  if (borrowerIds.length === 0) return new Map();
  const rows = prepared(
    db,
    `SELECT borrower_id AS borrowerId, count(*) AS openLoanCount, max(dpd) AS maxDpd FROM orders
     WHERE borrower_id IN (SELECT value FROM json_each(?)) AND status IN (${openLoanStatuses.map((status) => `'${status}'`).join(', ')})
     GROUP BY borrower_id`,
  ).all(JSON.stringify(borrowerIds)) as Array<{ borrowerId: number; openLoanCount: number; maxDpd: number }>;
  return new Map(rows.map((row) => [row.borrowerId, { openLoanCount: row.openLoanCount, maxDpd: row.maxDpd }]));
}

export function findBorrowerRow(db: Db, id: number): BorrowerRow | undefined {
  return db.select().from(borrowersTable).where(eq(borrowersTable.id, id)).get();
}

export function applicationsOf(db: Db, borrowerId: number) {
  const a = applicationsTable;
  return db
    .select({
      id: a.id,
      institutionId: a.institutionId,
      externalId: a.externalId,
      productCode: a.productCode,
      productName: a.productName,
      lineMode: a.lineMode,
      requestedAmountFen: a.requestedAmountFen,
      status: a.status,
      appliedAt: a.appliedAt,
    })
    .from(a)
    .where(eq(a.borrowerId, borrowerId))
    .orderBy(desc(a.appliedAt), desc(a.id))
    .all();
}

export function linesOf(db: Db, borrowerId: number) {
  const l = creditLinesTable;
  return db
    .select({
      id: l.id,
      institutionId: l.institutionId,
      externalId: l.externalId,
      productCode: l.productCode,
      mode: l.mode,
      limitFen: l.limitFen,
      usedFen: l.derivedUsedFen,
      availableFen: l.derivedAvailableFen,
      state: l.derivedState,
      flags: l.flags,
      validTo: l.validTo,
    })
    .from(l)
    .where(eq(l.borrowerId, borrowerId))
    .orderBy(desc(l.grantedAt), desc(l.id))
    .all();
}

export function loansOf(db: Db, borrowerId: number) {
  const o = ordersTable;
  return db
    .select({
      id: o.id,
      institutionId: o.institutionId,
      externalId: o.externalId,
      productCode: o.productCode,
      status: o.status,
      principalFen: o.principalFen,
      outstandingPrincipalFen: o.outstandingPrincipalFen,
      disbursedAt: o.disbursedAt,
      dpd: o.dpd,
      bucket: o.bucket,
      inGrace: o.inGrace,
      overdueFen: sql<number>`${o.overduePrincipalFen} + ${o.overdueInterestFen} + ${o.overdueFeeFen} + ${o.overduePenaltyFen}`.mapWith(Number),
      nextDueDate: o.nextDueDate,
      nextDueFen: o.nextDueFen,
      planState: o.planState,
    })
    .from(o)
    .where(eq(o.borrowerId, borrowerId))
    .orderBy(desc(o.appliedAt), desc(o.id))
    .all();
}

export function reviewTasksOf(db: Db, borrowerId: number) {
  const t = reviewTasksTable;
  const tasks = db
    .select({
      id: t.id,
      applicationId: t.applicationId,
      applicationExternalId: applicationsTable.externalId,
      institutionId: t.institutionId,
      queue: t.queue,
      status: t.status,
      findingCodes: t.findingCodes,
      createdAt: t.createdAt,
      decidedAt: t.decidedAt,
    })
    .from(t)
    .innerJoin(applicationsTable, eq(applicationsTable.id, t.applicationId))
    .where(eq(t.borrowerId, borrowerId))
    .orderBy(desc(t.createdAt), desc(t.id))
    .all();
  if (tasks.length === 0) return [];
  const d = reviewDecisionsTable;
  const decisions = db
    .select({
      id: d.id,
      taskId: d.taskId,
      action: d.action,
      stage: d.stage,
      state: d.state,
      operatorName: operatorsTable.displayName,
      reasonCode: d.reasonCode,
      decidedAt: d.decidedAt,
    })
    .from(d)
    .leftJoin(operatorsTable, eq(operatorsTable.id, d.operatorId))
    .where(inArray(d.taskId, tasks.map((task) => task.id)))
    .orderBy(asc(d.decidedAt), asc(d.id))
    .all();
  return tasks.map((task) => ({
    ...task,
    findingCodes: task.findingCodes === '' ? [] : task.findingCodes.split(','),
    decisions: decisions.filter((decision) => decision.taskId === task.id).map(({ taskId: _taskId, ...decision }) => decision),
  }));
}

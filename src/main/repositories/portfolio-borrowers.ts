/**
 * Borrower lookup and the borrower page. Prefix and full-value searches use the borrowers
 * table's indexes as ranges; ID-number and phone tails go through `borrower_search` (last 4
 * characters, trigger-kept); loan, application and line numbers use each table's
 * (institution, external id) unique index, one range per institution.
 */
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection';
import {
  applicationsTable,
  borrowerSearchTable,
  borrowersTable,
  creditLinesTable,
  institutionsTable,
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

type BorrowerIdentity = Pick<BorrowerRow, 'id' | 'name' | 'phone' | 'idNumber' | 'platformUserId'>;

const identityColumns = {
  id: borrowersTable.id,
  name: borrowersTable.name,
  phone: borrowersTable.phone,
  idNumber: borrowersTable.idNumber,
  platformUserId: borrowersTable.platformUserId,
};

export type BorrowerColumnSearch = 'idNumber' | 'phone' | 'name' | 'platformUserId';

/** Borrowers whose column starts with `prefix` (an exact value is a prefix of itself), in column order. */
export function borrowersByPrefix(db: Db, column: BorrowerColumnSearch, prefix: string, limit: number): BorrowerIdentity[] {
  const target = borrowersTable[column];
  return db
    .select(identityColumns)
    .from(borrowersTable)
    .where(and(gte(target, prefix), lt(target, upperBound(prefix))))
    .orderBy(asc(target))
    .limit(limit)
    .all();
}

/** Borrowers whose ID number ('t') or phone ('q') ends with `tail` (at least 4 characters). */
export function borrowersByTail(db: Db, kind: 't' | 'q', tail: string, limit: number): BorrowerIdentity[] {
  const term = `${kind}:${tail.slice(-4)}`;
  const column = kind === 't' ? sql`upper(${borrowersTable.idNumber})` : borrowersTable.phone;
  return db
    .select(identityColumns)
    .from(borrowerSearchTable)
    .innerJoin(borrowersTable, eq(borrowersTable.id, borrowerSearchTable.borrowerId))
    .where(and(eq(borrowerSearchTable.term, term), sql`substr(${column}, ${-tail.length}) = ${tail}`))
    .orderBy(asc(borrowersTable.id))
    .limit(limit)
    .all();
}

export function borrowersByIds(db: Db, ids: readonly number[]): BorrowerIdentity[] {
  if (ids.length === 0) return [];
  return db.select(identityColumns).from(borrowersTable).where(inArray(borrowersTable.id, [...ids])).all();
}

export type ReferenceKind = 'loan' | 'application' | 'line';

/**
 * Borrowers of loans, applications or lines whose number starts with `prefix`, across
 * institutions. Rows without a linked borrower are matched through the platform user id.
 */
export function borrowersByReference(db: Db, kind: ReferenceKind, prefix: string, limit: number): Array<{ borrowerId: number; reference: string }> {
  const table = kind === 'loan' ? ordersTable : kind === 'application' ? applicationsTable : creditLinesTable;
  const institutionIds = db.select({ id: institutionsTable.id }).from(institutionsTable).all().map((row) => row.id);
  if (institutionIds.length === 0) return [];
  const rows = db
    .select({ borrowerId: table.borrowerId, platformUserId: table.platformUserId, reference: table.externalId })
    .from(table)
    .where(and(inArray(table.institutionId, institutionIds), gte(table.externalId, prefix), lt(table.externalId, upperBound(prefix))))
    .limit(limit)
    .all();
  return rows.flatMap((row) => {
    if (row.borrowerId !== null) return [{ borrowerId: row.borrowerId, reference: row.reference }];
    const borrower = db.select({ id: borrowersTable.id }).from(borrowersTable).where(eq(borrowersTable.platformUserId, row.platformUserId)).get();
    return borrower ? [{ borrowerId: borrower.id, reference: row.reference }] : [];
  });
}

/** Open loans and the largest DPD among them, per borrower. */
export function openLoanStats(db: Db, borrowerIds: readonly number[]): Map<number, { openLoanCount: number; maxDpd: number }> {
  if (borrowerIds.length === 0) return new Map();
  const rows = db
    .select({
      borrowerId: ordersTable.borrowerId,
      openLoanCount: sql<number>`count(*)`.mapWith(Number),
      maxDpd: sql<number>`max(${ordersTable.dpd})`.mapWith(Number),
    })
    .from(ordersTable)
    .where(and(inArray(ordersTable.borrowerId, [...borrowerIds]), inArray(ordersTable.status, [...openLoanStatuses])))
    .groupBy(ordersTable.borrowerId)
    .all();
  return new Map(rows.flatMap((row) => (row.borrowerId === null ? [] : [[row.borrowerId, { openLoanCount: row.openLoanCount, maxDpd: row.maxDpd }]])));
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

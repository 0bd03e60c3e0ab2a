/**
 * What a review task shows around its evidence: the application, its findings, the borrower's
 * other applications, lines and loans across institutions, and applicants sharing a contact phone.
 */
import { and, asc, desc, eq, inArray, ne, sql, type AnyColumn } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { preparedQuery } from './prepared-queries';
import { columnsOf, preparedStatement } from './prepared-writes';
import {
  applicationFindingsTable,
  applicationsTable,
  borrowersTable,
  contactPhonesTable,
  creditLinesTable,
  institutionsTable,
  operatorsTable,
  ordersTable,
  reviewTasksTable,
  type ApplicationFindingRow,
  type ApplicationRow,
  type BorrowerRow,
  type CreditLineRow,
  type InstitutionRow,
  type OrderRow,
  type ReviewTaskRow,
} from '../db/schema';

// The decision's and the task view's look-ups by id: a statement prepared once that hands back
// drizzle's row as SQLite returns it (columnsOf names the columns), without drizzle's per-row mapping.
export function findApplication(db: Db, id: number): ApplicationRow | undefined {
  return preparedStatement(db, `SELECT ${columnsOf(applicationsTable)} FROM applications WHERE id = ?`).get(id) as ApplicationRow | undefined;
}

export function findBorrower(db: Db, id: number): BorrowerRow | undefined {
  return preparedQuery(db, 'findBorrower', (root) => root.select().from(borrowersTable).where(eq(borrowersTable.id, sql.placeholder('id'))).prepare()).get({ id });
}

export function findInstitution(db: Db, id: number): InstitutionRow | undefined {
  return preparedQuery(db, 'findInstitution', (root) => root.select().from(institutionsTable).where(eq(institutionsTable.id, sql.placeholder('id'))).prepare()).get({ id });
}

export function institutionRefs(db: Db): Array<{ id: number; code: string; name: string }> {
  return db
    .select({ id: institutionsTable.id, code: institutionsTable.code, name: institutionsTable.name })
    .from(institutionsTable)
    .orderBy(asc(institutionsTable.code))
    .all();
}

export function operatorRefs(db: Db): Array<{ id: number; name: string; role: string; username: string; disabled: boolean }> {
  return db
    .select({ id: operatorsTable.id, name: operatorsTable.displayName, role: operatorsTable.role, username: operatorsTable.username, disabled: operatorsTable.disabled })
    .from(operatorsTable)
    .orderBy(asc(operatorsTable.displayName))
    .all();
}

export function findingsOfApplication(db: Db, applicationId: number): ApplicationFindingRow[] {
  return preparedStatement(db, `SELECT ${columnsOf(applicationFindingsTable)} FROM application_findings WHERE application_id = ? ORDER BY id`).all(applicationId) as ApplicationFindingRow[];
}

/** A row with the code and name of the institution it came from. */
export type WithInstitution<Row> = Row & { institutionCode: string; institutionName: string };

/** The borrower's rows of `table` across institutions, newest first by `newest`, up to `limit` (one prepared query per `name`). */
function ofBorrowerNewestFirst<Table extends typeof applicationsTable | typeof creditLinesTable | typeof ordersTable>(
  db: Db,
  name: string,
  table: Table,
  newest: AnyColumn,
  borrowerId: number,
  limit: number,
): Array<WithInstitution<Table['$inferSelect']>> {
  return preparedQuery(db, name, (root) =>
    root
      .select({ row: table, institutionCode: institutionsTable.code, institutionName: institutionsTable.name })
      .from(table)
      .innerJoin(institutionsTable, eq(institutionsTable.id, table.institutionId))
      .where(eq(table.borrowerId, sql.placeholder('borrowerId')))
      .orderBy(desc(newest))
      .limit(sql.placeholder('limit'))
      .prepare(),
  )
    .all({ borrowerId, limit })
    .map((row) => ({ ...(row.row as Table['$inferSelect']), institutionCode: row.institutionCode, institutionName: row.institutionName }));
}

export function applicationsOfBorrower(db: Db, borrowerId: number, limit: number): Array<WithInstitution<ApplicationRow>> {
  return ofBorrowerNewestFirst(db, 'applicationsOfBorrower', applicationsTable, applicationsTable.appliedAt, borrowerId, limit);
}

export function tasksOfApplications(db: Db, applicationIds: readonly number[]): Array<Pick<ReviewTaskRow, 'id' | 'applicationId' | 'queue' | 'status'>> {
  if (applicationIds.length === 0) return [];
  return db
    .select({ id: reviewTasksTable.id, applicationId: reviewTasksTable.applicationId, queue: reviewTasksTable.queue, status: reviewTasksTable.status })
    .from(reviewTasksTable)
    .where(inArray(reviewTasksTable.applicationId, [...applicationIds]))
    .all();
}

export function linesOfBorrower(db: Db, borrowerId: number, limit: number): Array<WithInstitution<CreditLineRow>> {
  return ofBorrowerNewestFirst(db, 'linesOfBorrower', creditLinesTable, creditLinesTable.grantedAt, borrowerId, limit);
}

export function loansOfBorrower(db: Db, borrowerId: number, limit: number): Array<WithInstitution<OrderRow>> {
  return ofBorrowerNewestFirst(db, 'loansOfBorrower', ordersTable, ordersTable.appliedAt, borrowerId, limit);
}

/**
 * Applications of OTHER borrowers that gave this phone as an emergency contact (up to `limit`),
 * and how many in all: the same person's earlier applications are not "other applicants".
 */
export function applicationsSharingPhone(
  db: Db,
  phone: string,
  exceptBorrowerId: number,
  limit: number,
): { total: number; rows: Array<{ applicationId: number; borrowerId: number; externalId: string; institutionCode: string; taskId: number | null }> } {
  const total =
    db
      .select({ n: sql<number>`count(DISTINCT ${contactPhonesTable.applicationId})` })
      .from(contactPhonesTable)
      .where(and(eq(contactPhonesTable.phone, phone), ne(contactPhonesTable.borrowerId, exceptBorrowerId)))
      .get()?.n ?? 0;
  const rows = db.all<{ applicationId: number; borrowerId: number; externalId: string; institutionCode: string; taskId: number | null }>(sql`
    SELECT DISTINCT cp.application_id AS applicationId, a.borrower_id AS borrowerId, a.external_id AS externalId, i.code AS institutionCode,
           (SELECT t.id FROM review_tasks t WHERE t.application_id = cp.application_id AND t.queue = 'contacts') AS taskId
      FROM contact_phones cp
      JOIN applications a ON a.id = cp.application_id
      JOIN institutions i ON i.id = a.institution_id
     WHERE cp.phone = ${phone} AND cp.borrower_id <> ${exceptBorrowerId}
     ORDER BY a.applied_at DESC
     LIMIT ${limit}`);
  return { total, rows };
}

export function operatorNames(db: Db, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = db
    .select({ id: operatorsTable.id, name: operatorsTable.displayName })
    .from(operatorsTable)
    .where(inArray(operatorsTable.id, [...new Set(ids)]))
    .all();
  return new Map(rows.map((row) => [row.id, row.name]));
}

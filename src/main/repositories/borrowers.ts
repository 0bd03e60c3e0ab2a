/**
 * Borrowers: one row per resident ID number across every institution. Identity fields follow
 * the latest application (by the institution's updated_at), so the result does not depend on
 * which institution happens to sync first.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { borrowersTable, type BorrowerRow, type BorrowerUpsert, type StoredBorrower } from '../db/schema';
import { prepared } from './sync';

const storedColumns = 'id, id_number AS idNumber, source_updated_at AS sourceUpdatedAt, name, phone, platform_user_id AS platformUserId, id_valid AS idValid';

/**
 * The stored borrowers of many ID numbers in one query (a page of applications): every ID number
 * asked for is a key, null when no borrower has it yet. upsertBorrower keeps the map current.
 */
export function borrowersByIdNumber(db: Db, idNumbers: Iterable<string>): Map<string, StoredBorrower | null> {
  const unique = [...new Set(idNumbers)];
  const found = new Map<string, StoredBorrower | null>(unique.map((idNumber) => [idNumber, null]));
  if (unique.length === 0) return found;
  const rows = prepared(db, `SELECT ${storedColumns} FROM borrowers WHERE id_number IN (SELECT value FROM json_each(?))`).all(JSON.stringify(unique)) as Array<StoredBorrower & { idNumber: string }>;
  for (const { idNumber, ...row } of rows) found.set(idNumber, row);
  return found;
}

/**
 * Links by ID number. Returns the borrower id, and the phone it had before when this application
 * changed it (contacts pointing at either number may need new findings). `known` (from
 * borrowersByIdNumber, same transaction) saves the look-up of an ID number it holds, and is
 * updated with what this call wrote.
 */
export function upsertBorrower(db: Db, facts: BorrowerUpsert, now: number, known?: Map<string, StoredBorrower | null>): { id: number; previousPhone: string | null } {
  const cached = known?.get(facts.idNumber);
  const existing =
    cached !== undefined ? cached : ((prepared(db, `SELECT ${storedColumns} FROM borrowers WHERE id_number = ?`).get(facts.idNumber) as StoredBorrower | undefined) ?? null);
  if (existing === null) {
    const row = prepared(
      db,
      `INSERT INTO borrowers (id_number, id_tail, id_valid, name, phone, platform_user_id, first_seen_at, updated_at, source_updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ).get(facts.idNumber, facts.idNumber.slice(-6), facts.idValid ? 1 : 0, facts.name, facts.phone, facts.platformUserId, now, now, facts.sourceUpdatedAt) as { id: number };
    known?.set(facts.idNumber, { id: row.id, sourceUpdatedAt: facts.sourceUpdatedAt, name: facts.name, phone: facts.phone, platformUserId: facts.platformUserId, idValid: facts.idValid ? 1 : 0 });
    return { id: row.id, previousPhone: null };
  }
  const changed = existing.name !== facts.name || existing.phone !== facts.phone || existing.platformUserId !== facts.platformUserId;
  // source_updated_at is written with the identity only: an UPDATE for every application that
  // merely confirms the stored identity dirtied a random borrower page per application, written
  // again in every page's commit. So the newest application behind the stored
  // identity is the later of source_updated_at and the borrower's stored applications, read only
  // when the identity would change (it is the newest one's, by this very rule).
  const newestAt = changed ? Math.max(existing.sourceUpdatedAt, newestApplicationAt(db, existing.id)) : existing.sourceUpdatedAt;
  // Two applications updated at the same instant: the larger identity wins, so the outcome does not depend on arrival order.
  const newer = facts.sourceUpdatedAt > newestAt || (facts.sourceUpdatedAt === newestAt && identityKey(facts) > identityKey(existing));
  if (newer && changed) {
    prepared(db, `UPDATE borrowers SET name = ?, phone = ?, platform_user_id = ?, source_updated_at = ?, updated_at = ? WHERE id = ?`).run(
      facts.name,
      facts.phone,
      facts.platformUserId,
      facts.sourceUpdatedAt,
      now,
      existing.id,
    );
  }
  if (Boolean(existing.idValid) !== facts.idValid) prepared(db, `UPDATE borrowers SET id_valid = ? WHERE id = ?`).run(facts.idValid ? 1 : 0, existing.id);
  known?.set(
    facts.idNumber,
    newer
      ? { id: existing.id, sourceUpdatedAt: facts.sourceUpdatedAt, name: facts.name, phone: facts.phone, platformUserId: facts.platformUserId, idValid: facts.idValid ? 1 : 0 }
      : { ...existing, idValid: facts.idValid ? 1 : 0 },
  );
  return { id: existing.id, previousPhone: newer && existing.phone !== facts.phone ? existing.phone : null };
}

/** The latest updated_at among the applications stored for a borrower (0 when none). */
function newestApplicationAt(db: Db, borrowerId: number): number {
  return (prepared(db, `SELECT max(remote_updated_at) FROM applications WHERE borrower_id = ?`).pluck().get(borrowerId) as number | null) ?? 0;
}

function identityKey(facts: { name: string; phone: string; platformUserId: string }): string {
  return `${facts.name}\u0000${facts.phone}\u0000${facts.platformUserId}`;
}

export function findBorrowerById(db: Db, id: number): BorrowerRow | undefined {
  return db.select().from(borrowersTable).where(eq(borrowersTable.id, id)).get();
}

/** A loan that makes its borrower "overdue": past the grace days (bucket beyond M0) or reported OVERDUE by the institution. */
const overdueLoanOf = (borrower: string) => `EXISTS (SELECT 1 FROM orders o WHERE o.borrower_id = ${borrower} AND (o.bucket != 'M0' OR o.status = 'OVERDUE'))`;

/** The borrower (other than `excludeBorrowerId`) whose phone this is and who has an overdue loan. */
export function overdueBorrowerWithPhone(db: Db, phone: string, excludeBorrowerId: number): number | undefined {
  const row = prepared(db, `SELECT b.id AS id FROM borrowers b WHERE b.phone = ? AND b.id != ? AND ${overdueLoanOf('b.id')} ORDER BY b.id LIMIT 1`).get(phone, excludeBorrowerId) as
    | { id: number }
    | undefined;
  return row?.id;
}

/** overdueBorrowerWithPhone for many phones in one query: (phone, borrower id) of every overdue borrower with one of them, by borrower id. */
export function overdueBorrowersWithPhones(db: Db, phones: readonly string[]): Array<[string, number]> {
  if (phones.length === 0) return [];
  return prepared(db, `SELECT b.phone, b.id FROM borrowers b WHERE b.phone IN (SELECT value FROM json_each(?)) AND ${overdueLoanOf('b.id')} ORDER BY b.id`)
    .raw()
    .all(JSON.stringify(phones)) as Array<[string, number]>;
}

export function borrowerPhone(db: Db, borrowerId: number): string | undefined {
  const row = prepared(db, `SELECT phone FROM borrowers WHERE id = ?`).get(borrowerId) as { phone: string } | undefined;
  return row?.phone;
}

/** Whether any of the borrower's loans is overdue (the definition overdueBorrowerWithPhone uses). */
export function isBorrowerOverdue(db: Db, borrowerId: number): boolean {
  return prepared(db, `SELECT ${overdueLoanOf('?')}`).pluck().get(borrowerId) === 1;
}

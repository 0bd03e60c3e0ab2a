import { index, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { booleanColumn, epochMs, idColumn } from './columns';

/**
 * One person across every institution, linked by resident ID number (upper-cased, as submitted).
 * Name and phone are the latest seen. Personal data: shown masked unless revealed.
 */
export const borrowersTable = sqliteTable(
  'borrowers',
  {
    id: idColumn(),
    idNumber: text('id_number').notNull(),
    /**
     * Last 6 characters of the ID number. Not indexed: "search by the last digits" goes through
     * borrower_search (its 't:' terms), and an unused index only cost every borrower insert a
     * write (migration 0021 dropped it).
     */
    idTail: text('id_tail').notNull(),
    idValid: booleanColumn('id_valid').notNull(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    /** The platform's user id (the same person has one id on the platform). */
    platformUserId: text('platform_user_id').notNull(),
    firstSeenAt: epochMs('first_seen_at').notNull(),
    /**
     * The institution's updated_at of the application name, phone and platform user id were last
     * taken from: the latest application wins, whichever order the institutions are synced in.
     * Written with the identity only; later applications that repeat it are found through the
     * applications table (upsertBorrower).
     */
    sourceUpdatedAt: epochMs('source_updated_at').notNull().default(0),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('borrowers_id_number_unique').on(table.idNumber),
    index('borrowers_phone_idx').on(table.phone),
    index('borrowers_name_idx').on(table.name),
    index('borrowers_platform_user_idx').on(table.platformUserId),
  ],
);
export type BorrowerRow = typeof borrowersTable.$inferSelect;
/** The identity facts an application gives its borrower; `sourceUpdatedAt` is that application's updated_at. */
export type BorrowerUpsert = Pick<BorrowerRow, 'idNumber' | 'idValid' | 'name' | 'phone' | 'platformUserId' | 'sourceUpdatedAt'>;
/** What upsertBorrower reads of a stored borrower; `idValid` is SQLite's raw 0/1 (read without drizzle's mapping). */
export type StoredBorrower = Pick<BorrowerRow, 'id' | 'sourceUpdatedAt' | 'name' | 'phone' | 'platformUserId'> & { idValid: number };

import { integer, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

/** Integer primary key (rowid alias: the cheapest key SQLite has). */
export function idColumn() {
  return integer('id').primaryKey({ autoIncrement: true });
}

/** Instants are epoch milliseconds in INTEGER columns; shown in Asia/Shanghai by the renderer. */
export function epochMs(name: string) {
  return integer(name);
}

export function booleanColumn(name: string) {
  return integer(name, { mode: 'boolean' });
}

/**
 * What every record synced from an institution carries: whose it is, the institution's id for it,
 * its version (a higher one wins: src/main/sync/README.md) and its updated_at. Spread first in the table's
 * columns and end them with `syncedAt: syncedAtColumn()`, so the column order stays the migrations'.
 * The institutions' id column comes as a thunk so that this file imports no table.
 */
export function syncedRecordColumns(institutionId: () => AnySQLiteColumn) {
  return {
    id: idColumn(),
    institutionId: integer('institution_id').notNull().references(institutionId),
    externalId: text('external_id').notNull(),
    version: integer('version').notNull(),
    remoteUpdatedAt: epochMs('remote_updated_at').notNull(),
  };
}

/** When CreditDesk last wrote a synced record (the last column of each synced table). */
export function syncedAtColumn() {
  return epochMs('synced_at').notNull();
}

/** Unique (institution, external id) of a synced table: every re-sync is an idempotent upsert. */
export function externalIdUnique(table: string, columns: { institutionId: AnySQLiteColumn; externalId: AnySQLiteColumn }) {
  return uniqueIndex(`${table}_external_unique`).on(columns.institutionId, columns.externalId);
}

import { integer } from 'drizzle-orm/sqlite-core';

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

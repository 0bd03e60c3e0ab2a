import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns';

/** Key/value settings; each key's value is JSON validated by its zod schema in src/shared. */
export const settingsTable = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
  updatedBy: integer('updated_by'),
});

/**
 * The hot paths' writes (a decision, a claim, the audit append) as statements prepared once per
 * connection. Drizzle builds an insert or update (its column walk, its SQL text) and, through the
 * statement cache, looks the text up again on every call, and a `sql` template run through
 * `review-statements.ts` is turned into text on every call as well: on the team server that
 * building was a larger share of a decision than running the statements (docs/performance.md,
 * "Team server"). Here the SQL text is a constant, or built once per shape, and a call only binds.
 *
 * Pass the root handle (`writeTransaction` hands it to the work): better-sqlite3 has one
 * connection, so a statement run on it inside an open transaction belongs to that transaction.
 */
import type { Statement } from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/connection';
import { statementCache } from '../db/statement-cache';

/** Shapes are few (constants, and one per set of patched columns); past this a cache starts over. */
const maxStatements = 500;
const statementOn = statementCache(maxStatements);

/** The statement of a fixed SQL text on this connection, prepared on first use. */
export function preparedStatement(db: Db, text: string): Statement {
  const client = (db as Partial<Db>).$client;
  if (!client) throw new Error('prepared writes need the root handle (writeTransaction hands it to the work), not a drizzle transaction');
  return statementOn(client, text);
}

interface TableShape {
  name: string;
  /** Property name to SQL column name, in the table's column order. */
  columns: Map<string, string>;
  /** Every column named as drizzle's rows name it: `RETURNING ${returning}` gives the row drizzle would. */
  returning: string;
  /** Property names and their default (what drizzle binds for an absent value), in column order. */
  inserted: Array<{ key: string; fallback: unknown }>;
  /** SQL text per insert's conflict clause, and per update's columns and condition. */
  texts: Map<string, string>;
}

const shapes = new WeakMap<SQLiteTable, TableShape>();

/**
 * What the statements of `table` need, read from its drizzle schema once. Only tables whose every
 * column SQLite hands back as drizzle does (integers and text, no mode, no function defaults) are
 * accepted, so a row read here is the row drizzle would have returned.
 */
function shapeOf(table: SQLiteTable): TableShape {
  let shape = shapes.get(table);
  if (shape) return shape;
  const columns = new Map<string, string>();
  const inserted: TableShape['inserted'] = [];
  for (const [key, column] of Object.entries(getTableColumns(table)) as Array<[string, SQLiteColumn]>) {
    if (column.columnType !== 'SQLiteInteger' && column.columnType !== 'SQLiteText') throw new Error(`prepared writes: ${key} is a ${column.columnType} column`);
    if (column.defaultFn !== undefined || column.onUpdateFn !== undefined || (column.default !== undefined && typeof column.default === 'object' && column.default !== null)) {
      throw new Error(`prepared writes: ${key} has a default drizzle computes`);
    }
    columns.set(key, column.name);
    inserted.push({ key, fallback: column.default ?? null });
  }
  const returning = [...columns].map(([key, name]) => (key === name ? `"${name}"` : `"${name}" AS "${key}"`)).join(', ');
  shape = { name: getTableName(table), columns, returning, inserted, texts: new Map() };
  shapes.set(table, shape);
  return shape;
}

/** Every column of `table` named as drizzle's rows name it, for `SELECT ${columnsOf(table)}` and `RETURNING`. */
export function columnsOf(table: SQLiteTable): string {
  return shapeOf(table).returning;
}

function textOf(shape: TableShape, key: string, build: () => string): string {
  let text = shape.texts.get(key);
  if (text === undefined) {
    text = build();
    if (shape.texts.size >= maxStatements) shape.texts.clear();
    shape.texts.set(key, text);
  }
  return text;
}

/**
 * Inserts one row of `table` and returns it as stored. Every column is bound, an absent one with
 * its schema default (or null), as drizzle's insert does; `conflict` is a constant clause such as
 * `ON CONFLICT (key) DO NOTHING` (then nothing comes back when the row was not inserted).
 */
export function insertRow<T extends SQLiteTable>(db: Db, table: T, row: T['$inferInsert'], conflict = ''): T['$inferSelect'] | undefined {
  const shape = shapeOf(table);
  const text = textOf(shape, `insert|${conflict}`, () => {
    const names = shape.inserted.map(({ key }) => `"${shape.columns.get(key) as string}"`);
    return `INSERT INTO "${shape.name}" (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ${conflict} RETURNING ${shape.returning}`;
  });
  const values = shape.inserted.map(({ key, fallback }) => {
    const value = (row as Record<string, unknown>)[key];
    return value === undefined ? fallback : value;
  });
  return preparedStatement(db, text).get(...values) as T['$inferSelect'] | undefined;
}

/**
 * Sets the given columns of the rows `where` selects and returns them as stored. Like drizzle's
 * `set`, an undefined value leaves its column alone and null writes NULL. One statement per set of
 * columns (the callers use a handful); `where` is a constant text with `?` for `whereValues`.
 */
export function updateRows<T extends SQLiteTable>(db: Db, table: T, changes: Partial<T['$inferSelect']>, where: string, whereValues: readonly unknown[]): Array<T['$inferSelect']> {
  const shape = shapeOf(table);
  const keys: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    keys.push(key);
    values.push(value);
  }
  if (keys.length === 0) throw new Error(`prepared writes: an update of ${shape.name} with nothing to set`);
  const text = textOf(shape, `update|${keys.join(',')}|${where}`, () => {
    const set = keys.map((key) => {
      const name = shape.columns.get(key);
      if (name === undefined) throw new Error(`prepared writes: ${shape.name} has no column ${key}`);
      return `"${name}" = ?`;
    });
    return `UPDATE "${shape.name}" SET ${set.join(', ')} WHERE ${where} RETURNING ${shape.returning}`;
  });
  return preparedStatement(db, text).all(...values, ...whereValues) as Array<T['$inferSelect']>;
}

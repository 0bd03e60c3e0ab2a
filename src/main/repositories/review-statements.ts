/**
 * Hot review statements prepared once per connection. The queue pages and claims come in a few
 * dozen shapes; building and preparing them on every call through drizzle was most of their
 * cost. Pass the root handle (it has the raw client): better-sqlite3 has one connection, so a
 * statement run on it inside an open transaction belongs to that transaction. A transaction
 * handle (no raw client) falls back to drizzle.
 */
import type { Statement } from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { reviewQueues } from '../../shared/domain/findings';
import type { Db } from '../db/connection';
import { statementCache } from '../db/statement-cache';

/**
 * Every review queue as SQL literals, for `queue IN (${anyReviewQueue})`: a scan of all queues that
 * still gives `review_tasks_queue_idx` its first column (literals, not parameters, so the plan
 * is the same as with the list written out).
 */
export const anyReviewQueue = sql.raw(reviewQueues.map((queue) => `'${queue}'`).join(', '));

const dialect = new SQLiteSyncDialect();
// Shapes are few; a runaway (ids inlined in lists) must not grow without bound.
const statementOn = statementCache(500);

function prepared(db: Db, query: SQL): { statement: Statement; params: unknown[] } | null {
  const client = (db as Partial<Db>).$client;
  if (!client) return null;
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { statement: statementOn(client, text), params };
}

export function readAll<T>(db: Db, query: SQL): T[] {
  const ready = prepared(db, query);
  return ready ? (ready.statement.all(...ready.params) as T[]) : db.all<T>(query);
}

export function readOne<T>(db: Db, query: SQL): T | undefined {
  return readAll<T>(db, query)[0];
}

/** A write (UPDATE ... RETURNING as rows, or none): runs inside the caller's transaction. */
export function writeReturning<T>(db: Db, query: SQL): T[] {
  const ready = prepared(db, query);
  return ready ? (ready.statement.all(...ready.params) as T[]) : db.all<T>(query);
}

/** A write without result rows. */
export function writeRun(db: Db, query: SQL): void {
  const ready = prepared(db, query);
  if (ready) ready.statement.run(...ready.params);
  else db.run(query);
}

/**
 * Drizzle queries built and prepared once per database handle, for the hot paths whose shape is
 * fixed (the task view's look-ups run on every `review:task`). Building a select through drizzle
 * (its column list, joins and SQL text) cost more than running it; a prepared query with
 * placeholders builds once and only binds its values after that. Pass the root handle:
 * `writeTransaction` hands it to the work as well, so these serve transactions too.
 */
import type { Db } from '../db/connection';

const queries = new WeakMap<object, Map<string, unknown>>();

/** The query `build` makes for this handle, built on first use under `name` (unique per query). */
export function preparedQuery<T>(db: Db, name: string, build: (db: Db) => T): T {
  let cache = queries.get(db);
  if (!cache) {
    cache = new Map();
    queries.set(db, cache);
  }
  let query = cache.get(name) as T | undefined;
  if (query === undefined) {
    query = build(db);
    cache.set(name, query);
  }
  return query;
}

/**
 * Drizzle prepares a new better-sqlite3 statement for every query it runs (its "one-time"
 * queries), and on the team server's hot paths (claims, decisions, the task view, session
 * resolution) preparing the same few dozen SQL texts again and again was the largest single cost
 * of a call (docs/performance.md, "Team server"). This keeps one statement per SQL text and
 * connection and hands it back to drizzle's session, as Signal Desktop's `prepare` cache does.
 *
 * Only drizzle's session uses the cache: code that prepares on `$client` itself keeps its own
 * statements, so nobody else sees a shared statement's mode change. A shared statement is safe
 * because drizzle runs each one-time query to the end at once, on the one connection, and its
 * modes are reset on every hand-out (`get()` leaves raw mode on). A statement still busy (an
 * open `iterate()`) is never handed out again; a fresh one is prepared instead.
 */
import type { Database, Statement } from 'better-sqlite3';

/** SQL texts kept per connection; past it the cache starts over (shapes are few, inlined lists are not). */
const maxStatements = 2000;

interface DrizzleSessionInternals {
  client: Pick<Database, 'prepare' | 'transaction'>;
}

/**
 * SQLite (3.53 here) reads the value bound to a bare `LIMIT ?` while planning, so binding it
 * again expires the statement and the next run prepares it anew, every call, whatever the value:
 * the cache above kept the statement object but not its compiled form. `LIMIT CAST(? AS
 * INTEGER)` is not a bare parameter: planned once, the same rows. Every statement cache applies
 * this to the text it prepares (figures: docs/performance.md, "Team server").
 */
export function plannedOnceLimit(source: string): string {
  return source.replace(/\blimit\s+\?/gi, 'limit cast(? as integer)');
}

/**
 * A cache of statements for code that runs its own SQL texts on `$client` (the review reads, the
 * decision's writes, the sync's ingest), one per module so that a mode one of them sets on its
 * statement (`pluck()`, `raw()`) is never seen by another: a statement per SQL text and
 * connection, prepared on first use with its LIMIT planned once; past `max` texts it starts over.
 */
export function statementCache(max = 500): (client: Database, text: string) => Statement {
  const statements = new WeakMap<Database, Map<string, Statement>>();
  return (client, text) => {
    let cache = statements.get(client);
    if (!cache) {
      cache = new Map();
      statements.set(client, cache);
    }
    let statement = cache.get(text);
    if (!statement) {
      statement = client.prepare(plannedOnceLimit(text));
      if (cache.size >= max) cache.clear();
      cache.set(text, statement);
    }
    return statement;
  };
}

/** The caching stand-in for the client drizzle's session prepares on (prepare and transaction only). */
export function cachingClient(client: Database): DrizzleSessionInternals['client'] & { cachedStatements(): number } {
  const cache = new Map<string, Statement>();
  return {
    prepare(source: string): Statement {
      const cached = cache.get(source);
      if (cached && !cached.busy) {
        if (cached.reader) cached.raw(false);
        return cached;
      }
      const statement = client.prepare(plannedOnceLimit(source));
      if (!cached) {
        if (cache.size >= maxStatements) cache.clear();
        cache.set(source, statement);
      }
      return statement;
    },
    transaction: ((fn: (...args: never[]) => unknown) => client.transaction(fn)) as Database['transaction'],
    cachedStatements: () => cache.size,
  } as DrizzleSessionInternals['client'] & { cachedStatements(): number };
}

/**
 * Points a drizzle database's session at the caching client. Drizzle's better-sqlite3 session
 * calls only `prepare` and `transaction` on its client; `$client` stays the real connection.
 */
export function cacheDrizzleStatements<T extends { $client: Database }>(db: T): T {
  const session = (db as unknown as { session?: Partial<DrizzleSessionInternals> }).session;
  if (!session || session.client !== db.$client) throw new Error('drizzle session layout changed: its statement cache cannot be installed');
  session.client = cachingClient(db.$client);
  return db;
}

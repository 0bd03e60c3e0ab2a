import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { locales } from '../../../shared/contracts/auth';
import { roles } from '../../../shared/rpc/permissions';
import { booleanColumn, epochMs, idColumn } from './columns';

export const operatorsTable = sqliteTable(
  'operators',
  {
    id: idColumn(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    /** `scrypt$N$r$p$saltB64$hashB64`: parameters travel with the hash so they can be raised later. */
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: booleanColumn('must_change_password').notNull().default(false),
    disabled: booleanColumn('disabled').notNull().default(false),
    /**
     * No longer written: sign-in failures are counted per account, per source and per pair in
     * `sign_in_throttles` (migration 0022), so an unknown username is throttled exactly like a
     * known one. Kept because dropping a column rebuilds this table and its dependants.
     */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    /** No longer written (see failedAttempts). */
    lockedUntil: epochMs('locked_until'),
    lastSignInAt: epochMs('last_sign_in_at'),
    locale: text('locale', { enum: locales }).notNull().default('zh-CN'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [uniqueIndex('operators_username_unique').on(table.username)],
);
export type OperatorRow = typeof operatorsTable.$inferSelect;
export type NewOperatorRow = typeof operatorsTable.$inferInsert;

export const sessionsTable = sqliteTable(
  'sessions',
  {
    id: idColumn(),
    /** SHA-256 of the bearer token: a copied database file does not hand out live sessions. */
    tokenHash: text('token_hash').notNull(),
    operatorId: integer('operator_id')
      .notNull()
      .references(() => operatorsTable.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    transport: text('transport', { enum: ['ipc', 'http'] }).notNull(),
    createdAt: epochMs('created_at').notNull(),
    lastSeenAt: epochMs('last_seen_at').notNull(),
    expiresAt: epochMs('expires_at').notNull(),
    endedAt: epochMs('ended_at'),
  },
  (table) => [
    uniqueIndex('sessions_token_hash_unique').on(table.tokenHash),
    index('sessions_operator_idx').on(table.operatorId),
  ],
);
export type SessionRow = typeof sessionsTable.$inferSelect;

/**
 * Sign-in throttling state, one row per key: `account:<username>` (every source), `pair:<username>
 * @<source>` and `source:<source>`. Usernames are stored as typed (normalised), known or not, so
 * an unknown username is answered exactly like a known one. Rows are pruned once idle.
 */
export const signInThrottlesTable = sqliteTable('sign_in_throttles', {
  key: text('key').primaryKey(),
  /** Consecutive failures; an admitted attempt counts as one until it succeeds. */
  failures: integer('failures').notNull().default(0),
  lastFailureAt: epochMs('last_failure_at'),
  /** Source keys only: the fixed window of attempts (admitted or refused). */
  windowStart: epochMs('window_start').notNull().default(0),
  windowAttempts: integer('window_attempts').notNull().default(0),
  updatedAt: epochMs('updated_at').notNull(),
});
export type SignInThrottleRow = typeof signInThrottlesTable.$inferSelect;

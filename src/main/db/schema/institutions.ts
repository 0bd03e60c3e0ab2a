import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { institutionStates, secretSchemes } from '../../../shared/contracts/institutions';
import { outboxKinds, quarantineStatuses, syncErrorCodes, syncRunStatuses, syncRunTriggers } from '../../../shared/contracts/sync';
import { deliveryStates } from '../../../shared/domain/review';
import { resourceNames } from '../../../shared/institution-api/resources';
import { booleanColumn, epochMs, idColumn } from './columns';

/** A docked credit institution and how CreditDesk reaches it. */
export const institutionsTable = sqliteTable(
  'institutions',
  {
    id: idColumn(),
    /** Short stable code (e.g. "HNXD"); used in CLI flags, URLs and exports. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    baseUrl: text('base_url').notNull(),
    appId: text('app_id').notNull(),
    /** The signing secret, encrypted (safeStorage on the desktop, a 0600 key file headless). Never logged or returned. */
    secretCiphertext: blob('secret_ciphertext', { mode: 'buffer' }).notNull(),
    secretScheme: text('secret_scheme', { enum: secretSchemes }).notNull(),
    syncIntervalSeconds: integer('sync_interval_seconds').notNull().default(300),
    enabled: booleanColumn('enabled').notNull().default(true),
    /** Demo institutions started in-process by --demo. */
    demo: booleanColumn('demo').notNull().default(false),
    /** GET /v1/capabilities as last seen (JSON). */
    capabilities: text('capabilities'),
    state: text('state', { enum: institutionStates })
      .notNull()
      .default('idle'),
    /** Technical text (English) of why the institution is in its state; `stateReasonCode` (and `stateReasonStatus`) say it for the UI. */
    stateReason: text('state_reason'),
    stateReasonCode: text('state_reason_code', { enum: syncErrorCodes }),
    stateReasonStatus: integer('state_reason_status'),
    circuitOpenUntil: epochMs('circuit_open_until'),
    lastAttemptAt: epochMs('last_attempt_at'),
    lastSuccessAt: epochMs('last_success_at'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [uniqueIndex('institutions_code_unique').on(table.code)],
);
export type InstitutionRow = typeof institutionsTable.$inferSelect;

export type SyncResource = (typeof resourceNames)[number];

/** Where the next incremental pull of one resource starts. Written in the same transaction as the page. */
export const syncCursorsTable = sqliteTable(
  'sync_cursors',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutionsTable.id, { onDelete: 'cascade' }),
    resource: text('resource', { enum: resourceNames }).notNull(),
    cursor: text('cursor'),
    /** Records fetched through this cursor since the last full pass started. */
    fetched: integer('fetched').notNull().default(0),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.institutionId, table.resource] })],
);
export type SyncCursorRow = typeof syncCursorsTable.$inferSelect;
/** A cursor as the sync reads it (its institution is the caller's). */
export type CursorRow = Omit<SyncCursorRow, 'institutionId'>;

/** One sync pass of one institution, for the Sync page's history. */
export const syncRunsTable = sqliteTable(
  'sync_runs',
  {
    id: idColumn(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutionsTable.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: syncRunTriggers }).notNull(),
    startedAt: epochMs('started_at').notNull(),
    finishedAt: epochMs('finished_at'),
    status: text('status', { enum: syncRunStatuses }).notNull(),
    /** JSON: per resource { fetched, upserted, skippedStale, quarantined }. */
    stats: text('stats').notNull().default('{}'),
    /** Technical text (English) of why the run failed or is incomplete; `errorCode` (and `errorStatus`) say it for the UI. */
    error: text('error'),
    errorCode: text('error_code', { enum: syncErrorCodes }),
    errorStatus: integer('error_status'),
  },
  (table) => [index('sync_runs_institution_idx').on(table.institutionId, table.startedAt)],
);
export type SyncRunRow = typeof syncRunsTable.$inferSelect;
export type SyncRunTrigger = SyncRunRow['trigger'];
export type SyncRunStatus = SyncRunRow['status'];

/**
 * Where one resource's trailing window starts (sync/window.ts): a cursor the institution returned,
 * every record after which is read again on each pass. It sits at or before the institution's own
 * time when the previous completed window began, less a margin, so a change a server node stamped
 * behind the incremental cursor (its clock behind, or the desk's cursor carried ahead by a node
 * whose clock is ahead) is read by the next pass. Null cursor: the start of the resource.
 */
export const syncWindowsTable = sqliteTable(
  'sync_windows',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutionsTable.id, { onDelete: 'cascade' }),
    resource: text('resource', { enum: resourceNames }).notNull(),
    cursor: text('cursor'),
    /** The latest remote updated_at of the page that returned `cursor` (its position is not later). */
    reachedAt: epochMs('reached_at'),
    /** Records the last completed window read. */
    lastRead: integer('last_read').notNull().default(0),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.institutionId, table.resource] })],
);

/**
 * A full re-read of one resource, started because its totals disagreed with /v1/stats after an
 * incremental pull. Its pages commit with `cursor` (never with the incremental cursor), so a
 * crash resumes the re-read where it stopped and the incremental position is never lost.
 */
export const syncRereadsTable = sqliteTable(
  'sync_rereads',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutionsTable.id, { onDelete: 'cascade' }),
    resource: text('resource', { enum: resourceNames }).notNull(),
    /** A re-read is under way (started, not finished); it continues from `cursor` (null: the start). */
    running: booleanColumn('running').notNull().default(false),
    cursor: text('cursor'),
    fetched: integer('fetched').notNull().default(0),
    startedAt: epochMs('started_at'),
    finishedAt: epochMs('finished_at'),
    /** Re-reads finished in a row after which the totals still disagreed. */
    failures: integer('failures').notNull().default(0),
    /** No new re-read before this instant (back-off); a pass an operator asked for does not wait. */
    notBefore: epochMs('not_before'),
  },
  (table) => [primaryKey({ columns: [table.institutionId, table.resource] })],
);

/** Records that failed the shared zod schemas: kept with their raw payload, never dropped. */
export const quarantineTable = sqliteTable(
  'quarantine',
  {
    id: idColumn(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutionsTable.id, { onDelete: 'cascade' }),
    resource: text('resource', { enum: resourceNames }).notNull(),
    /** The record's id when one could be read from the payload. */
    externalId: text('external_id'),
    rawPayload: text('raw_payload').notNull(),
    /** JSON array of { path, message } from zod. */
    issues: text('issues').notNull(),
    receivedAt: epochMs('received_at').notNull(),
    status: text('status', { enum: quarantineStatuses }).notNull().default('open'),
    resolvedAt: epochMs('resolved_at'),
    resolution: text('resolution'),
  },
  (table) => [
    index('quarantine_open_idx').on(table.institutionId, table.status, table.receivedAt),
    index('quarantine_external_idx').on(table.institutionId, table.resource, table.externalId),
  ],
);
export type QuarantineRow = typeof quarantineTable.$inferSelect;
/** A record that failed the schema, as ingest hands it to quarantine. */
export type QuarantineEntry = Pick<QuarantineRow, 'institutionId' | 'resource' | 'externalId' | 'rawPayload' | 'issues'>;

/** Local totals against the institution's /v1/stats after a full pass. */
export const reconciliationsTable = sqliteTable(
  'reconciliations',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutionsTable.id, { onDelete: 'cascade' }),
    resource: text('resource', { enum: resourceNames }).notNull(),
    localTotal: integer('local_total').notNull(),
    remoteTotal: integer('remote_total').notNull(),
    matched: booleanColumn('matched').notNull(),
    /** JSON with any further compared figures (e.g. sums of amounts). */
    details: text('details').notNull().default('{}'),
    checkedAt: epochMs('checked_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.institutionId, table.resource] })],
);

/**
 * Messages to institutions (review decisions), written in the same transaction as the change that
 * causes them and delivered with an idempotency key until acknowledged.
 */
export const outboxTable = sqliteTable(
  'outbox',
  {
    id: idColumn(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutionsTable.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: outboxKinds }).notNull(),
    /** What the message is about, e.g. the application's external id. */
    subjectId: text('subject_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** JSON body exactly as it will be sent. */
    payload: text('payload').notNull(),
    state: text('state', { enum: deliveryStates }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: epochMs('next_attempt_at').notNull(),
    /** Technical text (English) of the last failed attempt; `lastErrorCode` (and `lastErrorStatus`) say it for the UI. */
    lastError: text('last_error'),
    lastErrorCode: text('last_error_code', { enum: syncErrorCodes }),
    lastErrorStatus: integer('last_error_status'),
    /** JSON of the institution's acknowledgement. */
    response: text('response'),
    createdAt: epochMs('created_at').notNull(),
    deliveredAt: epochMs('delivered_at'),
  },
  (table) => [
    uniqueIndex('outbox_idempotency_unique').on(table.idempotencyKey),
    index('outbox_due_idx').on(table.state, table.nextAttemptAt),
    // Delivery takes each institution's next due message on its own (sync/outbox.ts): a seek, however long another institution's backlog.
    index('outbox_institution_due_idx').on(table.institutionId, table.state, table.nextAttemptAt),
  ],
);
export type OutboxRow = typeof outboxTable.$inferSelect;

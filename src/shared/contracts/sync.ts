import { z } from 'zod';
import { deliveryStates } from '../domain/review';
import { resourceNameSchema } from '../institution-api/resources';
import { toleranceNoteSchema } from '../institution-api/tolerant';
import { channel, requires } from '../rpc/define';
import { institutionSummarySchema } from './institutions';
import { syncErrorCodeSchema } from './sync-common';

/** The institution API's resources (its list: GET /v1/{resource}). */
export const syncResourceSchema = resourceNameSchema;
export type SyncResourceName = z.infer<typeof syncResourceSchema>;

export const syncPhaseSchema = z.enum(['capabilities', 'pulling', 'quarantine', 'reconciling', 'rereading']);

/** A running pass as the Sync page shows it (also pushed as 'sync:progress'). */
export const syncLiveSchema = z.object({
  phase: syncPhaseSchema,
  resource: syncResourceSchema.nullable(),
  fetched: z.number().int(),
  /** Known for a first full pass; null for incremental passes (no progress bar, a count instead). */
  total: z.number().int().nullable(),
  recordsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  startedAt: z.number(),
});
export type SyncLive = z.infer<typeof syncLiveSchema>;

const resourceRunCountsSchema = z.object({
  fetched: z.number().int(),
  upserted: z.number().int(),
  unchanged: z.number().int(),
  quarantined: z.number().int(),
  pages: z.number().int(),
});
/**
 * A resource's counts in one pass; `reread` when its totals disagreed and it was read again from
 * the start; `window` what its trailing window read (changes since the previous pass, read again).
 */
const resourceRunStatsSchema = resourceRunCountsSchema.extend({ reread: resourceRunCountsSchema.optional(), window: resourceRunCountsSchema.optional() });

/**
 * What keeps a pass from being complete. cursor_stalled: next_cursor did not advance while
 * has_more was true; cursor_cycle: it returned to a cursor already read in the pass (both stop
 * that resource, keeping what was read); unreconciled: totals disagree with /v1/stats after the
 * re-read and quarantine does not explain the difference.
 */
export const syncProblemSchema = z.discriminatedUnion('kind', [
  z.object({ resource: syncResourceSchema, kind: z.enum(['cursor_stalled', 'cursor_cycle']) }),
  z.object({
    resource: syncResourceSchema,
    kind: z.literal('unreconciled'),
    remoteTotal: z.number().int(),
    localTotal: z.number().int(),
    quarantinedOnly: z.number().int(),
    /** Records missing here that quarantine does not explain (negative: more here than served). */
    unexplained: z.number().int(),
    statuses: z.array(z.object({ status: z.string(), local: z.number().int(), remote: z.number().int() })),
    amounts: z.array(z.object({ name: z.string(), local: z.number(), remote: z.number() })),
    /** Full re-reads in a row that did not bring agreement. */
    rereads: z.number().int(),
    nextRereadAt: z.number().nullable(),
  }),
]);
export type SyncProblem = z.infer<typeof syncProblemSchema>;

/** matched; explained (by quarantine); changing (the institution changed while we read: checked again next pass); unexplained; stopped (on a cursor fault). */
export const reconciliationOutcomeSchema = z.enum(['matched', 'explained', 'changing', 'unexplained', 'stopped']);

export const reconciliationEntrySchema = z.object({
  resource: syncResourceSchema,
  localTotal: z.number().int(),
  remoteTotal: z.number().int(),
  matched: z.boolean(),
  quarantinedOnly: z.number().int(),
  amounts: z.array(z.object({ name: z.string(), local: z.number(), remote: z.number() })),
  statuses: z.array(z.object({ status: z.string(), local: z.number().int(), remote: z.number().int() })),
  outcome: reconciliationOutcomeSchema,
  unexplained: z.number().int(),
  /** Full re-reads in a row that did not bring agreement, and when the next may start; null when none ran. */
  reread: z.object({ failures: z.number().int(), running: z.boolean(), notBefore: z.number().nullable() }).nullable(),
  checkedAt: z.number(),
});
export type ReconciliationEntry = z.infer<typeof reconciliationEntrySchema>;

/** What started a sync pass. */
export const syncRunTriggers = ['schedule', 'manual', 'cli', 'startup'] as const;
/** incomplete: the pass ran to its end, but a resource stopped on a cursor fault or stays unreconciled (its stats say which). */
export const syncRunStatuses = ['running', 'succeeded', 'failed', 'cancelled', 'incomplete'] as const;

export { syncErrorCodes, syncErrorCodeSchema, type SyncErrorCode, type SyncFailure } from './sync-common';

/** What the outbox carries to institutions. */
export const outboxKinds = ['review-decision'] as const;

export const syncRunSchema = z.object({
  id: z.number().int(),
  institutionId: z.number().int(),
  institutionCode: z.string(),
  trigger: z.enum(syncRunTriggers),
  status: z.enum(syncRunStatuses),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** The technical text (English, for support); rows stored before `errorCode` existed have only this. */
  error: z.string().nullable(),
  errorCode: syncErrorCodeSchema.nullable(),
  /** The HTTP status the institution answered with, when one arrived. */
  errorStatus: z.number().int().nullable(),
  resources: z.partialRecord(syncResourceSchema, resourceRunStatsSchema),
  totals: resourceRunCountsSchema,
  problems: z.array(syncProblemSchema),
});
export type SyncRun = z.infer<typeof syncRunSchema>;

/** Something the institution's /v1/capabilities or /v1/stats said that this client ignores or cannot compare (additions v1 allows, figures beyond 2^53). */
export const syncIgnoredNoteSchema = toleranceNoteSchema.extend({ source: z.enum(['capabilities', 'stats']) });
export type SyncIgnoredNote = z.infer<typeof syncIgnoredNoteSchema>;

export const syncInstitutionStatusSchema = z.object({
  institution: institutionSummarySchema,
  live: syncLiveSchema.nullable(),
  /** Waiting for a free slot (at most N institutions sync at once). */
  queued: z.boolean(),
  nextRunAt: z.number().nullable(),
  lastRun: syncRunSchema.nullable(),
  openQuarantine: z.number().int(),
  reconciliation: z.array(reconciliationEntrySchema),
  /** From the last capabilities and stats read. */
  ignored: z.array(syncIgnoredNoteSchema),
});
export type SyncInstitutionStatus = z.infer<typeof syncInstitutionStatusSchema>;

export const syncOverviewSchema = z.object({
  institutions: z.array(syncInstitutionStatusSchema),
  maxConcurrent: z.number().int(),
  outbox: z.object({ pending: z.number().int(), failed: z.number().int(), delivered: z.number().int() }),
  /** Whether background syncing runs in this process (the desktop and `serve`; not tests or one-off CLI runs). */
  background: z.boolean(),
});
export type SyncOverview = z.infer<typeof syncOverviewSchema>;

export const quarantineStatuses = ['open', 'resolved', 'superseded'] as const;
export const quarantineStatusSchema = z.enum(quarantineStatuses);

export const quarantineItemSchema = z.object({
  id: z.number().int(),
  institutionId: z.number().int(),
  institutionCode: z.string(),
  resource: syncResourceSchema,
  externalId: z.string().nullable(),
  issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
  /** The raw payload as received, with personal data masked and secrets dropped. */
  payload: z.string(),
  receivedAt: z.number(),
  status: quarantineStatusSchema,
  resolvedAt: z.number().nullable(),
  resolution: z.string().nullable(),
});
export type QuarantineItem = z.infer<typeof quarantineItemSchema>;

export const outboxItemSchema = z.object({
  id: z.number().int(),
  institutionId: z.number().int(),
  institutionCode: z.string(),
  kind: z.enum(outboxKinds),
  subjectId: z.string(),
  idempotencyKey: z.string(),
  state: z.enum(deliveryStates),
  /** Pending but not tried while its institution is disabled; delivered once it is enabled again. */
  held: z.boolean(),
  attempts: z.number().int(),
  nextAttemptAt: z.number(),
  /** The technical text of the last failed attempt (English, for support); rows stored before `lastErrorCode` existed have only this. */
  lastError: z.string().nullable(),
  lastErrorCode: syncErrorCodeSchema.nullable(),
  /** The HTTP status the institution answered the last failed attempt with, when one arrived. */
  lastErrorStatus: z.number().int().nullable(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

const paging = { limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).default(0) };

export const syncContract = {
  'sync:overview': channel({
    input: z.object({}),
    output: syncOverviewSchema,
    access: requires('sync:view'),
    doc: 'Each institution’s sync state, live progress, last run, open quarantine and reconciliation.',
  }),
  'sync:now': channel({
    input: z.object({ institutionId: z.number().int().optional() }),
    output: z.object({ queued: z.array(z.number().int()) }),
    access: requires('sync:manage'),
    doc: 'Sync one institution (or every enabled one) now, in the background.',
  }),
  'sync:runs': channel({
    input: z.object({ institutionId: z.number().int().optional(), ...paging }),
    output: z.object({ rows: z.array(syncRunSchema), total: z.number().int() }),
    access: requires('sync:view'),
    doc: 'The history of sync runs, newest first.',
  }),
  'sync:quarantine': channel({
    input: z.object({
      institutionId: z.number().int().optional(),
      resource: syncResourceSchema.optional(),
      status: quarantineStatusSchema.optional(),
      ...paging,
    }),
    output: z.object({ rows: z.array(quarantineItemSchema), total: z.number().int() }),
    access: requires('sync:view'),
    doc: 'Records that failed the API schema, with their issues and masked payload.',
  }),
  'sync:quarantine-retry': channel({
    input: z.object({ ids: z.array(z.number().int()).min(1).max(200) }),
    output: z.object({ ingested: z.number().int(), stillInvalid: z.number().int(), gone: z.number().int(), failed: z.number().int() }),
    access: requires('sync:manage'),
    doc: 'Fetch quarantined records again by id and ingest those that are valid now.',
  }),
  'sync:reconciliation': channel({
    input: z.object({ institutionId: z.number().int().optional() }),
    output: z.array(reconciliationEntrySchema.extend({ institutionId: z.number().int(), institutionCode: z.string() })),
    access: requires('sync:view'),
    doc: 'Local totals against each institution’s /v1/stats after its last full pass.',
  }),
  'sync:outbox': channel({
    input: z.object({ state: z.enum(deliveryStates).optional(), institutionId: z.number().int().optional(), ...paging }),
    output: z.object({ rows: z.array(outboxItemSchema), total: z.number().int() }),
    access: requires('sync:view'),
    doc: 'Messages to institutions (review decisions) and their delivery state.',
  }),
  'sync:outbox-retry': channel({
    input: z.object({ ids: z.array(z.number().int()).min(1).max(200) }),
    output: z.object({ requeued: z.number().int() }),
    access: requires('sync:manage'),
    doc: 'Put failed outbox messages back in line (same idempotency key) and deliver now.',
  }),
};

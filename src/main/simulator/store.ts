/**
 * The simulator's own SQLite: plans (`models`, JSON) and one index row per served record with
 * its version, updated_at and the instant its content is rendered at. Records are rendered from
 * the plans on demand, so 100,000 borrowers stay small on disk and out of memory.
 */
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ResourceName, resourceNames } from '../../shared/institution-api';

/** Resource number in the records table (index in resourceNames). */
export function resourceCode(name: ResourceName): number {
  return resourceNames.indexOf(name);
}

export interface RecordRow {
  inst: number;
  resource: number;
  id: string;
  model_id: string;
  version: number;
  /** null while the record does not exist yet at the simulated clock (planned for later). */
  updated_ms: number | null;
  created_ms: number;
  state_ms: number;
  next_ms: number | null;
  status: string | null;
  amount1: number;
  amount2: number;
}

export interface StatusTotals {
  status: string | null;
  count: number;
  amount1: number;
  amount2: number;
  maxUpdated: number | null;
}

export interface DecisionRow {
  inst: number;
  idempotency_key: string;
  application_id: string;
  body_sha256: string;
  status_code: number;
  response: string;
  /** 1 when the decision changed the application, 0 for a stored refusal. */
  applied: number;
  /** Real time it was first received (epoch ms). */
  received_ms: number;
  replays: number;
}

/** Where a persistent store keeps its file, and what it must hold to be resumed (saved-state.ts). */
export interface KeptStore {
  /** The folder of `simulator.sqlite` (made 0700; the file 0600). */
  dir: string;
  /** What the saved state must have been generated from; anything else is dropped and generated anew. */
  identity: string;
}

/** The kept store's file in its folder (a backup carries it under this name, cli/commands/backup-demo.ts). */
export const keptStoreFileName = 'simulator.sqlite';

/** Another process has the kept store open (the lock taken at open, see `openKept`). */
export class SimStoreInUseError extends Error {}

const schema = `
  CREATE TABLE IF NOT EXISTS models (inst INTEGER NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS records (
    inst INTEGER NOT NULL,
    resource INTEGER NOT NULL,
    id TEXT NOT NULL,
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_ms INTEGER,
    created_ms INTEGER NOT NULL,
    state_ms INTEGER NOT NULL,
    next_ms INTEGER,
    status TEXT,
    amount1 INTEGER NOT NULL DEFAULT 0,
    amount2 INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE IF NOT EXISTS decisions (
    inst INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    application_id TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response TEXT NOT NULL,
    applied INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    replays INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (inst, idempotency_key)
  ) WITHOUT ROWID;
  -- A kept store's saved state (saved-state.ts): identity, clock, port, update floors.
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

function isUnreadable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB';
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Opens a kept store's file, holding it for this process alone: exclusive locking mode keeps the
 * write lock from the first write until close, so a second simulator on the same folder fails
 * at once instead of writing beside this one. A file SQLite cannot read is removed (what it held
 * is generated anew); WAL with synchronous NORMAL means a killed process leaves the last
 * committed transaction, never a torn file.
 */
function openKept(file: string, nativeBinding: string | undefined): Database.Database {
  for (let attempt = 0; ; attempt += 1) {
    // Private from the first byte: SQLite gives -wal and -shm the database file's mode. (files/modes.ts
    // has this as createPrivateFile, on a floor the simulator may not import.)
    closeSync(openSync(file, 'a', 0o600));
    const db = new Database(file, { nativeBinding, timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec('BEGIN IMMEDIATE; COMMIT;');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return db;
    } catch (error) {
      db.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new SimStoreInUseError(`${file} is in use by another process`);
      if (attempt > 0 || !isUnreadable(error)) throw error;
      removeDatabaseFiles(file);
    }
  }
}

/**
 * Opens the simulator database: in memory, in a scratch file (removed on close when this made its
 * folder), or kept (`keep`): the file outlives the process and a later start resumes it.
 */
export class SimStore {
  readonly db: Database.Database;
  /** Kept store only: the saved state matched `keep.identity` and generation had finished; false when it was generated anew. */
  readonly resumable: boolean;
  /** The file outlives the process (`keep`): only then is the saved state (saved-state.ts) written. */
  readonly kept: boolean;
  private readonly removeOnClose: string | null;
  private readonly statements;

  // nativeBinding (added by the sync engineer): the desktop runs the demo simulator inside Electron, whose ABI needs its own better-sqlite3 build.
  constructor(options: { dataDir?: string; inMemory: boolean; nativeBinding?: string; keep?: KeptStore }) {
    this.removeOnClose = null;
    this.resumable = false;
    this.kept = options.keep !== undefined;
    if (options.keep !== undefined) {
      mkdirSync(options.keep.dir, { recursive: true, mode: 0o700 });
      this.db = openKept(join(options.keep.dir, keptStoreFileName), options.nativeBinding);
      this.db.pragma('cache_size = -16000');
      this.db.exec(schema);
      const meta = (key: string) => this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
      this.resumable = meta('identity') === options.keep.identity && meta('generated') !== undefined;
      if (!this.resumable) {
        // Unfinished (killed while generating) or made from other options: start over in one transaction.
        this.db.transaction(() => {
          this.db.exec('DROP TABLE models; DROP TABLE records; DROP TABLE decisions; DROP TABLE meta;');
          this.db.exec(schema);
          this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('identity', options.keep?.identity ?? '');
        })();
      }
    } else {
      let file = ':memory:';
      if (!options.inMemory) {
        const directory = options.dataDir ?? mkdtempSync(join(tmpdir(), 'creditdesk-sim-'));
        if (options.dataDir === undefined) this.removeOnClose = directory;
        file = join(directory, 'simulator.sqlite');
        removeDatabaseFiles(file);
      }
      this.db = new Database(file, { nativeBinding: options.nativeBinding });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = OFF');
      this.db.pragma('cache_size = -16000');
      this.db.exec(schema);
    }
    this.statements = {
      insertModel: this.db.prepare('INSERT OR REPLACE INTO models (inst, id, body) VALUES (?, ?, ?)'),
      model: this.db.prepare<[number, string], { body: string }>('SELECT body FROM models WHERE inst = ? AND id = ?'),
      insertRecord: this.db.prepare(
        `INSERT OR REPLACE INTO records (inst, resource, id, model_id, version, updated_ms, created_ms, state_ms, next_ms, status, amount1, amount2)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      firstPage: this.db.prepare<[number, number, number], RecordRow>(
        'SELECT * FROM records WHERE inst = ? AND resource = ? AND updated_ms >= 0 ORDER BY updated_ms, id LIMIT ?',
      ),
      nextPage: this.db.prepare<[number, number, number, string, number], RecordRow>(
        'SELECT * FROM records WHERE inst = ? AND resource = ? AND (updated_ms, id) > (?, ?) ORDER BY updated_ms, id LIMIT ?',
      ),
      updateRecord: this.db.prepare(
        'UPDATE records SET version = ?, updated_ms = ?, state_ms = ?, next_ms = ?, status = ?, amount1 = ?, amount2 = ? WHERE inst = ? AND resource = ? AND id = ?',
      ),
      before: this.db.prepare<[number, number, number, string, number], RecordRow>(
        'SELECT * FROM records WHERE inst = ? AND resource = ? AND updated_ms >= 0 AND (updated_ms, id) <= (?, ?) ORDER BY updated_ms DESC, id DESC LIMIT ?',
      ),
      one: this.db.prepare<[number, number, string], RecordRow>('SELECT * FROM records WHERE inst = ? AND resource = ? AND id = ?'),
      due: this.db.prepare<[number, number, number], RecordRow>('SELECT * FROM records WHERE inst = ? AND next_ms <= ? ORDER BY next_ms LIMIT ?'),
      totals: this.db.prepare<[number, number], StatusTotals>(
        `SELECT status, count(*) AS count, sum(amount1) AS amount1, sum(amount2) AS amount2, max(updated_ms) AS maxUpdated
         FROM records WHERE inst = ? AND resource = ? AND updated_ms IS NOT NULL GROUP BY status`,
      ),
      maxUpdated: this.db.prepare<[number], { maxUpdated: number | null }>('SELECT max(updated_ms) AS maxUpdated FROM records WHERE inst = ?'),
      decision: this.db.prepare<[number, string], DecisionRow>('SELECT * FROM decisions WHERE inst = ? AND idempotency_key = ?'),
      insertDecision: this.db.prepare(
        `INSERT INTO decisions (inst, idempotency_key, application_id, body_sha256, status_code, response, applied, received_ms, replays)
         VALUES (@inst, @idempotency_key, @application_id, @body_sha256, @status_code, @response, @applied, @received_ms, 0)`,
      ),
      countReplay: this.db.prepare('UPDATE decisions SET replays = replays + 1 WHERE inst = ? AND idempotency_key = ?'),
      decisions: this.db.prepare<[number], DecisionRow>('SELECT * FROM decisions WHERE inst = ? ORDER BY received_ms, idempotency_key'),
      modelsOfKind: this.db.prepare<[number, string, string], { id: string; body: string }>('SELECT id, body FROM models WHERE inst = ? AND id >= ? AND id < ?'),
      meta: this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      putMeta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  /**
   * Builds the indexes after the bulk load: sorting once is much faster than keeping B-trees
   * in order row by row. Until then ids are not checked for uniqueness and lookups scan.
   */
  createIndexes(): void {
    this.db.exec(`
      CREATE UNIQUE INDEX IF NOT EXISTS models_id ON models (inst, id);
      CREATE UNIQUE INDEX IF NOT EXISTS records_id ON records (inst, resource, id);
      CREATE INDEX IF NOT EXISTS records_page ON records (inst, resource, updated_ms, id);
      CREATE INDEX IF NOT EXISTS records_next ON records (inst, next_ms) WHERE next_ms IS NOT NULL;
      -- /v1/stats reads only this index (a covering index: no table rows), in status order.
      CREATE INDEX IF NOT EXISTS records_totals ON records (inst, resource, status, updated_ms, amount1, amount2);
      ANALYZE;
    `);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  putModel(inst: number, id: string, model: unknown): void {
    this.statements.insertModel.run(inst, id, JSON.stringify(model));
  }

  model<T>(inst: number, id: string): T | undefined {
    const row = this.statements.model.get(inst, id);
    return row === undefined ? undefined : (JSON.parse(row.body) as T);
  }

  /** Every model whose id starts with `prefix` (e.g. all applications: 'APP'). */
  *modelsWithPrefix<T>(inst: number, prefix: string): Generator<{ id: string; model: T }> {
    for (const row of this.statements.modelsOfKind.iterate(inst, prefix, `${prefix}\uffff`)) {
      yield { id: row.id, model: JSON.parse(row.body) as T };
    }
  }

  putRecord(row: RecordRow): void {
    this.statements.insertRecord.run(
      row.inst,
      row.resource,
      row.id,
      row.model_id,
      row.version,
      row.updated_ms,
      row.created_ms,
      row.state_ms,
      row.next_ms,
      row.status,
      row.amount1,
      row.amount2,
    );
  }

  /** Rewrites the moving parts of an existing record. */
  updateRecord(
    row: Pick<RecordRow, 'inst' | 'resource' | 'id'>,
    version: number,
    updatedMs: number | null,
    stateMs: number,
    nextMs: number | null,
    status: string | null,
    amount1: number,
    amount2: number,
  ): void {
    this.statements.updateRecord.run(version, updatedMs, stateMs, nextMs, status, amount1, amount2, row.inst, row.resource, row.id);
  }

  record(inst: number, resource: number, id: string): RecordRow | undefined {
    return this.statements.one.get(inst, resource, id);
  }

  /** Visible records after the (updated_ms, id) position, in that order. */
  page(inst: number, resource: number, after: { updatedMs: number; id: string } | null, limit: number): RecordRow[] {
    return after === null
      ? this.statements.firstPage.all(inst, resource, limit)
      : this.statements.nextPage.all(inst, resource, after.updatedMs, after.id, limit);
  }

  /** Up to `limit` visible records at or before a position, latest first. */
  before(inst: number, resource: number, position: { updatedMs: number; id: string }, limit: number): RecordRow[] {
    return this.statements.before.all(inst, resource, position.updatedMs, position.id, limit);
  }

  /** Up to `limit` records that may change (or come into existence) at or before `until`, earliest first. */
  due(inst: number, until: number, limit: number): RecordRow[] {
    return this.statements.due.all(inst, until, limit);
  }

  /** Deletes records for good (the purge of index.ts: an institution breaking "records are never deleted"). */
  deleteRecords(inst: number, resource: number, ids: readonly string[]): void {
    const statement = this.db.prepare('DELETE FROM records WHERE inst = ? AND resource = ? AND id = ?');
    this.transaction(() => {
      for (const id of ids) statement.run(inst, resource, id);
    });
  }

  /** The query plan of a statement, for tests that hot queries use an index. */
  explain(sql: string, ...parameters: unknown[]): string[] {
    return this.db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...parameters)
      .map((row) => row.detail);
  }

  totals(inst: number, resource: number): StatusTotals[] {
    return this.statements.totals.all(inst, resource);
  }

  maxUpdated(inst: number): number | null {
    return this.statements.maxUpdated.get(inst)?.maxUpdated ?? null;
  }

  decision(inst: number, key: string): DecisionRow | undefined {
    return this.statements.decision.get(inst, key);
  }

  putDecision(row: Omit<DecisionRow, 'replays'>): void {
    this.statements.insertDecision.run(row);
  }

  countReplay(inst: number, key: string): void {
    this.statements.countReplay.run(inst, key);
  }

  decisions(inst: number): DecisionRow[] {
    return this.statements.decisions.all(inst);
  }

  /** A value of the saved state (saved-state.ts). */
  meta(key: string): string | undefined {
    return this.statements.meta.get(key)?.value;
  }

  putMeta(key: string, value: string): void {
    this.statements.putMeta.run(key, value);
  }

  close(): void {
    this.db.close();
    if (this.removeOnClose !== null) rmSync(this.removeOnClose, { recursive: true, force: true });
  }
}

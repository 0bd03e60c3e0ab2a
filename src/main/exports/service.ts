import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Locale } from '../../shared/contracts/auth';
import type { ExportDelivery, ExportFormat, ExportSummary } from '../../shared/contracts/exports';
import { AppError } from '../../shared/rpc/errors';
import type { Permission } from '../../shared/rpc/permissions';
import type { Db } from '../db/connection';
import type { ExportRow } from '../db/schema';
import type { Logger } from '../logging/logger';
import type { Actor, ActorRef } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import { writeCsv } from './csv';
import { contentTypes, type ExportDocument, type WriteOptions, type WriteResult } from './model';
import { findExport, insertExport, listExportFilesBefore, listExportsOf, updateExport } from '../repositories/exports';
import { isAbortError } from './sink';
import { writeXlsx } from './xlsx';

/**
 * Who asks for an export: a signed-in operator (an `Actor` fits as it is), or the CLI (no
 * operator id). `auditDetails`: extra facts for the audit entry (the CLI adds its OS user).
 */
export type ExportRequester = ActorRef & Pick<Actor, 'permissions' | 'locale'> & { auditDetails?: Record<string, unknown> };

export interface ExportBuildContext {
  locale: Locale;
  masked: boolean;
  generatedAt: number;
  generatedBy: string;
}

/** Something exportable: a report or the audit log. Filters are already validated by the caller. */
export interface ExportSource<F> {
  kind: string;
  /** Needed to export it (checked again here, whatever the channel checked). */
  permission: Permission;
  /** The file name without extension, e.g. 'review-operations_2026-11-01_2026-11-25'. */
  fileStem(filters: F): string;
  /** The filters as JSON for the exports table and the audit log (no personal data). */
  describe(filters: F): Record<string, unknown>;
  build(db: Db, filters: F, context: ExportBuildContext): ExportDocument;
}

export interface ExportRequest {
  format: ExportFormat;
  clear: boolean;
}

export interface RunOptions {
  /** Write here instead of <data>/exports (the CLI's --out); the file is then not managed. */
  outPath?: string;
  signal?: AbortSignal;
  onProgress?: (rows: number, totalRows: number | null) => void;
}

/** Shows the desktop's save dialog and copies the file; resolves with the chosen path or null. */
export type SaveFileDialog = (file: { path: string; fileName: string }) => Promise<string | null>;

export interface ExportProgress {
  id: number;
  status: ExportSummary['status'];
  rows: number;
  totalRows: number | null;
}

export interface ExportServiceOptions {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  logger: Logger;
  /** <data>/exports */
  directory: string;
  /** Pushes progress to the operator who started the export. */
  onProgress?: (operatorId: number, progress: ExportProgress) => void;
  /** Present in the desktop shell only. */
  saveFile?: SaveFileDialog;
  /** Files older than this are deleted (default 7 days). */
  retentionMs?: number;
  /** At most this many exports run at once per operator (default 2). */
  perOperatorLimit?: number;
}

export interface DownloadableFile {
  path: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface ExportService {
  /** Starts an export in the background and returns at once; progress arrives as pushes. */
  start<F>(requester: ExportRequester, source: ExportSource<F>, filters: F, request: ExportRequest): ExportSummary;
  /** Runs an export to the end (the CLI, tests). */
  run<F>(requester: ExportRequester, source: ExportSource<F>, filters: F, request: ExportRequest, options?: RunOptions): Promise<ExportSummary>;
  list(actor: Actor, limit: number): ExportSummary[];
  get(actor: Actor, id: number): ExportSummary;
  cancel(actor: Actor, id: number): ExportSummary;
  deliver(actor: Actor, id: number): Promise<ExportDelivery>;
  /** The file behind GET /api/downloads/:id, for its owner only; records the download. */
  openDownload(actor: Actor, id: number): DownloadableFile;
  /** Waits for a background export (tests). */
  settled(id: number): Promise<void>;
  /** Deletes files past retention; marks jobs stuck in 'running' for a day as failed. */
  purge(): void;
  /** Cancels running exports and waits for them: call before the database closes. */
  shutdown(): Promise<void>;
}

const writers: Record<ExportFormat, (document: ExportDocument, file: string, options: WriteOptions) => Promise<WriteResult>> = {
  csv: writeCsv,
  xlsx: writeXlsx,
  // Loaded on first use: PDFKit and the font lookup are heavy and most exports never need them.
  pdf: async (document, file, writeOptions) => (await import('./pdf')).writePdf(document, file, writeOptions),
};

const progressIntervalMs = 250;
const dayMs = 86_400_000;

function summaryOf(row: ExportRow): ExportSummary {
  return {
    id: row.id,
    kind: row.kind,
    format: row.format,
    status: row.status,
    rowCount: row.rowCount,
    totalRows: row.totalRows,
    byteSize: row.byteSize,
    fileName: row.fileName,
    masked: row.masked,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    error: row.error,
    available: row.status === 'completed' && row.filePath !== null && existsSync(row.filePath),
  };
}

/** A name safe on every OS: no path separators or reserved characters. */
function safeFileName(stem: string, format: ExportFormat): string {
  const cleaned = stem.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').slice(0, 120) || 'export';
  return `${cleaned}.${format}`;
}

export function createExportService(options: ExportServiceOptions): ExportService {
  const { db, clock, audit, logger } = options;
  const retentionMs = options.retentionMs ?? 7 * dayMs;
  const perOperatorLimit = options.perOperatorLimit ?? 2;
  const jobs = new Map<number, { controller: AbortController; done: Promise<void>; operatorId: number | null }>();

  // A CLI export has no operator id but a name (`cli:<os user>`): the entry carries that name.
  function auditActor(requester: ExportRequester): ActorRef {
    return { id: requester.id, username: requester.username };
  }

  /** A refused export is recorded too: who asked, for what, and which permission was missing. */
  function refuse(requester: ExportRequester, source: ExportSource<unknown>, request: ExportRequest, permission: string, message: string): never {
    audit.record(db, auditActor(requester), 'access.refused', { type: 'export-request', id: source.kind }, {
      kind: source.kind,
      format: request.format,
      clear: request.clear,
      permission,
      ...requester.auditDetails,
    });
    throw new AppError('FORBIDDEN', message, { permission });
  }

  function owned(actor: Actor, id: number): ExportRow {
    const row = findExport(db, id);
    // Someone else's export is as good as absent: its filters and name are not yours to see.
    if (!row || row.operatorId !== actor.id) throw new AppError('NOT_FOUND', `There is no export ${id} of yours.`);
    return row;
  }

  function prepare<F>(requester: ExportRequester, source: ExportSource<F>, filters: F, request: ExportRequest, outPath?: string) {
    if (!requester.permissions.has(source.permission)) {
      refuse(requester, source as ExportSource<unknown>, request, source.permission, `Exporting ${source.kind} needs the “${source.permission}” permission.`);
    }
    if (request.clear && !requester.permissions.has('pii:export-clear')) {
      refuse(requester, source as ExportSource<unknown>, request, 'pii:export-clear', 'Exporting personal data in clear needs the “pii:export-clear” permission.');
    }
    if (requester.id !== null) {
      const running = [...jobs.values()].filter((job) => job.operatorId === requester.id).length;
      if (running >= perOperatorLimit) {
        throw new AppError('CONFLICT', `You already have ${running} exports running; wait for one to finish or cancel it.`);
      }
    }
    const masked = !request.clear;
    const generatedAt = clock.now();
    const document = source.build(db, filters, { locale: requester.locale, masked, generatedAt, generatedBy: requester.username });
    const fileName = safeFileName(source.fileStem(filters), request.format);
    const describedFilters = source.describe(filters);
    const row = insertExport(db, {
      operatorId: requester.id,
      operatorName: requester.username,
      kind: source.kind,
      format: request.format,
      filters: JSON.stringify(describedFilters),
      masked,
      fileName,
      filePath: null,
      startedAt: generatedAt,
      totalRows: document.main.totalRows,
    });
    let target = outPath;
    if (!target) {
      mkdirSync(options.directory, { recursive: true, mode: 0o700 });
      target = path.join(options.directory, `${row.id}-${fileName}`);
    }
    const withPath = updateExport(db, row.id, { filePath: target }) ?? row;
    audit.record(db, auditActor(requester), 'exports.started', { type: 'export', id: row.id }, {
      kind: source.kind,
      format: request.format,
      filters: describedFilters,
      masked,
      ...requester.auditDetails,
    });
    return { row: withPath, document, target, managed: !outPath, describedFilters };
  }

  async function execute(
    requester: ExportRequester,
    prepared: ReturnType<typeof prepare>,
    request: ExportRequest,
    signal: AbortSignal | undefined,
    onProgress: ((rows: number, totalRows: number | null) => void) | undefined,
  ): Promise<ExportSummary> {
    const { row, document, target, managed } = prepared;
    const partial = `${target}.part`;
    const totalRows = document.main.totalRows;
    let lastPush = 0;
    const push = (status: ExportSummary['status'], rows: number) => {
      if (requester.id !== null) options.onProgress?.(requester.id, { id: row.id, status, rows, totalRows });
    };
    const progress = (rows: number) => {
      onProgress?.(rows, totalRows);
      const now = performance.now();
      if (now - lastPush < progressIntervalMs) return;
      lastPush = now;
      updateExport(db, row.id, { rowCount: rows });
      push('running', rows);
    };
    push('running', 0);
    let finished: ExportRow | undefined;
    try {
      const result = await writers[request.format](document, partial, { signal, onProgress: progress });
      renameSync(partial, target);
      finished = updateExport(db, row.id, {
        status: 'completed',
        rowCount: result.rows,
        byteSize: result.bytes,
        finishedAt: clock.now(),
        // The CLI's --out file is the user's: the clean-up must never touch it.
        filePath: managed ? target : null,
      });
      audit.record(db, auditActor(requester), 'exports.finished', { type: 'export', id: row.id }, {
        kind: row.kind,
        format: row.format,
        filters: prepared.describedFilters,
        masked: row.masked,
        status: 'completed',
        rowCount: result.rows,
        truncated: result.truncated,
        bytes: result.bytes,
        ...requester.auditDetails,
      });
      push('completed', result.rows);
    } catch (error) {
      rmSync(partial, { force: true });
      const cancelled = isAbortError(error) || signal?.aborted === true;
      const message = cancelled ? null : error instanceof Error ? error.message : String(error);
      if (!cancelled) logger.error('export failed', { id: row.id, kind: row.kind, format: row.format, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      const current = findExport(db, row.id);
      finished = updateExport(db, row.id, {
        status: cancelled ? 'cancelled' : 'failed',
        error: message,
        finishedAt: clock.now(),
        filePath: null,
      });
      audit.record(db, auditActor(requester), 'exports.finished', { type: 'export', id: row.id }, {
        kind: row.kind,
        format: row.format,
        filters: prepared.describedFilters,
        masked: row.masked,
        status: cancelled ? 'cancelled' : 'failed',
        rowCount: current?.rowCount ?? 0,
        ...requester.auditDetails,
      });
      push(cancelled ? 'cancelled' : 'failed', current?.rowCount ?? 0);
    }
    return summaryOf(finished ?? (findExport(db, row.id) as ExportRow));
  }

  function purge(): void {
    const now = clock.now();
    for (const row of listExportFilesBefore(db, now - retentionMs)) {
      if (jobs.has(row.id) || row.filePath === null) continue;
      rmSync(row.filePath, { force: true });
      updateExport(db, row.id, { filePath: null });
    }
    for (const row of listExportFilesBefore(db, now - dayMs)) {
      if (row.status === 'running' && !jobs.has(row.id)) {
        updateExport(db, row.id, { status: 'failed', error: 'Interrupted: CreditDesk stopped during the export.', finishedAt: now });
      }
    }
  }

  try {
    purge();
  } catch (error) {
    logger.warn('export clean-up failed', { error: String(error) });
  }

  return {
    start(requester, source, filters, request) {
      const prepared = prepare(requester, source, filters, request);
      const controller = new AbortController();
      const done = execute(requester, prepared, request, controller.signal, undefined).then(
        () => undefined,
        (error: unknown) => logger.error('export job crashed', { id: prepared.row.id, error: String(error) }),
      );
      jobs.set(prepared.row.id, { controller, done, operatorId: requester.id });
      void done.finally(() => jobs.delete(prepared.row.id));
      return summaryOf(prepared.row);
    },

    async run(requester, source, filters, request, runOptions = {}) {
      const prepared = prepare(requester, source, filters, request, runOptions.outPath);
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      runOptions.signal?.addEventListener('abort', onAbort, { once: true });
      if (runOptions.signal?.aborted) controller.abort();
      let resolveDone: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        resolveDone = resolve;
      });
      jobs.set(prepared.row.id, { controller, done, operatorId: requester.id });
      try {
        return await execute(requester, prepared, request, controller.signal, runOptions.onProgress);
      } finally {
        runOptions.signal?.removeEventListener('abort', onAbort);
        jobs.delete(prepared.row.id);
        resolveDone();
      }
    },

    list(actor, limit) {
      return listExportsOf(db, actor.id, limit).map(summaryOf);
    },

    get(actor, id) {
      return summaryOf(owned(actor, id));
    },

    cancel(actor, id) {
      const row = owned(actor, id);
      const job = jobs.get(id);
      if (row.status !== 'running' || !job) throw new AppError('CONFLICT', `Export ${id} is not running (it is ${row.status}).`);
      job.controller.abort();
      return summaryOf(row);
    },

    async deliver(actor, id) {
      const row = owned(actor, id);
      const summary = summaryOf(row);
      if (!summary.available || row.filePath === null) {
        throw new AppError('CONFLICT', `Export ${id} has no file to deliver (it is ${row.status}${row.status === 'completed' ? ' and its file was removed' : ''}).`);
      }
      if (!options.saveFile) return { kind: 'download', url: `/api/downloads/${id}`, fileName: row.fileName };
      const saved = await options.saveFile({ path: row.filePath, fileName: row.fileName });
      if (saved === null) return { kind: 'dismissed' };
      audit.record(db, actor, 'exports.delivered', { type: 'export', id }, { kind: row.kind, format: row.format, to: 'save-dialog' });
      return { kind: 'saved', path: saved };
    },

    openDownload(actor, id) {
      const row = owned(actor, id);
      if (row.status !== 'completed' || row.filePath === null || !existsSync(row.filePath)) {
        throw new AppError('NOT_FOUND', `Export ${id} has no file to download.`);
      }
      audit.record(db, actor, 'exports.delivered', { type: 'export', id }, { kind: row.kind, format: row.format, to: 'download' });
      return { path: row.filePath, fileName: row.fileName, contentType: contentTypes[row.format], size: statSync(row.filePath).size };
    },

    async settled(id) {
      await jobs.get(id)?.done;
    },

    purge,

    async shutdown() {
      const running = [...jobs.values()];
      for (const job of running) job.controller.abort();
      await Promise.all(running.map((job) => job.done));
    },
  };
}

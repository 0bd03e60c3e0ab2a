/**
 * Runs sync passes: each enabled institution on its interval in the background, "Sync now" for
 * one or all, never more than `maxConcurrent` at once, one pass per institution at a time.
 * stop() aborts what runs (passes stop between pages) and resolves once every pass has finished,
 * so the database closes only after in-flight pages committed or rolled back.
 */
import type { Db } from '../db/connection';
import type { InstitutionRow, SyncRunTrigger } from '../db/schema';
import { listInstitutions } from '../repositories/institutions';
import type { Clock } from '../core/clock';
import { runPass, type EngineDeps, type PassOptions, type PassProgress, type PassResult } from './engine';

export interface SchedulerOptions {
  maxConcurrent: number;
  /** How often due institutions are looked for. */
  checkEveryMs: number;
  pageLimit?: number;
}

export interface SchedulerHooks {
  onProgress?: (progress: PassProgress) => void;
  onPassStarted?: (institutionId: number) => void;
  onPassFinished?: (result: PassResult) => void;
}

/** When an institution is next due on its own, or null when it is not scheduled (disabled, credentials rejected). */
export function nextRunAt(row: Pick<InstitutionRow, 'enabled' | 'state' | 'lastAttemptAt' | 'syncIntervalSeconds' | 'circuitOpenUntil'>, now: number): number | null {
  if (!row.enabled || row.state === 'credentials_rejected' || row.state === 'disabled') return null;
  if (row.state === 'circuit_open' && row.circuitOpenUntil !== null) return Math.max(row.circuitOpenUntil, now);
  if (row.lastAttemptAt === null) return now;
  return row.lastAttemptAt + row.syncIntervalSeconds * 1000;
}

interface Waiter {
  trigger: SyncRunTrigger;
  resolve: (result: PassResult | null) => void;
}

export class SyncScheduler {
  private readonly controller = new AbortController();
  private readonly running = new Map<number, Promise<PassResult>>();
  private readonly live = new Map<number, PassProgress>();
  private readonly queue: number[] = [];
  private readonly waiters = new Map<number, Waiter[]>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly engine: EngineDeps & { db: Db; clock: Clock },
    private readonly options: SchedulerOptions,
    private readonly hooks: SchedulerHooks = {},
  ) {}

  get maxConcurrent(): number {
    return this.options.maxConcurrent;
  }

  /** Starts the background schedule. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.enqueueDue(), this.options.checkEveryMs);
    this.timer.unref();
    this.enqueueDue();
  }

  get backgroundRunning(): boolean {
    return this.timer !== null;
  }

  /** Live progress of a running pass. */
  progress(institutionId: number): PassProgress | null {
    return this.running.has(institutionId) ? (this.live.get(institutionId) ?? null) : null;
  }

  isRunning(institutionId: number): boolean {
    return this.running.has(institutionId);
  }

  isQueued(institutionId: number): boolean {
    return this.queue.includes(institutionId);
  }

  /**
   * Queues a pass for each institution (once: a queued or running institution is not queued
   * again) and resolves with each pass's result, or null for one already running.
   */
  request(institutionIds: readonly number[], trigger: SyncRunTrigger): Promise<Array<PassResult | null>> {
    return Promise.all(
      institutionIds.map(
        (id) =>
          new Promise<PassResult | null>((resolve) => {
            if (this.stopped) {
              resolve(null);
              return;
            }
            const running = this.running.get(id);
            if (running && !this.queue.includes(id)) {
              // A pass is under way: the caller gets its result rather than a second pass.
              void running.then(resolve, () => resolve(null));
              return;
            }
            const list = this.waiters.get(id) ?? [];
            list.push({ trigger, resolve });
            this.waiters.set(id, list);
            if (!this.queue.includes(id)) this.queue.push(id);
            this.pump();
          }),
      ),
    );
  }

  /** Aborts running passes, forgets the queue, and resolves when every pass has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.controller.abort(new Error('shutdown'));
    for (const id of this.queue.splice(0)) for (const waiter of this.waiters.get(id) ?? []) waiter.resolve(null);
    this.waiters.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private enqueueDue(): void {
    if (this.stopped) return;
    const now = this.engine.clock.now();
    for (const row of listInstitutions(this.engine.db)) {
      if (this.running.has(row.id) || this.queue.includes(row.id)) continue;
      const due = nextRunAt(row, now);
      if (due !== null && due <= now) {
        this.queue.push(row.id);
        this.waiters.set(row.id, [...(this.waiters.get(row.id) ?? []), { trigger: row.lastAttemptAt === null ? 'startup' : 'schedule', resolve: () => undefined }]);
      }
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.options.maxConcurrent) {
      const index = this.queue.findIndex((id) => !this.running.has(id));
      if (index === -1) return;
      const [id] = this.queue.splice(index, 1);
      if (id === undefined) return;
      const waiters = this.waiters.get(id) ?? [];
      this.waiters.delete(id);
      const trigger = waiters.find((waiter) => waiter.trigger === 'manual' || waiter.trigger === 'cli')?.trigger ?? waiters[0]?.trigger ?? 'schedule';
      const passOptions: PassOptions = {
        trigger,
        signal: this.controller.signal,
        pageLimit: this.options.pageLimit,
        onProgress: (progress) => {
          this.live.set(id, progress);
          this.hooks.onProgress?.(progress);
        },
      };
      this.hooks.onPassStarted?.(id);
      const pass = runPass(this.engine, id, passOptions).catch((error: unknown): PassResult => {
        // runPass reports institution trouble itself; only a missing institution lands here.
        const now = this.engine.clock.now();
        return {
          institutionId: id,
          code: String(id),
          runId: 0,
          status: 'failed',
          state: 'failed',
          error: error instanceof Error ? error.message : String(error),
          errorKind: 'internal',
          resources: {},
          reconciliation: [],
          problems: [],
          startedAt: now,
          finishedAt: now,
        };
      });
      this.running.set(id, pass);
      void pass.then((result) => {
        this.running.delete(id);
        this.live.delete(id);
        for (const waiter of waiters) waiter.resolve(result);
        this.hooks.onPassFinished?.(result);
        this.pump();
      });
    }
  }
}

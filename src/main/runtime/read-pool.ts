/**
 * Read workers for a team server: the review channels that only read (the task screen and the
 * queue page, `workerChannels`) answered on worker threads, each with its own read-only
 * connection (runtime/read-worker.ts), so a server's second core does part of the reviewers' work
 * while the main thread keeps HTTP, TLS, sessions, CSRF, throttling, every write and every other
 * channel. Why these two and not others, and what a worker may and may not do: README.md here.
 *
 * The router still does everything up to the handler on the main thread (access, permission, zod
 * input); `servedByWorkers` swaps the two handlers for a call to the pool, which posts the parsed
 * input with the actor, the main thread's clock reading and review settings to the least busy
 * worker. The answer comes back as JSON bytes (`EncodedJson`: the HTTP reply carries them without
 * parsing them, rpc/encoded-json.ts), or the error, rebuilt as the router knows it, into the same
 * envelope. A worker that dies is replaced and the calls it had are answered with a retryable
 * `DB` error (`reason: read_worker_stopped`); a call that takes longer than `callTimeoutMs`
 * answers `TIMEOUT` and its worker is replaced; when workers keep dying before they are ready,
 * the pool gives up and the main thread serves the channels as it did before.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { ReviewSettings } from '../../shared/contracts/review';
import type { ChannelOutput, ParsedInput } from '../../shared/rpc/contract';
import { AppError, type ErrorCode } from '../../shared/rpc/errors';
import type { Actor, CallContext } from '../core/actor';
import type { Clock } from '../core/clock';
import type { Logger } from '../logging/logger';
import { EncodedJson } from '../rpc/encoded-json';
import type { Handlers } from '../rpc/router';

/** The channels a read worker answers: they read and write nothing (README.md here says how that was checked). */
export const workerChannels = ['review:task', 'review:list'] as const;
export type WorkerChannel = (typeof workerChannels)[number];

/** What a worker is started with. */
export interface ReadWorkerData {
  file: string;
  migrationsFolder: string;
  nativeBinding?: string;
}

/** One call, as posted to a worker. */
export interface WorkerCall {
  kind: 'call';
  id: number;
  channel: WorkerChannel;
  input: unknown;
  actor: Actor;
  now: number;
  settings: ReviewSettings;
}

type WorkerFailure =
  | { kind: 'app'; code: ErrorCode; message: string; details?: unknown }
  | { kind: 'zod'; issues: z.core.$ZodIssue[] }
  | { kind: 'other'; name: string; message: string; stack: string; code: string | null };

/**
 * An answer: the channel's data as JSON in UTF-8 bytes (transferred, not copied: what the HTTP
 * transport sends as it is), or what it threw.
 */
export type WorkerAnswer = { kind: 'answer'; id: number; ok: true; bytes: Uint8Array } | { kind: 'answer'; id: number; ok: false; error: WorkerFailure };

export type WorkerToPool =
  | WorkerAnswer
  | { kind: 'ready' }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; scope: string; message: string; fields: Record<string, unknown> };

export interface ReadPoolOptions {
  /** Worker threads (at least 1). */
  size: number;
  /** The database file (WAL), written by the main thread's connection. */
  file: string;
  migrationsFolder: string;
  /** The better-sqlite3 addon for the running ABI. */
  nativeBinding?: string;
  logger: Logger;
  /** A call not answered within this many milliseconds answers TIMEOUT, and its worker is replaced (default 30 s). */
  callTimeoutMs?: number;
  /** The worker's entry; tests pass one that wraps the real worker. Default: read-worker beside this module. */
  entry?: URL;
}

export interface ReadPoolStats {
  /** Workers running now. */
  workers: number;
  /** Of them, those that opened their connection and take calls. */
  ready: number;
  /** Calls the workers answered (data or an expected error). */
  served: number;
  /** Workers started in place of one that stopped. */
  replaced: number;
  /** True once workers kept dying before they were ready: the main thread serves the channels. */
  gaveUp: boolean;
}

export interface ReadPool {
  /** False when the pool gave up or is closing: the caller serves the call itself. */
  available(): boolean;
  /** The channel's data as the worker encoded it (the router parses it for whoever wants values). */
  call<C extends WorkerChannel>(channel: C, input: ParsedInput<C>, actor: Actor, now: number, settings: ReviewSettings): Promise<EncodedJson<ChannelOutput<C>>>;
  stats(): ReadPoolStats;
  /** Answers what is in flight (or waits for it), then stops the workers and their connections. */
  close(): Promise<void>;
}

/** One worker per core the main thread does not need, at least one, at most four. */
export function defaultReadWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** The retryable answer to a call whose worker stopped (or the pool has none to give it). */
const workerStopped = (): AppError => new AppError('DB', 'The server could not finish reading this; try again.', { reason: 'read_worker_stopped' });

/** Consecutive workers that die before they are ready, after which the pool gives up. */
const startFailuresBeforeGivingUp = 3;

// From the sources (tests, tsx) the worker is read-worker.ts beside this file; in a build
// (electron.vite.config.ts) it is its own entry, out/main/read-worker.js, while this module sits in
// out/main or out/main/chunks.
function defaultEntry(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL('./read-worker.ts', here);
  for (const candidate of ['./read-worker.js', '../read-worker.js']) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`The read worker's entry (read-worker.js) was not found beside ${fileURLToPath(here)}`);
}

// Plain Node cannot run TypeScript in a worker, and a worker does not inherit the parent's
// `--import tsx` hooks on Node 20: a TypeScript entry (tests, the bench) is loaded through tsx's API.
function startWorker(entry: URL, data: ReadWorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData: data });
  const source = `(async () => {
  const { workerData } = require('node:worker_threads');
  const tsx = await import(workerData.tsxApi);
  tsx.register();
  await import(workerData.entry);
})().catch((error) => { setImmediate(() => { throw error; }); });`;
  return new Worker(source, { eval: true, workerData: { ...data, entry: entry.href, tsxApi: import.meta.resolve('tsx/esm/api') } });
}

function rebuild(failure: WorkerFailure): Error {
  switch (failure.kind) {
    case 'app':
      return new AppError(failure.code, failure.message, failure.details);
    case 'zod':
      return new z.ZodError(failure.issues);
    case 'other':
      // As the router would have met it on the main thread: logged with the worker's stack, INTERNAL
      // (or DB for SQLITE_BUSY) to the caller.
      return Object.assign(new Error(failure.message), { name: failure.name, stack: failure.stack, ...(failure.code ? { code: failure.code } : {}) });
    default: {
      const unknownFailure: never = failure;
      return new Error(`unknown worker failure ${String(unknownFailure)}`);
    }
  }
}

interface Pending {
  resolve(data: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: boolean;
  /** Set when the pool stopped this worker on purpose (close, a call that timed out). */
  retiring: boolean;
  /** Told when the last call in hand is answered (close waits for it). */
  onIdle: (() => void) | null;
}

/** Tells a closing pool that the slot has nothing more in hand. */
function settled(slot: Slot): void {
  if (slot.pending.size === 0) slot.onIdle?.();
}

export function startReadPool(options: ReadPoolOptions): ReadPool {
  const size = Math.max(1, Math.floor(options.size));
  const entry = options.entry ?? defaultEntry();
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const data: ReadWorkerData = { file: options.file, migrationsFolder: options.migrationsFolder, nativeBinding: options.nativeBinding };
  const { logger } = options;
  const slots: Slot[] = [];
  let nextId = 1;
  let served = 0;
  let replaced = 0;
  let startFailures = 0;
  let gaveUp = false;
  let closing = false;

  function stopped(slot: Slot, why: string): void {
    for (const [id, pending] of slot.pending) {
      clearTimeout(pending.timer);
      pending.reject(workerStopped());
      slot.pending.delete(id);
    }
    settled(slot);
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    if (closing) return;
    if (!slot.ready) startFailures++;
    if (startFailures >= startFailuresBeforeGivingUp) {
      if (!gaveUp) logger.error('read workers keep stopping before they are ready: the main thread serves their channels', { why });
      gaveUp = true;
      return;
    }
    logger.warn('a read worker stopped; starting another', { why });
    replaced++;
    spawn();
  }

  function spawn(): void {
    const slot: Slot = { worker: startWorker(entry, data), pending: new Map(), ready: false, retiring: false, onIdle: null };
    slots.push(slot);
    // Never what keeps a process alive: the server's sockets do that while it serves.
    slot.worker.unref();
    slot.worker.on('message', (message: WorkerToPool) => {
      if (message.kind === 'ready') {
        slot.ready = true;
        startFailures = 0;
        logger.info('read worker ready', { threadId: slot.worker.threadId, channels: workerChannels });
      } else if (message.kind === 'log') {
        logger.child(message.scope)[message.level](message.message, message.fields);
      } else {
        const pending = slot.pending.get(message.id);
        if (!pending) return;
        slot.pending.delete(message.id);
        clearTimeout(pending.timer);
        served++;
        if (message.ok) pending.resolve(new EncodedJson(message.bytes));
        else pending.reject(rebuild(message.error));
        settled(slot);
      }
    });
    slot.worker.on('error', (error) => logger.error('read worker failed', { error: `${error.name}: ${error.message}\n${error.stack ?? ''}` }));
    slot.worker.on('exit', (code) => stopped(slot, slot.retiring ? 'retired' : `exit code ${code}`));
  }

  for (let index = 0; index < size; index++) spawn();

  function leastBusy(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of slots) {
      if (slot.retiring) continue;
      if (!best || slot.pending.size < best.pending.size || (slot.ready && !best.ready && slot.pending.size === best.pending.size)) best = slot;
    }
    return best;
  }

  return {
    available() {
      return !gaveUp && !closing && slots.length > 0;
    },
    call(channel, input, actor, now, settings) {
      const slot = leastBusy();
      if (!slot) return Promise.reject(workerStopped());
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          if (!slot.pending.delete(id)) return;
          settled(slot);
          reject(new AppError('TIMEOUT', 'Reading this took too long; try again.', { reason: 'read_worker_timeout' }));
          logger.error('a read worker did not answer in time: replacing it', { channel, timeoutMs: callTimeoutMs });
          slot.retiring = true;
          void slot.worker.terminate();
        }, callTimeoutMs);
        timer.unref();
        slot.pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer });
        const message: WorkerCall = { kind: 'call', id, channel, input, actor, now, settings };
        slot.worker.postMessage(message);
      });
    },
    stats() {
      return { workers: slots.length, ready: slots.filter((slot) => slot.ready).length, served, replaced, gaveUp };
    },
    async close() {
      if (closing) return;
      closing = true;
      await Promise.all(
        [...slots].map(async (slot) => {
          // Kept alive until it has stopped: its answers and its exit are what close waits for.
          slot.worker.ref();
          // What it has in hand is answered first (each call answers, or times out, within a
          // call's time); the worker closes the moment the last answer is in, not at a poll.
          if (slot.pending.size > 0 && slots.includes(slot)) await new Promise<void>((resolve) => (slot.onIdle = resolve));
          slot.retiring = true;
          const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
          if (!slots.includes(slot)) return;
          slot.worker.postMessage({ kind: 'close' });
          const late = setTimeout(() => void slot.worker.terminate(), 2_000);
          await exited;
          clearTimeout(late);
        }),
      );
    },
  };
}

/**
 * The router's handlers with the worker channels answered by the pool: the same input (already
 * parsed), the caller's actor, the clock's reading and the review settings the main thread would
 * have used. While the pool is unavailable (it gave up, or is closing) the main thread serves them.
 */
export function servedByWorkers(handlers: Handlers, pool: ReadPool, deps: { clock: Clock; settings: () => ReviewSettings }): Handlers {
  const wrapped: Handlers = { ...handlers };
  for (const channel of workerChannels) {
    const local = handlers[channel] as (input: unknown, context: CallContext) => unknown;
    (wrapped as Record<WorkerChannel, (input: unknown, context: CallContext) => unknown>)[channel] = (input, context) => {
      // The router refused callers who are not signed in; the handler on this thread says so as before.
      if (!context.actor || !pool.available()) return local(input, context);
      return pool.call(channel, input as never, context.actor, deps.clock.now(), deps.settings());
    };
  }
  return wrapped;
}

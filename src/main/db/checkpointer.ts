/**
 * The background checkpointer: a worker thread with its own connection copies committed WAL frames
 * into the database file (`wal_checkpoint(PASSIVE)`) while the connection that writes goes on.
 *
 * Without it, the thread that commits pays for the copy: SQLite's automatic checkpoint runs inside
 * the COMMIT that crosses the WAL limit, so now and then one of the sync's page transactions (or a
 * reviewer's decision) also copied and synced the whole WAL. With the worker copying behind the
 * writer, the writer's own automatic checkpoint (kept as the safety net: if the worker fails or
 * lags, nothing changes from before) finds almost everything copied and only restarts the WAL.
 *
 * A PASSIVE checkpoint never blocks the writer or readers and never waits for them; at most one
 * checkpoint runs at a time (when the writer's automatic one finds the worker busy it skips, and
 * the next commit tries again). The worker looks every `busyIntervalMs` while it finds frames to
 * copy and every `idleIntervalMs` when it did not, so an idle app costs one cheap call a second.
 * What it buys: docs/performance.md#background-checkpointer.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointerOptions {
  /** The database file (WAL mode, written by another connection of this process). */
  file: string;
  /** The better-sqlite3 addon for the running ABI (the desktop passes its Electron build). */
  nativeBinding?: string;
  /** Milliseconds between checkpoints while the last one found frames to copy. */
  busyIntervalMs?: number;
  /** Milliseconds between checkpoints while the last one found nothing new. */
  idleIntervalMs?: number;
  /** Called with a checkpoint's error (once while it repeats; the worker goes on) or with why the worker stopped. */
  onError?: (message: string) => void;
}

export interface CheckpointerStats {
  /** Checkpoints that found committed frames not yet copied. */
  passes: number;
  /** Checkpoints that failed (SQLITE_BUSY while the writer's own checkpoint ran, or worse). */
  errors: number;
}

export interface Checkpointer {
  /** Stops after the checkpoint under way, closes the worker's connection; resolves with its counters. */
  stop(): Promise<CheckpointerStats>;
}

// Plain CommonJS run by `new Worker(..., { eval: true })`: no second bundle entry, and the same text
// runs from the sources (tests, tsx) and from out/ (CLI, desktop).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -256');
const stats = { passes: 0, errors: 0 };
let last = '';
let reported = '';
let timer = null;
function pass() {
  timer = null;
  let found = false;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    const now = result.log + ':' + result.checkpointed;
    found = result.log > 0 && now !== last;
    last = now;
    if (found) stats.passes++;
    reported = '';
  } catch (error) {
    stats.errors++;
    // Reported once while it repeats (a failing disk would otherwise log every second).
    const message = String(error.message || error);
    if (error.code !== 'SQLITE_BUSY' && message !== reported) parentPort.postMessage({ error: message });
    reported = message;
  }
  timer = setTimeout(pass, found ? workerData.busyIntervalMs : workerData.idleIntervalMs);
}
parentPort.on('message', () => {
  if (timer !== null) clearTimeout(timer);
  db.close();
  parentPort.postMessage({ stopped: stats });
  parentPort.close();
});
timer = setTimeout(pass, workerData.busyIntervalMs);
`;

export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: options.file,
      nativeBinding: options.nativeBinding,
      busyIntervalMs: options.busyIntervalMs ?? 500,
      idleIntervalMs: options.idleIntervalMs ?? 1000,
    },
  });
  // Never what keeps a process alive: the writer's own checkpoints cover for a worker that is gone.
  worker.unref();
  let stats: CheckpointerStats = { passes: 0, errors: 0 };
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  worker.on('message', (message: { error?: string; stopped?: CheckpointerStats }) => {
    if (message.error !== undefined) options.onError?.(message.error);
    if (message.stopped !== undefined) stats = message.stopped;
  });
  worker.on('error', (error) => options.onError?.(`checkpointer stopped: ${error.message}`));
  let stopping: Promise<CheckpointerStats> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          worker.ref();
          worker.postMessage('stop');
          await exit;
        }
        return stats;
      })();
      return stopping;
    },
  };
}

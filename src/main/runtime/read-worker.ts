/**
 * A read worker (runtime/read-pool.ts starts it): a thread with its own read-only connection to
 * the database that answers the review channels that only read (the task screen, the queue
 * page) with the same functions the main thread would run (review/task-view.ts, review/queues.ts).
 *
 * What it gets with each call comes from the main thread, which has already resolved the session,
 * checked the CSRF token and the permission, and parsed the input: the actor (masking is decided on
 * it exactly as on the main thread), the main thread's clock reading and its review settings. Each
 * call reads in one read transaction, so it sees one snapshot: every transaction committed before
 * it started (a reviewer's own decision included), none that commits while it runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import type { ReviewSettings } from '../../shared/contracts/review';
import type { ChannelOutput, ParsedInput } from '../../shared/rpc/contract';
import { AppError } from '../../shared/rpc/errors';
import { openDatabase } from '../db/connection';
import type { Actor } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Logger } from '../logging/logger';
import { createReviewContext } from '../review/context';
import { createQueueReads } from '../review/queues';
import { createTaskView } from '../review/task-view';
import type { ReadWorkerData, WorkerAnswer, WorkerCall, WorkerChannel, WorkerToPool } from './read-pool';

const port = parentPort;
if (!port) throw new Error('read-worker.ts runs as a worker thread (runtime/read-pool.ts)');
const data = workerData as ReadWorkerData;

const db = openDatabase({ file: data.file, migrationsFolder: data.migrationsFolder, readonly: true, nativeBinding: data.nativeBinding });
// Belt and braces over the read-only open: a path that tried to write fails instead of writing.
db.$client.pragma('query_only = ON');

function send(message: WorkerToPool, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function forward(level: 'debug' | 'info' | 'warn' | 'error', scope: string) {
  return (message: string, fields?: Record<string, unknown>) => send({ kind: 'log', level, scope, message, fields: fields ?? {} });
}

/** Log lines go to the main thread's log (one writer per file). */
function workerLogger(scope: string): Logger {
  return { debug: forward('debug', scope), info: forward('info', scope), warn: forward('warn', scope), error: forward('error', scope), child: (name) => workerLogger(`${scope}.${name}`) };
}

/** The channels served here write nothing; a path that tried to record would be a bug to see. */
const recordsNothing: AuditRecorder = {
  record() {
    throw new Error('A read worker records nothing: this channel must stay on the main thread.');
  },
};

// What the call in progress brought from the main thread (one call at a time on this thread).
let callNow = 0;
let callSettings: ReviewSettings | null = null;
const context = createReviewContext({ db, clock: { now: () => callNow }, audit: recordsNothing, logger: workerLogger('review') });
// The parts read the settings through the context: here they are the main thread's, as it sent them.
const readContext = {
  ...context,
  settings(): ReviewSettings {
    if (!callSettings) throw new Error('No review settings came with this call');
    return callSettings;
  },
};
const queueReads = createQueueReads(readContext);
const taskView = createTaskView(readContext, {});

const served: { [C in WorkerChannel]: (input: ParsedInput<C>, actor: Actor) => ChannelOutput<C> } = {
  'review:task': (input, actor) => taskView.task(actor, input.taskId),
  'review:list': (input, actor) => queueReads.list(actor, input),
};

const readTransaction = db.$client.transaction((work: () => unknown) => work());
const encoder = new TextEncoder();

function answer(call: WorkerCall): WorkerAnswer {
  callNow = call.now;
  callSettings = call.settings;
  try {
    const handler = served[call.channel] as (input: unknown, actor: Actor) => unknown;
    // One snapshot for the whole call (BEGIN DEFERRED: a read transaction on this connection).
    const data = readTransaction.deferred(() => handler(call.input, call.actor));
    // As JSON in UTF-8, as the HTTP reply sends it: the main thread neither rebuilds a structured
    // clone of the answer (a queue page is many small objects) nor parses and writes it again, nor
    // encodes it (docs/performance.md, "Team server"). Its own buffer, so it is moved, not copied.
    return { kind: 'answer', id: call.id, ok: true, bytes: encoder.encode(JSON.stringify(data)) };
  } catch (error) {
    if (error instanceof AppError) return { kind: 'answer', id: call.id, ok: false, error: { kind: 'app', code: error.code, message: error.message, details: error.details } };
    if (error instanceof z.ZodError) return { kind: 'answer', id: call.id, ok: false, error: { kind: 'zod', issues: error.issues } };
    const failure = error instanceof Error ? error : new Error(String(error));
    const code = (failure as { code?: unknown }).code;
    return { kind: 'answer', id: call.id, ok: false, error: { kind: 'other', name: failure.name, message: failure.message, stack: failure.stack ?? '', code: typeof code === 'string' ? code : null } };
  } finally {
    callSettings = null;
  }
}

port.on('message', (message: WorkerCall | { kind: 'close' }) => {
  if (message.kind === 'close') {
    db.$client.close();
    port.close();
    return;
  }
  const reply = answer(message);
  try {
    send(reply, reply.ok ? [reply.bytes.buffer as ArrayBuffer] : []);
  } catch (error) {
    // An answer that cannot be copied to the main thread is still answered.
    send({ kind: 'answer', id: message.id, ok: false, error: { kind: 'other', name: 'DataCloneError', message: String(error), stack: '', code: null } });
  }
});
send({ kind: 'ready' });

/**
 * The real read worker (src/main/runtime/read-worker.ts) with two ways to break it: a call for the
 * task `crashingTaskId` throws an uncaught error on the worker thread before the worker sees the
 * call, as a bug or a failed native call would; one for `hangingTaskId` never returns (a read that
 * runs away). read-pool.test.ts starts the pool with this entry.
 */
import { parentPort } from 'node:worker_threads';

// read-pool.test.ts asks for these tasks (this module is a worker's entry: it exports nothing).
const crashingTaskId = 999_999;
const hangingTaskId = 999_998;

function breaks(message: { kind?: string; channel?: string; input?: { taskId?: number } }): void {
  if (message.kind !== 'call' || message.channel !== 'review:task') return;
  if (message.input?.taskId === crashingTaskId) throw new Error('the read worker crashed (test)');
  if (message.input?.taskId === hangingTaskId) {
    for (;;) {
      // Never answers: only terminating the thread ends this.
    }
  }
}

// The check goes in front of the worker's own listener as the worker attaches it: a listener of
// this module's own would start the port, and calls that came while the worker loaded would be
// dispatched before the worker listened.
const port = parentPort;
if (port) {
  const on = port.on.bind(port);
  port.on = ((event: string, listener: (message: unknown) => void) =>
    on(event, event === 'message' ? (message: unknown) => (breaks(message as Parameters<typeof breaks>[0]), listener(message)) : listener)) as typeof port.on;
}
await import('../../src/main/runtime/read-worker');

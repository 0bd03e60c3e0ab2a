/**
 * The real read worker (src/main/runtime/read-worker.ts) with one way to kill it: a call for the
 * task `crashingTaskId` throws an uncaught error on the worker thread before the worker sees the
 * call, as a bug or a failed native call would. read-pool.test.ts starts the pool with this entry.
 */
import { parentPort } from 'node:worker_threads';
// First: the worker is listening by the time the check below is put in front of it.
import '../../src/main/runtime/read-worker';

// read-pool.test.ts asks for this task to crash the worker (this module is a worker's entry: it exports nothing).
const crashingTaskId = 999_999;

parentPort?.prependListener('message', (message: { kind: string; channel?: string; input?: { taskId?: number } }) => {
  if (message.kind === 'call' && message.channel === 'review:task' && message.input?.taskId === crashingTaskId) {
    throw new Error('the read worker crashed (test)');
  }
});

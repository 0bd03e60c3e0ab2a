/**
 * A second (third, fourth...) CreditDesk process for the concurrent-claim test: opens the same
 * database file and claims "next task" until none is left, a few milliseconds apart (on a fast
 * machine a tight loop took all 120 tasks before the other processes had read "go"), then tries
 * to claim every given task directly. It opens everything first, prints "ready", and starts when
 * a line arrives on stdin, so the test can start all processes at the same moment. Prints what it got as one JSON line. Usage:
 *   node --import tsx test/support/claim-worker.ts <db file> <operator id> <queue> <task ids,comma-separated>
 */
import path from 'node:path';
import { auditKeyForWriting } from '../../src/main/audit/key';
import type { Actor } from '../../src/main/core/actor';
import { openDatabase } from '../../src/main/db/connection';
import { LogSink } from '../../src/main/logging/logger';
import { permissionsOf } from '../../src/shared/rpc/permissions';
import type { ReviewQueue } from '../../src/shared/domain/findings';
import { createAuditRecorder } from '../../src/main/audit/recorder';
import { systemClock } from '../../src/main/core/clock';
import { AppError } from '../../src/shared/rpc/errors';
import { createReviewService } from '../../src/main/review/service';

const [file, operatorArg, queueArg, idsArg] = process.argv.slice(2);
const db = openDatabase({ file: file as string, migrationsFolder: '' });
const service = createReviewService({ db, clock: systemClock, audit: createAuditRecorder(systemClock, auditKeyForWriting(path.join(path.dirname(file as string), 'keys'))), logger: new LogSink({ directory: null, console: 'none' }).logger('worker') });
const operatorId = Number(operatorArg);
const actor: Actor = {
  id: operatorId,
  username: `worker${operatorId}`,
  displayName: `worker${operatorId}`,
  role: 'reviewer',
  locale: 'en',
  permissions: permissionsOf('reviewer'),
  mustChangePassword: false,
  sessionId: 0,
};
const queue = queueArg as ReviewQueue;

process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.pause();

const viaNext: number[] = [];
for (;;) {
  const { taskId } = service.next(actor, { queue, excludeTaskIds: [] });
  if (taskId === null) break;
  viaNext.push(taskId);
  await new Promise((resolve) => setTimeout(resolve, 3));
}
const direct: number[] = [];
for (const id of (idsArg ?? '').split(',').filter(Boolean).map(Number)) {
  try {
    service.claim(actor, id);
    direct.push(id);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
  }
}
db.$client.close();
process.stdout.write(`${JSON.stringify({ operatorId, viaNext, direct })}\n`);

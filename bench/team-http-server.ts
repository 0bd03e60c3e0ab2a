// The team-http bench's server process (bench/team-http.bench.ts starts it): CreditDesk's back end
// and HTTPS server as `creditdesk serve` wires them (read workers included), on a folder seeded with
// open review tasks, and reviewer accounts r1..rN. Prints one JSON line when ready (its URL); then,
// on stdin, "direct ROUNDS" runs the reviewer's loop that many times through the router in this
// process (no HTTP: what the handlers and the router cost on the main thread), "direct-read CHANNEL
// COUNT INPUT" one read channel COUNT times, each answered by a JSON line; "stop" closes everything.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startBackend } from '../src/main/runtime/backend';
import { defaultReadWorkers } from '../src/main/runtime/read-pool';
import { startHttpServer } from '../src/main/server/http-server';
import { reviewQueues } from '../src/shared/domain/findings';
import { testContext, testOperatorPassword } from '../test/support/backend';
import { seedOpenTasks } from './seed-tasks';
import { rejectReasons, type ReasonCodeRow } from './reject-reasons';

const [dataDir, certFile, keyFile, tasksArg, reviewersArg] = process.argv.slice(2);
const readWorkers = process.env.TEAM_HTTP_READ_WORKERS === undefined ? defaultReadWorkers() : Number(process.env.TEAM_HTTP_READ_WORKERS);
const backend = await startBackend({ dataDir: dataDir as string, shell: 'headless', readWorkers, adminPassword: 'bench-admin-password', logConsole: 'none', authDelay: async () => undefined });
seedOpenTasks(backend.db.$client, Number(tasksArg));
backend.db.$client.pragma('optimize');
for (let index = 1; index <= Number(reviewersArg) + 1; index++) {
  await backend.services.operators.create(null, { username: `r${index}`, displayName: `r${index}`, role: 'reviewer', password: testOperatorPassword, mustChangePassword: false });
}
const server = await startHttpServer({ backend, host: '127.0.0.1', port: 0, tls: { cert: readFileSync(certFile as string, 'utf8'), key: readFileSync(keyFile as string, 'utf8') } });

// The in-process reviewer (the last account: the HTTP clients use the others).
const signIn = testContext();
const signedIn = await backend.router.call('auth:sign-in', { username: `r${Number(reviewersArg) + 1}`, password: testOperatorPassword }, signIn);
if (!signedIn.ok) throw new Error(signedIn.error.message);
const token = signIn.token;

/** One router call as the HTTP transport makes it, the session resolved first. */
async function call<T>(channel: string, input: unknown): Promise<T> {
  const session = backend.services.auth.resolveSession(token);
  if (!session) throw new Error('the session is gone');
  const envelope = await backend.router.call(channel, input, { ...testContext(session.actor), csrfToken: session.csrfToken });
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
  return envelope.data as T;
}

const reasons = await rejectReasons((queue) => call<ReasonCodeRow[]>('review:reason-codes', { queue }));

process.stdout.write(`${JSON.stringify({ url: server.url.replace('localhost', '127.0.0.1'), pid: process.pid, readWorkers })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...args] = line.split(' ');
  if (command === 'direct') {
    const rounds = Number(args[0]);
    for (let round = 0; round < rounds; round++) {
      const queue = reviewQueues[round % reviewQueues.length] as (typeof reviewQueues)[number];
      let taskId: number | null;
      if (round % 2 === 0) {
        taskId = (await call<{ taskId: number | null }>('review:next', { queue })).taskId;
      } else {
        const page = await call<{ rows: Array<{ id: number; claimedBy: unknown }> }>('review:list', { queue, limit: 50 });
        taskId = page.rows.find((row) => row.claimedBy === null)?.id ?? null;
        if (taskId !== null) await call('review:claim', { taskId });
      }
      if (taskId === null) throw new Error(`the ${queue} queue ran out of tasks`);
      const task = await call<{ task: { evidenceHash: string } }>('review:task', { taskId });
      await call('review:decide', { taskId, action: 'reject', reasonCode: reasons[queue], evidenceHash: task.task.evidenceHash, idempotencyKey: randomUUID() });
    }
    process.stdout.write(`${JSON.stringify({ done: command })}\n`);
  } else if (command === 'direct-read') {
    const [channel, count, input] = args;
    const parsed = JSON.parse(input as string) as unknown;
    for (let index = 0; index < Number(count); index++) await call(channel as string, parsed);
    process.stdout.write(`${JSON.stringify({ done: command })}\n`);
  } else if (command === 'stop') {
    await server.close();
    await backend.close();
    process.stdout.write(`${JSON.stringify({ stopped: true })}\n`);
    break;
  }
}
process.exit(0);

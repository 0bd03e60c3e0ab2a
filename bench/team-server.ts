// The team bench's server process (bench/team.bench.ts starts it): CreditDesk's back end and HTTPS
// server as `creditdesk serve` wires them, on a folder seeded with open review tasks, and 50+
// reviewer accounts. The demo institutions run in their own process (bench/team-simulator.ts),
// as remote institutions do: the first line on stdin is that process's ready line (their base
// URLs and credentials). Prints one JSON line when ready; "sync" on stdin starts a sync pass of
// the demo institutions; "stop" closes everything.
import { createInterface } from 'node:readline';
import { startBackend } from '../src/main/runtime/backend';
import { defaultReadWorkers } from '../src/main/runtime/read-pool';
import { startHttpServer } from '../src/main/server/http-server';
import { testOperatorPassword } from '../test/support/backend';
import { seedOpenTasks } from './seed-tasks';

const [dataDir, certFile, keyFile, tasksArg, reviewersArg] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const { readFileSync } = await import('node:fs');
const started = performance.now();
// As `serve` starts it; TEAM_BENCH_READ_WORKERS=0 answers everything on the main thread (before and after).
const readWorkers = process.env.TEAM_BENCH_READ_WORKERS === undefined ? defaultReadWorkers() : Number(process.env.TEAM_BENCH_READ_WORKERS);
const backend = await startBackend({ dataDir: dataDir as string, shell: 'headless', readWorkers, adminPassword: 'bench-admin-password', logConsole: 'none', authDelay: async () => undefined });
seedOpenTasks(backend.db.$client, Number(tasksArg));
backend.db.$client.pragma('optimize');
const seconds = (performance.now() - started) / 1000;
for (let index = 1; index <= Number(reviewersArg); index++) {
  await backend.services.operators.create(null, { username: `r${index}`, displayName: `r${index}`, role: 'reviewer', password: testOperatorPassword, mustChangePassword: false });
}
await backend.services.operators.create(null, { username: 'sup', displayName: 'sup', role: 'supervisor', password: testOperatorPassword, mustChangePassword: false });
const first = await lines.next();
if (first.done) throw new Error('stdin closed before the simulator process said where the institutions are');
const simulator = JSON.parse(first.value) as { institutions: Array<{ code: string; name: string; baseUrl: string; appId: string; secret: string }> };
const institutionIds: number[] = [];
for (const info of simulator.institutions) {
  institutionIds.push(backend.services.institutions.create(null, { code: info.code, name: info.name, baseUrl: info.baseUrl, appId: info.appId, secret: info.secret }, { demo: true }).id);
}
const server = await startHttpServer({ backend, host: '127.0.0.1', port: 0, tls: { cert: readFileSync(certFile as string, 'utf8'), key: readFileSync(keyFile as string, 'utf8') } });
process.stdout.write(`${JSON.stringify({ url: server.url.replace('localhost', '127.0.0.1'), institutionIds, seedSeconds: seconds })}\n`);

let pass: Promise<unknown> | null = null;
for (let next = await lines.next(); !next.done; next = await lines.next()) {
  const line = next.value;
  if (line === 'sync') {
    const at = performance.now();
    pass = backend.services.sync.runOnce({ institutionIds, trigger: 'cli' }).then((results) => {
      process.stdout.write(`${JSON.stringify({ syncSeconds: (performance.now() - at) / 1000, passes: results.length })}\n`);
    });
  } else if (line === 'deliver') {
    // Delivers what the outbox holds for the demo institutions now, and says when it is done.
    await pass;
    // Until nothing of the demo institutions waits (a delivery run already under way is awaited by the next call), at most a minute.
    const pendingQuery = backend.db.$client.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'pending' AND institution_id IN (${institutionIds.join(',')})`);
    const deadline = Date.now() + 60_000;
    let outcome: unknown = null;
    while ((pendingQuery.get() as { n: number }).n > 0 && Date.now() < deadline) {
      outcome = await backend.services.sync.deliverOutbox();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    process.stdout.write(`${JSON.stringify({ delivered: outcome })}\n`);
  } else if (line === 'stop') {
    await pass;
    await server.close();
    await backend.close();
    process.stdout.write(`${JSON.stringify({ stopped: true })}\n`);
    break;
  }
}
process.exit(0);

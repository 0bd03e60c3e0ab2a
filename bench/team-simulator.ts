// The team bench's institutions (bench/team.bench.ts starts it): the demo institutions' simulator
// in its own process. Institutions are remote services in production; served from inside the
// CreditDesk server's process, their pages, signatures and decisions took the server's main
// thread as well (docs/performance.md, "Team server"), and would be counted as CreditDesk's.
// Prints one JSON line when ready (its URL and each institution's base URL and credentials);
// "stop" on stdin, or stdin closing (the bench gone), closes it.
import { createInterface } from 'node:readline';
import { startDemoInstitutions } from '../src/main/simulator';

const simulator = await startDemoInstitutions({ borrowers: Number(process.argv[2]) });
const institutions = simulator.institutions.map(({ code, name, baseUrl, appId, secret }) => ({ code, name, baseUrl, appId, secret }));
process.stdout.write(`${JSON.stringify({ url: simulator.url, institutions })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stop') break;
}
await simulator.close();
process.stdout.write(`${JSON.stringify({ stopped: true })}\n`);
process.exit(0);

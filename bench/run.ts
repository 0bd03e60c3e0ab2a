// `npm run bench [-- --borrowers N] [--only NAME]`: every speed and memory target, measured on
// this machine. Tests never time anything; this does.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { exportSuite, pdfExportSuite } from './export.bench';
import { foundationSuite } from './foundation.bench';
import { portfolioSuite } from './portfolio.bench';
import { reviewSuite } from './review.bench';
import { syncSuite } from './sync.bench';
import { teamCpuSuite } from './team-cpu.bench';
import { teamHttpSuite } from './team-http.bench';
import { teamPagesSuite } from './team-pages.bench';
import { teamSuite } from './team.bench';
import type { BenchSuite } from './harness';

const suites: BenchSuite[] = [foundationSuite, exportSuite, pdfExportSuite, portfolioSuite, reviewSuite, syncSuite, teamSuite, teamCpuSuite, teamHttpSuite, teamPagesSuite];

const { values } = parseArgs({
  options: { borrowers: { type: 'string', default: '100000' }, only: { type: 'string' } },
  strict: true,
});
const borrowers = Number(values.borrowers);
const log = (line: string) => process.stdout.write(`${line}\n`);
log(`CreditDesk bench — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
let allMet = true;
// `--only NAME` runs the suites whose first word is NAME (team, team-cpu, sync), or else every
// suite whose name contains it (export: both exports).
const firstWord = (suite: BenchSuite) => /^[\w-]+/.exec(suite.name)?.[0];
const exact = suites.some((suite) => firstWord(suite) === values.only);
for (const suite of suites) {
  if (values.only && (exact ? firstWord(suite) !== values.only : !suite.name.includes(values.only))) continue;
  log(`\n## ${suite.name}`);
  const met = await suite.run({ borrowers, log });
  allMet &&= met;
}
log(`\n${allMet ? 'All targets met.' : 'Some targets were missed (see MISSED above).'}`);
process.exitCode = allMet ? 0 : 1;

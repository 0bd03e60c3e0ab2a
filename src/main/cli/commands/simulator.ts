/**
 * `creditdesk simulator`: serves simulated institutions on loopback until stopped.
 */
import { parseArgs } from 'node:util';
import { type CliCommand, type CliIo, UsageError } from '../command';
import { parseFaults, simulatedInstitutions, startSimulator, type TickStep } from '../../simulator/index';

const usage = `Usage: creditdesk simulator [options]

Serves simulated credit institutions that implement the institution API v1
(docs/institution-api.md) on 127.0.0.1, from data generated deterministically
from --seed, --borrowers and --now.

Options:
  --port N              Port to listen on (default 8787; 0 picks a free one)
  --seed TEXT           Data seed (default "creditdesk")
  --borrowers N         Size of the borrower population (default 900); each
                        institution serves its share, and people overlap
  --institutions N|A,B  How many institutions (default 3), or their codes
                        (qinghe, yuanshan, beichen, qinghe2, ...)
  --faults SPEC         Fault rates, e.g. rate429=0.05,rate5xx=0.05,slow=0.1:2000,
                        reset=0.02,truncate=0.02,invalid=0.01,duplicate=0.02,
                        outOfOrder=0.02, pageAhead=0.02,cursorRepeat=0.01,
                        cursorCycle=0.01, clockAhead=0.5:360 (a node's clock
                        360 min ahead stamps half of each tick's changes;
                        also settable at PUT /admin/faults)
  --fault-seed TEXT     Seed of the fault draws (default: --seed)
  --tick-every DUR      Advance the simulated clock every DUR of real time
                        (e.g. 30s, 5m, 1h); see also POST /admin/tick
  --tick-step DUR       How far each tick moves the clock (default 1d; e.g. 6h, 2d)
  --now WHEN            Anchor the data to this instant (ISO 8601 or epoch ms;
                        default: now). Same seed + now + borrowers = same data.
  --data-dir DIR        Put the simulator's SQLite in DIR, generated anew at each
                        start (default: memory or a temporary directory)
  --help                Show this text

The secrets printed at start are test secrets of simulated institutions.`;

function parseDuration(text: string, flag: string, unitDefault: 'ms' | 'd'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) throw new UsageError(`${flag} must be a duration like 30s, 5m, 1h or 1d (got "${text}")`);
  const value = Number(match[1]);
  const unit = match[2] ?? unitDefault;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
  return value * factor;
}

function parseInteger(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be an integer ${min}-${max} (got "${text}")`);
  return value;
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        borrowers: { type: 'string' },
        institutions: { type: 'string' },
        faults: { type: 'string' },
        'fault-seed': { type: 'string' },
        'tick-every': { type: 'string' },
        'tick-step': { type: 'string' },
        now: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  if (values.help === true) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  const seed = values.seed ?? 'creditdesk';
  const port = parseInteger(values.port, '--port', 8787, 0, 65_535);
  const borrowers = parseInteger(values.borrowers, '--borrowers', 900, 1, 10_000_000);
  let institutions;
  const choice = values.institutions ?? '3';
  if (/^\d+$/.test(choice)) {
    const count = parseInteger(choice, '--institutions', 3, 1, 30);
    institutions = simulatedInstitutions(seed, count);
  } else {
    const codes = choice.split(',').map((code) => code.trim()).filter((code) => code !== '');
    const known = simulatedInstitutions(seed, 30);
    institutions = codes.map((code) => {
      const config = known.find((candidate) => candidate.code === code);
      if (config === undefined) throw new UsageError(`Unknown institution code "${code}" (known: ${known.slice(0, 6).map((candidate) => candidate.code).join(', ')}, ...)`);
      return config;
    });
    if (institutions.length === 0) throw new UsageError('--institutions needs a count or at least one code');
  }
  let faults;
  try {
    faults = values.faults === undefined ? undefined : parseFaults(values.faults);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let now: number | undefined;
  if (values.now !== undefined) {
    now = /^\d+$/.test(values.now) ? Number(values.now) : Date.parse(values.now);
    if (!Number.isFinite(now)) throw new UsageError(`--now must be ISO 8601 with an offset or epoch ms (got "${values.now}")`);
  }
  const tickEveryMs = values['tick-every'] === undefined ? undefined : parseDuration(values['tick-every'], '--tick-every', 'ms');
  if (tickEveryMs !== undefined && tickEveryMs < 100) throw new UsageError('--tick-every must be at least 100ms');
  const stepMs = values['tick-step'] === undefined ? 86_400_000 : parseDuration(values['tick-step'], '--tick-step', 'd');
  const tickStep: TickStep = { hours: stepMs / 3_600_000 };

  io.stdout.write(`Generating ${borrowers} borrowers for ${institutions.map((config) => config.code).join(', ')} (seed "${seed}")...\n`);
  const started = Date.now();
  let lastReport = 0;
  const simulator = await startSimulator({
    institutions,
    seed,
    borrowers,
    now,
    port,
    faults,
    faultSeed: values['fault-seed'],
    dataDir: values['data-dir'],
    tickEveryMs,
    tickStep,
    onProgress(done, total) {
      if (Date.now() - lastReport > 2000 && done < total) {
        lastReport = Date.now();
        io.stdout.write(`  ${Math.round((done / total) * 100)}% (${done}/${total})\n`);
      }
    },
  }).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new UsageError(`Port ${port} is in use: choose another with --port (0 picks a free one)`);
    }
    throw error;
  });
  io.stdout.write(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${simulator.url}\n`);
  io.stdout.write(`  OpenAPI: ${simulator.openApiUrl}\n  Admin:   ${simulator.url}/admin (loopback, unsigned)\n`);
  for (const institution of simulator.institutions) {
    io.stdout.write(
      `\n  ${institution.code}  ${institution.name}${institution.capabilities.repayment_plans ? '' : '  (no repayment plans)'}\n` +
        `    base URL: ${institution.baseUrl}\n    app id:   ${institution.appId}\n    secret:   ${institution.secret}\n`,
    );
  }
  if (tickEveryMs !== undefined) io.stdout.write(`\nThe clock moves ${stepMs / 3_600_000} h every ${tickEveryMs / 1000} s.\n`);
  io.stdout.write('\nCtrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    if (io.shutdownSignal.aborted) resolve();
    else io.shutdownSignal.addEventListener('abort', () => resolve(), { once: true });
  });
  await simulator.close();
  io.stdout.write('Simulator stopped.\n');
  return 0;
}

export const simulatorCommand: CliCommand = {
  name: 'simulator',
  opensDataFolder: false,
  summary: 'Serve simulated credit institutions (the institution API v1) on 127.0.0.1',
  usage,
  run,
};

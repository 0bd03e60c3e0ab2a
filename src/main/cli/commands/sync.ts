import { parseArgs } from 'node:util';
import { describeProblem, type PassResult } from '../../sync/engine';
import { startCommandBackend } from '../backend';
import { UsageError, type CliCommand } from '../command';
import { parsePositiveInteger, write } from '../options';

const usage = `Usage: creditdesk sync [--institution CODE] [--json] [--page-limit N] [--data-dir DIR]

Runs one sync pass headless for every enabled institution (or the one named) and prints, per
institution and resource: records fetched, upserted, quarantined, the local total, the
institution's total (/v1/stats) and whether they reconcile. A pass resumes from the last
committed page, so an interrupted run loses nothing.

Options:
  --institution CODE  sync only this institution
  --json              machine-readable output
  --page-limit N      records asked for per page (default 1000; each page commits on its own)
  --data-dir DIR      data folder (default: the OS's per-user app data folder)
  --help              show this help

A resource whose totals disagree is read again from the start (at most once a pass); what stays
unexplained, and a resource stopped because the institution's cursor did not advance or came
back, is printed as a problem.

Exit code: 0 when every institution synced completely, 1 when any failed or is incomplete (a
problem above), 2 for bad arguments.`;

interface ResourceLine {
  resource: string;
  fetched: number;
  upserted: number;
  quarantined: number;
  localTotal: number | null;
  remoteTotal: number | null;
  reconciled: boolean | null;
  /** matched, explained (by quarantine), changing, unexplained, stopped; null when not compared. */
  outcome: string | null;
}

function linesOf(result: PassResult): ResourceLine[] {
  const names = new Set<string>([...Object.keys(result.resources), ...result.reconciliation.map((entry) => entry.resource)]);
  return [...names].map((resource) => {
    const stats = result.resources[resource as keyof PassResult['resources']];
    const reconciliation = result.reconciliation.find((entry) => entry.resource === resource);
    return {
      resource,
      fetched: stats?.fetched ?? 0,
      upserted: stats?.upserted ?? 0,
      quarantined: stats?.quarantined ?? 0,
      localTotal: reconciliation?.localTotal ?? null,
      remoteTotal: reconciliation?.remoteTotal ?? null,
      reconciled: reconciliation?.matched ?? null,
      outcome: reconciliation?.outcome ?? null,
    };
  });
}

export const syncCommand: CliCommand = {
  name: 'sync',
  opensDataFolder: true,
  summary: 'Run one sync pass headless and print what was fetched and whether totals reconcile',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { institution: { type: 'string' }, json: { type: 'boolean', default: false }, 'page-limit': { type: 'string' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument “${positionals[0]}”.`);
    const pageLimit = parsePositiveInteger('page-limit', values['page-limit'], 1000);
    const backend = await startCommandBackend(io, values['data-dir'], { requireDatabase: true, sync: { pageLimit } });
    const stop = () => void backend.services.sync.stop();
    io.shutdownSignal.addEventListener('abort', stop, { once: true });
    try {
      let ids: number[] | undefined;
      if (values.institution !== undefined) {
        const found = backend.services.institutions.findByCode(values.institution);
        if (!found) throw new UsageError(`No institution with the code “${values.institution}”.`);
        if (!found.enabled) {
          write(io.stderr, `${found.code} is disabled; enable it with: creditdesk institutions enable ${found.code}`);
          return 1;
        }
        ids = [found.id];
      } else if (backend.services.institutions.list().filter((row) => row.enabled).length === 0) {
        write(io.stderr, 'No enabled institutions. Add one with: creditdesk institutions add CODE --name NAME --base-url URL --app-id ID');
        return 1;
      }
      const results = await backend.services.sync.runOnce({ institutionIds: ids, trigger: 'cli' });
      const failed = results.some((result) => result.status !== 'succeeded');
      if (values.json) {
        write(
          io.stdout,
          JSON.stringify(
            results.map((result) => ({
              institution: result.code,
              status: result.status,
              state: result.state,
              error: result.error,
              seconds: (result.finishedAt - result.startedAt) / 1000,
              resources: linesOf(result),
              problems: result.problems.map((problem) => ({ ...problem, text: describeProblem(problem) })),
            })),
            null,
            2,
          ),
        );
      } else {
        for (const result of results) {
          const why = result.status === 'incomplete' ? '' : result.error ? ` (${result.state}: ${result.error})` : '';
          write(io.stdout, `${result.code}: ${result.status} in ${((result.finishedAt - result.startedAt) / 1000).toFixed(1)} s${why}`);
          write(io.stdout, `  ${'resource'.padEnd(16)}${'fetched'.padStart(9)}${'upserted'.padStart(10)}${'quarantined'.padStart(13)}${'local'.padStart(9)}${'remote'.padStart(9)}  reconciled`);
          for (const line of linesOf(result)) {
            write(
              io.stdout,
              `  ${line.resource.padEnd(16)}${String(line.fetched).padStart(9)}${String(line.upserted).padStart(10)}${String(line.quarantined).padStart(13)}${String(line.localTotal ?? '-').padStart(9)}${String(line.remoteTotal ?? '-').padStart(9)}  ${line.outcome === null ? '-' : line.outcome === 'matched' ? 'yes' : line.outcome === 'unexplained' ? 'NO' : line.outcome}`,
            );
          }
          for (const problem of result.problems) write(io.stdout, `  problem: ${describeProblem(problem)}`);
        }
      }
      if (io.shutdownSignal.aborted) return 1;
      return failed ? 1 : 0;
    } finally {
      io.shutdownSignal.removeEventListener('abort', stop);
      await backend.close();
    }
  },
};

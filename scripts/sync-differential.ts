/**
 * The long differential run of the sync engine (the suite runs one short seed):
 *   node --import tsx scripts/sync-differential.ts [--seeds 20] [--kills 6] [--borrowers 200] [--from 1] [--page-limit 50] [--ticks] [--keep]
 * Per seed: one folder syncs the simulator directly, another an identical simulator injecting every
 * fault (cursor faults included) while `creditdesk sync` is SIGKILLed at random moments; then both
 * are compared row by row on natural keys. With --ticks the institutions change between kills:
 * after each kill round the faulty folder syncs until a run exits 0, the direct folder reads
 * everything again from the start, and both simulators tick a day, with one server node's clock
 * three days ahead stamping a third of the changes (clockAhead).
 * Prints one line per seed and a total; exit 1 on any mismatch or a folder that never converged.
 */
import { parseArgs } from 'node:util';
import { differentialFaults, runDifferential } from '../test/support/sync-differential';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    kills: { type: 'string', default: '6' },
    borrowers: { type: 'string', default: '200' },
    from: { type: 'string', default: '1' },
    'page-limit': { type: 'string', default: '50' },
    ticks: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
const kills = Number(values.kills);
const borrowers = Number(values.borrowers);
const from = Number(values.from);
const pageLimit = Number(values['page-limit']);
// The cursor faults a few times per seed (at the suite's low rates a short run may meet none).
const faults = { ...differentialFaults, pageAhead: 0.05, cursorRepeat: 0.03, cursorCycle: 0.03 };

let totalKills = 0;
let totalRows = 0;
let totalMismatches = 0;
let notConverged = 0;
const faultTotals: Record<string, number> = {};
for (let index = from; index < from + seeds; index++) {
  const seed = `differential-${index}`;
  const ticks = values.ticks ? { days: 1, clockAhead: 0.3, clockAheadMs: 3 * 86_400_000 } : undefined;
  const result = await runDifferential({ seed, borrowers, kills, pageLimit, faults, ticks, keep: values.keep, log: (line) => console.log(line) });
  totalKills += result.killedMidPass;
  totalRows += result.rows;
  totalMismatches += result.mismatches.length;
  if (!result.converged) notConverged++;
  for (const [kind, count] of Object.entries(result.faults)) faultTotals[kind] = (faultTotals[kind] ?? 0) + count;
  const cursorFaults = `pageAhead ${result.faults.pageAhead}, cursorRepeat ${result.faults.cursorRepeat}, cursorCycle ${result.faults.cursorCycle}${result.ticks > 0 ? `, ${result.ticks} ticks, clockAhead ${result.faults.clockAhead}` : ''}`;
  console.log(
    `${seed}: ${result.killedMidPass}/${kills} kills mid-pass, ${result.finalRuns} final run(s)${result.converged ? '' : ' NOT CONVERGED'}, ${result.rows} rows compared, ${result.mismatches.length} mismatches (${cursorFaults}), ${result.seconds.toFixed(0)} s`,
  );
  for (const mismatch of result.mismatches.slice(0, 5)) console.log(`  ${mismatch}`);
  if (result.folders) console.log(`  kept: direct ${result.folders.direct}, faulty ${result.folders.faulty} (faults.json)`);
}
console.log(`\n${seeds} seeds, ${totalKills} kills mid-pass, ${totalRows} rows compared, ${totalMismatches} mismatches, ${notConverged} not converged`);
console.log(`faults injected: ${Object.entries(faultTotals).map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
process.exit(totalMismatches === 0 && notConverged === 0 ? 0 : 1);

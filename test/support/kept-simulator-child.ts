/**
 * A kept simulator in a process of its own, for the crash-safety test that SIGKILLs it
 * (src/main/simulator/kept-state.test.ts): `generate` starts one (printing each generated batch),
 * `tick` starts or resumes one and then ticks its clock forward 6 hours at a time for ever (printing each).
 * Usage: node --import tsx test/support/kept-simulator-child.ts generate|tick STATE_DIR SEED BORROWERS NOW_MS
 */
import { demoInstitutions, startSimulator } from '../../src/main/simulator';

const [mode, stateDir, seed, borrowers, now] = process.argv.slice(2);
if ((mode !== 'generate' && mode !== 'tick') || !stateDir || !seed || !borrowers || !now) throw new Error('usage: kept-simulator-child.ts generate|tick STATE_DIR SEED BORROWERS NOW_MS');
const simulator = await startSimulator({
  institutions: demoInstitutions(seed),
  seed,
  borrowers: Number(borrowers),
  now: Number(now),
  stateDir,
  onProgress: (done, total) => process.stdout.write(`generated ${done}/${total}\n`),
});
process.stdout.write('ready\n');
if (mode === 'tick') {
  for (let tick = 1; ; tick += 1) {
    simulator.admin.tick({ hours: 6 });
    process.stdout.write(`tick ${tick}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
await simulator.close();

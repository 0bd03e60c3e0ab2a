// Runs one export in its own process so the bench can read that process's peak memory alone:
// `node --import tsx bench/export-child.ts DATA_DIR FORMAT OUT_FILE` prints one JSON line.
import { performance } from 'node:perf_hooks';
import { permissions } from '../src/shared/rpc/permissions';
import { startBackend } from '../src/main/runtime/backend';

const [dataDir, format, out] = process.argv.slice(2);
if (!dataDir || (format !== 'csv' && format !== 'xlsx') || !out) throw new Error('usage: export-child.ts DATA_DIR csv|xlsx OUT');
const backend = await startBackend({ dataDir, shell: 'headless', adminPassword: 'bench-admin-password', logConsole: 'none' });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const started = performance.now();
const summary = await backend.services.exports.run(
  { id: null, username: 'bench', permissions: new Set(permissions), locale: 'en' },
  backend.services.audit.exportSource,
  {},
  { format, clear: false },
  { outPath: out },
);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await backend.close();
const maxRssMb = Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1_048_576;
process.stdout.write(`${JSON.stringify({ status: summary.status, rows: summary.rowCount, bytes: summary.byteSize, seconds, maxRssMb })}\n`);

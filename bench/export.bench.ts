import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir, testAdminPassword } from '../test/support/backend';
import { startBackend } from '../src/main/runtime/backend';
import type { BenchSuite } from './harness';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const rowsToExport = 1_000_000;
const memoryTargetMb = 300;

/** 1,000,000 audit entries written straight into the table (the export reads them by keyset). */
async function seed(dataDir: string): Promise<void> {
  const backend = await startBackend({ dataDir, shell: 'headless', adminPassword: testAdminPassword, logConsole: 'none' });
  const client = backend.db.$client;
  const existing = (client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
  const insert = client.prepare(
    'INSERT INTO audit_log (at, operator_id, operator_name, action, target_type, target_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const actions = ['auth.sign-in', 'review.decided', 'review.assigned', 'exports.finished', 'users.updated', 'borrowers.pii-revealed'];
  const start = Date.UTC(2026, 0, 1);
  client.transaction(() => {
    for (let index = existing; index < rowsToExport; index++) {
      const hash = index.toString(16).padStart(64, '0');
      insert.run(
        start + index * 30_000,
        (index % 40) + 1,
        `operator${index % 40}`,
        actions[index % actions.length],
        'review_task',
        String(100_000 + index),
        JSON.stringify({ queue: 'contacts', reason: `R${index % 17}`, note: '复核通过' }),
        hash,
        hash,
      );
    }
  })();
  await backend.close();
}

/**
 * Streams 1,000,000 rows to CSV and to XLSX, each in a fresh process, and reports rows/s and
 * that process's peak resident memory against the 300 MB bound.
 */
export const exportSuite: BenchSuite = {
  name: 'exports: 1,000,000 rows, bounded memory',
  async run({ log }) {
    const folder = tempDir('creditdesk-bench-export-');
    try {
      const seeding = Date.now();
      await seed(folder.dir);
      log(`seeded ${rowsToExport.toLocaleString('en-US')} audit entries in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
      let met = true;
      for (const format of ['csv', 'xlsx'] as const) {
        const out = path.join(folder.dir, `bench.${format}`);
        const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'export-child.ts'), folder.dir, format, out], {
          maxBuffer: 1 << 20,
        });
        const result = JSON.parse(stdout.trim().split('\n').pop() as string) as { status: string; rows: number; bytes: number; seconds: number; maxRssMb: number };
        const ok = result.status === 'completed' && result.rows >= rowsToExport && result.maxRssMb < memoryTargetMb;
        met &&= ok;
        log(
          `${format.toUpperCase().padEnd(5)} ${result.rows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(1)} s = ${Math.round(result.rows / result.seconds).toLocaleString('en-US')} rows/s, ` +
            `${(result.bytes / 1_048_576).toFixed(0)} MB file, peak RSS ${result.maxRssMb.toFixed(0)} MB  ${ok ? 'ok' : 'MISSED'} (target: all rows, peak RSS < ${memoryTargetMb} MB)`,
        );
      }
      return met;
    } finally {
      folder.remove();
    }
  },
};

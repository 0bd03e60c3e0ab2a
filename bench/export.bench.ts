import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testAdminPassword } from '../test/support/backend';
import { tempFolders } from '../test/support/temp-folders';
import { startBackend } from '../src/main/runtime/backend';
import { pdfDetailRowLimit } from '../src/main/exports/pdf';
import { timedCliProcess } from './cli-process';
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

interface ChildResult {
  status: string;
  rows: number;
  bytes: number;
  seconds: number;
  maxRssMb: number;
}

/** One export in a fresh process (export-child.ts), so its peak RSS is that export's alone. */
async function exportInChild(dataDir: string, format: 'csv' | 'xlsx', out: string): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'export-child.ts'), dataDir, format, out], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as ChildResult;
}

async function seeded<T>(work: (dataDir: string) => Promise<T>, log: (line: string) => void): Promise<T> {
  const folders = tempFolders('creditdesk-bench-export-');
  try {
    const dataDir = folders.folder();
    const seeding = Date.now();
    await seed(dataDir);
    log(`seeded ${rowsToExport.toLocaleString('en-US')} audit entries in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
    return await work(dataDir);
  } finally {
    folders.removeAll();
  }
}

/**
 * Streams 1,000,000 rows to CSV and to XLSX, each in a fresh process, and reports rows/s and
 * that process's peak resident memory against the 300 MB bound.
 */
export const exportSuite: BenchSuite = {
  name: 'exports: 1,000,000 rows, bounded memory',
  run({ log }) {
    return seeded(async (dataDir) => {
      let met = true;
      for (const format of ['csv', 'xlsx'] as const) {
        const result = await exportInChild(dataDir, format, path.join(dataDir, `bench.${format}`));
        const ok = result.status === 'completed' && result.rows >= rowsToExport && result.maxRssMb < memoryTargetMb;
        met &&= ok;
        log(
          `${format.toUpperCase().padEnd(5)} ${result.rows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(1)} s = ${Math.round(result.rows / result.seconds).toLocaleString('en-US')} rows/s, ` +
            `${(result.bytes / 1_048_576).toFixed(0)} MB file, peak RSS ${result.maxRssMb.toFixed(0)} MB  ${ok ? 'ok' : 'MISSED'} (target: all rows, peak RSS < ${memoryTargetMb} MB)`,
        );
      }
      return met;
    }, log);
  },
};

/**
 * `creditdesk export audit --format pdf` on the same 1,000,000-row audit log: it prints the first
 * pdfDetailRowLimit rows and counts the rest, under the same 300 MB bound (`--only pdf`).
 */
export const pdfExportSuite: BenchSuite = {
  name: 'pdf export: 1,000,000-row audit log, bounded memory',
  run({ log }) {
    return seeded(async (dataDir) => {
      const out = path.join(dataDir, 'bench.pdf');
      const result = await timedCliProcess(['export', 'audit', '--format', 'pdf', '--out', out, '--json', '--data-dir', dataDir], testAdminPassword);
      if (result.code !== 0) throw new Error(`creditdesk export failed:\n${result.output}`);
      const summary = JSON.parse(result.output.trim().split('\n').pop() as string) as { rowCount: number; totalRows: number; byteSize: number };
      const ok = summary.rowCount === pdfDetailRowLimit && result.peakRssMb < memoryTargetMb;
      log(
        `PDF   ${summary.rowCount.toLocaleString('en-US')} printed rows of ${summary.totalRows.toLocaleString('en-US')} in ${result.seconds.toFixed(1)} s (${result.runner}), ` +
          `${(summary.byteSize / 1_048_576).toFixed(1)} MB file, peak RSS ${result.peakRssMb.toFixed(0)} MB  ${ok ? 'ok' : 'MISSED'} (target: ${pdfDetailRowLimit.toLocaleString('en-US')} rows, peak RSS < ${memoryTargetMb} MB)`,
      );
      return ok;
    }, log);
  },
};

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(import.meta.dirname, '..');

export interface TimedCliRun {
  seconds: number;
  peakRssMb: number;
  code: number | null;
  /** stdout and stderr as they came. */
  output: string;
  /** What ran the CLI: 'out/main/cli.js' or 'tsx'. */
  runner: string;
}

/** Newest modification time of the files a build reads (not the folders' READMEs, not tests). */
function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (!/\.md$|\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * `creditdesk ARGS` in its own process, as an operator runs it, with `adminPassword` as the first
 * admin's: the built CLI (what `creditdesk` runs; `npm run bench` builds it first) when it is newer
 * than every source file, else the sources through tsx (which adds about 45 MB of RSS), so a stale
 * out/ is never measured. Wall time and peak RSS (VmHWM, polled).
 */
export async function timedCliProcess(args: string[], adminPassword: string): Promise<TimedCliRun> {
  const built = path.join(root, 'out/main/cli.js');
  const useBuilt = existsSync(built) && statSync(built).mtimeMs > newestSource(path.join(root, 'src'));
  const command = useBuilt ? [built, ...args] : ['--import', 'tsx', 'src/main/cli/index.ts', ...args];
  const started = performance.now();
  const child = spawn(process.execPath, command, { cwd: root, env: { ...process.env, CREDITDESK_ADMIN_PASSWORD: adminPassword }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const peakRss = watchPeakRss(child.pid, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  peakRss.stop();
  return { seconds: (performance.now() - started) / 1000, peakRssMb: peakRss.peakMb(), code, output, runner: useBuilt ? 'out/main/cli.js' : 'tsx' };
}

/** The peak resident memory of process `pid` (VmHWM in /proc), polled every `everyMs` until stop(). */
export function watchPeakRss(pid: number | undefined, everyMs: number): { peakMb(): number; stop(): void } {
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // The process is gone or /proc is unavailable.
    }
  }, everyMs);
  return { peakMb: () => peakKb / 1024, stop: () => clearInterval(poll) };
}

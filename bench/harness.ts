import { performance } from 'node:perf_hooks';

export interface LatencyStats {
  name: string;
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Runs `work` `runs` times after a warm-up and reports p50/p95/max in milliseconds. */
export async function measureLatency(name: string, runs: number, work: (iteration: number) => unknown): Promise<LatencyStats> {
  for (let warm = 0; warm < Math.min(20, runs); warm++) await work(warm);
  const samples: number[] = [];
  for (let iteration = 0; iteration < runs; iteration++) {
    const started = performance.now();
    await work(iteration);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { name, runs, p50Ms: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), maxMs: samples[samples.length - 1] ?? Number.NaN };
}

export function formatLatency(stats: LatencyStats, targetP95Ms?: number): string {
  const verdict = targetP95Ms === undefined ? '' : stats.p95Ms <= targetP95Ms ? `  ok (target p95 < ${targetP95Ms} ms)` : `  MISSED (target p95 < ${targetP95Ms} ms)`;
  return `${stats.name.padEnd(48)} p50 ${stats.p50Ms.toFixed(2).padStart(8)} ms   p95 ${stats.p95Ms.toFixed(2).padStart(8)} ms   max ${stats.maxMs.toFixed(2).padStart(8)} ms  (${stats.runs} runs)${verdict}`;
}

/** One bench suite: prints its lines and returns whether every target held. */
export interface BenchSuite {
  name: string;
  run(options: { borrowers: number; log(line: string): void }): Promise<boolean>;
}

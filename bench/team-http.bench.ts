/**
 * The team server's own cost of a call (issue 27): what the main thread spends on a reviewer's
 * call over HTTPS beyond the channel's work. A CreditDesk server in its own process
 * (bench/team-http-server.ts, wired as `serve` wires it, read workers included, self-signed
 * certificate, 127.0.0.1) with 20,000 open tasks; this process is the client (keep-alive HTTPS, its
 * own cookie and CSRF token, as the team bench's reviewers). Each measure is a block of calls whose
 * CPU is read from the server's threads (`/proc/PID/task/TID/schedstat`, nanoseconds) before and
 * after, the server idle at both ends, so the client's CPU is not counted:
 *
 * - `review:task` and `review:list` (the read worker's channels) called again and again;
 * - the team bench's reviewer loop (take: half "next task", half a claim of a free row of the first
 *   page; read; reject), one reviewer, and 8 reviewers at once (calls that meet in one turn of the
 *   event loop share some costs);
 * - the same calls made by the server process itself through its router (no HTTP, no TLS, no JSON
 *   on a socket): the router and the handlers' share.
 *
 * The difference, HTTP less in-process, is the transport's cost per call (TLS, HTTP parsing, the
 * session, headers, the body in and out); the worker threads' CPU is shown beside. CPU time moves
 * much less than latency when other work shares the machine: compare two codes back to back, in
 * both orders. Figures: docs/performance.md, "Team server". `npm run bench -- --only team-http`;
 * TEAM_HTTP_REPEATS (8) blocks of each measure, TEAM_HTTP_SCALE (1) their size; TEAM_HTTP_COMPARE=TREE
 * measures a second server from another checkout (e.g. a scratch worktree of the code before a
 * change) in turns with this one;
 * TEAM_HTTP_READ_WORKERS=0 answers everything on the main thread; TEAM_HTTP_NODE_ARGS adds options to the
 * server's node (`--cpu-prof --cpu-prof-dir=DIR`, `--perf-basic-prof` for `perf record`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { reviewQueues } from '../src/shared/domain/findings';
import { tempFolders } from '../test/support/temp-folders';
import { selfSignedCertificate } from '../test/support/tls';
import type { BenchSuite } from './harness';
import { Session } from './https-session';
import { rejectReasons, type ReasonCodeRow } from './reject-reasons';

const openTasks = 20_000;
const concurrent = 8;
const scale = Number(process.env.TEAM_HTTP_SCALE ?? 1);
const repeats = Number(process.env.TEAM_HTTP_REPEATS ?? 8);
const readCalls = Math.round(200 * scale);
const loopRounds = Math.round(80 * scale);
const root = path.resolve(import.meta.dirname, '..');

/** Nanoseconds each thread of a process has run: the main thread's id is the process id. */
function threadCpu(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let ns = 0;
    try {
      ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      continue; // a thread that ended meanwhile
    }
    if (Number(tid) === pid) main += ns;
    else others += ns;
  }
  return { main, others };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/** The team bench's loop: take (next, or a free row of the first page), read, reject. */
async function reviewerLoop(session: Session, rounds: number, offset: number, reasons: Record<string, string>): Promise<number> {
  let calls = 0;
  for (let round = 0; round < rounds; round++) {
    const queue = reviewQueues[(round + offset) % reviewQueues.length] as (typeof reviewQueues)[number];
    let taskId: number | null;
    if ((round + offset) % 2 === 0) {
      taskId = (await session.data<{ taskId: number | null }>('review:next', { queue })).taskId;
      calls++;
    } else {
      const page = await session.data<{ rows: Array<{ id: number; claimedBy: unknown }> }>('review:list', { queue, limit: 50 });
      const free = page.rows.filter((row) => row.claimedBy === null);
      taskId = free[Math.floor(Math.random() * free.length)]?.id ?? null;
      calls++;
      if (taskId === null) continue;
      try {
        await session.data('review:claim', { taskId });
      } catch {
        calls++; // taken by another reviewer of the concurrent block meanwhile
        continue;
      }
      calls++;
    }
    if (taskId === null) throw new Error(`the ${queue} queue ran out of tasks`);
    const task = await session.data<{ task: { evidenceHash: string } }>('review:task', { taskId });
    await session.data('review:decide', { taskId, action: 'reject', reasonCode: reasons[queue], evidenceHash: task.task.evidenceHash, idempotencyKey: randomUUID() });
    calls += 2;
  }
  return calls;
}

type Cpu = { main: number; others: number };

/** One server under measure: a tree's bench/team-http-server.ts in its own process, its reviewers signed in. */
interface Target {
  label: string;
  pid: number;
  readWorkers: number;
  sessions: Session[];
  reasons: Record<string, string>;
  held: number | null;
  /** Runs a command of the server's own loop and waits for its answer. */
  direct(command: string): Promise<void>;
  stop(): Promise<void>;
  kill(): void;
  blocks: Record<string, { http: Cpu[]; local: Cpu[]; unit: string }>;
  loopCalls: number;
}

async function startTarget(label: string, tree: string, folder: string, certificate: { cert: string }): Promise<Target> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [...(process.env.TEAM_HTTP_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'bench/team-http-server.ts', path.join(folder, `data-${label}`), path.join(folder, 'cert.pem'), path.join(folder, 'key.pem'), String(openTasks), String(concurrent)],
    { cwd: tree, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const lines = createInterface({ input: child.stdout });
  const waiters: Array<{ resolve(message: Record<string, unknown>): void; reject(error: Error): void }> = [];
  lines.on('line', (text) => {
    if (!text.startsWith('{')) return;
    waiters.shift()?.resolve(JSON.parse(text) as Record<string, unknown>);
  });
  child.once('exit', (code) => {
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the bench server (${label}) exited (${code}): ${stderr}`));
  });
  const nextMessage = () => new Promise<Record<string, unknown>>((resolve, reject) => waiters.push({ resolve, reject }));
  const ready = (await nextMessage()) as { url: string; pid: number; readWorkers: number };
  const sessions: Session[] = [];
  for (let index = 1; index <= concurrent; index++) sessions.push(new Session(ready.url, certificate.cert));
  for (const [index, session] of sessions.entries()) await session.signIn(`r${index + 1}`);
  const first = sessions[0] as Session;
  const reasons = await rejectReasons((queue) => first.data<ReasonCodeRow[]>('review:reason-codes', { queue }));
  const direct = async (command: string) => {
    const answered = nextMessage();
    child.stdin.write(`${command}\n`);
    await answered;
  };
  // Warm-up: both paths, every channel.
  await reviewerLoop(first, 100, 0, reasons);
  await direct('direct 100');
  const held = (await first.data<{ taskId: number | null }>('review:next', { queue: reviewQueues[0] })).taskId;
  return {
    label,
    pid: ready.pid,
    readWorkers: ready.readWorkers,
    sessions,
    reasons,
    held,
    direct,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.write('stop\n');
      await nextMessage();
      // A CPU profile (TEAM_HTTP_NODE_ARGS) is written as it exits.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    },
    kill() {
      for (const session of sessions) session.close();
      if (child.exitCode === null) child.kill('SIGTERM');
    },
    blocks: {},
    loopCalls: 0,
  };
}

/** Server CPU per unit of `work` (µs): the main thread and the other threads (read workers). */
async function measure(pid: number, work: () => Promise<number>): Promise<Cpu> {
  await settle();
  const before = threadCpu(pid);
  const units = await work();
  await settle();
  const after = threadCpu(pid);
  return { main: (after.main - before.main) / 1000 / units, others: (after.others - before.others) / 1000 / units };
}

type Block = (target: Target) => Promise<void>;

function record(target: Target, name: string, unit: string, http: Cpu | null, local: Cpu | null): void {
  const entry = (target.blocks[name] ??= { http: [], local: [], unit });
  if (http) entry.http.push(http);
  if (local) entry.local.push(local);
}

const taskName = 'task (read the evidence)';
const listName = 'queue page (first 50 rows)';
const loopName = 'a whole decision, 1 reviewer';
const togetherName = `a whole decision, ${concurrent} reviewers at once`;

/** Every measure as a block of its own: the servers take turns block by block. */
const measures: Block[] = [
  async (target) => {
    const first = target.sessions[0] as Session;
    const input = { taskId: target.held };
    record(target, taskName, 'call', await measure(target.pid, async () => {
      for (let index = 0; index < readCalls; index++) await first.data('review:task', input);
      return readCalls;
    }), null);
  },
  async (target) => {
    const input = JSON.stringify({ taskId: target.held });
    record(target, taskName, 'call', null, await measure(target.pid, async () => {
      await target.direct(`direct-read review:task ${readCalls} ${input}`);
      return readCalls;
    }));
  },
  async (target) => {
    const first = target.sessions[0] as Session;
    const input = { queue: reviewQueues[0], limit: 50 };
    record(target, listName, 'call', await measure(target.pid, async () => {
      for (let index = 0; index < readCalls; index++) await first.data('review:list', input);
      return readCalls;
    }), null);
  },
  async (target) => {
    const input = JSON.stringify({ queue: reviewQueues[0], limit: 50 });
    record(target, listName, 'call', null, await measure(target.pid, async () => {
      await target.direct(`direct-read review:list ${readCalls} ${input}`);
      return readCalls;
    }));
  },
  async (target) => {
    record(target, loopName, 'decision', await measure(target.pid, async () => {
      target.loopCalls = await reviewerLoop(target.sessions[0] as Session, loopRounds, 0, target.reasons);
      return loopRounds;
    }), null);
  },
  async (target) => {
    const local = await measure(target.pid, async () => {
      await target.direct(`direct ${loopRounds}`);
      return loopRounds;
    });
    record(target, loopName, 'decision', null, local);
    record(target, togetherName, 'decision', null, local);
  },
  async (target) => {
    const perReviewer = Math.round(loopRounds / concurrent);
    record(target, togetherName, 'decision', await measure(target.pid, async () => {
      await Promise.all(target.sessions.map((session, index) => reviewerLoop(session, perReviewer, index, target.reasons)));
      return perReviewer * concurrent;
    }), null);
  },
];

function quartile(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 4)] ?? Number.NaN;
}

export const teamHttpSuite: BenchSuite = {
  name: 'team-http: the team server main thread CPU per call over HTTPS, and of it the transport',
  async run({ log }) {
    const folders = tempFolders('creditdesk-team-http-');
    const folder = folders.folder();
    const certificate = selfSignedCertificate();
    writeFileSync(path.join(folder, 'cert.pem'), certificate.cert);
    writeFileSync(path.join(folder, 'key.pem'), certificate.key, { mode: 0o600 });
    // TEAM_HTTP_COMPARE=TREE: a second server from another checkout (its node_modules in place),
    // measured in turns with this one, so both meet the same load.
    const trees: Array<[string, string]> = [['this tree', root]];
    if (process.env.TEAM_HTTP_COMPARE) trees.unshift([`compared: ${process.env.TEAM_HTTP_COMPARE}`, path.resolve(process.env.TEAM_HTTP_COMPARE)]);
    const targets: Target[] = [];
    try {
      for (const [label, tree] of trees) targets.push(await startTarget(label, tree, folder, certificate));
      // Each measure `repeats` times, the servers taking turns block by block (who goes first
      // alternates), so a change in the machine's load falls on all of them; the median block is
      // reported, and the lower quartile (the block least disturbed by other work).
      let turn = 0;
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const block of measures) {
          const order = turn++ % 2 === 0 ? targets : [...targets].reverse();
          for (const target of order) await block(target);
        }
      }
      for (const target of targets) {
        log(`${target.label}: ${openTasks.toLocaleString('en')} open tasks, ${target.readWorkers} read worker(s); server CPU in µs (main thread / other threads), over HTTPS and in-process through the router, median of ${repeats} blocks; ${target.loopCalls} calls in ${loopRounds} decisions`);
        for (const [name, entry] of Object.entries(target.blocks)) {
          const http = { main: median(entry.http.map((cpu) => cpu.main)), others: median(entry.http.map((cpu) => cpu.others)) };
          const local = { main: median(entry.local.map((cpu) => cpu.main)), others: median(entry.local.map((cpu) => cpu.others)) };
          log(
            `${name.padEnd(40)} HTTPS ${http.main.toFixed(0).padStart(6)} / ${http.others.toFixed(0).padStart(5)}   in-process ${local.main.toFixed(0).padStart(6)} / ${local.others.toFixed(0).padStart(5)}   transport ${(http.main - local.main).toFixed(0).padStart(6)} µs per ${entry.unit}; lower quartile: HTTPS ${quartile(entry.http.map((cpu) => cpu.main)).toFixed(0)}, in-process ${quartile(entry.local.map((cpu) => cpu.main)).toFixed(0)}`,
          );
        }
      }
      for (const target of targets) await target.stop();
      return true;
    } finally {
      for (const target of targets) target.kill();
      folders.removeAll();
    }
  },
};

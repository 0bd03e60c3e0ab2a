/**
 * The team server's CPU per call (issue 27): the back end started as `creditdesk serve` starts it,
 * 20,000 open tasks seeded as the team bench seeds them, one reviewer calling the router directly
 * (no HTTPS, no JSON on a socket) in the team bench's loop: take a task (half "next task", half a
 * claim of a free row of the first queue page), read it, reject it. Each call is timed in CPU
 * (`process.cpuUsage`, user + system), the first fifth left out as warm-up; the session
 * resolution an HTTP call does first is timed on its own. CPU time moves much less than latency
 * when other work shares the machine, so this is the figure to compare before and after a change
 * to the server's per-call cost. Figures: docs/performance.md, "Team server".
 *
 * `npm run bench -- --only team-cpu`; TEAM_CPU_ROUNDS sets the number of decisions (default 1,500).
 * TEAM_CPU_BACKLOG=N also starts the background work as `serve` does (sync scheduler, outbox
 * delivery after every decision) with N undelivered decisions queued for the bench institutions,
 * which are enabled with no API behind them: what a team server pays for an institution that is
 * down with a backlog (issue 27's outbox regression); the whole decision's figure shows it.
 */
import { randomUUID } from 'node:crypto';
import { startBackgroundWork } from '../src/main/runtime/background-work';
import { startBackend } from '../src/main/runtime/backend';
import { reviewQueues } from '../src/shared/domain/findings';
import { testContext, testOperatorPassword } from '../test/support/backend';
import { tempFolders } from '../test/support/temp-folders';
import type { BenchSuite } from './harness';
import { seedOpenTasks } from './seed-tasks';
import { rejectReasons, type ReasonCodeRow } from './reject-reasons';

const openTasks = 20_000;
const rounds = Number(process.env.TEAM_CPU_ROUNDS ?? 1500);
const backlog = Number(process.env.TEAM_CPU_BACKLOG ?? 0);
type Measured = 'session' | 'next' | 'claim' | 'task' | 'decide' | 'list';
const labels: Record<Measured, string> = {
  session: 'session resolution',
  next: 'next task',
  claim: 'claim',
  task: 'task (read the evidence)',
  decide: 'decide (reject)',
  list: 'queue page (first 50 rows)',
};

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const teamCpuSuite: BenchSuite = {
  name: 'team-cpu: the team server CPU per call, one reviewer through the router',
  async run({ log }) {
    const folders = tempFolders('creditdesk-team-cpu-');
    const backend = await startBackend({ dataDir: folders.folder(), shell: 'headless', adminPassword: 'bench-admin-password', logConsole: 'none', authDelay: async () => undefined });
    try {
      seedOpenTasks(backend.db.$client, openTasks);
      if (backlog > 0) {
        const queued = backend.db.$client.prepare(
          "INSERT INTO outbox (institution_id, kind, subject_id, idempotency_key, payload, next_attempt_at, created_at) SELECT id, 'review-decision', ?, ?, '{}', ?, ? FROM institutions WHERE code = ?",
        );
        const at = Date.now() - 3_600_000;
        backend.db.$client.transaction(() => {
          for (let index = 0; index < backlog; index++) queued.run(`BACKLOG-${index}`, `backlog-key-${index}`, at + index, at + index, `B${1 + (index % 5)}`);
        })();
        await startBackgroundWork(backend, { demo: false });
      }
      backend.db.$client.pragma('optimize');
      await backend.services.operators.create(null, { username: 'r1', displayName: 'r1', role: 'reviewer', password: testOperatorPassword, mustChangePassword: false });
      const signIn = testContext();
      const signedIn = await backend.router.call('auth:sign-in', { username: 'r1', password: testOperatorPassword }, signIn);
      if (!signedIn.ok) throw new Error(signedIn.error.message);
      const token = signIn.token;
      const reasons: Record<string, string> = {};
      const samples: Record<Measured, number[]> = { session: [], next: [], claim: [], task: [], decide: [], list: [] };
      const warmUp = Math.floor(rounds / 5);
      let measuring = false;
      let decisionsCpu = 0;
      let decisions = 0;

      /** One router call as the HTTP transport makes it: the session first, then the channel. */
      const call = async <T>(channel: string, input: unknown, measured: Measured): Promise<T> => {
        let started = process.cpuUsage();
        const session = backend.services.auth.resolveSession(token);
        if (!session) throw new Error('the session is gone');
        if (measuring) samples.session.push(cpuMs(started));
        started = process.cpuUsage();
        const envelope = await backend.router.call(channel as never, input, { ...testContext(session.actor), csrfToken: session.csrfToken });
        if (measuring) samples[measured].push(cpuMs(started));
        if (!envelope.ok) throw Object.assign(new Error(`${channel}: ${envelope.error.message}`), { code: envelope.error.code });
        return envelope.data as T;
      };
      Object.assign(reasons, await rejectReasons((queue) => call<ReasonCodeRow[]>('review:reason-codes', { queue }, 'list')));

      for (let round = 0; round < rounds; round++) {
        measuring = round >= warmUp;
        const queue = reviewQueues[round % reviewQueues.length] as (typeof reviewQueues)[number];
        const started = process.cpuUsage();
        let taskId: number | null;
        if (round % 2 === 0) {
          taskId = (await call<{ taskId: number | null }>('review:next', { queue }, 'next')).taskId;
        } else {
          const page = await call<{ rows: Array<{ id: number; claimedBy: unknown }> }>('review:list', { queue, limit: 50 }, 'list');
          taskId = page.rows.find((row) => row.claimedBy === null)?.id ?? null;
          if (taskId !== null) await call('review:claim', { taskId }, 'claim');
        }
        if (taskId === null) throw new Error(`the ${queue} queue ran out of tasks`);
        const task = await call<{ task: { evidenceHash: string } }>('review:task', { taskId }, 'task');
        await call('review:decide', { taskId, action: 'reject', reasonCode: reasons[queue], evidenceHash: task.task.evidenceHash, idempotencyKey: randomUUID() }, 'decide');
        if (measuring) {
          decisionsCpu += cpuMs(started);
          decisions++;
        }
      }
      const background = backlog > 0 ? `, background work as serve runs it with ${backlog.toLocaleString('en')} undelivered decisions for institutions that are down` : '';
      log(`${openTasks.toLocaleString('en')} open tasks${background}, ${rounds} decisions, the first ${warmUp} left out; CPU per call (user + system), median / mean:`);
      for (const name of Object.keys(labels) as Measured[]) {
        const values = samples[name];
        const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
        log(`${labels[name].padEnd(28)} ${median(values).toFixed(2).padStart(6)} ms / ${mean.toFixed(2).padStart(6)} ms  (${values.length} calls)`);
      }
      log(`a whole decision (take, read, decide, with sessions): ${(decisionsCpu / decisions).toFixed(2)} ms of CPU on average`);
      return true;
    } finally {
      await backend.close();
      folders.removeAll();
    }
  },
};

/**
 * The pages each write call of the reviewer's loop puts in the WAL (issue 27): a COMMIT writes
 * every page its transaction dirtied as a WAL frame, and on the team server that write is the
 * largest part of a claim's and a decision's CPU. The back end is started as `serve` starts it,
 * 20,000 open tasks seeded as the team bench seeds them, one reviewer calls the router in
 * team-cpu's loop. A second connection holds a read snapshot so the WAL never starts over; the WAL
 * index's frame count (the `-shm` header's mxFrame) is read around each call, and every frame's
 * page is named by its b-tree (table or index) from `dbstat`. Figures: docs/performance.md, "Team
 * server".
 *
 * `npm run bench -- --only team-pages`; TEAM_PAGES_ROUNDS sets the number of decisions (default 300).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import { startBackend } from '../src/main/runtime/backend';
import { reviewQueues } from '../src/shared/domain/findings';
import { testContext, testOperatorPassword } from '../test/support/backend';
import { tempFolders } from '../test/support/temp-folders';
import type { BenchSuite } from './harness';
import { seedOpenTasks } from './seed-tasks';
import { rejectReasons, type ReasonCodeRow } from './reject-reasons';

const rounds = Number(process.env.TEAM_PAGES_ROUNDS ?? 300);
type Measured = 'next' | 'claim' | 'decide';
const labels: Record<Measured, string> = { next: 'next task', claim: 'claim', decide: 'decide (reject)' };

/** The WAL index header's mxFrame: frames in the WAL that belong to committed transactions. */
function walFrames(database: string): number {
  const fd = openSync(`${database}-shm`, 'r');
  try {
    const header = Buffer.alloc(4);
    readSync(fd, header, 0, 4, 16);
    return header.readUInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

/** The page number of each frame in [from, to): a frame is a 24-byte header, then the page. */
function framePages(database: string, pageSize: number, from: number, to: number): number[] {
  const fd = openSync(`${database}-wal`, 'r');
  try {
    const pageNumber = Buffer.alloc(4);
    const pages: number[] = [];
    for (let frame = from; frame < to; frame++) {
      readSync(fd, pageNumber, 0, 4, 32 + frame * (24 + pageSize));
      pages.push(pageNumber.readUInt32BE(0));
    }
    return pages;
  } finally {
    closeSync(fd);
  }
}

export const teamPagesSuite: BenchSuite = {
  name: 'team-pages: WAL pages per claim, next task and decide, by b-tree',
  async run({ log }) {
    const folders = tempFolders('creditdesk-team-pages-');
    const backend = await startBackend({ dataDir: folders.folder(), shell: 'headless', adminPassword: 'bench-admin-password', logConsole: 'none', authDelay: async () => undefined });
    const database = backend.paths.database;
    const snapshot = new Database(database, { readonly: true });
    try {
      seedOpenTasks(backend.db.$client, 20_000);
      backend.db.$client.pragma('optimize');
      const pageSize = Number(backend.db.$client.pragma('page_size', { simple: true }));
      await backend.services.operators.create(null, { username: 'r1', displayName: 'r1', role: 'reviewer', password: testOperatorPassword, mustChangePassword: false });
      const signIn = testContext();
      const signedIn = await backend.router.call('auth:sign-in', { username: 'r1', password: testOperatorPassword }, signIn);
      if (!signedIn.ok) throw new Error(signedIn.error.message);
      // From here the WAL only grows: the checkpointer cannot pass the snapshot, so no writer restarts it.
      snapshot.prepare('BEGIN').run();
      snapshot.prepare('SELECT count(*) FROM review_queue_counts').get();
      const frames: Record<Measured, number[]> = { next: [], claim: [], decide: [] };
      const pagesOf: Record<Measured, number[]> = { next: [], claim: [], decide: [] };
      let measuring = false;
      const call = async <T>(channel: string, input: unknown, measured?: Measured): Promise<T> => {
        const session = backend.services.auth.resolveSession(signIn.token as string);
        if (!session) throw new Error('the session is gone');
        const before = walFrames(database);
        const envelope = await backend.router.call(channel as never, input, { ...testContext(session.actor), csrfToken: session.csrfToken });
        const after = walFrames(database);
        if (measured && measuring) {
          frames[measured].push(after - before);
          pagesOf[measured].push(...framePages(database, pageSize, before, after));
        }
        if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
        return envelope.data as T;
      };
      const reasons = await rejectReasons((queue) => call<ReasonCodeRow[]>('review:reason-codes', { queue }));
      const warmUp = Math.floor(rounds / 5);
      for (let round = 0; round < rounds; round++) {
        measuring = round >= warmUp;
        const queue = reviewQueues[round % reviewQueues.length] as (typeof reviewQueues)[number];
        let taskId: number | null;
        if (round % 2 === 0) {
          taskId = (await call<{ taskId: number | null }>('review:next', { queue }, 'next')).taskId;
        } else {
          const page = await call<{ rows: Array<{ id: number; claimedBy: unknown }> }>('review:list', { queue, limit: 50 });
          taskId = page.rows.find((row) => row.claimedBy === null)?.id ?? null;
          if (taskId !== null) await call('review:claim', { taskId }, 'claim');
        }
        if (taskId === null) throw new Error(`the ${queue} queue ran out of tasks`);
        const task = await call<{ task: { evidenceHash: string } }>('review:task', { taskId });
        await call('review:decide', { taskId, action: 'reject', reasonCode: reasons[queue], evidenceHash: task.task.evidenceHash, idempotencyKey: randomUUID() }, 'decide');
      }
      snapshot.prepare('COMMIT').run();
      const owners = new Map<number, string>();
      for (const row of backend.db.$client.prepare('SELECT name, pageno FROM dbstat').all() as Array<{ name: string; pageno: number }>) owners.set(row.pageno, row.name);
      log(`20,000 open tasks, ${rounds} decisions, the first ${warmUp} left out; WAL frames (pages) per call, and per b-tree:`);
      for (const name of Object.keys(labels) as Measured[]) {
        const counts = frames[name];
        const mean = counts.reduce((sum, value) => sum + value, 0) / counts.length;
        log(`${labels[name].padEnd(16)} ${mean.toFixed(1).padStart(5)} pages a call (${counts.length} calls)`);
        const byTree = new Map<string, number>();
        for (const page of pagesOf[name]) {
          const owner = owners.get(page) ?? 'freelist or new page';
          byTree.set(owner, (byTree.get(owner) ?? 0) + 1);
        }
        for (const [tree, count] of [...byTree].sort((a, b) => b[1] - a[1])) log(`    ${tree.padEnd(44)} ${(count / counts.length).toFixed(2)}`);
      }
      return true;
    } finally {
      snapshot.close();
      await backend.close();
      folders.removeAll();
    }
  },
};

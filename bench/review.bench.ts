import { createTestBackend, operatorContext } from '../test/support/backend';
import { formatLatency, measureLatency, type BenchSuite } from './harness';
import { seedOpenTasks } from './seed-tasks';

const openTasks = 100_000;
const target = 20;

/**
 * The review queues at 100,000 open tasks: one queue page (50 rows, each filter and sort) and
 * "next task", measured through the router as the renderer calls them.
 */
export const reviewSuite: BenchSuite = {
  name: 'review queues: 100,000 open tasks',
  async run({ log }) {
    const backend = await createTestBackend({ validateOutput: false });
    try {
      const reviewer = await operatorContext(backend, 'bench-reviewer', 'reviewer');
      const other = await operatorContext(backend, 'bench-other', 'reviewer');
      const started = performance.now();
      const client = backend.db.$client;
      const otherId = other.actor?.id ?? 0;
      const codesByQueue = seedOpenTasks(client, openTasks, { assignTo: otherId });
      client.pragma('optimize');
      log(`seeded ${openTasks.toLocaleString('en')} open tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const rareCode = codesByQueue.face[4] as string;
      const smallInstitution = Number((client.prepare("SELECT id FROM institutions WHERE code = 'B5'").get() as { id: number }).id);
      const pages: Array<[string, Record<string, unknown>]> = [
        ['oldest first', {}],
        ['newest first', { sort: 'newest' }],
        ['priority', { sort: 'priority' }],
        ['one institution (1 %)', { institutionId: smallInstitution }],
        ['one institution, by priority', { institutionId: smallInstitution, sort: 'priority' }],
        ['common finding', { findingCode: codesByQueue.face[0] }],
        ['rare finding', { findingCode: rareCode }],
        ['rare finding, by priority', { findingCode: rareCode, sort: 'priority' }],
        ['assigned to someone', { assignee: otherId }],
        ['unassigned, newest', { assignee: 'unassigned', sort: 'newest' }],
        ['SLA breached', { sla: 'breached' }],
        ['older than a day, priority', { minAgeMinutes: 1440, sort: 'priority' }],
        ['institution + finding + due soon', { institutionId: smallInstitution, findingCode: codesByQueue.face[1], sla: 'due_soon' }],
      ];
      let met = true;
      for (const [label, filter] of pages) {
        const stats = await measureLatency(`queue page: ${label}`, 200, async () => {
          const result = await backend.router.call('review:list', { queue: 'face', limit: 50, ...filter }, reviewer);
          if (!result.ok) throw new Error(result.error.message);
        });
        log(formatLatency(stats, target));
        met &&= stats.p95Ms <= target;
      }
      // Deep in the list: the page after 2,000 rows, by cursor.
      let cursor: string | undefined;
      for (let page = 0; page < 40; page++) {
        const result = await backend.router.call('review:list', { queue: 'face', limit: 50, cursor }, reviewer);
        if (!result.ok) throw new Error(result.error.message);
        cursor = (result.data as { nextCursor: string }).nextCursor;
      }
      const deep = await measureLatency('queue page: 41st page by cursor', 200, async () => {
        const result = await backend.router.call('review:list', { queue: 'face', limit: 50, cursor }, reviewer);
        if (!result.ok) throw new Error(result.error.message);
      });
      log(formatLatency(deep, target));
      met &&= deep.p95Ms <= target;

      let held: number | undefined;
      const next = await measureLatency('next task (release the last, claim the next)', 500, async () => {
        const result = await backend.router.call('review:next', { queue: 'face', releaseTaskId: held }, reviewer);
        if (!result.ok) throw new Error(result.error.message);
        held = (result.data as { taskId: number }).taskId;
      });
      log(formatLatency(next, target));
      met &&= next.p95Ms <= target;
      const counts = await measureLatency('queue counts (navigation badges)', 200, async () => {
        const result = await backend.router.call('review:counts', {}, reviewer);
        if (!result.ok) throw new Error(result.error.message);
      });
      log(formatLatency(counts, target));
      met &&= counts.p95Ms <= target;
      return met;
    } finally {
      await backend.cleanup();
    }
  },
};

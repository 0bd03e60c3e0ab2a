import { createTestBackend, operatorContext } from '../test/support/backend';
import { findingCatalog, type ReviewQueue } from '../src/shared/domain/findings';
import { formatLatency, measureLatency, type BenchSuite } from './harness';

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
      const now = Date.now();
      const client = backend.db.$client;
      const codesByQueue: Record<ReviewQueue, string[]> = { contacts: [], face: [], ocr: [] };
      for (const [code, entry] of Object.entries(findingCatalog)) codesByQueue[entry.queue].push(code);
      const queues: ReviewQueue[] = ['contacts', 'face', 'ocr'];
      const otherId = other.actor?.id ?? 0;
      client.transaction(() => {
        const institution = client.prepare(
          "INSERT INTO institutions (code, name, base_url, app_id, secret_ciphertext, secret_scheme, created_at, updated_at) VALUES (?, ?, 'http://127.0.0.1:1', ?, x'00', 'key-file', ?, ?)",
        );
        // Five institutions; the last one small (1 % of the tasks), so its filter is selective.
        const institutions = [1, 2, 3, 4, 5].map((index) => Number(institution.run(`B${index}`, `Bench ${index}`, `b${index}`, now, now).lastInsertRowid));
        const borrower = client.prepare("INSERT INTO borrowers (id_number, id_tail, id_valid, name, phone, platform_user_id, first_seen_at, updated_at) VALUES (?, ?, 1, '王小明', '13800138000', ?, ?, ?)");
        const application = client.prepare(
          "INSERT INTO applications (institution_id, external_id, version, remote_updated_at, borrower_id, platform_user_id, product_code, product_name, line_mode, requested_amount_fen, requested_term_months, status, risk_result, applied_at, record, evidence_hash, synced_at) VALUES (?, ?, 1, ?, ?, 'U', 'P', '产品', 'revolving', 1000000, 12, 'MANUAL_REVIEW', 'manual_review', ?, '{}', 'h', ?)",
        );
        const task = client.prepare(
          "INSERT INTO review_tasks (application_id, institution_id, borrower_id, queue, status, priority, finding_codes, finding_count, evidence_hash, created_at, updated_at, queued_at, assigned_to) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, 'h', ?, ?, ?, ?)",
        );
        const code = client.prepare('INSERT INTO review_task_codes (task_id, code) VALUES (?, ?)');
        let seed = 7;
        const random = () => {
          seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
          return seed / 2_147_483_648;
        };
        for (let index = 0; index < openTasks; index++) {
          const borrowerId = Number(borrower.run(`B${String(index).padStart(17, '0')}`, String(index).padStart(6, '0'), `U${index}`, now, now).lastInsertRowid);
          const institutionId = institutions[random() < 0.01 ? 4 : Math.floor(random() * 4)] as number;
          const queuedAt = now - Math.floor(random() * 10 * 86_400_000);
          const applicationId = Number(application.run(institutionId, `APP-${index}`, queuedAt, borrowerId, queuedAt, now).lastInsertRowid);
          const queue = queues[index % 3] as ReviewQueue;
          const pool = codesByQueue[queue];
          // Codes are skewed: the first two of each queue are common, the rest rare.
          const picks = new Set<string>([pool[random() < 0.7 ? 0 : 1] as string]);
          if (random() < 0.05) picks.add(pool[2 + Math.floor(random() * (pool.length - 2))] as string);
          const codes = [...picks].sort();
          const priority = Math.max(...codes.map((value) => ({ info: 1, warning: 2, high: 3 })[findingCatalog[value as keyof typeof findingCatalog].severity]));
          const assigned = random() < 0.003 ? otherId : null;
          const taskId = Number(task.run(applicationId, institutionId, borrowerId, queue, priority, codes.join(','), codes.length, queuedAt, queuedAt, queuedAt, assigned).lastInsertRowid);
          for (const value of codes) code.run(taskId, value);
        }
      })();
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

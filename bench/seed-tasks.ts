import type Database from 'better-sqlite3';
import { findingCatalog, type ReviewQueue, reviewQueues } from '../src/shared/domain/findings';
import { fixtureRecord } from '../test/support/review-fixtures';

/**
 * Seeds `count` open review tasks (applications, borrowers, finding codes) on five bench
 * institutions straight into the database, as the review and team benches start from: codes
 * skewed as real findings are, queued over the last ten days, the last institution small (1 %).
 * Each application's record is the institution API's record as the sync stores it (valid, with
 * the application's external id), so a decision and the task screen parse what they would in
 * production: an empty object failed the record's parse, and zod's issues were a bench artefact.
 * Returns the finding codes of each queue.
 */
export function seedOpenTasks(client: Database.Database, count: number, options: { assignTo?: number } = {}): Record<ReviewQueue, string[]> {
  const now = Date.now();
  const codesByQueue: Record<ReviewQueue, string[]> = { contacts: [], face: [], ocr: [] };
  for (const [code, entry] of Object.entries(findingCatalog)) codesByQueue[entry.queue].push(code);
  const queues = reviewQueues;
  client.transaction(() => {
    const institution = client.prepare(
      "INSERT INTO institutions (code, name, base_url, app_id, secret_ciphertext, secret_scheme, created_at, updated_at) VALUES (?, ?, 'http://127.0.0.1:1', ?, x'00', 'key-file', ?, ?)",
    );
    // Five institutions; the last one small (1 % of the tasks), so its filter is selective.
    const institutions = [1, 2, 3, 4, 5].map((index) => Number(institution.run(`B${index}`, `Bench ${index}`, `b${index}`, now, now).lastInsertRowid));
    const borrower = client.prepare("INSERT INTO borrowers (id_number, id_tail, id_valid, name, phone, platform_user_id, first_seen_at, updated_at) VALUES (?, ?, 1, '王小明', '13800138000', ?, ?, ?)");
    const application = client.prepare(
      "INSERT INTO applications (institution_id, external_id, version, remote_updated_at, borrower_id, platform_user_id, product_code, product_name, line_mode, requested_amount_fen, requested_term_months, status, risk_result, applied_at, record, evidence_hash, synced_at) VALUES (?, ?, 1, ?, ?, 'U', 'P', '产品', 'revolving', 1000000, 12, 'MANUAL_REVIEW', 'manual_review', ?, ?, 'h', ?)",
    );
    const recordOf = recordTexts(now);
    const task = client.prepare(
      "INSERT INTO review_tasks (application_id, institution_id, borrower_id, queue, status, priority, finding_codes, finding_count, evidence_hash, created_at, updated_at, queued_at, assigned_to) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, 'h', ?, ?, ?, ?)",
    );
    const code = client.prepare('INSERT INTO review_task_codes (task_id, code) VALUES (?, ?)');
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let index = 0; index < count; index++) {
      const borrowerId = Number(borrower.run(`B${String(index).padStart(17, '0')}`, String(index).padStart(6, '0'), `U${index}`, now, now).lastInsertRowid);
      const institutionId = institutions[random() < 0.01 ? 4 : Math.floor(random() * 4)] as number;
      const queuedAt = now - Math.floor(random() * 10 * 86_400_000);
      const applicationId = Number(application.run(institutionId, `APP-${index}`, queuedAt, borrowerId, queuedAt, recordOf(`APP-${index}`), now).lastInsertRowid);
      const queue = queues[index % queues.length] as ReviewQueue;
      const pool = codesByQueue[queue];
      // Codes are skewed: the first two of each queue are common, the rest rare.
      const picks = new Set<string>([pool[random() < 0.7 ? 0 : 1] as string]);
      if (random() < 0.05) picks.add(pool[2 + Math.floor(random() * (pool.length - 2))] as string);
      const codes = [...picks].sort();
      const priority = Math.max(...codes.map((value) => ({ info: 1, warning: 2, high: 3 })[findingCatalog[value as keyof typeof findingCatalog].severity]));
      const assigned = options.assignTo !== undefined && random() < 0.003 ? options.assignTo : null;
      const taskId = Number(task.run(applicationId, institutionId, borrowerId, queue, priority, codes.join(','), codes.length, queuedAt, queuedAt, queuedAt, assigned).lastInsertRowid);
      for (const value of codes) code.run(taskId, value);
    }
  })();
  return codesByQueue;
}

/** One record's JSON text, made once; each application's differs by its external id only. */
function recordTexts(now: number): (externalId: string) => string {
  const marker = 'BENCH-EXTERNAL-ID';
  const [before, after, ...more] = JSON.stringify(fixtureRecord({ externalId: marker }, now)).split(`"${marker}"`);
  if (before === undefined || after === undefined || more.length > 0) throw new Error('the fixture record names its external id once');
  return (externalId) => `${before}${JSON.stringify(externalId)}${after}`;
}

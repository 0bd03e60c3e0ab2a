import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { findMigrationsFolder } from '../db/connection';
import type { Backend } from '../runtime/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';

let backend: Backend & { cleanup(): Promise<void> };
beforeEach(async () => {
  backend = await createTestBackend();
  const institutionId = insertFixtureInstitution(backend.db, 'HNXD');
  const now = Date.now();
  // Tasks in two queues, with several finding codes each.
  ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId: 'APP-1', face: { score: 50, attempts: 2 } }, now), now);
  ingestFixtureApplication(
    backend.db,
    institutionId,
    fixtureRecord({ externalId: 'APP-2', borrower: { name: '张三', idNumber: '440308199901101512', phone: '13700000001' }, ocr: { warnings: ['glare', 'blur'] } }, now),
    now,
  );
});
afterEach(async () => backend.cleanup());

/** One statement of a committed migration, as the migrator runs it. */
function statement(file: string, index: number): string {
  const text = readFileSync(path.join(findMigrationsFolder(), file), 'utf8');
  return text.split('--> statement-breakpoint')[index] as string;
}

function all(query: string): unknown[] {
  return backend.db.$client.prepare(query).all();
}

it('0005 backfills the finding-code rows of tasks that existed before it', () => {
  const expected = all('SELECT task_id, code FROM review_task_codes ORDER BY task_id, code');
  expect(expected.length).toBeGreaterThan(3);
  backend.db.$client.exec('DELETE FROM review_task_codes');
  backend.db.$client.exec(statement('0005_review_reason_codes_seed.sql', 1));
  expect(all('SELECT task_id, code FROM review_task_codes ORDER BY task_id, code')).toEqual(expected);
});

it('0019 backfills the queue sizes of tasks that existed before it', () => {
  const expected = all('SELECT queue, status, count(*) AS n FROM review_tasks GROUP BY 1, 2 ORDER BY 1, 2');
  backend.db.$client.exec('DELETE FROM review_queue_counts');
  backend.db.$client.exec(statement('0019_review_queue_counts_triggers.sql', 0));
  expect(all('SELECT queue, status, count AS n FROM review_queue_counts WHERE count > 0 ORDER BY 1, 2')).toEqual(expected);
  expect(all('SELECT count(*) AS n FROM review_queue_counts')).toEqual([{ n: 24 }]);
});

it('0024 gives the common contact and OCR findings a reject reason (relationship vs. address book among them)', () => {
  const rejects = all("SELECT code FROM review_reason_codes WHERE action = 'reject' ORDER BY queue, sort_order").map((row) => (row as { code: string }).code);
  expect(rejects).toEqual(expect.arrayContaining(['CONTACT_RELATIONSHIP_MISMATCH', 'CONTACT_NOT_IN_ADDRESS_BOOK', 'CONTACT_NEVER_CALLED', 'CONTACT_PHONE_INVALID', 'ID_NUMBER_INVALID']));
  // Running it again (an administrator had added one by hand) changes nothing.
  const before = all('SELECT count(*) AS n FROM review_reason_codes');
  backend.db.$client.exec(statement('0024_review_reject_reasons_for_common_findings.sql', 0));
  expect(all('SELECT count(*) AS n FROM review_reason_codes')).toEqual(before);
});

it('0030 keeps the keyed decide requests in a table without rowids, every row and the pruning index kept', () => {
  const client = backend.db.$client;
  // The table as 0025 built it, with requests in it.
  client.exec('DROP TABLE review_decide_requests');
  client.exec(statement('0025_review_decide_requests.sql', 0));
  client.exec(statement('0025_review_decide_requests.sql', 1));
  const operator = (all('SELECT min(id) AS id FROM operators')[0] as { id: number }).id;
  const insert = client.prepare('INSERT INTO review_decide_requests (operator_id, request_key, task_id, response, created_at) VALUES (?, ?, ?, ?, ?)');
  for (let index = 0; index < 5; index++) insert.run(operator, `key-${index}`, index + 1, `{"outcome":"decided","n":${index}}`, 1_000 + index);
  const before = all('SELECT * FROM review_decide_requests ORDER BY operator_id, request_key');
  const text = readFileSync(path.join(findMigrationsFolder(), '0030_review_pages_per_claim.sql'), 'utf8').split('--> statement-breakpoint');
  const first = text.findIndex((part) => part.includes('CREATE TABLE `__new_review_decide_requests`'));
  expect(first).toBeGreaterThan(0);
  for (const part of text.slice(first)) client.exec(part);
  expect(all('SELECT * FROM review_decide_requests ORDER BY operator_id, request_key')).toEqual(before);
  expect(String((all("SELECT sql FROM sqlite_schema WHERE name = 'review_decide_requests'")[0] as { sql: string }).sql)).toMatch(/WITHOUT ROWID\s*$/);
  expect(all("SELECT name FROM sqlite_schema WHERE tbl_name = 'review_decide_requests' AND type = 'index' ORDER BY name")).toEqual([{ name: 'review_decide_requests_created_idx' }]);
  expect(all('PRAGMA foreign_key_check(review_decide_requests)')).toEqual([]);
  const plan = (client.prepare('EXPLAIN QUERY PLAN DELETE FROM review_decide_requests WHERE created_at < ?').all(1_002) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
  expect(plan).toMatch(/review_decide_requests_created_idx \(created_at<\?\)/);
});

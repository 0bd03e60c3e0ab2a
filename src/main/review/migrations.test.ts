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

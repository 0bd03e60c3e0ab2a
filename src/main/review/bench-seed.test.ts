import { describe, expect, it } from 'vitest';
import { applicationsTable } from '../db/schema';
import { parseRecord } from './evidence';
import { seedOpenTasks } from '../../../bench/seed-tasks';
import { backend, useReviewWorld } from '../../../test/support/review-world';

useReviewWorld();

describe("the benches' seeded tasks", () => {
  it('carry application records as the sync stores them: each parses, under its own external id', () => {
    seedOpenTasks(backend.db.$client, 30);
    const rows = backend.db.select().from(applicationsTable).all().filter((row) => row.externalId.startsWith('APP-'));
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(parseRecord(row)?.id).toBe(row.externalId);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateSQLiteDrizzleJson, generateSQLiteMigration, type DrizzleSQLiteSnapshotJSON } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import { findMigrationsFolder, readJournal } from './connection';
import * as schema from './schema';

// What `npm run db:generate` would write: nothing, as long as the schema (and its column helpers)
// says what the committed migrations built. A schema change comes with its migration.
describe('the drizzle schema and the committed migrations', () => {
  it('agree: generating a migration from the latest snapshot yields no statement', async () => {
    const folder = findMigrationsFolder();
    const latest = readJournal(folder).at(-1);
    expect(latest).toBeDefined();
    const snapshot = JSON.parse(readFileSync(path.join(folder, 'meta', `${latest!.tag.slice(0, 4)}_snapshot.json`), 'utf8')) as DrizzleSQLiteSnapshotJSON;
    const current = await generateSQLiteDrizzleJson(schema, snapshot.id, 'snake_case');
    expect(await generateSQLiteMigration(snapshot, current)).toEqual([]);
  });
});

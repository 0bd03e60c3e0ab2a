import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resourceNames, resourceRecordSchemas, type ResourceName } from '../../shared/institution-api';
import { demoInstitutions, startSimulator, type RunningSimulator } from '../simulator';
import { createInstitutionClient } from '../institution-api/client';
import { prepareRecord } from './prepare';
import { compileAcceptsUnchanged } from './schema-check';
import { resolveDomainSettings } from '../../shared/domain/settings';

const now = Date.UTC(2026, 10, 20, 2);
let simulator: RunningSimulator;
const records = new Map<ResourceName, unknown[]>();

beforeAll(async () => {
  simulator = await startSimulator({ institutions: demoInstitutions('schema-check'), seed: 'schema-check', borrowers: 120, now });
  for (const info of simulator.institutions) {
    const client = createInstitutionClient(info, { fetch: (input, init) => fetch(input, init), circuit: null });
    for (const resource of resourceNames) {
      if (!info.capabilities.resources.includes(resource)) continue;
      let cursor: string | null = null;
      for (;;) {
        const page = await client.listPage(resource, cursor, 1000);
        records.set(resource, [...(records.get(resource) ?? []), ...page.data]);
        if (!page.has_more || page.next_cursor === null) break;
        cursor = page.next_cursor;
      }
    }
  }
}, 60_000);

afterAll(async () => {
  await simulator.close();
});

/** Every path to a value inside a record (objects and arrays walked), the record itself as []. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'extra' };

/** A copy of `record` with one change at `path`. */
function mutate(record: unknown, path: Array<string | number>, mutation: Mutation): unknown {
  const copy = structuredClone(record) as Record<string | number, unknown>;
  if (path.length === 0) return mutation.kind === 'set' ? mutation.value : copy;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (mutation.kind === 'set') parent[last] = mutation.value;
  else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>).unexpected = 1;
    else parent[last] = { unexpected: 1 };
  }
  return copy;
}

const oddValues: unknown[] = [
  null,
  undefined,
  '',
  'x',
  'X'.repeat(70),
  '😀'.repeat(30),
  '😀'.repeat(60),
  '2026-02-29',
  '2024-02-29',
  '2026-11-25T09:30:00.000+08:00',
  '2026-11-25T09:30:00Z',
  '2026-11-25 09:30:00',
  '0.0100',
  '01.00',
  'APP-1',
  '-bad',
  -1,
  0,
  1,
  1.5,
  61,
  1001,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  [],
  [1],
  {},
  'MANUAL_REVIEW',
  'approve',
  'completed',
  'long_term',
  '长期',
];

describe('the fast schema check', () => {
  it('compiles for every resource schema and accepts every record the simulator serves', () => {
    for (const resource of resourceNames) {
      const check = compileAcceptsUnchanged(resourceRecordSchemas[resource]);
      expect(check, resource).not.toBeNull();
      const served = records.get(resource) ?? [];
      expect(served.length, resource).toBeGreaterThan(10);
      for (const record of served) expect(check!(record), `${resource} ${JSON.stringify(record).slice(0, 80)}`).toBe(true);
    }
  });

  it('never accepts what zod rejects or would change: one-field mutations of real records', () => {
    const arbitrary = fc.constantFrom(...resourceNames).chain((resource) => {
      const served = records.get(resource) ?? [];
      return fc.record({
        resource: fc.constant(resource),
        record: fc.constantFrom(...served),
        pick: fc.nat(),
        mutation: fc.oneof(
          fc.constantFrom(...oddValues).map((value): Mutation => ({ kind: 'set', value })),
          fc.constant<Mutation>({ kind: 'delete' }),
          fc.constant<Mutation>({ kind: 'extra' }),
        ),
      });
    });
    const checks = new Map(resourceNames.map((resource) => [resource, compileAcceptsUnchanged(resourceRecordSchemas[resource])!]));
    fc.assert(
      fc.property(arbitrary, ({ resource, record, pick, mutation }) => {
        const paths = pathsOf(record);
        const changed = mutate(record, paths[pick % paths.length]!, mutation);
        const parsed = resourceRecordSchemas[resource].safeParse(changed);
        const accepted = checks.get(resource)!(changed);
        if (accepted) {
          // zod agrees, and its output is the record itself.
          expect(parsed.success, JSON.stringify({ path: paths[pick % paths.length], mutation, issues: parsed.error?.issues })).toBe(true);
          expect(isDeepStrictEqual(parsed.data, changed), JSON.stringify({ path: paths[pick % paths.length], mutation, data: parsed.data })).toBe(true);
        } else if (parsed.success && isDeepStrictEqual(parsed.data, changed)) {
          // A miss is allowed only where zod's output differs (a stripped key): here it would not be.
          throw new Error(`the fast check refused a record zod returns unchanged: ${JSON.stringify(changed).slice(0, 200)}`);
        }
      }),
      { numRuns: 5000, seed: 20261203 },
    );
  });

  it('measures string lengths in code points, as zod does', () => {
    const schema = z.object({ name: z.string().min(2).max(3) });
    const check = compileAcceptsUnchanged(schema)!;
    for (const name of ['ab', 'abc', '😀😀', '😀😀😀', 'a😀', '😀', 'abcd', '😀😀😀😀', 'a', '\ud800x']) {
      expect(check({ name }), name).toBe(schema.safeParse({ name }).success);
    }
  });

  it('says nothing (null) for a schema with parts it does not know, so zod alone decides', () => {
    expect(compileAcceptsUnchanged(z.object({ a: z.string().transform((text) => text.length) }))).toBeNull();
    expect(compileAcceptsUnchanged(z.object({ a: z.string().refine((text) => text !== 'no') }))).toBeNull();
    expect(compileAcceptsUnchanged(z.object({ a: z.string().default('x') }))).toBeNull();
    expect(compileAcceptsUnchanged(z.object({ a: z.string().optional() }))).toBeNull();
    expect(compileAcceptsUnchanged(z.object({ a: z.string() }).catchall(z.number()))).toBeNull();
    expect(compileAcceptsUnchanged(z.object({ a: z.coerce.number() }))).toBeNull();
    // The first option zod parses may strip what a later one accepts as it is.
    expect(compileAcceptsUnchanged(z.union([z.object({ a: z.string() }), z.object({ a: z.string(), b: z.string() })]))).toBeNull();
    expect(compileAcceptsUnchanged(z.object({ a: z.email() }))).not.toBeNull();
  });

  it('reads enum values as zod does, numeric enums included', () => {
    enum Level {
      Low = 1,
      High = 2,
    }
    const schema = z.object({ level: z.enum(Level), kind: z.enum(['a', 'b']) });
    const check = compileAcceptsUnchanged(schema)!;
    for (const level of [1, 2, 3, 'Low', 'High', '1']) {
      for (const kind of ['a', 'b', 'c']) expect(check({ level, kind }), `${level} ${kind}`).toBe(schema.safeParse({ level, kind }).success);
    }
  });

  it('sends a record with an unknown key through zod, which strips it before anything is stored', () => {
    const settings = resolveDomainSettings({});
    const order = structuredClone((records.get('orders') ?? [])[0]) as Record<string, unknown>;
    order.internal_note = 'not in the schema';
    expect(compileAcceptsUnchanged(resourceRecordSchemas.orders)!(order)).toBe(false);
    const prepared = prepareRecord('orders', order, { at: now, settings });
    expect(prepared.valid).toBe(true);
    const application = structuredClone((records.get('applications') ?? [])[0]) as Record<string, unknown>;
    (application.borrower as Record<string, unknown>).nickname = 'x';
    const preparedApplication = prepareRecord('applications', application, { at: now, settings });
    if (!preparedApplication.valid || preparedApplication.resource !== 'applications') throw new Error('expected a prepared application');
    expect(JSON.parse(preparedApplication.recordText.toString()).borrower).not.toHaveProperty('nickname');
  });
});

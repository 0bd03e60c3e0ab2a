/**
 * fast-check inputs for a channel, read from its zod input schema: values of the declared shape
 * (ids and counts biased towards the small numbers the test data holds, dates inside and around
 * the calendar), and mutations of them (a field replaced by a hostile value, a key dropped or
 * added, the whole input replaced by any JSON). Used by the whole-contract property test.
 */
import fc from 'fast-check';
import type { z } from 'zod';

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: { check: string; format?: string; pattern?: RegExp; minimum?: number; maximum?: number } } }>;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

interface Introspected {
  _zod: { def: Def };
  minLength?: number | null;
  maxLength?: number | null;
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
}

/** Values that broke a back end somewhere: dates out of the calendar or range, huge and odd numbers, long and odd strings. */
const hostileValues: unknown[] = [
  '',
  ' ',
  '2026-11-31',
  '2026-13-01',
  '9999-12-31',
  '0000-01-01',
  '2026-02-29',
  '1970-01-01',
  'x'.repeat(5_000),
  '%',
  '_',
  "'; DROP TABLE borrowers; --",
  '../../etc/passwd',
  '\u0000',
  '__proto__',
  '110105194912310029',
  '13812345678',
  -1,
  0,
  1,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  0.5,
  true,
  null,
  [],
  {},
  [null],
  { constructor: { prototype: {} } },
];

function dateLike(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
    fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 32 })).map(
      ([year, month, day]) => `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ),
  );
}

function stringArbitrary(schema: Introspected): fc.Arbitrary<string> {
  const checks = schema._zod.def.checks ?? [];
  const pattern = checks.map((check) => check._zod.def).find((check) => check.format === 'regex')?.pattern;
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 200);
  const custom = checks.some((check) => check._zod.def.check === 'custom');
  const plain = fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
  if (pattern) return fc.oneof(fc.stringMatching(pattern).filter((value) => value.length >= minLength && value.length <= Math.max(maxLength, minLength)), plain);
  // A refined string is most often a calendar date in this contract.
  if (custom) return fc.oneof(dateLike(), plain);
  return fc.oneof(plain, fc.constantFrom('a', 'ab', '张三', '1381', '002X', 'LO2026', 'admin', 'reviewer'));
}

function numberArbitrary(schema: Introspected): fc.Arbitrary<number> {
  const min = Math.max(schema.minValue ?? -1e9, -Number.MAX_SAFE_INTEGER);
  const max = Math.min(schema.maxValue ?? 1e12, Number.MAX_SAFE_INTEGER);
  if (schema.isInt) {
    const low = Math.ceil(min);
    const high = Math.floor(max);
    return fc.oneof({ arbitrary: fc.integer({ min: low, max: Math.min(high, low + 60) }), weight: 3 }, { arbitrary: fc.integer({ min: low, max: high }), weight: 1 });
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Values of the schema's declared shape (refinements may still refuse some: that is part of the test). */
export function arbitraryOf(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const introspected = schema as unknown as Introspected;
  const def = introspected._zod.def;
  if (depth > 6) return fc.constant(undefined);
  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      const entries = Object.entries(shape);
      const required = entries.filter(([, field]) => !['optional', 'default'].includes((field as unknown as Introspected)._zod.def.type)).map(([key]) => key);
      return fc.record(Object.fromEntries(entries.map(([key, field]) => [key, arbitraryOf(field, depth + 1)])), { requiredKeys: required });
    }
    case 'string':
      return stringArbitrary(introspected);
    case 'number':
      return numberArbitrary(introspected);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? [null]));
    case 'union':
      return fc.oneof(...(def.options ?? []).map((option) => arbitraryOf(option, depth + 1)));
    case 'optional':
    case 'default':
      return fc.option(arbitraryOf(def.innerType as z.ZodType, depth + 1), { nil: undefined });
    case 'nullable':
      return fc.option(arbitraryOf(def.innerType as z.ZodType, depth + 1), { nil: null });
    case 'array': {
      const lengths = (def.checks ?? []).map((check) => check._zod.def);
      const minLength = lengths.find((check) => check.check === 'min_length')?.minimum ?? 0;
      const maxLength = Math.min(lengths.find((check) => check.check === 'max_length')?.maximum ?? 5, minLength + 5);
      return fc.array(arbitraryOf(def.element as z.ZodType, depth + 1), { minLength, maxLength });
    }
    case 'record':
      return fc.dictionary(arbitraryOf(def.keyType as z.ZodType, depth + 1) as fc.Arbitrary<string>, arbitraryOf(def.valueType as z.ZodType, depth + 1), { maxKeys: 3 });
    case 'pipe':
      return arbitraryOf(def.in as z.ZodType, depth + 1);
    case 'intersection':
      return fc.tuple(arbitraryOf(def.left as z.ZodType, depth + 1), arbitraryOf(def.right as z.ZodType, depth + 1)).map(([left, right]) =>
        typeof left === 'object' && left !== null && typeof right === 'object' && right !== null ? { ...left, ...right } : left,
      );
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A valid-shaped value with one field replaced by a hostile value, one key dropped, or an unknown key added. */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fc.constantFrom(...hostileValues);
  const keys = Object.keys(value);
  const replace =
    keys.length === 0
      ? fc.constant(value)
      : fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.constantFrom(...hostileValues), fc.jsonValue({ maxDepth: 3 }))).chain(([key, replacement]) => {
          const inner = (value as Record<string, unknown>)[key];
          return (typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? fc.oneof(fc.constant(replacement), mutate(inner)) : fc.constant(replacement)).map((next) => ({
            ...value,
            [key]: next,
          }));
        });
  const drop = keys.length === 0 ? fc.constant(value) : fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(value).filter(([name]) => name !== key)));
  const extra = fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'toString'), fc.constantFrom(...hostileValues)).map(([key, extraValue]) => ({ ...value, [key]: extraValue }));
  return fc.oneof(replace, drop, extra);
}

/** Inputs for a channel: mostly of its declared shape, often mutated, sometimes any JSON at all. */
export function channelInput(schema: z.ZodType): fc.Arbitrary<unknown> {
  const valid = arbitraryOf(schema);
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: valid.chain(mutate), weight: 4 },
    { arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...hostileValues), fc.constant(undefined)), weight: 1 },
  );
}

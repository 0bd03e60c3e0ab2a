/**
 * A fast yes/no check built from a zod schema's own definition, for the sync's hot path.
 *
 * `safeParse` builds a payload, an issue list and a fresh copy of every object and array for each
 * record; for the large application and order records that was the biggest single cost of
 * ingest beyond the writes (docs/performance.md#schema-check). Almost every
 * record is valid, so the question asked first is only "does zod accept this record unchanged?".
 * `compileAcceptsUnchanged` answers it with one function generated from the definitions zod
 * itself runs (the same patterns, bounds, enum values, shapes), never a second copy of the rules:
 *
 * - true: zod would accept the record and return an equal value (every key of every object is in
 *   its shape, nothing is transformed), so the record itself is the parsed value;
 * - false: the record may be invalid, or may carry unknown keys zod would strip; the caller runs
 *   `safeParse`, which decides and says why.
 *
 * It may say false where zod accepts (an unknown key, an object that is not a plain one), never
 * true where zod rejects. A schema node it does not
 * know (a transform, a default, a refinement, a lazy or a pipe) makes the whole compile return
 * null, and the caller uses `safeParse` alone. schema-check.test.ts holds it to zod on
 * valid and broken records of every resource.
 */
import type { z } from 'zod';

export type AcceptsUnchanged = (value: unknown) => boolean;

class Unsupported extends Error {}

interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  maximum?: number;
  minimum?: number;
  format?: string;
  pattern?: RegExp;
}

interface NodeDef {
  type: string;
  format?: string;
  check?: string;
  pattern?: RegExp;
  coerce?: boolean;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  shape?: Record<string, { _zod: { def: NodeDef } }>;
  catchall?: unknown;
  element?: { _zod: { def: NodeDef } };
  innerType?: { _zod: { def: NodeDef } };
  options?: Array<{ _zod: { def: NodeDef } }>;
  entries?: Record<string, unknown>;
  values?: unknown[];
}

/**
 * The generated check: one function per object and array node, every other node an inline
 * expression on a local. The patterns, enum sets and odd literals are passed in as constants;
 * property names are written as JSON strings; nothing else from the schema reaches the source.
 */
class Generator {
  readonly constants: unknown[] = [];
  readonly functions: string[] = [];

  constant(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }

  check(check: CheckDef, value: string, strings: boolean): string {
    switch (check.check) {
      case 'max_length':
        // A string is measured in code points; units are never fewer, so only an overflow is counted.
        return strings ? `(${value}.length <= ${check.maximum} || codePoints(${value}) <= ${check.maximum})` : `${value}.length <= ${check.maximum}`;
      case 'min_length': {
        const minimum = check.minimum as number;
        return strings ? `(${value}.length >= ${minimum} && (${value}.length >= ${minimum * 2} || codePoints(${value}) >= ${minimum}))` : `${value}.length >= ${minimum}`;
      }
      case 'string_format': {
        if (!(check.pattern instanceof RegExp)) throw new Unsupported(`string format ${check.format ?? '?'} without a pattern`);
        const pattern = this.constant(check.pattern);
        return `(${pattern}.lastIndex = 0, ${pattern}.test(${value}))`;
      }
      case 'greater_than':
      case 'less_than': {
        if (typeof check.value !== 'number' || !Number.isFinite(check.value)) throw new Unsupported(`${check.check} on a non-number`);
        const operator = check.check === 'greater_than' ? (check.inclusive ? '>=' : '>') : check.inclusive ? '<=' : '<';
        return `${value} ${operator} ${check.value}`;
      }
      case 'number_format':
        if (check.format === 'safeint') return `Number.isSafeInteger(${value})`;
        throw new Unsupported(`number format ${check.format ?? '?'}`);
      default:
        throw new Unsupported(`check ${check.check}`);
    }
  }

  /** Equality with each of a few JSON-safe values inline, else membership in a constant set. */
  oneOf(values: unknown[], value: string): string {
    const inline = values.length <= 8 && values.every((item) => typeof item === 'string' || item === null || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item)));
    if (values.length === 0) return 'false';
    return inline ? `(${values.map((item) => `${value} === ${JSON.stringify(item)}`).join(' || ')})` : `${this.constant(new Set(values))}.has(${value})`;
  }

  node(def: NodeDef, value: string): string {
    if (def.coerce) throw new Unsupported('coercion');
    const own = (def.checks ?? []).map((check) => check._zod.def);
    switch (def.type) {
      case 'string': {
        // A string format (iso date, datetime) is its own first check, with its pattern on the def.
        const checks = def.check === 'string_format' ? [def as unknown as CheckDef, ...own] : own;
        return `(typeof ${value} === 'string'${checks.map((check) => ` && ${this.check(check, value, true)}`).join('')})`;
      }
      case 'number': {
        // z.int() is a number whose own check is its format.
        const checks = def.check === 'number_format' ? [def as unknown as CheckDef, ...own] : own;
        return `(typeof ${value} === 'number' && Number.isFinite(${value})${checks.map((check) => ` && ${this.check(check, value, false)}`).join('')})`;
      }
      case 'boolean':
        if (own.length > 0) throw new Unsupported('checks on a boolean');
        return `(typeof ${value} === 'boolean')`;
      case 'enum': {
        // As zod reads an enum's entries: a numeric enum's reverse mappings are not values.
        const entries = def.entries ?? {};
        const numbers = Object.values(entries).filter((entry) => typeof entry === 'number');
        return this.oneOf(Object.entries(entries).filter(([key]) => !numbers.includes(Number(key))).map(([, entry]) => entry), value);
      }
      case 'literal':
        return this.oneOf(def.values ?? [], value);
      case 'nullable':
        return `(${value} === null || ${this.node(def.innerType!._zod.def, value)})`;
      case 'union': {
        // zod returns the first option that parses; that is the value itself only if no option can
        // change what it parses (strip a key, copy an array), so only options of plain values.
        const options = def.options ?? [];
        if (!options.every((option) => isPlainValue(option._zod.def))) throw new Unsupported('union of objects or arrays');
        return `(${options.map((option) => this.node(option._zod.def, value)).join(' || ')})`;
      }
      case 'array': {
        const name = `f${this.functions.length}`;
        this.functions.push('');
        const element = this.node(def.element!._zod.def, 'item');
        const checks = own.map((check) => `if (!(${this.check(check, 'list', false)})) return false;`).join(' ');
        this.functions[Number(name.slice(1))] =
          `function ${name}(list) { if (!Array.isArray(list)) return false; ${checks} for (let index = 0; index < list.length; index++) { const item = list[index]; if (!(${element})) return false; } return true; }`;
        return `${name}(${value})`;
      }
      case 'object': {
        // Only the default (strip) mode: an object whose keys are all in the shape comes out of zod equal.
        if (def.catchall !== undefined) throw new Unsupported('object with a catchall');
        if (own.length > 0) throw new Unsupported('checks on an object');
        const name = `f${this.functions.length}`;
        this.functions.push('');
        const entries = Object.entries(def.shape ?? {});
        const body = entries
          .map(([key, schema], index) => {
            if (schema._zod.def.type === 'optional') throw new Unsupported('optional key');
            return `const p${index} = record[${JSON.stringify(key)}]; if (!(${this.node(schema._zod.def, `p${index}`)})) return false;`;
          })
          .join('\n');
        // Every shape key held an accepted (never undefined) value; any other key would be stripped.
        this.functions[Number(name.slice(1))] =
          `function ${name}(record) { if (typeof record !== 'object' || record === null || Array.isArray(record) || Object.getPrototypeOf(record) !== Object.prototype) return false;\n${body}\nlet keys = 0; for (const key in record) keys++; return keys === ${entries.length}; }`;
        return `${name}(${value})`;
      }
      default:
        throw new Unsupported(`schema type ${def.type}`);
    }
  }
}

/** A node whose accepted values come out of zod as they went in (no object or array inside). */
function isPlainValue(def: NodeDef): boolean {
  if (def.type === 'nullable') return isPlainValue(def.innerType!._zod.def);
  return ['string', 'number', 'boolean', 'enum', 'literal'].includes(def.type);
}

/** Code points, as zod's length checks count them (a surrogate pair is one). */
function codePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}

/** The fast check of `schema`, or null when it uses something the check does not know. */
export function compileAcceptsUnchanged(schema: z.ZodType): AcceptsUnchanged | null {
  try {
    const generator = new Generator();
    const root = generator.node((schema as unknown as { _zod: { def: NodeDef } })._zod.def, 'value');
    const source = `${generator.constants.map((_, index) => `const k${index} = constants[${index}];`).join('\n')}\n${generator.functions.join('\n')}\nreturn function acceptsUnchanged(value) { return (${root}); };`;
    // The source is built above from the schema's own definitions, never from a record.
    return new Function('constants', 'codePoints', source)(generator.constants, codePoints) as AcceptsUnchanged;
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

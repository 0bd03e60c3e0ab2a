import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayElementTexts as scan, invalidUtf8Of, markInvalidUtf8Records, parsePageBody } from './page-text';

/** The scan of a body given as text, its elements decoded back to text (null stays null). */
function arrayElementTexts(text: string, key: string): string[] | null {
  return scan(Buffer.from(text, 'utf8'), key)?.map((element) => element.toString('utf8')) ?? null;
}

/** JSON values with the characters that matter to the scan: quotes, backslashes, brackets, commas, colons. */
const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', ':', ' ', 'a', '数', '\n', '\u2028', 'data') });
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(tricky, fc.constant('data')), tie('any'), { maxKeys: 4 }),
  ),
})).any;
const page = fc.record({ data: fc.array(value, { maxLength: 6 }), next_cursor: fc.oneof(fc.constant(null), tricky), has_more: fc.boolean() });

describe('arrayElementTexts', () => {
  it('finds each element of the top-level data array as written, compact or indented, whatever the strings hold', () => {
    fc.assert(
      fc.property(page, fc.boolean(), fc.boolean(), (body, indented, dataLast) => {
        const ordered = dataLast ? { next_cursor: body.next_cursor, has_more: body.has_more, data: body.data } : body;
        const text = JSON.stringify(ordered, null, indented ? 2 : undefined);
        const texts = arrayElementTexts(text, 'data');
        expect(texts).not.toBeNull();
        expect(texts!.map((element) => JSON.parse(element) as unknown)).toEqual((JSON.parse(text) as { data: unknown[] }).data);
        if (!indented) expect(texts).toEqual(body.data.map((element) => JSON.stringify(element)));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the last data member when the key repeats, as JSON.parse does', () => {
    expect(arrayElementTexts('{"data":[1,2],"has_more":false,"data":[{"a":"]"} , "x"]}', 'data')).toEqual(['{"a":"]"}', '"x"']);
  });

  it('ignores data keys below the top level and string values that read "data"', () => {
    expect(arrayElementTexts('{"meta":{"data":[9]},"next":"data","data":[[1,[2]],{"data":[3]}]}', 'data')).toEqual(['[1,[2]]', '{"data":[3]}']);
    expect(arrayElementTexts('{"x":"data","y":[1]}', 'data')).toBeNull();
  });

  it('gives up on a top-level key written with escapes, which may be a later data spelled differently', () => {
    expect(arrayElementTexts('{"data":[1,2],"d\\u0061ta":[3,4]}', 'data')).toBeNull();
    expect(JSON.parse('{"data":[1,2],"d\\u0061ta":[3,4]}')).toEqual({ data: [3, 4] });
    expect(arrayElementTexts('{"data":[1,2],"next_cursor":"a\\"b"}', 'data')).toEqual(['1', '2']);
  });

  it('reads an escaped quote and an escaped backslash before a closing quote correctly', () => {
    expect(arrayElementTexts(String.raw`{"data":["a\"],[", "b\\", {"c\\\"":"]"}]}`, 'data')).toEqual([String.raw`"a\"],["`, String.raw`"b\\"`, String.raw`{"c\\\"":"]"}`]);
  });

  it('gives views of the body, not copies', () => {
    const body = Buffer.from('{"data":[{"name":"张三"}, 2]}', 'utf8');
    const [first, second] = scan(body, 'data')!;
    expect(first!.buffer).toBe(body.buffer);
    expect(first!.toString('utf8')).toBe('{"name":"张三"}');
    expect(second!.toString('utf8')).toBe('2');
  });

  it('gives null for a body that is not valid UTF-8, whose decoded text differs from its bytes', () => {
    const body = Buffer.concat([Buffer.from('{"data":["a'), Buffer.from([0xe5, 0xbc]), Buffer.from('"]}')]);
    expect(() => JSON.parse(body.toString('utf8')) as unknown).not.toThrow();
    expect(scan(body, 'data')).toBeNull();
  });

  it('gives null where there is no data array or the text does not scan', () => {
    expect(arrayElementTexts('{"data":{"a":1}}', 'data')).toBeNull();
    expect(arrayElementTexts('[1,2]', 'data')).toBeNull();
    expect(arrayElementTexts('{"data":[1,2', 'data')).toBeNull();
    expect(arrayElementTexts('{"data":["open]}', 'data')).toBeNull();
    expect(arrayElementTexts('{"d\\u0061ta":[1]}', 'data')).toBeNull();
    expect(arrayElementTexts('{"data":[]}', 'data')).toEqual([]);
    expect(arrayElementTexts('{"data":[ ]}', 'data')).toEqual([]);
  });
});

/** What JSON.parse makes of the text, or the error it throws. */
function parsedOrError(text: string): { value: unknown } | { error: true } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: true };
  }
}

describe('parsePageBody', () => {
  const pageText = fc
    .tuple(page, fc.boolean(), fc.boolean())
    .map(([body, indented, dataLast]) => JSON.stringify(dataLast ? { next_cursor: body.next_cursor, has_more: body.has_more, data: body.data } : body, null, indented ? 2 : undefined));

  it('gives what JSON.parse gives for a page, the elements as arrayElementTexts finds them', () => {
    fc.assert(
      fc.property(pageText, (text) => {
        const body = Buffer.from(text, 'utf8');
        const parsed = parsePageBody(body, 'data');
        expect(parsed).not.toBeNull();
        expect(parsed!.json).toEqual(JSON.parse(text));
        expect(parsed!.elements).toEqual(scan(body, 'data'));
      }),
      { numRuns: 1000 },
    );
  });

  it('never gives a value JSON.parse would not: a page with one character taken out, changed or put in is the same value or null', () => {
    const edited = fc.tuple(pageText, fc.nat(), fc.constantFrom('', '"', '\\', '[', ']', '{', '}', ',', ':', ' ', '1', 'data')).map(([text, at, put]) => {
      const index = at % (text.length + 1);
      return [text.slice(0, index) + put + text.slice(index + (put === '' || at % 2 === 0 ? 1 : 0)), text.slice(0, index) + put + text.slice(index)] as const;
    });
    fc.assert(
      fc.property(edited, ([replaced, inserted]) => {
        for (const text of [replaced, inserted]) {
          const whole = parsedOrError(text);
          const parsed = parsePageBody(Buffer.from(text, 'utf8'), 'data');
          if ('error' in whole) expect(parsed).toBeNull();
          else if (parsed !== null) expect(parsed.json).toEqual(whole.value);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gives null where the array it emptied is not the member JSON.parse keeps, or the body is not one object', () => {
    expect(parsePageBody(Buffer.from('{"data":[1,2],"data":null}'), 'data')).toBeNull();
    expect(parsePageBody(Buffer.from('{"data":[1,2],"data":{"a":[3]}}'), 'data')).toBeNull();
    expect(parsePageBody(Buffer.from('["data",[1,2]]'), 'data')).toBeNull();
    expect(parsePageBody(Buffer.from('{"data":[1,2]} x'), 'data')).toBeNull();
    expect(parsePageBody(Buffer.from('{"data":[1,,2]}'), 'data')).toBeNull();
    expect(parsePageBody(Buffer.from('{"data":[1,2],"data":[3]}'), 'data')!.json).toEqual({ data: [3] });
    expect(parsePageBody(Buffer.from('{"data":[1,2],"data":[]}'), 'data')!.json).toEqual({ data: [] });
  });

  it('gives null for a body that is not valid UTF-8 (the whole text is read, and its records marked)', () => {
    const body = Buffer.concat([Buffer.from('{"data":["a'), Buffer.from([0xe5, 0xbc]), Buffer.from('"]}')]);
    expect(parsePageBody(body, 'data')).toBeNull();
  });
});

describe('markInvalidUtf8Records', () => {
  it('marks exactly the records whose bytes are not UTF-8, with where the first broken byte is', () => {
    const body = Buffer.concat([Buffer.from('{"data":[{"id":"a","name":"张三"},{"id":"b","name":"李'), Buffer.from([0x80, 0xc0]), Buffer.from('"}],"has_more":false}')]);
    const records = [{ id: 'a', name: '张三' }, { id: 'b', name: '李\uFFFD\uFFFD' }];
    markInvalidUtf8Records(body, 'data', records);
    expect(invalidUtf8Of(records[0])).toBeUndefined();
    expect(invalidUtf8Of(records[1])).toMatch(/not valid UTF-8 at byte 21 \(after …\{"id":"b","name":"李\)/);
    expect(JSON.stringify(records[1])).toBe('{"id":"b","name":"李\uFFFD\uFFFD"}');
  });
});

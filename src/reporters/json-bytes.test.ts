import { describe, expect, it } from 'vitest';
import { JsonBytesWriter } from './json-bytes.js';

/** What the writer gives for `value` nested at `indent`, as text. */
function written(value: unknown, indent = 0, capacity?: number): string {
  const w = new JsonBytesWriter(capacity);
  w.value(value, indent);
  return w.buffer.subarray(0, w.length).toString('utf8');
}

/** `JSON.stringify(value, null, 2)` of `value` wrapped in arrays that indent it by `indent`, the wrapping cut off. */
function extract(text: string, indent: number): string {
  if (indent === 0) return text;
  // Remove the wrapping arrays: their opening lines before the value and closing lines after it.
  const lines = text.split('\n');
  const depth = indent / 2;
  return lines
    .slice(depth, lines.length - depth)
    .join('\n')
    .slice(indent);
}

const STRINGS = [
  '',
  'plain ASCII text, longer than sixteen characters',
  'short',
  'quote " and backslash \\ inside',
  'controls \u0000 \u0001 \b \t \n \f \r \u000b \u001b \u001f',
  'DEL \u007f stays, NEL \u0085 and line separators \u2028 \u2029 stay',
  'Latin-1 é ü ß, Greek αβγ, CJK 漢字, emoji 🔥👩‍💻',
  'a lone high surrogate \ud800 in the middle',
  'a lone low surrogate \udc00 in the middle',
  'a high surrogate at the end \udbff',
  'reversed pair \udc00\ud800',
  'replacement character \ufffd and non-characters \uffff \ufffe',
];

describe('JsonBytesWriter', () => {
  it('writes strings as JSON.stringify does: escapes, UTF-8, lone surrogates escaped', () => {
    for (const s of STRINGS) expect(written(s), JSON.stringify(s)).toBe(JSON.stringify(s));
    // Every code unit on its own and after an ASCII prefix.
    for (let c = 0; c < 0x10000; c += c < 0x800 ? 1 : 7) {
      const s = String.fromCharCode(c);
      expect(written(s)).toBe(JSON.stringify(s));
      expect(written('prefix long enough ' + s)).toBe(JSON.stringify('prefix long enough ' + s));
    }
  });

  it('writes short and long strings alike, whatever needs care and wherever it is', () => {
    // Short strings are copied code by code, longer ones searched for what needs care: both sides of the length that parts them.
    for (const special of ['"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '漢', '🔥', '\ud800', '\udfff'])
      for (let length = 0; length <= 40; length++)
        for (const at of [0, Math.floor(length / 2), length]) {
          const s = 'a'.repeat(at) + special + 'b'.repeat(length - at);
          expect(written(s), JSON.stringify(s)).toBe(JSON.stringify(s));
        }
    for (let length = 0; length <= 40; length++) expect(written('k'.repeat(length))).toBe(JSON.stringify('k'.repeat(length)));
  });

  it('writes integers digit by digit as JSON.stringify does', () => {
    for (const v of [
      0,
      -0,
      7,
      9,
      10,
      99,
      100,
      101,
      65535,
      999_999_999,
      1_000_000_000,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32,
      -5,
      -(2 ** 31),
      0.5,
      1e-7,
    ])
      expect(written({ v }, 4)).toBe(extract(JSON.stringify(nest({ v }, 4), null, 2), 4));
  });

  it('writes numbers, booleans and null as JSON.stringify does', () => {
    for (const v of [0, -0, 1, -1, 42, 2 ** 31, 2 ** 53 + 2, 1.5, -9.8, 1e21, 1e-7, 5e-324, NaN, Infinity, -Infinity, true, false, null])
      expect(written(v)).toBe(JSON.stringify(v));
    expect(written([NaN, undefined, () => 1, Symbol('s')])).toBe(JSON.stringify([NaN, undefined, () => 1, Symbol('s')], null, 2));
  });

  it('writes nested objects and arrays with JSON.stringify indentation, at any depth', () => {
    const finding = {
      ruleId: 'K8S-0001',
      empty: {},
      none: [],
      skipped: undefined,
      fn: () => 1,
      sym: Symbol('x'),
      location: { path: 'a "b".yaml', startLine: 3, resource: { kind: 'Pod', name: 'ü' } },
      frameworks: [{ id: 'pss', control: 'privileged' }, [], [[]], {}],
      date: new Date(0),
      boxed: { toJSON: () => ({ replaced: true }) },
      nullProto: Object.assign(Object.create(null) as object, { a: 1 }),
      instance: new (class {
        x = 1;
        method(): number {
          return 2;
        }
      })(),
      7: 'integer-like keys first',
    };
    for (const indent of [0, 2, 4, 6])
      expect(written(finding, indent)).toBe(extract(JSON.stringify(nest(finding, indent), null, 2), indent));
  });

  it('writes many keys, escaped ones included, first or not, at each indentation, again and again', () => {
    const w = new JsonBytesWriter(64);
    const keys = ['a', 'é', 'quote " \\ \n', '🔥', ...Array.from({ length: 300 }, (_, i) => `k${i}`)];
    for (let round = 0; round < 2; round++)
      for (const indent of [0, 2, 8]) {
        const many = Object.fromEntries(keys.map((k, i) => [k, i]));
        const reversed = Object.fromEntries([...keys].reverse().map((k) => [k, { [k]: k }]));
        for (const value of [many, reversed, { a: 1 }, { é: { a: [] } }]) {
          w.reset();
          w.value(value, indent);
          expect(w.buffer.subarray(0, w.length).toString('utf8')).toBe(extract(JSON.stringify(nest(value, indent), null, 2), indent));
        }
      }
  });

  it('grows its buffer for a value larger than its capacity', () => {
    const big = { text: 'x'.repeat(70_000), items: Array.from({ length: 2000 }, (_, i) => ({ i, s: 'é'.repeat(i % 7) })) };
    expect(written(big, 0, 64)).toBe(JSON.stringify(big, null, 2));
  });

  it('fails as JSON.stringify does on a cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { cyclic };
    expect(() => written(cyclic)).toThrow(TypeError);
  });

  it('appends: ascii text and values after one another, reset starts over', () => {
    const w = new JsonBytesWriter(16);
    w.ascii(',\n    ');
    w.value({ a: 'b' }, 4);
    expect(w.buffer.subarray(0, w.length).toString()).toBe(',\n    {\n      "a": "b"\n    }');
    w.reset();
    expect(w.value(undefined, 0)).toBe(false);
    expect(w.length).toBe(0);
  });

  it('copies a string property written again only while its bytes are still there: not after a reset or a shorter length', () => {
    const w = new JsonBytesWriter(16);
    const texts: string[] = [];
    const expected: string[] = [];
    const write = (value: unknown): void => {
      const start = w.length;
      w.value(value, 2);
      texts.push(w.buffer.subarray(start, w.length).toString('utf8'));
      expected.push(JSON.stringify(value, null, 2).replaceAll('\n', '\n  '));
    };
    const path = 'team-0/app-0.yaml, a path longer than the buffer';
    write({ path, status: 'fail' });
    // First and not first, after the buffer grew.
    write({ status: 'fail', path, more: 'x'.repeat(100) });
    write({ path, status: 'fail' });
    // The bytes of the last `path` and `status` are given up, then written over with others of the same length.
    w.reset();
    w.ascii('{"zzzz": "'.padEnd(200, 'z'));
    w.reset();
    write({ path, status: 'fail' });
    w.length = 0;
    w.ascii('#'.repeat(300));
    write({ path, status: 'fail' });
    write({ path: path + '!', status: 'pass' });
    write({ path, status: 'fail' });
    expect(texts).toEqual(expected);
  });
});

function nest(value: unknown, indent: number): unknown {
  let wrapped = value;
  for (let i = 0; i < indent / 2; i++) wrapped = [wrapped];
  return wrapped;
}

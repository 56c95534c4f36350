/**
 * Mutations of a seed's bytes, drawn from a seeded generator so that a case is reproduced by its
 * (seed, case number): byte and bit flips, interesting integers over binary header fields,
 * truncation, splices with other seeds, deep nesting, long lines, invalid UTF-8 and NUL bytes.
 */
import yaml from 'js-yaml';

export type Random = () => number;

/** A whole number in [0, n). */
export const below = (r: Random, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Random, items: readonly T[]): T => items[below(r, items.length)];

/** Integers that break length and count fields: zero, off by one, sign bits, larger than any file. */
const INTERESTING = [
  0,
  1,
  0x7f,
  0x80,
  0xff,
  0x7fff,
  0x8000,
  0xffff,
  0x7fffffff,
  0x80000000,
  0xffffffff,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 62,
  2 ** 64 - 1,
];

/** Text that stresses parsers of text formats when put somewhere inside a file. */
const TOKENS = [
  '\u0000',
  '\uFEFF',
  '\r',
  '\r\n',
  '\t',
  '"',
  "'",
  '\\',
  '{{',
  '}}',
  '${',
  '$(',
  '`',
  '<<EOF\n',
  '\\\n',
  '#',
  '---\n',
  '...\n',
  '&a ',
  '*a',
  '!!binary ',
  '!!python/object/apply:os.system ',
  '<<: *a\n',
  '? ',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '=',
  '==',
  '@',
  ';',
  'null',
  'true',
  '-1',
  '1e309',
  'NaN',
  '99999999999999999999999',
  '0x',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '[[package]]\n',
  '[tool.poetry]\n',
  'FROM ',
  'RUN ',
  '\\u0000',
  '\\ud800',
  '%',
];

const INVALID_UTF8 = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0x80], [0x80]];

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** A position biased to the start of the file (where binary headers are) and to its end (zip directories). */
function position(r: Random, length: number): number {
  const x = r();
  if (x < 0.35) return below(r, Math.min(length + 1, 64));
  if (x < 0.5) return Math.max(0, length - below(r, Math.min(length + 1, 64)));
  return below(r, length + 1);
}

function writeInt(bytes: Uint8Array, at: number, value: number, width: number, bigEndian: boolean): void {
  let v = BigInt(Math.min(value, 2 ** 64 - 1));
  const mask = (1n << BigInt(width * 8)) - 1n;
  v &= mask;
  for (let i = 0; i < width && at + i < bytes.length; i++) {
    const shift = BigInt(8 * (bigEndian ? width - 1 - i : i));
    bytes[at + i] = Number((v >> shift) & 0xffn);
  }
}

/** Nesting that is hard on recursive parsers, in the syntax of the format around it. */
function nesting(r: Random): string {
  const depth = 10 + below(r, 5000);
  switch (below(r, 7)) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth);
    case 1:
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    case 2:
      return Array.from({ length: Math.min(depth, 400) }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' v\n';
    case 3:
      return Array.from({ length: Math.min(depth, 400) }, (_, i) => ' '.repeat(2 * i) + '- ').join('\n') + 'x\n';
    case 5:
      // Compact block collections on one line: one level for each indicator, deep enough to overflow a recursive composer.
      return '- '.repeat(depth * 8) + 'x\n';
    case 6:
      return '? '.repeat(depth * 8) + 'x\n';
    default:
      return '('.repeat(depth) + ')'.repeat(depth);
  }
}

type Mutator = (b: Uint8Array, r: Random, others: readonly Uint8Array[]) => Uint8Array;

const MUTATORS: Mutator[] = [
  // Bit flip.
  (b, r) => {
    if (!b.length) return b;
    const out = b.slice();
    const at = position(r, b.length - 1);
    out[at] ^= 1 << below(r, 8);
    return out;
  },
  // Random bytes over a few positions.
  (b, r) => {
    const out = b.slice();
    for (let n = 1 + below(r, 8); n > 0 && out.length; n--) out[position(r, out.length - 1)] = below(r, 256);
    return out;
  },
  // An interesting integer over a header field.
  (b, r) => {
    if (!b.length) return b;
    const out = b.slice();
    const width = pick(r, [1, 2, 4, 8]);
    writeInt(out, position(r, Math.max(0, b.length - width)), pick(r, INTERESTING), width, r() < 0.3);
    return out;
  },
  // Truncation.
  (b, r) => b.slice(0, below(r, b.length + 1)),
  // A range deleted.
  (b, r) => {
    const at = below(r, b.length + 1);
    return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + below(r, 64))));
  },
  // A range repeated.
  (b, r) => {
    const at = below(r, b.length + 1);
    const piece = b.subarray(at, at + 1 + below(r, 256));
    const times = 1 + below(r, r() < 0.1 ? 2000 : 8);
    return concat(b.subarray(0, at), ...Array.from({ length: times }, () => piece), b.subarray(at));
  },
  // A range repeated with its first quoted name numbered in each copy: many distinct keys, tensors, entries.
  (b, r) => {
    const at = below(r, b.length + 1);
    const piece = Buffer.from(b.subarray(at, at + 1 + below(r, 256))).toString('latin1');
    const quote = piece.indexOf('"');
    if (quote === -1) return b;
    const copies = Array.from({ length: 1 + below(r, 20_000) }, (_, i) => piece.slice(0, quote + 1) + `n${i}_` + piece.slice(quote + 1));
    return concat(b.subarray(0, at), new Uint8Array(Buffer.from(copies.join(''), 'latin1')), b.subarray(at));
  },
  // A splice with another seed: this file's head, the other's tail (or a piece of it inserted).
  (b, r, others) => {
    if (!others.length) return b;
    const o = pick(r, others);
    if (r() < 0.5) return concat(b.subarray(0, below(r, b.length + 1)), o.subarray(below(r, o.length + 1)));
    const at = below(r, b.length + 1);
    const from = below(r, o.length + 1);
    return concat(b.subarray(0, at), o.subarray(from, from + below(r, 512)), b.subarray(at));
  },
  // A token of some syntax inserted.
  (b, r) => {
    const at = below(r, b.length + 1);
    return concat(b.subarray(0, at), ascii(pick(r, TOKENS)), b.subarray(at));
  },
  // Invalid UTF-8.
  (b, r) => {
    const at = below(r, b.length + 1);
    return concat(b.subarray(0, at), pick(r, INVALID_UTF8), b.subarray(at));
  },
  // NUL bytes.
  (b, r) => {
    const at = below(r, b.length + 1);
    return concat(b.subarray(0, at), new Uint8Array(1 + below(r, r() < 0.2 ? 10_000 : 4)), b.subarray(at));
  },
  // A long line.
  (b, r) => {
    const at = below(r, b.length + 1);
    const ch = pick(r, ['a', ' ', '\\', '"', '#', '-', '0', 'A=']);
    return concat(b.subarray(0, at), ascii(ch.repeat(1000 + below(r, 300_000))), b.subarray(at));
  },
  // Deep nesting.
  (b, r) => {
    const at = below(r, b.length + 1);
    return concat(b.subarray(0, at), ascii(nesting(r)), b.subarray(at));
  },
  // A number of the text replaced by a huge or odd one.
  (b, r) => {
    const s = Buffer.from(b).toString('latin1');
    const numbers = [...s.matchAll(/\d+/g)];
    if (!numbers.length) return b;
    const m = pick(r, numbers);
    const by = pick(r, ['0', '-1', '4294967296', '18446744073709551615', '99999999999999999999999999', '1e400', '0.5', '00']);
    return concat(b.subarray(0, m.index), ascii(by), b.subarray(m.index + m[0].length));
  },
  // Lines shuffled: one line moved elsewhere.
  (b, r) => {
    const lines = Buffer.from(b).toString('latin1').split('\n');
    if (lines.length < 2) return b;
    const [line] = lines.splice(below(r, lines.length), 1);
    lines.splice(below(r, lines.length + 1), 0, line);
    return new Uint8Array(Buffer.from(lines.join('\n'), 'latin1'));
  },
];

/** Values of every type, to put where a rule expects another (a container list that is a number). */
const CONFUSING: readonly (() => unknown)[] = [
  () => null,
  () => 0,
  () => -1,
  () => 1e308,
  () => 2 ** 53 + 1,
  () => '',
  () => 'x',
  () => 'a'.repeat(100_000),
  () => true,
  () => [],
  () => [null],
  () => [[[]]],
  () => ({}),
  () => ({ __proto__: null, constructor: 1 }),
  () => ({ a: null }),
  () => '0x1F',
  () => '1e3',
  () => '-',
  () => ':',
  () => '${X}',
  () => '{{ .Values.x }}',
];

/** Every place in a parsed document: the parent and the key of each value. */
function places(root: unknown): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
  const out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 50 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v))
      v.forEach((item, i) => {
        out.push({ parent: v, key: i });
        walk(item, depth + 1);
      });
    else
      for (const [k, item] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k });
        walk(item, depth + 1);
      }
  };
  walk(root, 0);
  return out;
}

/**
 * A structure-aware mutation of YAML or JSON text: a value replaced by one of another type, a key
 * removed, renamed to a prototype's name or added, an item repeated; written back as JSON when the
 * text was JSON. Text that does not parse is left to the byte mutations.
 */
function mutateTree(b: Uint8Array, r: Random): Uint8Array | undefined {
  if (b.length > 512 * 1024 || b.subarray(0, 1024).includes(0)) return undefined;
  const text = Buffer.from(b).toString('utf8');
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, { json: true });
  } catch {
    return undefined;
  }
  const all = docs.flatMap((d) => places(d));
  if (!all.length) return undefined;
  for (let n = 1 + below(r, 3); n > 0; n--) {
    const { parent, key } = pick(r, all);
    const choice = below(r, 6);
    if (choice <= 2) (parent as Record<string | number, unknown>)[key] = pick(r, CONFUSING)();
    else if (choice === 3 && !Array.isArray(parent)) {
      const value = parent[key as string];
      delete parent[key as string];
      const name = pick(r, ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']);
      if (r() < 0.5) Object.defineProperty(parent, name, { value, enumerable: true, writable: true, configurable: true });
    } else if (choice === 4 && Array.isArray(parent)) {
      const item = parent[key as number];
      parent.splice(key as number, 0, ...Array.from({ length: below(r, 2000) }, () => item));
    } else {
      const value = (parent as Record<string | number, unknown>)[key];
      (parent as Record<string | number, unknown>)[key] = r() < 0.5 ? [value] : { [pick(r, ['name', 'value', 'key', 'x'])]: value };
    }
  }
  const json = /^\s*[[{]/.test(text);
  let out: string;
  try {
    out = json
      ? docs.map((d) => JSON.stringify(d, null, r() < 0.5 ? 2 : undefined)).join('\n')
      : docs.map((d) => yaml.dump(d, { noRefs: true, lineWidth: -1 })).join('---\n');
  } catch {
    return undefined;
  }
  return new Uint8Array(Buffer.from(out, 'utf8'));
}

/** One to four mutations of `bytes`; `others` are other seeds to splice with. Text formats get structure-aware mutations half the time. */
export function mutate(bytes: Uint8Array, r: Random, others: readonly Uint8Array[]): Uint8Array {
  if (r() < 0.5) {
    const tree = mutateTree(bytes, r);
    if (tree) return r() < 0.8 ? tree : pick(r, MUTATORS)(tree, r, others);
  }
  let out = bytes;
  for (let n = 1 + below(r, 4); n > 0; n--) out = pick(r, MUTATORS)(out, r, others);
  return out;
}

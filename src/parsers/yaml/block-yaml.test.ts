import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { heapAfterCollection, memoryAfterCollection } from '../../testing/memory-after-collection.js';
import { rng } from '../../../bench/seeded-random.mjs';
import { DEFAULT_LIMITS, ParseFailure } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { allRules } from '../../rules/index.js';
import { loadBlockYaml } from './block-yaml.js';
import { KUBE_SCHEMA } from './kube-schema.js';
import { PositionTable } from './position-table.js';
import { loadYaml } from './yaml-parser.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAX_DEPTH = 100;

type Outcome = { documents: unknown[]; table: PositionTable } | { error: string };

function withJsYaml(text: string): Outcome {
  const table = new PositionTable(text);
  try {
    const documents = yaml.loadAll(text, null, { schema: KUBE_SCHEMA, maxDepth: MAX_DEPTH, listener: table.listener } as yaml.LoadOptions);
    return { documents: documents as unknown[], table: table.seal() };
  } catch (e) {
    return { error: String(e) };
  }
}

/** Equal as js-yaml values: same types, `Object.is` for scalars, same keys in the same order. */
function sameValue(a: unknown, b: unknown, path = ''): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null)
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} (${typeof a}) vs ${String(b)} (${typeof b})`;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different kinds`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\0') !== kb.join('\0')) return `${path}: keys ${ka.join(',')} vs ${kb.join(',')}`;
  for (const k of ka) {
    const d = sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`);
    if (d) return d;
  }
  return undefined;
}

/** Same node shape at every recorded node: scalars equal, collections of the same kind and size. */
function sameNode(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length;
  return !Array.isArray(b) && Object.keys(a).join('\0') === Object.keys(b as object).join('\0');
}

/**
 * Reads `text` with the block reader and with js-yaml. Returns undefined when the block reader gave
 * the text up (js-yaml reads it then), else the differences found (none when both agree).
 */
function differences(text: string): string[] | undefined {
  const table = new PositionTable(text);
  const documents = loadBlockYaml(text, table, MAX_DEPTH);
  if (documents === undefined) return undefined;
  table.seal();
  const reference = withJsYaml(text);
  if ('error' in reference)
    return [`js-yaml fails (${reference.error.split('\n')[0]}) where the block reader read ${documents.length} documents`];
  const out: string[] = [];
  const valueDiff = sameValue(reference.documents, documents);
  if (valueDiff) out.push(`values ${valueDiff}`);
  const ref = reference.table;
  if (ref.count !== table.count) out.push(`node count ${ref.count} vs ${table.count}`);
  if (ref.roots.join() !== table.roots.join()) out.push(`roots ${ref.roots.join()} vs ${table.roots.join()}`);
  if (ref.maxDepth !== table.maxDepth) out.push(`depth ${ref.maxDepth} vs ${table.maxDepth}`);
  for (const field of ['open', 'close', 'parent', 'after'] as const) {
    const n = Math.max(ref[field].length, table[field].length);
    for (let i = 0; i < n; i++)
      if (ref[field][i] !== table[field][i]) {
        out.push(`${field}[${i}] ${ref[field][i]} vs ${table[field][i]}`);
        break;
      }
  }
  for (let i = 0; i < ref.count; i++)
    if (!sameNode(ref.results[i], table.results[i])) {
      out.push(`result of node ${i}: ${String(ref.results[i])} vs ${String(table.results[i])}`);
      break;
    }
  return out;
}

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/i.test(entry.name)) yield path;
  }
}

/** Checks each text; returns how many the block reader read itself. */
function checkAll(texts: Iterable<[string, string]>): { read: number; total: number } {
  let read = 0;
  let total = 0;
  const failures: string[] = [];
  for (const [name, text] of texts) {
    total++;
    const diff = differences(text);
    if (diff === undefined) continue;
    read++;
    if (diff.length > 0) failures.push(`${name}: ${diff.join('; ')}\n${JSON.stringify(text).slice(0, 2000)}`);
  }
  expect(failures.slice(0, 5)).toEqual([]);
  return { read, total };
}

describe('the block YAML reader against js-yaml', () => {
  it('reads every YAML file of the repository as js-yaml does, or leaves it to js-yaml', () => {
    const files = ['test', 'examples', 'deploy', 'src'].flatMap((d) => [...yamlFiles(join(REPO, d))]);
    const { read, total } = checkAll(files.map((f) => [f.slice(REPO.length), readFileSync(f, 'utf8')] as [string, string]));
    expect(total).toBeGreaterThan(200);
    // Most of them are plain block YAML: the reader must take them, not give everything up.
    expect(read / total).toBeGreaterThan(0.75);
  });

  it("reads the rules' YAML examples as js-yaml does", () => {
    const texts: Array<[string, string]> = [];
    for (const rule of allRules)
      for (const example of [...rule.meta.examples.bad, ...rule.meta.examples.good])
        if (/\.ya?ml$/i.test(example.path) && typeof example.content === 'string')
          texts.push([`${rule.meta.id} ${example.path}`, example.content]);
    const { read, total } = checkAll(texts);
    expect(total).toBeGreaterThan(100);
    expect(read / total).toBeGreaterThan(0.75);
  });

  it("reads the benchmark corpus's manifests as js-yaml does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-block-yaml-'));
    try {
      const corpus = (await import(pathToFileURL(join(REPO, 'bench', 'k8s-corpus.mjs')).href)) as {
        generateK8sCorpus(dir: string, files: number, perFile: number, seed: number): number;
      };
      corpus.generateK8sCorpus(dir, 100, 10, 7);
      const files = [...yamlFiles(dir)];
      const { read, total } = checkAll(files.map((f) => [f, readFileSync(f, 'utf8')] as [string, string]));
      expect(total).toBe(100);
      expect(read).toBe(total);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records the nodes js-yaml records for the shapes manifests take', () => {
    const cases = [
      '',
      '\n',
      '# only a comment\n',
      'a: 1',
      'a: 1\n---\nb: 2\n',
      '---\n---\n',
      'a: 1\n...\n---\nb: [x, {y: 1}]\n...\n',
      '--- # doc\nkind: Pod\nspec:\n  containers:\n  - name: c\n    args: ["a", \'b\']\n    env:\n    - name: X\n      value: "1"\n',
      'items:\n- a\n-\n- - b\n  - c\n-   d: 1\n    e:\n',
      'key:\n  value\nother: |\n  text\n\n   more\n\nlast: >-\n  folded\n  lines\n\n  para\n',
      "a: \"\\x41\\u00e9\\U0001F600\\t\\\\ \\\"q\\\"\"\nb: 'it''s'\nc: ''\n",
      'k: 010\nl: 0x1F\nm: 0o17\nn: -.inf\no: .NaN\np: 1_000\nq: 1e3\nr: +12.5\ns: yes\nt: Off\nu: ~\nv: 2001-12-14\nw: null\n',
      'true: 1\n1: a\n~: b\n1.5: c\n.inf: d\n0x10: e\n"x": f\n',
      '__proto__: {a: 1}\nconstructor: x\n',
      'a: b # comment\nc: d#not\ne: f  \n  # indented comment\ng: h\n',
      'list: []\nmap: {}\nnested: [[], {}, [a, [b]], {a: [1, 2], "b": c}]\npair: [a: b, c]\n',
      'flow: [\n  a,\n  b\n]\nnext: 1\n',
      'script: |+\n  keep\n\n\nafter: |2-\n    indented\n  end: 1\n',
      '\uFEFFkind: Pod\n',
      'kind: Pod\r\nmetadata:\r\n  name: x\r\n',
      '- a\n- b: c\n  d: e\n- |\n  x\n',
      'description: a long\n  plain text\n\n  over lines # and a comment\nnext: "and a\n  quoted \\\n  one"\nlast: \'single\n\n  quoted\'\n',
      'key: value\n  # indented comment after a value\nother: x\n',
    ];
    for (const text of cases) {
      const diff = differences(text);
      expect({ text, diff }).toEqual({ text, diff: [] });
    }
  });

  it('gives up what it does not read, so that js-yaml reads it (and reports its errors)', () => {
    const outside = [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '<<: {a: 1}\n',
      '? a\n: b\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: "one\n---\n  two"\n',
      'a: "one\n\ttwo"\n',
      'a:\n\t- b\n',
      'a: 1\na: 2\n',
      'a: 1\n b: 2\n',
      'a: b: c\n',
      'a: "\\q"\n',
      'a: [1, 2\n',
      'a: @x\n',
      'a: x\u0001y\n',
      'a: 1\0\n',
      'a:\n  - b\n c: d\n',
      '[a, b]: c\n',
    ];
    for (const text of outside) {
      const table = new PositionTable(text);
      expect({ text, read: loadBlockYaml(text, table, MAX_DEPTH) !== undefined }).toEqual({ text, read: false });
    }
  });

  it('gives a document nested deeper than the limit up to js-yaml', () => {
    const deep = Array.from({ length: 12 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(loadBlockYaml(deep, new PositionTable(deep), 5)).toBeUndefined();
    expect(loadBlockYaml(deep, new PositionTable(deep), 100)).toBeDefined();
  });

  it('reads seeded random block YAML as js-yaml does, or gives it up', () => {
    // BLOCK_YAML_FUZZ=SEED:CASES runs a longer search with another seed.
    const [seed, cases] = (process.env.BLOCK_YAML_FUZZ ?? '20261205:4000').split(':').map(Number);
    const random = rng(seed);
    const texts: Array<[string, string]> = [];
    for (let i = 0; i < cases; i++) {
      let text = randomStream(random);
      if (random() < 0.35) text = mutate(text, random);
      texts.push([`random #${i}`, text]);
    }
    const { read, total } = checkAll(texts);
    // The generator must exercise the reader, not only its way out.
    expect(read / total).toBeGreaterThan(0.3);
    expect(read).toBeLessThan(total);
  });
});

/** Reads `text` as the scan does and checks that its `name` is `value`. */
function readName(text: string, value: string): void {
  const table = new PositionTable(text);
  const documents = loadBlockYaml(text, table, MAX_DEPTH);
  table.seal();
  if ((documents?.[0] as { name?: string } | undefined)?.name !== value) throw new Error('the text was not read');
}

describe('the block YAML reader in a long-running process', () => {
  it('keeps no file text alive through its cache of short scalars', () => {
    const size = 32 << 20;
    const before = heapAfterCollection();
    (() => {
      // A value new to the cache, long enough (13 characters or more) for V8 to cut it as a view of the text.
      const value = `kept-${Math.random().toString(36).slice(2, 14)}`;
      readName(`# ${'x'.repeat(size)}\nname: ${value}\n`, value);
    })();
    // The last match of a regular expression holds its subject: one on a string of its own.
    /x/.test('y');
    const retained = heapAfterCollection() - before;
    // The text and the reader's copy of it are 32 MB each; what is left of them must be far less.
    expect(retained).toBeLessThan(size / 4);
  });

  it('keeps no file text alive through its cache when a long scalar is read again in another file', () => {
    const size = 16 << 20;
    const before = heapAfterCollection();
    (() => {
      // Read once (the cache keeps no value for it yet), then again: the cache keeps a copy of its own.
      const value = `kept-${Math.random().toString(36).slice(2, 14)}`;
      for (let round = 0; round < 3; round++) {
        readName(`# ${String(round).repeat(size)}\nname: ${value}\n`, value);
      }
    })();
    /x/.test('y');
    const retained = heapAfterCollection() - before;
    expect(retained).toBeLessThan(size / 4);
  });

  it('keeps no copy of a file text alive through a long value it read: only the text, which the scan keeps anyway', () => {
    const size = 32 << 20;
    const before = heapAfterCollection();
    const kept = (() => {
      // Longer than the cache takes: a view of what it is cut from.
      const value = `kept-${'v'.repeat(40)}-${Math.random().toString(36).slice(2, 14)}`;
      const text = `# ${'x'.repeat(size)}\nname: ${value}\n`;
      const table = new PositionTable(text);
      const documents = loadBlockYaml(text, table, MAX_DEPTH);
      table.seal();
      return { text, value: (documents?.[0] as { name?: string } | undefined)?.name };
    })();
    /x/.test('y');
    const retained = heapAfterCollection() - before;
    expect(kept.value).toMatch(/^kept-v{40}-/);
    // The text itself (32 MB) and nothing like a second copy of it.
    expect(retained).toBeLessThan(size * 1.25);
    expect(kept.text.length).toBeGreaterThan(size);
  });

  it.each(['read', 'given up'] as const)('holds on to no copy of the code units of the largest file it read, once it is %s', (end) => {
    const size = 16 << 20;
    const before = memoryAfterCollection();
    (() => {
      const text = `# ${'x'.repeat(size)}\nname: value\n${end === 'given up' ? 'ports: [80\n' : ''}`;
      const table = new PositionTable(text);
      const documents = loadBlockYaml(text, table, MAX_DEPTH);
      table.discard();
      if ((documents === undefined) !== (end === 'given up')) throw new Error('not read as expected');
    })();
    // The code units of the text took 32 MB while it was read.
    expect(memoryAfterCollection() - before).toBeLessThan(size / 4);
    // And the next text is read as before, none of the longer text's code units read past its end.
    expect(differences('a: b\n--- c')).toEqual([]);
    expect(differences('- a\n- b\n')).toEqual([]);
  });

  it('reads a text as js-yaml does whatever longer text it read before', () => {
    for (const [longer, text] of [
      ['a: b\n--- c\n', 'a: b'],
      ['a: "b"\n...\n', 'a: "b"'],
      ['- a\n- - b\n', '- a\n-'],
      ['k: |\n  x\n  y\n', 'k: |'],
    ]) {
      loadBlockYaml(longer, new PositionTable(longer), MAX_DEPTH);
      expect({ text, differences: differences(text) }).toEqual({ text, differences: [] });
    }
  });

  it('keeps no file text alive through the values recorded for a file it gave up, which js-yaml failed to read', () => {
    const size = 32 << 20;
    const before = heapAfterCollection();
    (() => {
      const value = `kept-${Math.random().toString(36).slice(2, 14)}`;
      const text = `# ${'x'.repeat(size)}\nname: ${value}\nports: [80\n`;
      expect(() => loadYaml(new MemorySourceFile('big.yaml', text), { limits: DEFAULT_LIMITS })).toThrow(ParseFailure);
    })();
    /x/.test('y');
    const retained = heapAfterCollection() - before;
    expect(retained).toBeLessThan(size / 4);
  });
});

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

const KEYS = [
  'name',
  'image',
  'kind',
  'apiVersion',
  'app.kubernetes.io/name',
  'a b',
  'x-y_z',
  '1',
  '0x1F',
  '010',
  'true',
  'yes',
  'Off',
  'null',
  '~',
  '1.5',
  '.inf',
  '-1',
  '"quoted"',
  "'single'",
  '"with: colon"',
  '__proto__',
  'constructor',
  'toString',
  'key#hash',
  'k:v',
  'ünï',
  '"<<"',
  '-dash',
  '?q',
  'a\tb',
  '"esc\tkey"',
  "'it''s'",
];
/** Keys that js-yaml refuses or that the reader leaves to it. */
const EDGE_KEYS = ['<<', '? x', '&a k', '!t k', '[a]', '{a: 1}', '*a', '@k', '"multi\n  line"', "'x", 'a: b'];
const SCALARS = [
  'plain',
  'two words',
  'trailing  ',
  'nginx:1.27',
  'http://x.y/z?a=b#c',
  'a #comment',
  'a# b',
  ':colon',
  '-dash',
  '?query',
  'x,y',
  'x]',
  'x}',
  'x{',
  'x[',
  '',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'yes',
  'Yes',
  'NO',
  'n',
  'Y',
  'on',
  'OFF',
  'y',
  '0',
  '-0',
  '+0',
  '00',
  '010',
  '0o17',
  '0o19',
  '0x1F',
  '0xg',
  '0b101',
  '0b2',
  '1_000',
  '1__0',
  '12',
  '-12',
  '+12',
  '1.5',
  '-1.5',
  '1.',
  '.5',
  '1e3',
  '1E-3',
  '1.5e+3',
  '6.8523015e+5',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  '1_0.5',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '12:30:00',
  '190:20:30',
  '0.',
  '---x',
  '...x',
  'ünïcödé',
  'emoji 😀',
  'x\u2028y',
  'tab\there',
  '"dq"',
  '"esc \\t \\x41 \\u263A \\U0001F600 \\\\ \\" \\/"',
  '"\\0\\a\\b\\e\\N\\_\\L\\P"',
  '"tab\tin"',
  "'sq'",
  "'it''s'",
  "''",
  '""',
  '[]',
  '{}',
  '[a, b]',
  '["a", \'b\', 1, true, ~]',
  '{a: 1, b: [x, y]}',
  '{"a":1,"b":"c"}',
  '[a: b, c]',
  '{a}',
  '{a: }',
  '[a,]',
  '[a, [b, [c]]]',
  '[\n  x,\n  y\n]',
  '{a: 1,\n  b: 2}',
  'a:b',
  'x\u00a0y',
  'a\u00a0#b',
  '[a # c\n  , b]',
  'one\n  two',
  'one  \n\n   two\n  three',
  'a\n  b: c',
  'a\n  # c',
  'a\n  b #c',
  'x\n  -y',
  'x\n  - y',
  'long\n key: v',
  '"one\n  two"',
  '"a \\\n   b"',
  '"a  \n\n  b"',
  '"a\n"',
  "'one\n  two'",
  "'a''\n\n  b  '",
  '[a\n  b]',
  '{a: x\n  y}',
];
/** Scalars that js-yaml refuses or that the reader leaves to it. */
const EDGE_SCALARS = [
  '@at',
  '%pct',
  '`tick',
  '-',
  '--',
  'x\u0085y',
  'ctl\u0001x',
  'del\u007fx',
  '"bad \\q"',
  '"unterminated',
  "'unterminated",
  '&anchor x',
  '*alias',
  '!!str 12',
  '!tag x',
  '[a, , b]',
  '[a b]',
  '{a: 1, a: 2}',
  '{? a}',
  '[*a]',
  '| text',
  'a: b',
  '#',
  '\ud800',
  '{<<: {a: 1}}',
  '[[a]: b]',
];

function randomKey(random: () => number): string {
  return random() < 0.03 ? pick(random, EDGE_KEYS) : pick(random, KEYS);
}

function randomScalar(random: () => number): string {
  return random() < 0.03 ? pick(random, EDGE_SCALARS) : pick(random, SCALARS);
}

function blockScalar(random: () => number, indent: string): string {
  const header =
    random() < 0.05
      ? pick(random, ['|0', '|++', '|x', '|22'])
      : pick(random, ['|', '>', '|-', '>-', '|+', '>+', '|2', '>1', '|2-', '|-2', '| # c']);
  const lines: string[] = [];
  const n = Math.floor(random() * 5);
  for (let i = 0; i < n; i++)
    lines.push(
      pick(random, [
        `${indent}  line ${i}`,
        '',
        `${indent}    more indented`,
        `${indent}  \ttab after indent`,
        `${indent} `,
        `${indent}  # not a comment`,
        `${indent}  trailing  `,
      ]),
    );
  return `${header}\n${lines.join('\n')}${random() < 0.3 ? '\n\n' : ''}`;
}

function randomValue(random: () => number, indent: string, depth: number): string {
  const r = random();
  if (depth > 4 || r < 0.45) {
    const s = randomScalar(random);
    if (s.includes('\n')) return ` ${s.replace(/\n/g, `\n${indent}${pick(random, ['', ' ', '  '])}`)}`;
    if (s !== '' && random() < 0.08) return `${pick(random, ['', ' # comment', '   '])}\n${indent}${pick(random, ['  ', ' ', ''])}${s}`;
    return s === '' ? '' : `${pick(random, [' ', ' ', ' ', '   '])}${s}${random() < 0.1 ? ' # comment' : ''}`;
  }
  if (r < 0.55) return ` ${blockScalar(random, indent)}`;
  if (r < 0.75) return `\n${randomMapping(random, indent + pick(random, ['  ', '  ', '    ', ' ']), depth + 1)}`;
  const seqIndent = random() < 0.5 ? indent : indent + '  ';
  return `\n${randomSequence(random, seqIndent, depth + 1)}`;
}

function randomMapping(random: () => number, indent: string, depth: number): string {
  const n = 1 + Math.floor(random() * 4);
  const lines: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    if (random() < 0.1) lines.push(pick(random, [`${indent}# comment`, '', `# outdented comment`, `${indent}  # deeper comment`]));
    let key = randomKey(random);
    // Now and then a duplicated key, which js-yaml refuses.
    while (used.has(key) && random() < 0.97) key = randomKey(random);
    used.add(key);
    const colon = random() < 0.05 ? pick(random, [' :', '  :', ':']) : ':';
    lines.push(`${indent}${key}${colon}${randomValue(random, indent, depth)}`);
  }
  return lines.join('\n');
}

function randomSequence(random: () => number, indent: string, depth: number): string {
  const n = 1 + Math.floor(random() * 3);
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.4) {
      const scalar = randomScalar(random);
      items.push(scalar === '' ? `${indent}-` : `${indent}- ${scalar}`);
    } else if (r < 0.75) {
      // Compact nesting: `- key: value` with the rest of the mapping under the first key.
      const inner = randomMapping(random, `${indent}  `, depth + 1);
      items.push(`${indent}- ${inner.trimStart()}`);
    } else if (r < 0.85) items.push(`${indent}- ${randomSequence(random, `${indent}  `, depth + 1).trimStart()}`);
    else if (r < 0.9) items.push(`${indent}-`);
    else if (r < 0.92) items.push(`${indent}- # comment\n${randomMapping(random, `${indent}  `, depth + 1)}`);
    else items.push(`${indent}- ${blockScalar(random, indent)}`);
  }
  return items.join('\n');
}

function randomDocument(random: () => number): string {
  const r = random();
  if (r < 0.7) return randomMapping(random, '', 0);
  if (r < 0.85) return randomSequence(random, '', 0);
  if (r < 0.9) return randomScalar(random);
  return '';
}

function randomStream(random: () => number): string {
  const n = 1 + Math.floor(random() * 3);
  const parts: string[] = [];
  if (random() < 0.2) parts.push('# leading comment\n');
  for (let i = 0; i < n; i++) {
    if (random() < 0.05) {
      parts.push(`--- ${randomScalar(random)}\n`);
      continue;
    }
    if (i > 0 || random() < 0.3) parts.push(pick(random, ['---\n', '--- # c\n', '---\n\n', '...\n---\n']));
    parts.push(randomDocument(random) + '\n');
  }
  if (random() < 0.15) parts.push(pick(random, ['---\n', '...\n', '---', '# trailing']));
  let text = parts.join('');
  if (random() < 0.2) text = text.replace(/\n+$/, '');
  if (random() < 0.05) text = text.replace(/\n/g, '\r\n');
  if (random() < 0.03) text = '\uFEFF' + text;
  return text;
}

/** Near misses: a character inserted, removed or replaced, a line indented or outdented, lines swapped. */
function mutate(text: string, random: () => number): string {
  if (text.length === 0) return text;
  const at = Math.floor(random() * text.length);
  const r = random();
  if (r < 0.25)
    return (
      text.slice(0, at) +
      pick(random, [' ', '\t', ':', '-', '#', '"', "'", '[', '{', '\n', '&', '*', '!', '?', '|', '>', ',']) +
      text.slice(at)
    );
  if (r < 0.45) return text.slice(0, at) + text.slice(at + 1);
  const lines = text.split('\n');
  const i = Math.floor(random() * lines.length);
  if (r < 0.65) lines[i] = ' ' + lines[i];
  else if (r < 0.8) lines[i] = lines[i].replace(/^ /, '');
  else if (r < 0.9 && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
  else lines[i] = '\t' + lines[i];
  return lines.join('\n');
}

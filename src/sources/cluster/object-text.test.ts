import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { At, Located } from '../../core/document.js';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { MemorySourceFile, type SourceFile } from '../../core/source-file.js';
import type { ObjectPath } from '../../core/types.js';
import { YamlValueDocument, type YamlFile } from '../../parsers/yaml/yaml-document.js';
import { KUBE_SCHEMA, loadYaml } from '../../parsers/yaml/yaml-parser.js';
import { allRules } from '../../rules/index.js';
import type { ClusterListing } from '../../core/source-file.js';
import { k8sClassifier } from '../../parsers/k8s/k8s-classifier.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { createYamlParser } from '../../parsers/yaml/yaml-parser.js';
import { depthTable, positionsOf } from './object-text.js';
import { ObjectFile } from '../object-file.js';

class ValueDocument extends YamlValueDocument {
  readonly kind = 'value';
  constructor(source: YamlFile) {
    super(source, 0, []);
  }
}

const ctx = { limits: DEFAULT_LIMITS };

/** Every path in `value`, parents before children. */
/** The Kubernetes objects of every rule's YAML and JSON examples, as the API answers them: JSON values only. */
function exampleObjects(): Array<Record<string, unknown>> {
  const objects: Array<Record<string, unknown>> = [];
  for (const rule of allRules)
    for (const ex of [...rule.meta.examples.bad, ...rule.meta.examples.good]) {
      if (typeof ex.content !== 'string' || !/\.(ya?ml|json)$/.test(ex.path)) continue;
      let docs: unknown[];
      try {
        docs = yaml.loadAll(ex.content, null, { schema: KUBE_SCHEMA });
      } catch {
        continue;
      }
      for (const doc of docs)
        if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'kind' in doc)
          objects.push(JSON.parse(JSON.stringify(doc)) as Record<string, unknown>);
    }
  return objects;
}

function pathsOf(value: unknown, base: ObjectPath = []): ObjectPath[] {
  const out: ObjectPath[] = [base];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...base, i])));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out.push(...pathsOf(v, [...base, k]));
  return out;
}

/** What the positions of `value`'s text found by walking it locate, beside what parsing that text with js-yaml locates. */
function locateBothWays(value: Record<string, unknown>, at: (path: ObjectPath) => At[]): Array<[Located, Located]> {
  const text = JSON.stringify(value, null, 2);
  const table = positionsOf(value, text);
  expect(table).toBeDefined();
  const walked = Object.assign(new MemorySourceFile('object.json', text), { positions: () => table }) as SourceFile;
  const parsed = new MemorySourceFile('object.json', text);
  const byWalk = new ValueDocument(loadYaml(walked, ctx).source);
  const byParse = new ValueDocument(loadYaml(parsed, ctx).source);
  const pairs: Array<[Located, Located]> = [];
  for (const path of [...pathsOf(value), ['missing'], ['metadata', 'missing', 'deeper']])
    for (const a of at(path)) pairs.push([byWalk.locate(a), byParse.locate(a)]);
  return pairs;
}

const atEveryNode = (path: ObjectPath): At[] => [path];

const tricky = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'tricky', labels: {}, annotations: { 'a"b': 'quote " and backslash \\ and \\"', 'line\nbreak': 'tab\there' } },
  data: {
    unicode: 'ünïcødé ✓ 𝄞',
    lone: 'broken \ud800 surrogate',
    control: '\u0001\u001f',
    trailingBackslash: 'ends with \\',
    // Escapes that put a quote, or a backslash before one, where the string would end unescaped.
    quoteLast: 'ab"',
    escapedBoth: '\\"',
    onlyQuote: '"',
    newlineQuote: '\n"',
    'key\\': 'x\\',
    'k"': '"k',
    separator: '\u2028 and é',
    empty: '',
    '': 'empty key',
    '0': 'integer-like key',
  },
  spec: {
    numbers: [0, -1, 1.5, 1e21, -0, 123456789012, 5e-7],
    flags: [true, false, null],
    nested: [[], [[]], {}, [{}], [{ only: 1 }], [[1, [2, { three: [3] }]]]],
    skipped: undefined,
    holes: [undefined, 1],
  },
};

describe('positionsOf', () => {
  it('locates every node of an object as parsing its text does', () => {
    for (const [walk, parse] of locateBothWays(tricky, atEveryNode)) expect(walk).toEqual(parse);
  });

  it('locates text inside values as parsing does', () => {
    const find = (path: ObjectPath): At[] => [
      { path, find: 'and' },
      { path, find: '\\' },
      { path, find: 'absent' },
    ];
    for (const [walk, parse] of locateBothWays(tricky, find)) expect(walk).toEqual(parse);
  });

  it('locates every node of the Kubernetes objects of the rules’ examples as parsing does', () => {
    const objects = exampleObjects();
    for (const object of objects) for (const [walk, parse] of locateBothWays(object, atEveryNode)) expect(walk).toEqual(parse);
    expect(objects.length).toBeGreaterThan(100);
  });

  it('gives up, for the text to be parsed, when the text is not the value written as indented JSON', () => {
    const value = { kind: 'Pod', spec: { a: 'x' } };
    expect(positionsOf(value, JSON.stringify(value))).toBeUndefined();
    expect(positionsOf(value, JSON.stringify({ ...value, more: true }, null, 2))).toBeUndefined();
    expect(positionsOf({ at: new Date(0) }, JSON.stringify({ at: new Date(0) }, null, 2))).toBeUndefined();
  });

  it('records the next table whole after a walk it gave up', () => {
    // Walked to its last node before the text shows one member more.
    const large = { kind: 'ConfigMap', data: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, `v${i}`])) };
    expect(positionsOf(large, JSON.stringify({ ...large, more: true }, null, 2))).toBeUndefined();
    const small = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const table = positionsOf(small, JSON.stringify(small, null, 2))!;
    // A node for each value, and one for each key of a mapping.
    const paths = pathsOf(small);
    expect(table.count).toBe(paths.length + paths.filter((p) => typeof p[p.length - 1] === 'string').length);
    expect(table.results).toHaveLength(table.count);
    expect(table.results).not.toContain('v499');
    for (const [walk, parse] of locateBothWays(small, atEveryNode)) expect(walk).toEqual(parse);
  });

  it('records the depth of nesting for the parser to hold to its limit', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 150; i++) deep = { n: deep };
    const value = deep as Record<string, unknown>;
    const text = JSON.stringify(value, null, 2);
    const file = Object.assign(new MemorySourceFile('deep.json', text), { positions: () => positionsOf(value, text) }) as SourceFile;
    expect(() => loadYaml(file, ctx)).toThrow(/nesting is \d+ levels deep, over the limit/);
  });
});

describe('depthTable (the table of a parse whose documents are only collected)', () => {
  /** Nested `levels` deep, alternating mappings and arrays (an empty one or a scalar at the bottom). */
  function nested(levels: number, bottom: unknown): unknown {
    let v = bottom;
    for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { n: v };
    return v;
  }

  const values: unknown[] = [
    tricky,
    {},
    [],
    'scalar',
    { a: [] },
    { a: {} },
    { a: [undefined] },
    { skipped: undefined, f: () => 1 },
    ...[0, 1, 2, 3, 7].flatMap((levels) => [nested(levels, 'leaf'), nested(levels, {}), nested(levels, []), nested(levels, { x: [1] })]),
  ];

  it('records the depth positionsOf records, and the value as the one document', () => {
    for (const value of values) {
      const text = JSON.stringify(value, null, 2);
      const walked = positionsOf(value, text)!;
      const table = depthTable(value, text, DEFAULT_LIMITS.maxDepth)!;
      expect(table.maxDepth).toBe(walked.maxDepth);
      expect(table.roots.map((r) => table.results[r])).toEqual([value]);
      expect(table.results[table.roots[0]]).toBe(value);
    }
  });

  it('is deeper than the limit exactly when positionsOf is', () => {
    for (let levels = 95; levels <= 105; levels++)
      for (const bottom of ['leaf', {}, [], { x: 1 }]) {
        const value = nested(levels, bottom);
        const text = JSON.stringify(value, null, 2);
        const walked = positionsOf(value, text)!;
        const table = depthTable(value, text, 100)!;
        expect(table.maxDepth > 100).toBe(walked.maxDepth > 100);
        if (walked.maxDepth <= 101) expect(table.maxDepth).toBe(walked.maxDepth);
      }
  });

  it('leaves to positionsOf a value it would not walk', () => {
    expect(depthTable({ at: new Date(0) }, JSON.stringify({ at: new Date(0) }, null, 2), 100)).toBeUndefined();
  });

  it('collects the same documents of every Kubernetes object of the rules’ examples as a located parse, and refuses the same', () => {
    const parser = createYamlParser([k8sClassifier]);
    const listing: ClusterListing = { ref: { context: 'c', server: 'https://s' }, listed: () => false };
    let objects = 0;
    const all = exampleObjects();
    // Too deep for the limit, and just within it.
    for (const levels of [97, 98, 99, 100])
      all.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, data: nested(levels, 'x') });
    const outcome = (file: ObjectFile, collectOnly: boolean): unknown => {
      try {
        return parser.parse(file, { limits: DEFAULT_LIMITS, collectOnly }).documents.map((d) => {
          const o = d as K8sObjectDocument;
          return { kind: d.kind, resource: d.resource, object: o.object, suppressions: o.suppressions, pods: o.pods?.length };
        });
      } catch (e) {
        return (e as Error).message;
      }
    };
    let refused = 0;
    for (const object of all) {
      const collected = outcome(new ObjectFile('x', object, listing), true);
      expect(collected).toEqual(outcome(new ObjectFile('x', object, listing), false));
      if (typeof collected === 'string') refused++;
      objects++;
    }
    expect(objects).toBeGreaterThan(100);
    expect(refused).toBe(1);
  });
});

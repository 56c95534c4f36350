import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { ObjectFile } from '../../sources/object-file.js';
import { LISTS_EVERYTHING } from '../../testing/cluster-example.js';
import type { ObjectPath } from '../../core/types.js';
import {
  appendToSequence,
  applyEdits,
  appendToSequenceEdit,
  formatScalar,
  setValue,
  setValueEdit,
  type EditResult,
  type YamlEditSource,
  type YamlEditValue,
} from './yaml-edit.js';
import { KUBE_SCHEMA, loadYaml } from './yaml-parser.js';

function docOf(text: string, docIndex = 0, basePath: ObjectPath = [], path = 'f.yaml'): YamlEditSource {
  const { source } = loadYaml(new MemorySourceFile(path, text), { limits: DEFAULT_LIMITS });
  return { source, docIndex, basePath };
}

function get(v: unknown, path: ObjectPath): unknown {
  let cur = v;
  for (const seg of path) cur = (cur as Record<string | number, unknown> | undefined)?.[seg];
  return cur;
}

function edited(text: string, r: EditResult): string {
  if (!r.ok) throw new Error(`no edit: ${r.reason}`);
  return applyEdits(text, [r.edit]);
}

/** Sets the value, checks that the result parses back with the value in place and nothing else changed. */
function set(
  text: string,
  path: ObjectPath,
  value: YamlEditValue,
  opts: { docIndex?: number; basePath?: ObjectPath; file?: string } = {},
): string {
  const out = edited(text, setValue(docOf(text, opts.docIndex, opts.basePath, opts.file), path, value));
  const before = yaml.loadAll(text, null, { schema: KUBE_SCHEMA });
  const after = yaml.loadAll(out, null, { schema: KUBE_SCHEMA });
  const d = opts.docIndex ?? 0;
  const full = [...(opts.basePath ?? []), ...path];
  expect(get(after[d], full)).toEqual(value);
  // Everything else is unchanged: put the old value back (or delete the new key) and compare.
  const restore = structuredClone(after);
  const parent = get(restore[d], full.slice(0, -1)) as Record<string, unknown>;
  const old = get(before[d], full);
  if (old === undefined) delete parent[String(full[full.length - 1])];
  else parent[String(full[full.length - 1])] = old;
  pruneEmpty(restore[d], before[d]);
  expect(restore).toEqual(before);
  return out;
}

/** Removes mappings the edit created (now empty) that did not exist before. */
function pruneEmpty(v: unknown, was: unknown): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => pruneEmpty(x, (was as unknown[] | undefined)?.[i]));
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  for (const [k, x] of Object.entries(v)) {
    const prev = (was as Record<string, unknown> | undefined)?.[k];
    pruneEmpty(x, prev);
    if ((prev === undefined || prev === null) && typeof x === 'object' && x !== null && !Array.isArray(x) && Object.keys(x).length === 0) {
      if (prev === null) (v as Record<string, unknown>)[k] = null;
      else delete (v as Record<string, unknown>)[k];
    }
  }
}

describe('formatScalar', () => {
  it('writes plain scalars only when they read back as the same string', () => {
    expect(formatScalar('RuntimeDefault')).toBe('RuntimeDefault');
    expect(formatScalar('ALL')).toBe('ALL');
    expect(formatScalar('yes')).toBe('"yes"');
    expect(formatScalar('On')).toBe('"On"');
    expect(formatScalar('123')).toBe('"123"');
    expect(formatScalar('a: b')).toBe('"a: b"');
    expect(formatScalar('')).toBe('""');
    expect(formatScalar('ALL', true)).toBe('"ALL"');
    expect(formatScalar(true)).toBe('true');
    expect(formatScalar(1000)).toBe('1000');
    expect(formatScalar(null)).toBe('null');
    expect(() => formatScalar(Number.NaN)).toThrow(RangeError);
  });
});

describe('setValue', () => {
  it('replaces an existing scalar in place, keeping comments', () => {
    const text = 'a:\n  b: true # keep me\n  c: 1\n';
    expect(set(text, ['a', 'b'], false)).toBe('a:\n  b: false # keep me\n  c: 1\n');
  });

  it('replaces quoted and YAML 1.1 scalars whole', () => {
    expect(set('a: "true"\n', ['a'], false)).toBe('a: false\n');
    expect(set('a: yes\nb: 2\n', ['a'], false)).toBe('a: false\nb: 2\n');
  });

  it('adds a key at the end of a block mapping with the indentation of its keys', () => {
    const text =
      'spec:\n  containers:\n  - name: app\n    image: app:1\n    securityContext:\n      privileged: false # ok\n  volumes: []\n';
    expect(set(text, ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], false)).toBe(
      'spec:\n  containers:\n  - name: app\n    image: app:1\n    securityContext:\n      privileged: false # ok\n      allowPrivilegeEscalation: false\n  volumes: []\n',
    );
  });

  it('creates missing parent keys, nested with the file indentation step', () => {
    const text = 'spec:\n    containers:\n        -   name: app\n            image: app:1\n    hostPID: false\n';
    const out = set(text, ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], ['ALL']);
    expect(out).toBe(
      'spec:\n    containers:\n        -   name: app\n            image: app:1\n            securityContext:\n                capabilities:\n                    drop: [ALL]\n    hostPID: false\n',
    );
  });

  it('inserts after a block scalar that ends the mapping', () => {
    const text = 'c:\n  args: |\n    line1\n    line2\nd: 1\n';
    expect(set(text, ['c', 'x'], 'v')).toBe('c:\n  args: |\n    line1\n    line2\n  x: v\nd: 1\n');
  });

  it('adds at the end of a file without a final line break', () => {
    expect(set('a:\n  b: 1', ['a', 'c'], true)).toBe('a:\n  b: 1\n  c: true');
  });

  it('keeps CRLF line breaks', () => {
    const text = 'a:\r\n  b: 1\r\nz: 2\r\n';
    expect(set(text, ['a', 'c', 'd'], true)).toBe('a:\r\n  b: 1\r\n  c:\r\n    d: true\r\nz: 2\r\n');
  });

  it('fills an empty or null value', () => {
    expect(set('a:\nb: 1\n', ['a'], true)).toBe('a: true\nb: 1\n');
    expect(set('a: ~ # none\nb: 1\n', ['a'], true)).toBe('a: true # none\nb: 1\n');
    expect(set('x:\n  a: null\nb: 1\n', ['x', 'a', 'c'], 'RuntimeDefault')).toBe('x:\n  a:\n    c: RuntimeDefault\nb: 1\n');
    expect(set('- a: # note\n  b: 1\n', [0, 'a', 'c'], 1)).toBe('- a: # note\n    c: 1\n  b: 1\n');
  });

  it('adds to flow mappings, empty or not', () => {
    expect(set('a: {}\n', ['a', 'b'], false)).toBe('a: {b: false}\n');
    expect(set('a: {x: 1}\n', ['a', 'b', 'c'], 'ALL')).toBe('a: {x: 1, b: {c: ALL}}\n');
    expect(set('a: {x: 1, }\n', ['a', 'b'], 2)).toBe('a: {x: 1, b: 2 }\n');
    expect(set('a: {\n  x: 1\n}\n', ['a', 'b'], 2)).toBe('a: {\n  x: 1, b: 2\n}\n');
  });

  it('writes JSON into JSON documents', () => {
    const text = '{\n  "spec": {\n    "securityContext": {}\n  },\n  "k": [1]\n}\n';
    const out = set(text, ['spec', 'securityContext', 'seccompProfile', 'type'], 'RuntimeDefault', { file: 'f.json' });
    expect(out).toBe('{\n  "spec": {\n    "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}\n  },\n  "k": [1]\n}\n');
    expect(() => JSON.parse(out)).not.toThrow();
    const out2 = set(text, ['spec', 'hostPID'], false, { file: 'f.json' });
    expect(JSON.parse(out2)).toEqual({ spec: { securityContext: {}, hostPID: false }, k: [1] });
  });

  it('edits the right document of a multi-document file and the right List item', () => {
    const text = 'a: 1\n---\nkind: List\nitems:\n- kind: Pod\n  spec: {}\n- kind: Pod\n  spec:\n    x: 1\n';
    const out = set(text, ['spec', 'z'], true, { docIndex: 1, basePath: ['items', 1] });
    expect(out).toBe('a: 1\n---\nkind: List\nitems:\n- kind: Pod\n  spec: {}\n- kind: Pod\n  spec:\n    x: 1\n    z: true\n');
    expect(set('a: 1\n', ['y'], 'n')).toBe('a: 1\n"y": "n"\n');
  });

  it('adds a key next to a merge key', () => {
    expect(set('base: &b {x: 1}\nobj:\n  <<: *b\n  y: 2\n', ['obj', 'z'], 3)).toBe('base: &b {x: 1}\nobj:\n  <<: *b\n  y: 2\n  z: 3\n');
  });

  it('inserts before comments and siblings that follow the mapping', () => {
    const text =
      'spec:\n  containers:\n  - name: app\n    args:\n    - a\n    - b\n    # about b\n  - name: c\n    command: echo\n      hello\n';
    expect(set(text, ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], true)).toBe(
      'spec:\n  containers:\n  - name: app\n    args:\n    - a\n    - b\n    securityContext:\n      runAsNonRoot: true\n    # about b\n  - name: c\n    command: echo\n      hello\n',
    );
    expect(set(text, ['spec', 'containers', 1, 'x'], 1)).toBe(`${text}    x: 1\n`);
    expect(set(text, ['spec', 'hostPID'], false)).toBe(`${text}  hostPID: false\n`);
  });

  it('writes into one-line JSON', () => {
    expect(set('{"a":{"b":1}}', ['a', 'c'], 'x', { file: 'f.json' })).toBe('{"a":{"b":1, "c": "x"}}');
  });

  it('adds to a root mapping', () => {
    expect(set('a: 1\n# trailing comment\n', ['b'], 'x')).toBe('a: 1\nb: x\n# trailing comment\n');
  });

  it('bails out instead of guessing', () => {
    const reason = (text: string, path: ObjectPath, v: YamlEditValue) => {
      const r = setValue(docOf(text), path, v);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('a: true\n', ['a'], true)).toBe('value already set');
    expect(reason('a: &x 1\nb: *x\n', ['b'], 2)).toMatch(/anchor, alias or tag/);
    expect(reason('a: !!str 1\n', ['a'], 2)).toMatch(/anchor, alias or tag/);
    expect(reason('a: [1]\n', ['a', 3, 'b'], 2)).toBe('cannot create sequence items');
    expect(reason('a:\n  b: 1\n', ['a'], 2)).toBe('replacing a block collection');
    expect(reason('a: 1\n', ['a', 'b'], 2)).toBe('parent is not a mapping');
    expect(reason('a: {x: 1, # c\n  }\n', ['a', 'b'], 2)).toBe('comment inside a flow collection');
    expect(reason('a: {b: }\n', ['a', 'b', 'c'], 2)).toBe('empty value inside a flow mapping');
    expect(reason('base: &b {x: 1}\nobj:\n  <<: *b\n  y: 2\n', ['obj', 'x'], 2)).toBe('value comes from a merge key or an alias');
    expect(reason('a: &sc\n  x: 1\nb: *sc\n', ['a', 'y'], 2)).toMatch(/anchor, alias or tag/);
    expect(reason('a: &sc\n  x: 1\nb: *sc\n', ['b', 'y'], 2)).toMatch(/anchor, alias or tag/);
    expect(reason('a: !!map\n  x: 1\n', ['a', 'y'], 2)).toMatch(/anchor, alias or tag/);
    expect(reason('a: &sc\n  x: 1\nb: *sc\n', ['b', 'x'], 2)).toBe('value comes from a merge key or an alias');
  });
});

describe('appendToSequence', () => {
  const append = (text: string, path: ObjectPath, item: string, file = 'f.yaml') => {
    const out = edited(text, appendToSequence(docOf(text, 0, [], file), path, item));
    const got = get(yaml.load(out, { schema: KUBE_SCHEMA }), path) as unknown[];
    expect(got).toEqual([...((get(yaml.load(text, { schema: KUBE_SCHEMA }), path) as unknown[] | null) ?? []), item]);
    return out;
  };

  it('appends to block sequences at their indentation, keeping comments', () => {
    expect(append('drop:\n  - NET_RAW # no raw sockets\nx: 1\n', ['drop'], 'ALL')).toBe(
      'drop:\n  - NET_RAW # no raw sockets\n  - ALL\nx: 1\n',
    );
    expect(append('c:\n  drop:\n  - A\n  - B\n', ['c', 'drop'], 'ALL')).toBe('c:\n  drop:\n  - A\n  - B\n  - ALL\n');
  });

  it('appends to flow sequences', () => {
    expect(append('drop: [NET_RAW]\n', ['drop'], 'ALL')).toBe('drop: [NET_RAW, ALL]\n');
    expect(append('drop: []\n', ['drop'], 'ALL')).toBe('drop: [ALL]\n');
    expect(append('{"drop": ["A"]}', ['drop'], 'ALL', 'f.json')).toBe('{"drop": ["A", "ALL"]}');
  });

  it('creates a missing or empty sequence', () => {
    expect(append('c:\n  add: [X]\n', ['c', 'drop'], 'ALL')).toBe('c:\n  add: [X]\n  drop: [ALL]\n');
    expect(append('c:\n  drop:\n', ['c', 'drop'], 'ALL')).toBe('c:\n  drop: [ALL]\n');
  });

  it('does nothing when the item is there', () => {
    const r = appendToSequence(docOf('drop: [ALL]\n'), ['drop'], 'ALL');
    expect(r).toEqual({ ok: false, reason: 'item already present' });
  });
});

describe('applyEdits', () => {
  it('applies edits from the end and refuses overlaps', () => {
    expect(
      applyEdits('abcdef', [
        { span: { start: 1, end: 2 }, replacement: 'X' },
        { span: { start: 4, end: 4 }, replacement: 'Y' },
      ]),
    ).toBe('aXcdYef');
    expect(() =>
      applyEdits('abc', [
        { span: { start: 0, end: 2 }, replacement: '' },
        { span: { start: 1, end: 3 }, replacement: '' },
      ]),
    ).toThrow(RangeError);
  });
});

describe('edits made from what earlier edits of the file worked out', () => {
  const text = 'a: 1\n---\nkind: Pod\nspec:\n  containers:\n  - name: api\n    image: api:1\n---\n{"kind": "Pod", "spec": {}}\n';

  it('insert into one mapping again and again at the same place, whatever was asked before', () => {
    const doc = docOf(text, 1);
    const first = setValue(doc, ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], false);
    const second = setValue(doc, ['spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem'], true);
    const fresh = setValue(docOf(text, 1), ['spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem'], true);
    expect(second).toEqual(fresh);
    expect(first.ok && second.ok && first.edit.span).toEqual(second.ok && second.edit.span);
    expect(edited(text, second)).toContain('    image: api:1\n    securityContext:\n      readOnlyRootFilesystem: true\n---');
  });

  it('keep each document of a file in its own style', () => {
    const source = docOf(text).source;
    const block = setValue({ source, docIndex: 1, basePath: [] }, ['spec', 'hostUsers'], false);
    const json = setValue({ source, docIndex: 2, basePath: [] }, ['spec', 'hostUsers'], 'no');
    expect(block.ok && block.edit.replacement).toBe('  hostUsers: false\n');
    expect(json.ok && json.edit.replacement).toBe('{"hostUsers": "no"}');
    expect(formatScalar('no')).toBe('"no"');
    expect(formatScalar('RuntimeDefault')).toBe('RuntimeDefault');
    expect(formatScalar('RuntimeDefault', true)).toBe('"RuntimeDefault"');
  });

  it('are kept in a slot of the position table of the file, one context per document, made by the first edit', () => {
    const source = docOf(text).source;
    expect(source.table.editContexts).toBeUndefined();
    expect(setValue({ source, docIndex: 5, basePath: [] }, ['a'], 1)).toEqual({ ok: false, reason: 'document not found' });
    expect(source.table.editContexts).toBeUndefined();
    setValue({ source, docIndex: 1, basePath: [] }, ['spec', 'hostUsers'], false);
    const contexts = source.table.editContexts!;
    expect(contexts.eol).toBe('\n');
    expect(contexts.docs.map((d) => d?.root)).toEqual([undefined, source.table.roots[1]]);
    const first = contexts.docs[1];
    setValue({ source, docIndex: 1, basePath: [] }, ['spec', 'hostIPC'], false);
    setValue({ source, docIndex: 2, basePath: [] }, ['spec', 'hostIPC'], false);
    expect(source.table.editContexts).toBe(contexts);
    expect(contexts.docs[1]).toBe(first);
    expect(contexts.docs[2]?.json).toBe(true);
    // Another table of the same text starts afresh.
    expect(docOf(text).source.table.editContexts).toBeUndefined();
  });
});

describe('edits of an object read from a cluster', () => {
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } };
  const path = ['spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem'];

  it('are not made: there is no file to apply them to (the JSON written for the scan would accept them)', () => {
    const text = JSON.stringify(object, null, 2);
    const asFile = docOf(text, 0, [], 'pod.json');
    expect(setValueEdit(asFile, path, true)).toBeDefined();
    expect(appendToSequenceEdit(asFile, ['spec', 'containers', 0, 'args'], '--x')).toBeDefined();
    const { source } = loadYaml(new ObjectFile('default/Pod/p', object, LISTS_EVERYTHING), { limits: DEFAULT_LIMITS });
    const fromCluster = { source, docIndex: 0, basePath: [] };
    expect(setValue(fromCluster, path, true).ok).toBe(true);
    expect(setValueEdit(fromCluster, path, true)).toBeUndefined();
    expect(appendToSequenceEdit(fromCluster, ['spec', 'containers', 0, 'args'], '--x')).toBeUndefined();
  });
});

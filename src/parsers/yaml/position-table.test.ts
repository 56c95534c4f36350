import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { memoryAfterCollection } from '../../testing/memory-after-collection.js';
import type { ObjectPath } from '../../core/types.js';
import { loadBlockYaml } from './block-yaml.js';
import { PositionTable } from './position-table.js';

const TEXT = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: a
          securityContext:
            runAsNonRoot: true
        - name: b
          image: x
---
kind: Pod
spec:
  containers:
    - name: c
      securityContext: {}
`;

function table(): PositionTable {
  const t = new PositionTable(TEXT);
  expect(loadBlockYaml(TEXT, t, 100)).toBeDefined();
  return t.seal();
}

describe('PositionTable.find', () => {
  const paths: Array<[number, ObjectPath]> = [
    [0, ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'runAsNonRoot']],
    [0, ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem']],
    [0, ['spec', 'template', 'spec', 'containers', 0, 'securityContext']],
    [0, ['spec', 'template', 'spec', 'containers', 1, 'image']],
    [0, ['spec', 'template', 'spec', 'containers', 1, 'missing', 'deeper']],
    [0, ['spec', 'template', 'spec', 'containers', 1, 'missing']],
    [0, ['spec', 'template', 'spec', 'containers', 2]],
    [1, ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot']],
    [0, ['spec', 'template', 'spec', 'containers', 0, 'name']],
    [1, ['spec', 'containers', 0, 'securityContext']],
    [1, ['spec', 'containers', '0']],
    [1, ['spec', 'containers', 0]],
    [0, []],
    [0, ['kind']],
  ];

  it('finds each path as a table that found no other path before', () => {
    const shared = table();
    const expected = paths.map(([doc, path]) => {
      const fresh = table();
      return fresh.find(fresh.roots[doc], path);
    });
    // The same finds in a row, then in the reverse order: steps taken for one path are reused for the next.
    paths.forEach(([doc, path], i) => expect(shared.find(shared.roots[doc], path), `${doc} ${path.join('/')}`).toEqual(expected[i]));
    [...paths]
      .reverse()
      .forEach(([doc, path], i) =>
        expect(shared.find(shared.roots[doc], path), `${doc} ${path.join('/')}`).toEqual(expected[paths.length - 1 - i]),
      );
    expect(expected[0].found).toBe(true);
    expect(expected[1].found).toBe(false);
    expect(expected[4].found).toBe(false);
    expect(expected[6].found).toBe(false);
    expect(TEXT.slice(shared.start(expected[3].node), shared.end(expected[3].node))).toBe('x');
    expect(TEXT.slice(shared.start(expected[1].key), shared.end(expected[1].node))).toBe(
      'securityContext:\n            runAsNonRoot: true',
    );
  });
});

describe('PositionTable.end', () => {
  it('gives each node the end a table that was asked nothing before gives, asked again and across tables', () => {
    const other = `a:\n  b:\n    c: 1\n  d: [x, y]\n`;
    const second = (): PositionTable => {
      const t = new PositionTable(other);
      expect(loadBlockYaml(other, t, 100)).toBeDefined();
      return t.seal();
    };
    const first = table();
    const next = second();
    const expectedFirst = Array.from({ length: first.count }, (_, n) => table().end(n));
    const expectedNext = Array.from({ length: next.count }, (_, n) => second().end(n));
    // Ends are remembered for the table asked last: asked in turns, each table still answers for itself.
    for (let round = 0; round < 2; round++) {
      for (let n = first.count - 1; n >= 0; n--) expect(first.end(n), `first ${n}`).toBe(expectedFirst[n]);
      for (let n = 0; n < next.count; n++) expect(next.end(n), `next ${n}`).toBe(expectedNext[n]);
    }
    const root = first.roots[0];
    expect(TEXT.slice(first.start(root), first.end(root))).toBe(TEXT.slice(0, TEXT.indexOf('\n---')));
    expect(other.slice(next.start(next.roots[0]), next.end(next.roots[0]))).toBe(other.trimEnd());
  });
});

describe('PositionTable in a long-running process', () => {
  /** Records a flat sequence of `nodes` scalars, as a file that large would be. */
  function recorded(nodes: number): PositionTable {
    const table = new PositionTable('');
    table.enter(0);
    for (let i = 1; i < nodes; i++) {
      table.enter(i);
      table.leave(i, i);
    }
    table.leave(nodes, []);
    return table;
  }

  // Each larger than the last, so that each would grow the scratch space again if it were kept.
  it.each([
    ['sealed', 1 << 19],
    ['discarded', 1 << 20],
  ] as const)('holds on to no scratch space of the largest file it recorded, once its table is %s (%d nodes)', (end, nodes) => {
    const before = memoryAfterCollection();
    (() => {
      const table = recorded(nodes);
      if (end === 'discarded') table.discard();
      else if (table.seal().after[0] !== nodes) throw new Error('the nodes were not recorded');
    })();
    // The scratch space grew to 16 bytes of offsets a node, and a value for each.
    expect(memoryAfterCollection() - before).toBeLessThan(3 << 20);
    // And the next file is recorded as before.
    const next = recorded(3).seal();
    expect([...next.open, ...next.close, ...next.parent, ...next.after]).toEqual([0, 1, 2, 3, 1, 2, -1, 0, 0, 3, 2, 3]);
    expect(next.results).toEqual([[], 1, 2]);
  });
});

describe('PositionTable.seal with nodes left open', () => {
  it('gives a node still open no close, after or value, not what another file left in its place', () => {
    const first = new PositionTable('');
    for (let i = 0; i < 3; i++) first.enter(i);
    for (let i = 3; i > 0; i--) first.leave(10 + i, `value ${i}`);
    first.seal();
    // Two nodes opened, the inner one closed: the outer one is still open at `seal`.
    const next = new PositionTable('');
    next.enter(0);
    next.enter(1);
    next.leave(2, 'inner');
    next.seal();
    expect([...next.open, ...next.close, ...next.parent, ...next.after]).toEqual([0, 1, -1, 2, -1, 0, -1, 2]);
    expect(next.results).toEqual([undefined, 'inner']);
  });
});

describe('PositionTable.find in wide collections', () => {
  const n = 300;
  const text = [
    'base: &base',
    '  inherited: from-base',
    'wide:',
    '  <<: *base',
    ...Array.from({ length: n }, (_, i) => `  k${i}: v${i}`),
    '  7: seven',
    'list:',
    ...Array.from({ length: n }, (_, i) => `  - item${i}`),
    '',
  ].join('\n');
  // The block reader reads no anchors: js-yaml with the listener, as loadYaml falls back to.
  const load = () => {
    const t = new PositionTable(text);
    yaml.loadAll(text, null, { listener: t.listener } as yaml.LoadOptions);
    return t.seal();
  };
  const spanOf = (t: PositionTable, path: ObjectPath) => {
    const r = t.find(t.roots[0], path);
    return [r.found, text.slice(t.start(r.node), t.end(r.node)), r.key === -1 ? '' : text.slice(t.start(r.key), t.end(r.key))];
  };

  it('finds every key and item, the first and last, in any order, after the index is made', () => {
    const t = load();
    const order = [...Array.from({ length: n }, (_, i) => i)].reverse();
    for (const i of order) expect(spanOf(t, ['wide', `k${i}`])).toEqual([true, `v${i}`, `k${i}`]);
    for (const i of order) expect(spanOf(t, ['list', i])).toEqual([true, `item${i}`, '']);
    expect(spanOf(t, ['wide', 7])).toEqual([true, 'seven', '7']);
    expect(spanOf(t, ['wide', 'inherited'])).toEqual([false, '*base', '<<']);
    expect(spanOf(t, ['wide', 'absent'])).toEqual([false, text.slice(text.indexOf('<<'), text.indexOf('\nlist:')), 'wide']);
    expect(spanOf(t, ['list', n])).toEqual([false, text.slice(text.indexOf('- item0'), text.length - 1), 'list']);
  });

  it('finds a key or item of a wide collection by its index, not by walking the children before it (quadratic over all of them)', () => {
    const t = load();
    // The first look past the first 32 children makes the index.
    spanOf(t, ['wide', `k${n - 2}`]);
    spanOf(t, ['list', 0]);
    // Counts what each find reads of the table's values and subtree ends.
    let reads = 0;
    const counted = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(o, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(o, key, receiver) as unknown;
        },
      });
    Object.assign(t, { results: counted(t.results), after: counted(t.after) });
    const readsOf = (path: ObjectPath) => {
      reads = 0;
      t.find(t.roots[0], path);
      return reads;
    };
    expect(readsOf(['list', n - 1])).toBeLessThan(40);
    expect(readsOf(['wide', `k${n - 1}`])).toBeLessThan(40);
    expect(readsOf(['list', 1])).toBeLessThan(40);
  });
});

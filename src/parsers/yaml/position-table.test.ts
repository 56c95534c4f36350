import { describe, expect, it } from 'vitest';
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

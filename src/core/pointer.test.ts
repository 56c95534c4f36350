import { describe, expect, it } from 'vitest';
import { pointerFromPath, type ObjectPath } from './types.js';

/** RFC 6901, written out. */
const reference = (path: ObjectPath): string => path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

describe('pointerFromPath', () => {
  it('writes JSON pointers, escaping ~ and / in keys', () => {
    expect(pointerFromPath([])).toBe('');
    expect(pointerFromPath(['spec', 'containers', 0, 'image'])).toBe('/spec/containers/0/image');
    expect(pointerFromPath(['metadata', 'annotations', 'a/b~c'])).toBe('/metadata/annotations/a~1b~0c');
    expect(pointerFromPath(['', 'x'])).toBe('//x');
    expect(pointerFromPath(['é', '0', 0])).toBe('/é/0/0');
  });

  it('gives the same pointer for a path asked again, for its prefixes and for paths that extend it', () => {
    const paths: ObjectPath[] = [
      ['spec', 'template', 'spec', 'containers', 1, 'securityContext'],
      ['spec', 'template'],
      ['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'runAsNonRoot'],
      ['spec', 'template', 'spec', 'containers', '1'],
      ['spec', 'template', 'spec', 'containers', 1, 'securityContext'],
      ['spec'],
    ];
    for (const path of [...paths, ...paths]) expect(pointerFromPath(path)).toBe(reference(path));
  });

  it('stays right past the number of pointers it keeps', () => {
    for (let i = 0; i < 25_000; i++) {
      const path = ['metadata', 'labels', `key-${i}/${i % 7 === 0 ? '~' : ''}`];
      expect(pointerFromPath(path)).toBe(reference(path));
    }
    for (const path of [
      ['metadata', 'labels', 'key-24999/'],
      ['metadata', 'labels', 'key-3/'],
      ['metadata', 'labels', 'new'],
    ])
      expect(pointerFromPath(path)).toBe(reference(path));
  });
});

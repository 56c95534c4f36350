import { describe, expect, it } from 'vitest';
import { freezeData, isFrozenData } from './frozen-data.js';

describe('freezeData', () => {
  it('freezes plain data all the way down and says so', () => {
    const refs = [{ id: 'pss', control: 'privileged', level: 'baseline' }, { id: 'cis-k8s', control: '5.2.1' }];
    expect(freezeData(refs)).toBe(refs);
    expect(isFrozenData(refs)).toBe(true);
    expect(Object.isFrozen(refs[0])).toBe(true);
    expect(() => refs.push({ id: 'x', control: 'y' })).toThrow();
    expect(() => {
      (refs[1] as { control: string }).control = 'changed';
    }).toThrow();
    expect(refs[1].control).toBe('5.2.1');
  });

  it('leaves anything that is not plain data as it is', () => {
    const withDate = [{ id: 'a', when: new Date(0) }];
    const withToJSON = [{ id: 'a', toJSON: () => 'b' }];
    const withUndefined = [{ id: 'a', level: undefined }];
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const withClass = [new (class Ref {
      id = 'a';
    })()];
    for (const v of [withDate, withToJSON, withUndefined, sparse, withClass]) {
      freezeData(v);
      expect(isFrozenData(v)).toBe(false);
      expect(Object.isFrozen(v)).toBe(false);
    }
    expect(isFrozenData('text')).toBe(false);
    expect(isFrozenData(null)).toBe(false);
    expect(isFrozenData([])).toBe(false);
  });
});

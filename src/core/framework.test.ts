import { describe, expect, it } from 'vitest';
import { defineFramework, refsAtLevels } from './framework.js';

const levelled = defineFramework({
  id: 'lv',
  title: 'Levelled',
  url: 'https://example.invalid',
  levels: ['low', 'high'],
  controls: { a: 'A', aStrict: 'A (strict)', b: 'B', c: 'C' },
  overrides: { high: { aStrict: 'a' } },
});
const other = defineFramework({ id: 'flat', title: 'Flat', url: 'https://example.invalid', controls: { x: 'X' } });
const catalogues = new Map([levelled, other].map((c) => [c.id, c]));
const refs = [
  { id: 'lv', control: 'a', level: 'low' },
  { id: 'flat', control: 'x' },
];

describe('refsAtLevels', () => {
  it('keeps the declared references when no level is selected', () => {
    expect(refsAtLevels(refs, new Map(), catalogues)).toEqual(refs);
  });

  it('names the control a selected level checks in place of the declared one', () => {
    expect(refsAtLevels(refs, new Map([['lv', ['high']]]), catalogues)).toEqual([
      { id: 'lv', control: 'aStrict', level: 'high' },
      { id: 'flat', control: 'x' },
    ]);
  });

  it('keeps controls that no level overrides, and gives one reference per selected level', () => {
    expect(refsAtLevels([{ id: 'lv', control: 'b', level: 'low' }], new Map([['lv', ['high']]]), catalogues)).toEqual([
      { id: 'lv', control: 'b', level: 'low' },
    ]);
    expect(refsAtLevels(refs.slice(0, 1), new Map([['lv', ['low', 'high']]]), catalogues)).toEqual([
      { id: 'lv', control: 'a', level: 'low' },
      { id: 'lv', control: 'aStrict', level: 'high' },
    ]);
  });

  it('drops a control of a level above the selected one', () => {
    expect(refsAtLevels([{ id: 'lv', control: 'c', level: 'high' }], new Map([['lv', ['low']]]), catalogues)).toEqual([]);
  });
});

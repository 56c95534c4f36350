import { describe, expect, it } from 'vitest';
import { collectChunks, writeJsonTopArrays } from './json-stream.js';

describe('writeJsonTopArrays', () => {
  it('writes JSON.stringify(root, null, 2) byte for byte, whatever the values', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({
      ref: `pkg:npm/p${i}@1.0.0`,
      dependsOn: i % 2 ? [] : [`a\n${i}`, 'é'],
      n: i,
      u: undefined,
    }));
    const roots: Array<Record<string, unknown>> = [
      {},
      { a: [] },
      { a: undefined, b: () => 1, c: 1 },
      {
        bomFormat: 'CycloneDX',
        metadata: { tools: { components: [{ name: 'x' }] } },
        components: many,
        services: [],
        dependencies: [[1, [2, { x: null }]], 'y'],
      },
      { list: [undefined, null, 'a"b', { nested: [[]] }] },
    ];
    for (const root of roots) expect(collectChunks((sink) => writeJsonTopArrays(root, sink))).toBe(JSON.stringify(root, null, 2));
  });

  it('refuses a root with toJSON, which JSON.stringify would call and this writer would not', () => {
    const root = { a: [1], toJSON: () => ({ b: 2 }) };
    expect(() => collectChunks((sink) => writeJsonTopArrays(root, sink))).toThrow(/plain object.*toJSON/);
    const inherited = Object.assign(Object.create({ toJSON: () => 'x' }) as Record<string, unknown>, { a: [1] });
    expect(() => collectChunks((sink) => writeJsonTopArrays(inherited, sink))).toThrow(/plain object.*toJSON/);
  });
});

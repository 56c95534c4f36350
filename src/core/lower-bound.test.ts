import { describe, expect, it } from 'vitest';
import { lowerBound } from './lower-bound.js';

describe('lowerBound', () => {
  const list = [1, 3, 3, 5, 9];
  it('finds the first index where the prefix condition stops holding', () => {
    expect(lowerBound(list.length, (i) => list[i] < 3)).toBe(1);
    expect(lowerBound(list.length, (i) => list[i] <= 3)).toBe(3);
    expect(lowerBound(list.length, (i) => list[i] < 0)).toBe(0);
    expect(lowerBound(list.length, (i) => list[i] < 100)).toBe(5);
  });
  it('searches from a given index and on an empty range', () => {
    expect(lowerBound(list.length, (i) => list[i] <= 3, 4)).toBe(4);
    expect(lowerBound(0, () => true)).toBe(0);
  });
  it('agrees with a linear scan', () => {
    for (let n = 0; n < 40; n++) {
      const sorted = Array.from({ length: n }, (_, i) => Math.floor(i / 3));
      for (let at = -1; at <= n / 3 + 1; at++)
        expect(lowerBound(n, (i) => sorted[i] < at)).toBe(sorted.findIndex((v) => v >= at) === -1 ? n : sorted.findIndex((v) => v >= at));
    }
  });
});

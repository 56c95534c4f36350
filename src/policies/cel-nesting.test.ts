import { describe, expect, it } from 'vitest';
import { bracketDepth } from './cel.js';

describe('bracketDepth (how deep a CEL source nests its brackets)', () => {
  it('counts (), [] and {} and skips brackets inside string literals', () => {
    expect(bracketDepth('f([{"a": (1)}])')).toBe(4);
    expect(bracketDepth('"((((" + \'[[\' + """{{{"""')).toBe(0);
  });

  it("reads raw byte strings with their rb prefix: the backslash of rb\"\\\" is no escape, so what follows is code", () => {
    expect(bracketDepth('rb"\\" + (((1)))')).toBe(3);
    expect(bracketDepth('Br"\\" + ((1))')).toBe(2);
  });

  it('skips comments, whose quotes start no string', () => {
    expect(bracketDepth("// it's\n((1))")).toBe(2);
  });

  it('an identifier ending in r or b before a quote is no prefix', () => {
    expect(bracketDepth('bar"\\"" + (1)')).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { bracketDepth, CelCompileError, compileExpression, nesting } from './cel.js';

describe('bracketDepth (how deep a CEL source nests its brackets)', () => {
  it('counts (), [] and {} and skips brackets inside string literals', () => {
    expect(bracketDepth('f([{"a": (1)}])')).toBe(4);
    expect(bracketDepth('"((((" + \'[[\' + """{{{"""')).toBe(0);
  });

  it('reads raw byte strings with their rb prefix: the backslash of rb"\\" is no escape, so what follows is code', () => {
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

describe('nesting (how deep a CEL source nests its nodes)', () => {
  it('counts chains of operators, unary ones included, selections, indexes and conditionals', () => {
    expect(nesting('1 + 2 + 3').chain).toBe(2);
    expect(nesting('!!!!x').chain).toBe(4);
    expect(nesting('----1').chain).toBe(4);
    expect(nesting('x.a.b.c').chain).toBe(3);
    expect(nesting('x[0][1]').chain).toBe(2);
    expect(nesting("x.?a.?b.orValue('')").chain).toBe(3);
    expect(nesting('a ? 1 : b ? 2 : 3').chain).toBe(2);
    expect(nesting('x != 1 && y == 2').chain).toBe(2);
  });

  it('sums the chains of the brackets open around a point, and starts again at , : && ||', () => {
    expect(nesting('f(a.b, c.d.e) == 1').chain).toBe(3);
    expect(nesting('x.all(c, c.a.b) && y').chain).toBe(3);
    expect(nesting('(x.a.b).c + 1').chain).toBe(4);
    // Chains after brackets build on what the brackets hold.
    expect(nesting(`${'('.repeat(100)}x${').a.a'.repeat(100)}`).chain).toBe(200);
    expect(nesting("{'a': x.y, 'b': [?z, 1.5]}").chain).toBe(1);
    // A long && chain is balanced by the parser: log2 of its length.
    expect(nesting(Array.from({ length: 1000 }, (_, i) => `x.a${i} == ${i}`).join(' && ')).chain).toBe(12);
  });

  it('skips string literals, raw byte strings and comments', () => {
    expect(nesting("'!!!!' + rb\"\\\" + '----'\"").chain).toBe(2);
    expect(nesting('// a.b.c.d\n1').chain).toBe(0);
  });
});

describe('compileExpression refuses a chain too deep for the parser and checker with a compile error', () => {
  const compile = (source: string) => () => compileExpression(source, ['x']);
  for (const [what, source] of [
    ['!!!…x', `${'!'.repeat(5000)}x`],
    ['---…1', `${'-'.repeat(5000)}1 == 1`],
    ['1 + 1 + …', `1${' + 1'.repeat(5000)} > 0`],
    ['x.a.a…', `x${'.a'.repeat(5000)} == 1`],
    ['x[0][0]…', `x${'[0]'.repeat(5000)} == 1`],
    ['a ? 1 : a ? …', `x${' ? 1 : x'.repeat(5000)} ? 1 : 2`],
  ])
    it(what, () => {
      expect(compile(source)).toThrow(CelCompileError);
      expect(compile(source)).toThrow(
        /^the expression is too deeply nested \(a chain of \d+ operators, selections, indexes or conditionals, each over the one before; at most 250\)$/,
      );
    });

  it('compiles a chain as long as allowed, and long && chains', () => {
    expect(compileExpression(`1${' + 1'.repeat(249)} > 0`, []).evaluate({}, 1, 1e9)).toBe(true);
    expect(compileExpression(Array.from({ length: 5000 }, () => 'true').join(' && '), []).evaluate({}, 1, 1e9)).toBe(true);
  });
});

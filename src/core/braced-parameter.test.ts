import { describe, expect, it } from 'vitest';
import { readBracedParameter, readInterpolation, type InterpolationPart } from './braced-parameter.js';

describe('readBracedParameter', () => {
  it('reads a name alone, and a name with each operator and its word', () => {
    expect(readBracedParameter('${TOKEN}', 0)).toEqual({ body: 'TOKEN', name: 'TOKEN', end: 8 });
    for (const op of ['-', ':-', '=', ':=', '?', ':?', '+', ':+'])
      expect(readBracedParameter(`x\${T${op}w x}y`, 1)).toEqual({
        body: `T${op}w x`,
        name: 'T',
        operator: op,
        word: 'w x',
        end: 8 + op.length,
      });
    expect(readBracedParameter('${T:-}', 0)).toEqual({ body: 'T:-', name: 'T', operator: ':-', word: '', end: 6 });
  });

  it('closes at the brace that matches nested ${', () => {
    const text = '${A:-${B:-${C}}}.${D}';
    const p = readBracedParameter(text, 0)!;
    expect(p).toEqual({ body: 'A:-${B:-${C}}', name: 'A', operator: ':-', word: '${B:-${C}}', end: 16 });
    expect(readBracedParameter(text, p.end + 1)).toMatchObject({ name: 'D', end: text.length });
  });

  it('gives no name for forms other than a name and an operator', () => {
    expect(readBracedParameter('${#TOKEN}', 0)).toEqual({ body: '#TOKEN', end: 9 });
    expect(readBracedParameter('${T/a/b}', 0)).toEqual({ body: 'T/a/b', end: 8 });
    expect(readBracedParameter('${1}', 0)).toEqual({ body: '1', end: 4 });
    expect(readBracedParameter('${}', 0)).toEqual({ body: '', end: 3 });
  });

  it('is undefined when the braces do not close', () => {
    expect(readBracedParameter('${A:-${B}', 0)).toBeUndefined();
    expect(readBracedParameter('${A', 0)).toBeUndefined();
  });

  it("with shell quotes, a quoted or escaped } does not close; compose's grammar knows no quotes", () => {
    expect(readBracedParameter("${A:-'}'}", 0, { quotes: true })).toMatchObject({ word: "'}'", end: 9 });
    expect(readBracedParameter('${A:-"}"}', 0, { quotes: true })).toMatchObject({ word: '"}"', end: 9 });
    expect(readBracedParameter('${A:-\\}}', 0, { quotes: true })).toMatchObject({ word: '\\}', end: 8 });
    expect(readBracedParameter('${A:-"${B}"}x', 0, { quotes: true })).toMatchObject({ word: '"${B}"', end: 12 });
    expect(readBracedParameter("${A:-'}'}", 0)).toMatchObject({ word: "'", end: 7 });
    expect(readBracedParameter("${A:-'x", 0, { quotes: true })).toBeUndefined();
  });

  it('reads deep nesting and long unclosed input in one pass', () => {
    const deep = '${A:-'.repeat(50_000) + '}'.repeat(50_000);
    expect(readBracedParameter(deep, 0)?.end).toBe(deep.length);
    expect(readBracedParameter('${A:-' + '${'.repeat(100_000), 0, { quotes: true })).toBeUndefined();
  });
});

describe('readInterpolation (compose strings part by part)', () => {
  const parts = (value: string, stopAt?: string): InterpolationPart[] => {
    const out: InterpolationPart[] = [];
    readInterpolation(value, (p) => {
      out.push(p);
      return p.kind !== stopAt;
    });
    return out;
  };

  it('gives text, $$, ${…} and $NAME in order, a lone $ kept in the text', () => {
    expect(parts('a $ b $$ ${X:-${Y}} $Z_1! c$')).toEqual([
      { kind: 'text', text: 'a $ b ' },
      { kind: 'dollar' },
      { kind: 'text', text: ' ' },
      {
        kind: 'braced',
        parameter: { body: 'X:-${Y}', name: 'X', operator: ':-', word: '${Y}', end: 19 },
        written: '${X:-${Y}}',
      },
      { kind: 'text', text: ' ' },
      { kind: 'name', name: 'Z_1', written: '$Z_1' },
      { kind: 'text', text: '! c$' },
    ]);
  });

  it('ends with the rest of the string from a ${ never closed', () => {
    expect(parts('x${A:-y')).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'unclosed', rest: '${A:-y' },
    ]);
  });

  it('stops when told to', () => {
    expect(parts('$A $B $C', 'name')).toEqual([{ kind: 'name', name: 'A', written: '$A' }]);
  });
});

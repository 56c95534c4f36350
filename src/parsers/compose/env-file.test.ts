import { describe, expect, it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { MAX_INTERPOLATED } from './compose-document.js';
import { parseDotEnv, parseEnvFile } from './env-file.js';

describe('parseEnvFile', () => {
  it('tells set, empty and unknown variables, never their values', () => {
    const text = [
      '# a comment',
      '',
      'A=value',
      'export B="quoted"',
      "C=''",
      'D=',
      'E= #value, as compose reads it (a comment needs a space before it after the value)',
      'F=${OTHER}',
      'G=${OTHER:-}',
      'H',
      'I="starts a value on',
      '  J = spaced ',
      'not a name=1',
      'K=#not-a-comment',
      "L='${LITERAL}'",
    ].join('\r\n');
    expect([...parseEnvFile(text)]).toEqual([
      ['A', 'set'],
      ['B', 'set'],
      ['C', 'empty'],
      ['D', 'empty'],
      ['E', 'set'],
      ['F', 'unknown'],
      ['G', 'empty'],
      ['H', 'unknown'],
      ['I', 'unknown'],
      ['J', 'set'],
      ['K', 'set'],
      ['L', 'set'],
    ]);
  });

  it('reads KEY: value lines as compose does: the name ends at the first = or :', () => {
    const text = ['A: 1', 'B: x=y', 'C=1:B', 'export D:  spaced # comment', 'E:', "F: 'q'", 'G:http://host:80/'].join('\n');
    expect([...parseDotEnv(text)]).toEqual([
      ['A', '1'],
      ['B', 'x=y'],
      ['C', '1:B'],
      ['D', 'spaced'],
      ['E', ''],
      ['F', 'q'],
      ['G', 'http://host:80/'],
    ]);
    expect([...parseEnvFile('TOKEN: abc\nEMPTY:\n')]).toEqual([
      ['TOKEN', 'set'],
      ['EMPTY', 'empty'],
    ]);
  });

  it('gives values that interpolate variables set before them or known from elsewhere, and escapes in double quotes', () => {
    const text = [
      'A=one',
      'B=${A}-two',
      'C="${B} \\$A \\"q\\" x\\ny"',
      "D='${A}'",
      'E=${LATER}',
      'F=${OUTSIDE:-d}',
      'G=${KNOWN}',
      'LATER=1',
    ].join('\n');
    expect([...parseDotEnv(text, (n) => (n === 'KNOWN' ? 'k' : undefined))]).toEqual([
      ['A', 'one'],
      ['B', 'one-two'],
      ['C', 'one-two $A "q" x\ny'],
      ['D', '${A}'],
      ['E', null],
      ['F', 'd'],
      ['G', 'k'],
      ['LATER', '1'],
    ]);
  });

  it('takes a value that the variables before it make longer than MAX_INTERPOLATED as known only at run time, quickly', () => {
    // Each line the one above 64 times: about 10⁹ characters in full.
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    const bomb = names.map((n, i) => `${n}=${i === 0 ? 'x'.repeat(64) : `\${${names[i - 1]}}`.repeat(64)}`).join('\n');
    const vars = parseDotEnv(bomb);
    expect(vars.get('B')).toBe('x'.repeat(64 * 64));
    expect([...vars].map(([n, v]) => [n, v === null ? null : v.length])).toEqual([
      ['A', 64],
      ['B', 4096],
      ['C', null],
      ['D', null],
      ['E', null],
      ['F', null],
    ]);
    // An env file (`env_file:`) that takes values of `.env`.
    const big = 'y'.repeat(MAX_INTERPOLATED / 2);
    const known = (n: string) => (n === 'BIG' ? big : undefined);
    expect([...parseEnvFile(`ONE=\${BIG}\nTWO=\${BIG}\${BIG}\${BIG}\nTHREE="\${BIG}\${ONE}"\n${bomb}`, known)]).toEqual([
      ['ONE', 'set'],
      ['TWO', 'unknown'],
      ['THREE', 'set'],
      ['A', 'set'],
      ['B', 'set'],
      ['C', 'unknown'],
      ['D', 'unknown'],
      ['E', 'unknown'],
      ['F', 'unknown'],
    ]);
    // n lines, each the one above 64 times: the time grows with the lines, not with what they would expand to.
    expectLinearGrowth((n) => {
      const chain = Array.from({ length: n }, (_, i) => `V${i}=${i === 0 ? 'x'.repeat(64) : `\${V${i - 1}}`.repeat(64)}`).join('\n');
      return () => parseEnvFile(`ONE=\${BIG}\n${chain}`, known);
    }, 50);
  });
});

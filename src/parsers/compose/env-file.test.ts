import { describe, expect, it } from 'vitest';
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
});

import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file.js';

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
});

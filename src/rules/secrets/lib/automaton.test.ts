import { describe, expect, it } from 'vitest';
import { LiteralAutomaton } from './automaton.js';
import { fakes } from './fakes.js';
import { findSecrets } from './scan.js';

function all(a: LiteralAutomaton, text: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  a.scan(text, (p, start) => out.push([a.patterns[p], start]));
  return out;
}

describe('LiteralAutomaton', () => {
  const a = new LiteralAutomaton(['sk-', 'sk-ant-', 'token', 'api_key', 'key', 'eyJ']);

  it('finds every occurrence, overlapping ones included, case-insensitively, by end position', () => {
    expect(all(a, 'x SK-ANT-1 api_key=Token')).toEqual([
      ['sk-', 2],
      ['sk-ant-', 2],
      ['api_key', 11],
      ['key', 15],
      ['token', 19],
    ]);
  });

  it('treats characters outside the patterns, Unicode included, as separators', () => {
    expect(all(a, 'é€key😀eyj')).toEqual([
      ['key', 2],
      ['eyJ', 7],
    ]);
  });

  it('scans the bytes of ASCII text exactly as the string', () => {
    const text = `OPENAI_API_KEY=${fakes.openaiProject()}\ntoken: ${fakes.token()}\n`;
    const viaBytes: Array<[number, number]> = [];
    const viaString: Array<[number, number]> = [];
    a.scanAscii(Buffer.from(text, 'latin1'), (p, s) => viaBytes.push([p, s]));
    a.scan(text, (p, s) => viaString.push([p, s]));
    expect(viaBytes).toEqual(viaString);
    const plain = findSecrets(text, { path: '.env', isCode: false });
    expect(findSecrets(text, { path: '.env', isCode: false, ascii: Buffer.from(text, 'latin1') })).toEqual(plain);
    expect(plain.map((h) => h.rule)).toEqual(['openai-api-key', 'generic-secret']);
  });

  it('scans bytes as the string whatever the offsets of the hits within a round of four bytes', () => {
    // scanAscii reads four bytes a round: hits at each offset of a round, back to back, overlapping and at the very end.
    const letters = 'sk-antoeyJapi_ ';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let round = 0; round < 3000; round++) {
      const length = round % 23;
      let text = '';
      for (let i = 0; i < length; i++) text += letters[next() % letters.length];
      const viaBytes: Array<[number, number]> = [];
      const viaString: Array<[number, number]> = [];
      a.scanAscii(Buffer.from(text, 'latin1'), (p, s) => viaBytes.push([p, s]));
      a.scan(text, (p, s) => viaString.push([p, s]));
      expect(viaBytes, text).toEqual(viaString);
    }
    for (const text of ['key', 'xkey', 'xxkey', 'xxxkey', 'keykeykey', 'sk-ant-sk-ant-', 'tokentoken', '']) {
      const viaBytes: Array<[number, number]> = [];
      a.scanAscii(Buffer.from(text, 'latin1'), (p, s) => viaBytes.push([p, s]));
      const viaString: Array<[number, number]> = [];
      a.scan(text, (p, s) => viaString.push([p, s]));
      expect(viaBytes, text).toEqual(viaString);
      expect(viaBytes.length, text).toBe(text === '' ? 0 : viaString.length);
    }
  });

  it('rejects non-ASCII patterns', () => {
    expect(() => new LiteralAutomaton(['clé'])).toThrow(/not ASCII/);
  });
});

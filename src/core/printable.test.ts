import { describe, expect, it } from 'vitest';
import { cut, jsonErrorMessage, printableName, urlForMessage } from './printable.js';

describe('printableName', () => {
  it('escapes controls, format characters, separators and lone surrogates, and keeps the rest', () => {
    expect(printableName('data/\u001b[2Jx\r\n.pkl')).toBe('data/\\x1b[2Jx\\x0d\\x0a.pkl');
    expect(printableName('a\u0000b\u007f\u0085')).toBe('a\\x00b\\x7f\\x85');
    expect(printableName('evil\u202egnp.pkl\u200b')).toBe('evil\\u202egnp.pkl\\u200b');
    expect(printableName('x\u2028y\ud800')).toBe('x\\u2028y\\ud800');
    expect(printableName('modèle/数据 ok.pkl\t')).toBe('modèle/数据 ok.pkl\\x09');
    expect(printableName('tag\u{e0041}\u{e007f}.pkl')).toBe('tag\\u{e0041}\\u{e007f}.pkl');
    expect(printableName('dir\\x1b.pkl')).toBe('dir\\\\x1b.pkl');
  });
});

describe('jsonErrorMessage', () => {
  const messageOf = (text: string): string => {
    try {
      JSON.parse(text);
    } catch (e) {
      return jsonErrorMessage(e);
    }
    throw new Error('parsed');
  };

  it('drops the input V8 quotes: a short secret whole, control characters raw', () => {
    expect(messageOf('pw-Xy7!qwerTY')).toBe("Unexpected token 'p' (not valid JSON)");
    expect(messageOf(`hf_${'a1B2'.repeat(9)}`)).toBe("Unexpected token 'h' (not valid JSON)");
    expect(messageOf('\x1b]0;pwned\x07')).toBe("Unexpected token '\\x1b' (not valid JSON)");
    expect(messageOf('undefined')).toBe('not valid JSON');
    expect(messageOf('{"a": 1, x}')).toMatch(/^Expected double-quoted property name in JSON at position 9/);
    expect(messageOf('[1,2')).toMatch(/^Expected ',' or ']' after array element in JSON at position 4/);
  });
});

describe('cut', () => {
  it('keeps a short text, cuts a long one with its length, never inside a surrogate pair', () => {
    expect(cut('abc', 3)).toBe('abc');
    expect(cut('abcdef', 3)).toBe('abc… (6 characters)');
    expect(cut('ab😀cd', 3)).toBe('ab… (6 characters)');
  });
});

describe('urlForMessage', () => {
  it('shows a value given for a URL without credentials, query or fragment', () => {
    expect(urlForMessage('not a url')).toBe('not a url');
    expect(urlForMessage('store.example/api?token=sk-secret')).toBe('store.example/api (credentials, query or fragment not shown)');
    expect(urlForMessage('ftp://user:pw@host/x#frag')).toBe('ftp://host/x (credentials, query or fragment not shown)');
    expect(urlForMessage('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(urlForMessage('x'.repeat(150))).toBe(`${'x'.repeat(100)}… (150 characters)`);
  });
});

import { describe, expect, it } from 'vitest';
import { printableName } from './printable.js';

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

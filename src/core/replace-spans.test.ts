import { describe, expect, it } from 'vitest';
import { replaceSpans } from './replace-spans.js';

describe('replaceSpans', () => {
  it('replaces each span in order and keeps the text between them', () => {
    const spans = [
      { start: 0, end: 2, by: '<' },
      { start: 5, end: 5, by: '^' },
      { start: 7, end: 9, by: '>' },
    ];
    expect(replaceSpans('abcdefghi', spans, (s) => s.by)).toBe('<cde^fg>');
  });

  it('gives the text itself without spans', () => {
    expect(replaceSpans('abc', [], () => 'x')).toBe('abc');
  });
});

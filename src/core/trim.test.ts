import { describe, expect, it } from 'vitest';
import { withoutLeading, withoutTrailing } from './trim.js';

describe('withoutTrailing and withoutLeading', () => {
  it('drop the run of the given characters at one end only', () => {
    expect(withoutTrailing('example.com.-.', '.-')).toBe('example.com');
    expect(withoutTrailing('a.b', '.-')).toBe('a.b');
    expect(withoutTrailing('...', '.')).toBe('');
    expect(withoutTrailing('', '.')).toBe('');
    expect(withoutLeading('--name--', '-')).toBe('name--');
    expect(withoutLeading('---', '-')).toBe('');
  });

  it('read a long run that does not reach the end once (the trailing-run pattern was quadratic in it)', () => {
    const text = '.'.repeat(500_000) + 'b';
    expect(withoutTrailing(text, '.-')).toBe(text);
    expect(withoutTrailing('a' + '-'.repeat(500_000), '-')).toBe('a');
  });
});

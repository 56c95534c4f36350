import { describe, expect, it } from 'vitest';
import { applyFixes, type FixEdit } from './apply-fixes.js';

const edit = (startLine: number, startColumn: number, endLine: number, endColumn: number, replacement: string): FixEdit => ({
  range: { startLine, startColumn, endLine, endColumn },
  replacement,
});

describe('applyFixes', () => {
  const text = 'a: 1\nprivileged: true\nc: 3\n';

  it('replaces a range given in 1-based lines and exclusive end columns', () => {
    const r = applyFixes(text, [{ tag: 'f1', edits: [edit(2, 13, 2, 17, 'false')] }]);
    expect(r.text).toBe('a: 1\nprivileged: false\nc: 3\n');
    expect(r.applied).toEqual(['f1']);
    expect(r.skipped).toEqual([]);
  });

  it('applies several edits from the end so earlier offsets stay valid', () => {
    const r = applyFixes(text, [
      { tag: 'first', edits: [edit(1, 4, 1, 5, '100')] },
      { tag: 'last', edits: [edit(3, 4, 3, 5, '300')] },
      { tag: 'mid', edits: [edit(2, 1, 2, 11, 'privileged_')] },
    ]);
    expect(r.text).toBe('a: 100\nprivileged_: true\nc: 300\n');
    expect(r.applied).toEqual(['first', 'last', 'mid']);
  });

  it('inserts with an empty range, and deletes whole lines across a line break', () => {
    expect(applyFixes(text, [{ tag: 1, edits: [edit(3, 1, 3, 1, 'b: 2\n')] }]).text).toBe('a: 1\nprivileged: true\nb: 2\nc: 3\n');
    expect(applyFixes(text, [{ tag: 1, edits: [edit(2, 1, 3, 1, '')] }]).text).toBe('a: 1\nc: 3\n');
  });

  it('skips a fix that overlaps an accepted one, whole, and keeps the text of its other edits', () => {
    const r = applyFixes(text, [
      { tag: 'a', edits: [edit(2, 1, 2, 17, 'privileged: false')] },
      { tag: 'b', edits: [edit(1, 4, 1, 5, '9'), edit(2, 13, 2, 17, 'no')] },
    ]);
    expect(r.text).toBe('a: 1\nprivileged: false\nc: 3\n');
    expect(r.applied).toEqual(['a']);
    expect(r.skipped).toEqual([{ tag: 'b', reason: 'overlaps another fix' }]);
  });

  it('applies an identical edit proposed by two findings once', () => {
    const same = edit(3, 1, 3, 1, 'b: 2\n');
    const r = applyFixes(text, [
      { tag: 'x', edits: [same] },
      { tag: 'y', edits: [same] },
    ]);
    expect(r.text).toBe('a: 1\nprivileged: true\nb: 2\nc: 3\n');
    expect(r.applied).toEqual(['x', 'y']);
  });

  it('treats two different inserts at one point as a conflict, but not an insert at the edge of a replacement', () => {
    const r = applyFixes(text, [
      { tag: 'x', edits: [edit(3, 1, 3, 1, 'b: 2\n')] },
      { tag: 'y', edits: [edit(3, 1, 3, 1, 'b: 3\n')] },
      { tag: 'z', edits: [edit(3, 1, 3, 2, 'd')] },
    ]);
    expect(r.applied).toEqual(['x', 'z']);
    expect(r.skipped.map((s) => s.tag)).toEqual(['y']);
    expect(r.text).toBe('a: 1\nprivileged: true\nb: 2\nd: 3\n');
  });

  it('skips edits that point outside the text (a stale fix)', () => {
    const r = applyFixes(text, [
      { tag: 'late', edits: [edit(9, 1, 9, 2, 'x')] },
      { tag: 'wide', edits: [edit(1, 40, 1, 41, 'x')] },
      { tag: 'reversed', edits: [edit(2, 5, 1, 1, 'x')] },
    ]);
    expect(r.text).toBe(text);
    expect(r.applied).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'edit at 9:1 is outside the file',
      'edit at 1:40 is outside the file',
      'edit at 2:5 is outside the file',
    ]);
  });

  it('counts columns in UTF-16 code units', () => {
    const r = applyFixes('name: "😀 x"\n', [{ tag: 0, edits: [edit(1, 11, 1, 12, 'y')] }]);
    expect(r.text).toBe('name: "😀 y"\n');
  });
});

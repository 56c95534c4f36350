import { describe, expect, it } from 'vitest';
import { memoryAfterCollection } from '../testing/memory-after-collection.js';
import { fileLines, forgetFileLines, LineIndex, LINES } from './line-index.js';
import { MemorySourceFile } from './source-file.js';

describe('LineIndex', () => {
  const text = 'apiVersion: v1\r\nkind: Pod\n\nspec:\n  x: 1';
  const lines = new LineIndex(text);

  it('maps offsets to lines and columns, the first of each line and the last of the text included', () => {
    expect(lines.lineCount).toBe(5);
    expect(lines.position(0)).toEqual({ line: 1, column: 1 });
    expect(lines.position(text.indexOf('\r'))).toEqual({ line: 1, column: 15 });
    expect(lines.position(text.indexOf('kind'))).toEqual({ line: 2, column: 1 });
    expect(lines.position(text.indexOf('\n\n') + 1)).toEqual({ line: 3, column: 1 });
    expect(lines.position(text.indexOf('x:'))).toEqual({ line: 5, column: 3 });
    expect(lines.position(text.length)).toEqual({ line: 5, column: 7 });
  });

  it('gives the range of a span, an empty span and an end before the start as the start alone', () => {
    const start = text.indexOf('kind');
    expect(lines.range(start, text.indexOf('x:') + 1)).toEqual({ startLine: 2, startColumn: 1, endLine: 5, endColumn: 4 });
    expect(lines.range(start, start + 4)).toEqual({ startLine: 2, startColumn: 1, endLine: 2, endColumn: 5 });
    expect(lines.range(start, start)).toEqual({ startLine: 2, startColumn: 1, endLine: 2, endColumn: 1 });
    expect(lines.range(start, 0)).toEqual({ startLine: 2, startColumn: 1, endLine: 2, endColumn: 1 });
  });

  it('reads lines without their line breaks, and offsets of lines and columns', () => {
    expect([1, 2, 3, 4, 5].map((l) => lines.lineText(l))).toEqual(['apiVersion: v1', 'kind: Pod', '', 'spec:', '  x: 1']);
    expect(lines.lineText(0)).toBe('');
    expect(lines.lineText(6)).toBe('');
    expect(lines.offset(2)).toBe(text.indexOf('kind'));
    expect(lines.offset(5, 3)).toBe(text.indexOf('x:'));
    expect(lines.offset(9, 1)).toBe(text.indexOf('  x'));
    expect(lines.offset(5, 99)).toBe(text.length);
  });

  it('reads a text without line breaks, and an empty one', () => {
    expect(new LineIndex('abc').range(1, 3)).toEqual({ startLine: 1, startColumn: 2, endLine: 1, endColumn: 4 });
    const empty = new LineIndex('');
    expect(empty.lineCount).toBe(1);
    expect(empty.position(0)).toEqual({ line: 1, column: 1 });
    expect(empty.lineText(1)).toBe('');
  });

  it('agrees with a count of the line breaks before each offset, over many lines', () => {
    const big = Array.from({ length: 3000 }, (_, i) => 'x'.repeat(i % 17)).join('\n');
    const index = new LineIndex(big);
    expect(index.lineCount).toBe(3000);
    for (let offset = 0; offset <= big.length; offset += 37) {
      const before = big.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - (before.lastIndexOf('\n') + 1) + 1;
      expect(index.position(offset)).toEqual({ line, column });
      expect(index.range(offset, offset)).toEqual({ startLine: line, startColumn: column, endLine: line, endColumn: column });
    }
  });

  it('gives the range of spans within a line, ending at a line break, at the start of the next line, on later lines and at the end', () => {
    const many = 'ab\n\ncde\r\nf\n\n\nghij';
    const index = new LineIndex(many);
    for (let start = 0; start <= many.length; start++)
      for (let end = start; end <= many.length; end++) {
        const a = index.position(start);
        const b = index.position(end);
        expect(index.range(start, end), `${start}-${end}`).toEqual({ startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column });
      }
  });

  it('indexes a text of more lines than the space reused for the first, and a short one after it', () => {
    const long = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n');
    const longIndex = new LineIndex(long);
    expect(longIndex.lineCount).toBe(10_000);
    expect(longIndex.lineText(9_999)).toBe('line 9998');
    expect(longIndex.position(long.indexOf('line 7000'))).toEqual({ line: 7001, column: 1 });
    const short = new LineIndex('a\nb');
    expect(short.lineCount).toBe(2);
    expect(short.lineText(2)).toBe('b');
    expect(longIndex.lineText(10_000)).toBe('line 9999');
  });
});

describe('LineIndex in a long-running process', () => {
  it('holds on to no scratch space of the longest text it indexed, once that text is indexed', () => {
    const lines = 1 << 21;
    const text = '\n'.repeat(lines);
    // Searched once before measuring: the search flattens the repeated string into 2 MiB of its own.
    expect(text.indexOf('x')).toBe(-1);
    const before = memoryAfterCollection();
    (() => {
      if (new LineIndex(text).lineCount !== lines + 1) throw new Error('the text was not indexed');
    })();
    // Its line starts alone are 8 MiB; the scratch space grew to 16 MiB for them.
    expect(memoryAfterCollection() - before).toBeLessThan(1 << 20);
    // And a text indexed next is indexed as before.
    expect(new LineIndex('a\nb\n').position(2)).toEqual({ line: 2, column: 1 });
  });
});

describe('fileLines', () => {
  it('keeps the line index of a source file in a slot of the file, built once and forgotten on demand', () => {
    const file = new MemorySourceFile('a.yaml', 'a: 1\nb: 2\n');
    // A field of the class, there before the index is: every source file keeps one shape.
    expect(Reflect.ownKeys(file)).toContain(LINES);
    expect(file[LINES]).toBeUndefined();
    const lines = fileLines(file);
    expect(lines.lineCount).toBe(3);
    expect(file[LINES]).toBe(lines);
    expect(fileLines(file)).toBe(lines);
    forgetFileLines(file);
    expect(file[LINES]).toBeUndefined();
    expect(fileLines(file)).not.toBe(lines);
  });

  it('keeps the line index of a file without the slot beside it, and adds no property to it', () => {
    let reads = 0;
    const file = Object.freeze({
      text: () => {
        reads++;
        return 'x\ny';
      },
    });
    const lines = fileLines(file);
    expect(lines.lineText(2)).toBe('y');
    expect(fileLines(file)).toBe(lines);
    expect(reads).toBe(1);
    expect(Object.getOwnPropertySymbols(file)).toEqual([]);
    forgetFileLines(file);
    expect(fileLines(file)).not.toBe(lines);
    expect(reads).toBe(2);
  });
});

import type { SourceRange } from './types.js';

/** Maps UTF-16 offsets of a text to 1-based lines and columns. Built lazily, once per text. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(readonly text: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      const t = this.text;
      let i = t.indexOf('\n');
      while (i !== -1) {
        starts.push(i + 1);
        i = t.indexOf('\n', i + 1);
      }
      this.starts = starts;
    }
    return this.starts;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /** Offset of a 1-based line and column. */
  offset(line: number, column = 1): number {
    const starts = this.lineStarts();
    const l = Math.min(Math.max(line, 1), starts.length);
    return Math.min(starts[l - 1] + column - 1, this.text.length);
  }

  /** Text of a 1-based line without its line break. */
  lineText(line: number): string {
    const starts = this.lineStarts();
    if (line < 1 || line > starts.length) return '';
    const end = line < starts.length ? starts[line] - 1 : this.text.length;
    let s = this.text.slice(starts[line - 1], end);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    return s;
  }

  range(start: number, end: number): SourceRange {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
  }
}

const linesOfFile = new WeakMap<{ text(): string }, LineIndex>();

/**
 * The line index of a file's text, built once for the file: the locations of its findings (its own
 * and, later, those of cross-object rules), their fixes and its inline suppressions share it.
 */
export function fileLines(file: { text(): string }): LineIndex {
  let lines = linesOfFile.get(file);
  if (!lines) {
    lines = new LineIndex(file.text());
    linesOfFile.set(file, lines);
  }
  return lines;
}

/** Forgets the line index of a file that drops its text but lives on (a cluster object kept for the cross-object rules). */
export function forgetFileLines(file: { text(): string }): void {
  linesOfFile.delete(file);
}

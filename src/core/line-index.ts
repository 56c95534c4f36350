import type { SourceRange } from './types.js';
import { lowerBound } from './lower-bound.js';

/** Line starts of the text being indexed; the first line starts at 0. */
let scratchStarts = new Int32Array(4096);
/**
 * The most line starts the scratch space keeps from one text to the next (256 KiB): grown for a
 * longer text, it is given back down after it, so that a long-running process (webhook, serve)
 * does not hold the space of the longest text it ever indexed.
 */
const KEPT_LINES = 1 << 16;

/** Maps UTF-16 offsets of a text to 1-based lines and columns. Built lazily, once per text. */
export class LineIndex {
  private starts: Int32Array | undefined;
  constructor(readonly text: string) {}

  private lineStarts(): Int32Array {
    if (!this.starts) {
      const t = this.text;
      // One pass into reused scratch space, then copied out at its size (4 bytes a line).
      let n = 1;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) {
        if (n === scratchStarts.length) {
          const bigger = new Int32Array(2 * n);
          bigger.set(scratchStarts);
          scratchStarts = bigger;
        }
        scratchStarts[n++] = i + 1;
      }
      this.starts = scratchStarts.slice(0, n);
      if (scratchStarts.length > KEPT_LINES) scratchStarts = new Int32Array(KEPT_LINES);
    }
    return this.starts;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  position(offset: number): { line: number; column: number } {
    const i = this.lineAt(offset);
    return { line: i + 1, column: offset - this.lineStarts()[i] + 1 };
  }

  /** The 0-based index of the line that holds `offset`, searched from line index `from` on. */
  private lineAt(offset: number, from = 0): number {
    const starts = this.lineStarts();
    return Math.max(from, lowerBound(starts.length, (i) => starts[i] <= offset, from) - 1);
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
    const starts = this.lineStarts();
    const to = Math.max(start, end);
    const a = this.lineAt(start);
    // Most spans end on the line they start on (a scalar, an insertion point): no second search.
    const b = a + 1 === starts.length || to < starts[a + 1] ? a : this.lineAt(to, a + 1);
    return { startLine: a + 1, startColumn: start - starts[a] + 1, endLine: b + 1, endColumn: to - starts[b] + 1 };
  }
}

/**
 * The slot a file keeps its line index in (`fileLines`): a field of the file itself, cheaper than a
 * `WeakMap` entry per file, which the collector processes as an ephemeron at every scavenge.
 * A class of files declares it (`[LINES]: LineIndex | undefined = undefined`) so that its instances keep one shape.
 */
export const LINES: unique symbol = Symbol('sanctum.lines');

/** A file with the slot for its line index. */
export interface LinedFile {
  text(): string;
  [LINES]?: LineIndex | undefined;
}

/** The line indexes of files whose class has no slot for it (a file of a test, made as a literal). */
const linesOfFile = new WeakMap<{ text(): string }, LineIndex>();

/**
 * The line index of a file's text, built once for the file: the locations of its findings (its own
 * and, later, those of cross-object rules), their fixes and its inline suppressions share it.
 */
export function fileLines(file: { text(): string }): LineIndex {
  const lines = (file as LinedFile)[LINES];
  if (lines !== undefined) return lines;
  return newFileLines(file);
}

function newFileLines(file: { text(): string }): LineIndex {
  if (LINES in file) {
    const lines = new LineIndex(file.text());
    (file as LinedFile)[LINES] = lines;
    return lines;
  }
  let lines = linesOfFile.get(file);
  if (!lines) {
    lines = new LineIndex(file.text());
    linesOfFile.set(file, lines);
  }
  return lines;
}

/** Forgets the line index of a file that drops its text but lives on (a cluster object kept for the cross-object rules). */
export function forgetFileLines(file: { text(): string }): void {
  if (LINES in file) (file as LinedFile)[LINES] = undefined;
  else linesOfFile.delete(file);
}

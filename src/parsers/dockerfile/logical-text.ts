import type { TextSpan } from '../../core/document.js';
import { afterBreak, breakTester } from './line-breaks.js';
import { isReWhitespace } from './unicode-space.js';

/**
 * Text as the shell (or Docker) sees it, with each character mapped back to its offset in the file:
 * line continuations and comment lines inside them are removed, JSON escapes decoded.
 */
export class LogicalText {
  constructor(
    readonly text: string,
    /** File offset of each character of `text`. */
    private readonly offsets: Int32Array,
  ) {}

  /** The file span covering logical characters `[start, end)` (at least one character, clamped to the text). */
  span(start: number, end: number): TextSpan {
    return this.exactSpan(start, Math.max(end, start + 1));
  }

  /** The file span of logical characters `[start, end)`, empty when they are (placed at the file offset of `start`). */
  exactSpan(start: number, end: number): TextSpan {
    return { start: this.exactStart(start, end), end: this.exactEnd(start, end) };
  }

  /** The start of `exactSpan(start, end)`, without making the span. */
  exactStart(start: number, end: number): number {
    if (this.text.length === 0) return 0;
    if (end > start) return this.offsets[Math.min(Math.max(start, 0), this.text.length - 1)];
    return start < this.text.length ? this.offsets[start] : this.offsets[this.text.length - 1] + 1;
  }

  /** The end of `exactSpan(start, end)`, without making the span. */
  exactEnd(start: number, end: number): number {
    if (end <= start) return this.exactStart(start, end);
    if (this.text.length === 0) return 0;
    const s = Math.min(Math.max(start, 0), this.text.length - 1);
    return this.offsets[Math.min(Math.max(end, s + 1), this.text.length) - 1] + 1;
  }

  /** Logical text of a file region taken verbatim. */
  static verbatim(source: string, start: number, end: number): LogicalText {
    const offsets = new Int32Array(Math.max(0, end - start));
    for (let i = 0; i < offsets.length; i++) offsets[i] = start + i;
    return new LogicalText(source.slice(start, end), offsets);
  }

  /**
   * Logical text of a Dockerfile instruction region: `escape` followed by optional blanks and a line
   * break joins lines, unless an escape comes right before it (BuildKit's `([^\\])\\[ \t]*$`), and
   * comment lines between joined lines are dropped, as Docker does. Lines end at \n (line-breaks.ts).
   */
  static continued(source: string, start: number, end: number, escape: string): LogicalText {
    const brk = breakTester(source);
    // Kept characters come in runs of the source: each run is sliced once, offsets go in one array.
    const offsets = new Int32Array(Math.max(0, end - start));
    let count = 0;
    let text = '';
    let runFrom = -1;
    let runTo = -1;
    let i = start;
    let lineStart = true;
    while (i < end) {
      const c = source[i];
      if (lineStart && i > start) {
        let j = i;
        while (j < end && isReWhitespace(source[j]) && !brk(j)) j++;
        if ((j < end && source[j] === '#') || brk(j)) {
          i = afterBreak(source, j);
          continue;
        }
      }
      lineStart = false;
      if (c === escape && (i === start || source[i - 1] !== escape)) {
        let j = i + 1;
        while (j < end && (source[j] === ' ' || source[j] === '\t')) j++;
        if (j < end && brk(j)) {
          i = afterBreak(source, j);
          lineStart = true;
          continue;
        }
        if (j >= end) break;
      }
      offsets[count++] = i;
      if (i === runTo) runTo++;
      else {
        if (runFrom !== -1) text += source.slice(runFrom, runTo);
        runFrom = i;
        runTo = i + 1;
      }
      i++;
    }
    if (runFrom !== -1) text += source.slice(runFrom, runTo);
    return new LogicalText(text, offsets.slice(0, count));
  }

  /** Logical characters `[start, end)`. */
  slice(start: number, end: number): LogicalText {
    return new LogicalText(this.text.slice(start, end), this.offsets.slice(start, end));
  }

  /** Joins parts with a separator mapped to the end of the preceding part. */
  static join(parts: readonly LogicalText[], sep = ' '): LogicalText {
    let text = '';
    const offsets: number[] = [];
    parts.forEach((p, k) => {
      if (k > 0) {
        const prev = offsets.length ? offsets[offsets.length - 1] : 0;
        for (let i = 0; i < sep.length; i++) offsets.push(prev);
        text += sep;
      }
      text += p.text;
      for (let i = 0; i < p.text.length; i++) offsets.push(p.offsets[i]);
    });
    return new LogicalText(text, Int32Array.from(offsets));
  }

  /** A JSON string literal (with its quotes), decoded; each character maps to where its escape or itself starts. */
  static jsonString(raw: LogicalText): LogicalText | undefined {
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch {
      return undefined;
    }
    if (typeof value !== 'string') return undefined;
    const inner = raw.text.slice(1, -1);
    const at = (r: number) => raw.offsets[1 + Math.min(r, Math.max(inner.length - 1, 0))];
    const offsets = new Int32Array(value.length);
    if (inner === value) for (let i = 0; i < value.length; i++) offsets[i] = raw.offsets[1 + i];
    else {
      // Escapes shift characters: map each decoded character to the raw character it came from.
      let r = 0;
      for (let i = 0; i < value.length; i++) {
        offsets[i] = at(r);
        if (inner[r] === '\\') r += inner[r + 1] === 'u' ? 6 : 2;
        else r++;
      }
    }
    return new LogicalText(value, offsets);
  }
}

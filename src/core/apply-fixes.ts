import { LineIndex } from './line-index.js';
import type { SourceRange } from './types.js';

export interface FixEdit {
  range: SourceRange;
  replacement: string;
}

/** One finding's fix for one file: its edits are applied together or not at all. */
export interface FileFix<T = unknown> {
  /** Carried through to the result, e.g. the finding the fix belongs to. */
  tag: T;
  edits: readonly FixEdit[];
}

export interface ApplyFixesResult<T> {
  text: string;
  applied: T[];
  /** Fixes left out, with why: they overlap an applied fix or point outside the text. */
  skipped: Array<{ tag: T; reason: string }>;
}

interface Span {
  start: number;
  end: number;
  replacement: string;
}

/**
 * Applies fixes to a file's text. A fix whose edits overlap an already accepted edit (or each
 * other) is skipped whole; identical edits from different fixes are applied once. Edits are
 * applied from the end of the text so the offsets of earlier ones stay valid.
 */
export function applyFixes<T>(text: string, fixes: ReadonlyArray<FileFix<T>>): ApplyFixesResult<T> {
  const lines = new LineIndex(text);
  const accepted: Span[] = [];
  const applied: T[] = [];
  const skipped: Array<{ tag: T; reason: string }> = [];

  for (const fix of fixes) {
    const spans: Span[] = [];
    let problem: string | undefined;
    for (const e of fix.edits) {
      const span = toSpan(lines, e);
      if (!span) {
        problem = `edit at ${e.range.startLine}:${e.range.startColumn} is outside the file`;
        break;
      }
      spans.push(span);
    }
    if (!problem) {
      const fresh = spans.filter((s) => !accepted.some((a) => sameEdit(a, s)));
      const all = [...accepted];
      for (const s of fresh) {
        if (all.some((a) => overlaps(a, s))) {
          problem = 'overlaps another fix';
          break;
        }
        all.push(s);
      }
      if (!problem) {
        accepted.push(...fresh);
        applied.push(fix.tag);
        continue;
      }
    }
    skipped.push({ tag: fix.tag, reason: problem });
  }

  accepted.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of accepted) out = out.slice(0, s.start) + s.replacement + out.slice(s.end);
  return { text: out, applied, skipped };
}

function toSpan(lines: LineIndex, e: FixEdit): Span | undefined {
  const r = e.range;
  if (r.startLine < 1 || r.endLine < r.startLine || r.startColumn < 1 || r.endColumn < 1) return undefined;
  if (r.endLine > lines.lineCount) return undefined;
  if (r.startColumn > lines.lineText(r.startLine).length + 2 || r.endColumn > lines.lineText(r.endLine).length + 2) return undefined;
  const start = lines.offset(r.startLine, r.startColumn);
  const end = lines.offset(r.endLine, r.endColumn);
  if (end < start) return undefined;
  return { start, end, replacement: e.replacement };
}

function sameEdit(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end && a.replacement === b.replacement;
}

/** Two replacements conflict when their spans share a character, or both insert at one point. */
function overlaps(a: Span, b: Span): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Applies the fixes together when `check` accepts the result (`check` returns why not, or undefined);
 * otherwise keeps, one at a time, each fix it accepts, and reports the others as skipped with its reason.
 */
export function applyCheckedFixes<T>(
  text: string,
  fixes: ReadonlyArray<FileFix<T>>,
  check: ((before: string, after: string) => string | undefined) | undefined,
): ApplyFixesResult<T> {
  const all = applyFixes(text, fixes);
  if (!check || all.applied.length === 0 || check(text, all.text) === undefined) return all;
  const kept: Array<FileFix<T>> = [];
  const skipped = [...all.skipped];
  for (const fx of fixes) {
    if (!all.applied.includes(fx.tag)) continue;
    const trial = applyFixes(text, [...kept, fx]);
    const problem = trial.applied.includes(fx.tag) ? check(text, trial.text) : 'overlaps another fix';
    if (problem === undefined) kept.push(fx);
    else skipped.push({ tag: fx.tag, reason: problem });
  }
  const r = applyFixes(text, kept);
  return { ...r, skipped: [...skipped, ...r.skipped] };
}

import { DockerProperty } from './dockerfile-document.js';
import { LogicalText } from './logical-text.js';
import { isReWhitespace, isSpace } from './unicode-space.js';

/**
 * The pairs of an ENV, LABEL or ARG as BuildKit reads them (parser/line_parsers.go parseNameVal and
 * parseNameOrNameVal, then the shell lexer's ProcessWord on each name and value when the instruction
 * is dispatched), in one pass over the instruction's line: linear in its length.
 */

/**
 * When BuildKit finds an error of an ENV, LABEL or ARG: while it parses the file (parseNameVal), when
 * it makes the instruction (parseEnv, parseLabel, parseArg, with the flags' own errors), or when it
 * expands the words (the shell lexer's ProcessWord). It stops at the first.
 */
export type PropertyErrorStage = 'parse' | 'instruction' | 'expand';

export interface PropertyRead {
  properties: DockerProperty[];
  /** Why BuildKit rejects the instruction, when it does: the first error of the earliest stage, and the file offset it points at. */
  error?: { message: string; at: number; stage: PropertyErrorStage };
}

const STAGES: readonly PropertyErrorStage[] = ['parse', 'instruction', 'expand'];

/**
 * The end of the word that starts at `start`, as BuildKit's parseWords splits words: blanks end a word
 * outside quotes, '…' and "…" hold blanks, the escape character keeps the next character in the word
 * (not inside '…'). Quotes and escapes stay in the word.
 */
function wordEnd(line: string, start: number, to: number, escape: string): number {
  let quote = '';
  let i = start;
  for (; i < to; i++) {
    const c = line[i];
    if (quote === '') {
      if (isSpace(c)) break;
      if (c === '"' || c === "'") quote = c;
      else if (c === escape) i++;
    } else if (c === quote) quote = '';
    else if (c === escape && quote === '"') i++;
  }
  return Math.min(i, to);
}

/**
 * A name or value as the shell lexer's ProcessWord leaves it, variables not expanded: quotes removed,
 * an escaped character taken as it is (in "…" only `"`, `$` and the escape are escaped). The offsets
 * of the `$` that start no variable (escaped, or inside '…') are returned beside it.
 */
export function processWord(s: string, escape: string): { value: string; literalDollars?: Set<number>; unterminated?: string } {
  let out = '';
  let quote = '';
  let literal: Set<number> | undefined;
  const literalChar = (c: string): void => {
    if (c === '$') (literal ??= new Set()).add(out.length);
    out += c;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else literalChar(c);
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === escape && i + 1 < s.length) {
        const next = s[i + 1];
        if (next === '"' || next === '$' || next === escape) {
          literalChar(next);
          i++;
        } else out += c;
      } else if (c !== escape) out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === escape) {
      if (i + 1 < s.length) literalChar(s[++i]);
    } else out += c;
  }
  const word: { value: string; literalDollars?: Set<number>; unterminated?: string } = { value: out };
  if (literal) word.literalDollars = literal;
  if (quote !== '') word.unterminated = quote === '"' ? 'double-quote' : 'single-quote';
  return word;
}

/**
 * The pairs of an ENV, LABEL or ARG whose arguments are the file's `[from, to)` (after the keyword,
 * to the end of its logical line). `ENV name value with blanks` (the first word holds no `=`) is one
 * pair whose value runs to the end of the line; otherwise each word is `name=value` (ARG: or `name`).
 */
export function readProperties(text: string, keyword: string, from: number, to: number, escape: string): PropertyRead {
  const lt = LogicalText.continued(text, from, to, escape);
  const line = lt.text;
  let start = 0;
  let end = line.length;
  while (start < end && isSpace(line[start])) start++;
  while (end > start && isSpace(line[end - 1])) end--;
  const properties: DockerProperty[] = [];
  // The first error of each stage, in the order BuildKit meets them within it (the words' order).
  const found = new Map<PropertyErrorStage, NonNullable<PropertyRead['error']>>();
  const fail = (message: string, at: number, stage: PropertyErrorStage): void => {
    if (!found.has(stage)) found.set(stage, { message, at: lt.exactSpan(at, at).start, stage });
  };
  const result = (): PropertyRead => {
    const first = STAGES.find((s) => found.has(s));
    return first === undefined ? { properties } : { properties, error: found.get(first) };
  };
  const add = (nameFrom: number, nameTo: number, valueFrom: number, valueTo: number): void => {
    const name = processWord(line.slice(nameFrom, nameTo), escape);
    if (name.unterminated) fail(`unexpected end of statement while looking for matching ${name.unterminated}`, nameFrom, 'expand');
    if (nameTo === nameFrom) fail(`${keyword} names can not be blank`, nameFrom, 'instruction');
    const nameStart = lt.exactStart(nameFrom, nameTo);
    const nameEnd = lt.exactEnd(nameFrom, nameTo);
    if (valueFrom === -1) {
      properties.push(new DockerProperty(name.value, null, undefined, nameStart, nameEnd, nameEnd, -1, -1));
      return;
    }
    const value = processWord(line.slice(valueFrom, valueTo), escape);
    if (value.unterminated) fail(`unexpected end of statement while looking for matching ${value.unterminated}`, valueFrom, 'expand');
    const pairEnd = lt.exactEnd(nameFrom, valueTo);
    const valueStart = lt.exactStart(valueFrom, valueTo);
    const valueEnd = lt.exactEnd(valueFrom, valueTo);
    properties.push(new DockerProperty(name.value, value.value, value.literalDollars, nameStart, nameEnd, pairEnd, valueStart, valueEnd));
  };
  if (start === end) return { properties, error: { message: `${keyword} requires at least one argument`, at: from, stage: 'instruction' } };

  const equals = (from: number, to: number): number => {
    for (let i = from; i < to; i++) if (line[i] === '=') return i;
    return -1;
  };
  if (keyword !== 'ARG' && equals(start, wordEnd(line, start, end, escape)) === -1) {
    let nameTo = start;
    while (nameTo < end && !isReWhitespace(line[nameTo])) nameTo++;
    let valueFrom = nameTo;
    while (valueFrom < end && isReWhitespace(line[valueFrom])) valueFrom++;
    if (valueFrom >= end) {
      add(start, nameTo, -1, -1);
      fail(`${keyword} must have two arguments`, start, 'parse');
    } else add(start, nameTo, valueFrom, end);
    return result();
  }
  for (let i = start; i < end;) {
    const to = wordEnd(line, i, end, escape);
    const eq = equals(i, to);
    if (eq !== -1) add(i, eq, eq + 1, to);
    else {
      add(i, to, -1, -1);
      if (keyword !== 'ARG') fail(`Syntax error - can't find = in a word of ${keyword}. Must be of the form: name=value`, i, 'parse');
    }
    i = to;
    while (i < end && isSpace(line[i])) i++;
  }
  return result();
}

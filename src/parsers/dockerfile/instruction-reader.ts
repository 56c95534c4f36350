import type { TextSpan } from '../../core/document.js';
import { DockerArg } from './dockerfile-document.js';
import { afterBreak, breakTester, lineContentEnd } from './line-breaks.js';
import { isReWhitespace, isSpace } from './unicode-space.js';

/**
 * A linear reader of a Dockerfile's instructions from its text, the one source of where each one
 * starts and ends: line continuations, comment and blank lines inside a continuation, and the bodies
 * of the here-documents BuildKit opens (RUN, COPY, ADD), and the arguments of one, in one pass:
 * linear in the text's length.
 */

/** An instruction as found in the text. */
export interface RawInstruction {
  /** The keyword as written (not upper-cased). */
  keyword: string;
  start: number;
  keywordEnd: number;
  /** End of the instruction's logical line: the offset of the line break that ends it, or the text's end. */
  lineEnd: number;
  /** End of the instruction, here-document bodies included (the line break after the last delimiter is not). */
  end: number;
  heredocs: RawHeredoc[];
  /** The arguments (readArguments of the logical line), when reading the here-documents needed them. */
  args?: DockerArg[];
}

export interface RawHeredoc {
  /** The delimiter word, quotes and `<<-` removed. */
  name: string;
  /** The `<<EOF` word. */
  span: TextSpan;
  /** The body's lines, without the line break before the delimiter line; null for an empty body. */
  contentSpan: TextSpan | null;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
/**
 * What separates an instruction's keyword from its arguments and its words (BuildKit's reWhitespace,
 * `[\t\v\f\r ]`), and what a line after a continuation may hold and still be empty or a comment line
 * (the ASCII of unicode.IsSpace, which BuildKit trims there). A continuation's escape is followed by ' '
 * and tabs only (isBlank).
 */
const isSeparator = isReWhitespace;

/** Instructions of a Dockerfile, in order. Parser directives are comment lines here. */
export function readInstructions(text: string, escape: string): RawInstruction[] {
  const out: RawInstruction[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const c = text[i];
    // BuildKit trims an instruction's first line of unicode.IsSpace (a `\f# …` line is a comment).
    if (isSpace(c)) i++;
    else if (c === '#') i = lineContentEnd(text, i);
    else {
      const ins = readInstruction(text, i, escape);
      out.push(ins);
      i = Math.max(ins.end, i + 1);
    }
  }
  return out;
}

function readInstruction(text: string, start: number, escape: string): RawInstruction {
  const n = text.length;
  const noArgs = (keyword: string, keywordEnd: number, end: number): RawInstruction => ({
    keyword,
    start,
    keywordEnd,
    lineEnd: end,
    end,
    heredocs: [],
  });
  const brk = breakTester(text);
  let keyword = text[start];
  let keywordEnd = -1;
  // After a line continuation inside the keyword (`RU\` then `N`).
  let continued = false;
  for (let i = start + 1; i < n; i++) {
    const c = text[i];
    if (c === escape && text[i - 1] !== escape) {
      continued = true;
      const next = text[i + 1];
      if (brk(i + 1)) {
        if (keywordEnd === -1) keywordEnd = i;
        i = afterBreak(text, i + 1) - 1;
      } else if (isBlank(next)) {
        let j = i + 2;
        while (j < n && isBlank(text[j])) j++;
        if (j < n && brk(j)) {
          i = afterBreak(text, j) - 1;
          continue;
        }
        keywordEnd = i + 1;
        keyword += escape;
        if (j >= n) return noArgs(keyword, keywordEnd, n);
        i = j - 2;
      } else {
        keywordEnd = i + 1;
        keyword += escape;
        continued = false;
      }
    } else if (brk(i)) {
      if (continued) {
        i = afterBreak(text, i) - 1;
        continue;
      }
      return noArgs(keyword, i, i);
    } else if (isSeparator(c)) {
      // A \r that is no line break is a blank, as BuildKit's splitCommand (reWhitespace) takes it.
      if (continued) {
        let j = i + 1;
        while (j < n && isSeparator(text[j]) && !brk(j)) j++;
        if (j < n && brk(j)) {
          i = afterBreak(text, j) - 1;
          continue;
        }
      }
      if (keywordEnd === -1) keywordEnd = i;
      return withArguments(text, start, keyword, keywordEnd, i, escape);
    } else if (c === '#' && continued) {
      continue;
    } else {
      keywordEnd = i + 1;
      keyword += c;
      continued = false;
    }
  }
  return noArgs(keyword, keywordEnd === -1 ? n : keywordEnd, n);
}

/** The rest of an instruction whose keyword ends at `keywordEnd` and is followed by a blank at `from`. */
function withArguments(text: string, start: number, keyword: string, keywordEnd: number, from: number, escape: string): RawInstruction {
  const n = text.length;
  const brk = breakTester(text);
  // True after a line continuation until something other than blanks, line breaks and comment lines.
  let continued = false;
  for (let i = from + 1; i < n; i++) {
    const c = text[i];
    if (brk(i)) {
      if (continued) {
        i = afterBreak(text, i) - 1;
        continue;
      }
      return withHeredocs(text, { keyword, start, keywordEnd, lineEnd: i, end: i, heredocs: [] }, escape);
    }
    if (c === escape && text[i - 1] !== escape) {
      const next = text[i + 1];
      if (brk(i + 1)) {
        continued = true;
        i = afterBreak(text, i + 1) - 1;
      } else if (isBlank(next)) {
        let j = i + 2;
        while (j < n && isBlank(text[j])) j++;
        if (j >= n) return withHeredocs(text, { keyword, start, keywordEnd, lineEnd: n, end: n, heredocs: [] }, escape);
        if (brk(j)) {
          continued = true;
          i = afterBreak(text, j) - 1;
        } else i = j;
      } else continued = false;
    } else if (c === '#') {
      if (continued) i = afterBreak(text, i) - 1;
    } else if (!isSeparator(c)) continued = false;
  }
  return withHeredocs(text, { keyword, start, keywordEnd, lineEnd: n, end: n, heredocs: [] }, escape);
}

const HEREDOC_KEYWORDS = new Set(['ADD', 'COPY', 'RUN']);

/** The instruction with the here-documents its line opens (`<<EOF`, `<<-EOF`, `<<"EOF"`): their bodies follow the line. */
function withHeredocs(text: string, ins: RawInstruction, escape: string): RawInstruction {
  if (!text.slice(ins.keywordEnd, ins.lineEnd).includes('<<')) return ins;
  let keyword = ins.keyword.toUpperCase();
  ins.args = readArguments(text, ins.keywordEnd, ins.lineEnd, escape);
  let args = ins.args;
  if (keyword === 'ONBUILD' && args.length > 0) {
    keyword = args[0].value.toUpperCase();
    args = args.slice(1);
  }
  if (!HEREDOC_KEYWORDS.has(keyword)) return ins;
  let at = ins.lineEnd;
  const wordStarts = shellWordStarts(text, ins.keywordEnd, ins.lineEnd, escape);
  for (const arg of args) {
    // The raw word: an escaped `\\<<EOF` is no here-document, though its value is `<<EOF`.
    const raw = text[arg.start];
    const word = wordStarts.has(arg.start) && (raw === '<' || (raw >= '0' && raw <= '9')) ? heredocWord(arg.value) : null;
    if (word === null) continue;
    const name = word.name;
    const body = afterBreak(text, at);
    const delimiter = findDelimiter(text, name, body, word.tabbed);
    let contentSpan: TextSpan | null = null;
    if (delimiter === undefined) contentSpan = body < text.length ? { start: body, end: text.length } : null;
    else if (delimiter.lineStart > body) {
      let end = delimiter.lineStart - 1;
      while (end > body && text.charCodeAt(end - 1) === 13) end--;
      contentSpan = { start: body, end };
    }
    ins.heredocs.push({ name, span: arg.span, contentSpan });
    at = delimiter?.end ?? text.length;
  }
  ins.end = at;
  return ins;
}

/**
 * The delimiter line of a here-document whose body starts at `from`: a line that is the name alone
 * (after tabs for `<<-`), the \r's before its \n aside, as BuildKit compares it (trimNewline). `end` is
 * the offset of the line break after it.
 */
function findDelimiter(text: string, name: string, from: number, tabbed: boolean): { lineStart: number; end: number } | undefined {
  for (let lineStart = from; lineStart <= text.length; ) {
    const end = lineContentEnd(text, lineStart);
    let word = lineStart;
    if (tabbed) while (word < end && text[word] === '\t') word++;
    if (end - word === name.length && text.startsWith(name, word)) return { lineStart, end };
    const next = afterBreak(text, end);
    if (next === end) return undefined;
    lineStart = next;
  }
  return undefined;
}

/**
 * Offsets in `[from, to)` of an instruction's line where a word starts as BuildKit splits the line to
 * find here-documents (parser.go heredocsFromLine: a shell lexer with quotes kept): blanks outside
 * quotes separate words, '…' and "…" hold blanks, a backslash escapes the next character outside
 * single quotes. Line continuations are removed and the comment lines after them skipped first.
 */
function shellWordStarts(text: string, from: number, to: number, escape: string): Set<number> {
  const starts = new Set<number>();
  const brk = breakTester(text);
  let quote = '';
  let inWord = false;
  // After a line break inside the instruction (a continuation), where `#` starts a comment line.
  let lineStart = false;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (brk(i)) {
      lineStart = true;
      i = afterBreak(text, i) - 1;
      continue;
    }
    if (lineStart) {
      let j = i;
      while (j < to && isSeparator(text[j]) && !brk(j)) j++;
      if (text[j] === '#') {
        i = lineContentEnd(text, j) - 1;
        continue;
      }
      lineStart = false;
    }
    if (c === escape && text[i - 1] !== escape) {
      let j = i + 1;
      while (j < to && isBlank(text[j])) j++;
      if (j === to || brk(j)) {
        i = j - 1;
        continue;
      }
    }
    if (quote === "'") {
      if (c === "'") quote = '';
    } else if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = '';
    } else if (isSeparator(c)) inWord = false;
    else {
      if (!inWord) starts.add(i);
      inWord = true;
      if (c === '\\') i++;
      else if (c === "'" || c === '"') quote = c;
    }
  }
  return starts;
}

/**
 * A here-document's word as BuildKit reads it (parser.go reHeredoc `^(\d*)<<(-?)([^<]*)$`): `<<EOF`,
 * `<<-EOF`, `0<<EOF`, `<<"EOF"`, `<<'EOF'` → `EOF`; null for another word or when the quotes do not close.
 */
export function heredocWord(word: string): { name: string; tabbed: boolean } | null {
  const open = /^\d*<<-?/.exec(word);
  if (open === null) return null;
  let name = word.slice(open[0].length);
  if (name.includes('<')) return null;
  for (const q of ['"', "'"])
    if (name.startsWith(q)) {
      if (name.length < 2 || !name.endsWith(q)) return null;
      name = name.slice(1, -1);
    }
  return name === '' ? null : { name, tabbed: open[0].endsWith('-') };
}

/**
 * The whitespace-separated arguments of the text `[from, to)` of an instruction. Line continuations
 * are joined as BuildKit's Parse joins them (the escape and line break removed, the next line not
 * trimmed: a word cut by one stays one word unless that line is indented), comment lines after a
 * continuation skipped. The escape character is removed from what it escapes, as the shell lexer
 * removes it, except before `$`, kept so substituteVariables takes that `$` as literal. Quotes are
 * kept (the lexer removes them when it expands the word).
 */
export function readArguments(text: string, from: number, to: number, escape: string): DockerArg[] {
  const args: DockerArg[] = [];
  const brk = breakTester(text);
  let value = '';
  // The value's characters not yet added to `value`: text[runFrom, runTo).
  let runFrom = -1;
  let runTo = -1;
  const add = (i: number): void => {
    if (i === runTo) runTo++;
    else {
      if (runFrom !== -1) value += text.slice(runFrom, runTo);
      runFrom = i;
      runTo = i + 1;
    }
  };
  const addText = (s: string): void => {
    if (runFrom !== -1) value += text.slice(runFrom, runTo);
    runFrom = runTo = -1;
    value += s;
  };
  let found = -1;
  let plainEscapes: Set<number> | undefined;
  const push = (end: number): void => {
    if (found === -1) return;
    if (runFrom !== -1) value += text.slice(runFrom, runTo);
    args.push(plainEscapes ? new DockerArg(value, found, end, plainEscapes) : new DockerArg(value, found, end));
    plainEscapes = undefined;
    value = '';
    runFrom = runTo = found = -1;
  };
  // At the start of a line after a continuation, where `#` starts a comment line.
  let lineStart = false;
  let comment = false;
  // In a line continuation; `blankAfter` when an indented line follows it.
  let continuing = false;
  let blankAfter = false;
  // Where a word cut by a line continuation ends.
  let marker = -1;
  for (let i = from; i < to; i++) {
    const c = text[i];
    // A \r that is no line break is a blank (BuildKit's reWhitespace).
    if (isSeparator(c) || c === '\n') {
      if (continuing) {
        blankAfter = true;
        if (brk(i)) {
          blankAfter = false;
          if (comment) {
            comment = false;
            lineStart = true;
          }
        }
        continue;
      }
      if (found !== -1) {
        push(marker === -1 ? i : marker);
        marker = -1;
      }
    } else if (c === escape) {
      const next = i + 1 < to ? text[i + 1] : '';
      if (isBlank(next)) {
        for (let j = i + 2; j < to; j++) {
          const d = text[j];
          if (isBlank(d)) continue;
          if (brk(j)) {
            comment = false;
            continuing = true;
            lineStart = true;
            if (found !== -1) marker = i;
            i = afterBreak(text, j) - 1;
          } else if (found !== -1) marker = i;
          else i = j - 1;
          break;
        }
      } else if (next !== '' && brk(i + 1)) {
        comment = false;
        continuing = true;
        lineStart = true;
        if (found !== -1 && marker === -1) marker = i;
        i = afterBreak(text, i + 1) - 1;
      } else {
        if (blankAfter && marker !== -1) push(marker);
        marker = -1;
        blankAfter = false;
        continuing = false;
        if (next === '') break;
        if (found === -1) found = i;
        addText(next === '$' ? c + next : next);
        if (next === escape) (plainEscapes ??= new Set()).add(value.length - 1);
        i++;
      }
    } else if (!comment) {
      if (lineStart && c === '#') comment = true;
      else {
        if (blankAfter && marker !== -1) push(marker);
        blankAfter = false;
        continuing = false;
        marker = -1;
        if (found === -1) found = i;
        add(i);
      }
      lineStart = false;
    }
  }
  if (found !== -1) push(marker === -1 ? to : marker);
  return args;
}

import type { TextSpan } from '../../core/document.js';
import { ParseFailure } from '../../core/parser.js';
import { tomlLib } from './lazy.js';
import { lowerBound } from '../../core/lower-bound.js';

export type TomlTable = Record<string, unknown>;

/** Parses TOML; a syntax error becomes a clear, positioned parse failure. */
export function parseToml(text: string, label: string): TomlTable {
  const { parse, TomlError } = tomlLib();
  try {
    return parse(text) as TomlTable;
  } catch (e) {
    if (e instanceof TomlError) throw tomlFailure(e, label);
    throw e;
  }
}

function tomlFailure(e: { line: number; message: string }, label: string): ParseFailure {
  return new ParseFailure(
    `invalid TOML in ${label} at line ${e.line}: ${e.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`,
    e.line,
  );
}

/**
 * A `[[package]]` header line (the array of tables every lockfile of TOML writes its entries in).
 * Lines end at LF or CRLF only, as TOML's do: no `m` flag, whose `^`/`$` also match at U+2028,
 * U+2029 and a lone CR, which can be inside a string or comment.
 */
const PACKAGE_HEADER = /(?<=^|\n)[ \t]*\[\[[ \t]*package[ \t]*\]\][ \t]*(?:#[^\r\n]*)?(?=\r?\n|$)/g;

/**
 * Each entry of a lockfile's `[[package]]` array, in order, as `parseToml(text).package` would hold
 * it; returns the document's other top-level keys. The text is cut at its `[[package]]` headers and
 * each piece (an entry with its `[package.…]` subtables) parsed alone, so the tree of the whole file
 * never exists at once: parsing a 62 MB poetry.lock whole peaked at ~700 MB, most of it the library's
 * garbage and the tree. A text with multi-line strings (where a header line could be inside a string)
 * or top-level keys in two pieces is parsed whole, so what is read and any error are as `parseToml`'s;
 * an error in a piece is reported at its line in the file.
 */
export function forEachTomlPackage(text: string, label: string, visit: (entry: unknown, index: number) => void): TomlTable {
  const whole = (): TomlTable => {
    const { package: list, ...rest } = parseToml(text, label);
    arr(list).forEach((entry, i) => visit(entry, i));
    return rest;
  };
  if (text.includes('"""') || text.includes("'''")) return whole();
  const cuts: number[] = [];
  PACKAGE_HEADER.lastIndex = 0;
  for (let m = PACKAGE_HEADER.exec(text); m; m = PACKAGE_HEADER.exec(text)) cuts.push(m.index);
  if (cuts.length < 2 || tablesAcross(text, cuts)) return whole();
  const rest: TomlTable = {};
  let line = 1;
  let from = 0;
  const pieces = cuts[0] === 0 ? cuts.slice(1) : cuts;
  const ends = [...pieces, text.length];
  let index = 0;
  for (const end of ends) {
    const piece = text.slice(from, end);
    let data: TomlTable;
    try {
      data = tomlLib().parse(piece) as TomlTable;
    } catch (e) {
      if (e instanceof tomlLib().TomlError) {
        const failure = tomlFailure(e, label);
        throw new ParseFailure(failure.message.replace(/at line \d+/, `at line ${e.line + line - 1}`), e.line + line - 1);
      }
      throw e;
    }
    // A `package` key before the first header (`[package.x]`, `package = …`) is redefined by the
    // headers: an error of the whole parse, which pieces alone do not see.
    if (from === 0 && cuts[0] !== 0 && 'package' in data) return whole();
    for (const [key, value] of Object.entries(data)) {
      if (key === 'package') continue;
      // A key of the first piece (before any header) defined again as a table: invalid, as the whole parse says.
      if (key in rest) throw parseTomlFailure(text, label);
      rest[key] = value;
    }
    // Visited as soon as read: an entry's table is garbage once its reader is done with it.
    for (const entry of arr(data.package)) visit(entry, index++);
    line += countLines(piece);
    from = end;
  }
  return rest;
}

/** True when a top-level table other than `package` has headers in two pieces (`[metadata]`, later `[metadata.files]`). */
function tablesAcross(text: string, cuts: readonly number[]): boolean {
  const pieceOf = new Map<string, number>();
  let piece = 0;
  HEADER.lastIndex = 0;
  for (let m = HEADER.exec(text); m; m = HEADER.exec(text)) {
    while (piece < cuts.length && cuts[piece] <= m.index) piece++;
    const top = normalizeHeader(m[1]).split('.')[0];
    if (top === 'package') continue;
    const seen = pieceOf.get(top);
    if (seen !== undefined && seen !== piece) return true;
    pieceOf.set(top, piece);
  }
  return false;
}

function parseTomlFailure(text: string, label: string): ParseFailure {
  try {
    parseToml(text, label);
  } catch (e) {
    if (e instanceof ParseFailure) return e;
    throw e;
  }
  return new ParseFailure(`invalid TOML in ${label}: a key is defined twice`);
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export function table(v: unknown): TomlTable | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? (v as TomlTable) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

interface Section {
  /** Dotted header without quotes, e.g. `tool.poetry.group.dev.dependencies`. */
  header: string;
  start: number;
  end: number;
}

const HEADER = /^[ \t]*\[\[?([^\]\n]+)\]\]?[ \t]*(?:#.*)?$/gm;

/**
 * Finds where values of a TOML document are written (smol-toml gives no positions): the document is
 * cut into sections at its table headers, and a value is looked up as text inside its section.
 */
export class TomlLocator {
  /** The sections by header, each list in document order (several for an array of tables). */
  private readonly sections = new Map<string, Section[]>();
  private readonly used = new Set<number>();
  /** Where each quoted literal of the text starts (see `literalStarts`), built when first asked. */
  private literals: Map<string, number[]> | undefined;
  /** For a literal and a range start: every start of the literal from the range start to here is used. */
  private readonly resume = new Map<string, number>();

  constructor(private readonly text: string) {
    let prev: Section = { header: '', start: 0, end: text.length };
    this.sections.set('', [prev]);
    for (let m = HEADER.exec(text); m; m = HEADER.exec(text)) {
      prev.end = m.index;
      prev = { header: normalizeHeader(m[1]), start: m.index, end: text.length };
      const same = this.sections.get(prev.header);
      if (same) same.push(prev);
      else this.sections.set(prev.header, [prev]);
    }
  }

  /** The sections with this header, in order (several for an array of tables). */
  section(header: string, index = 0): Section | undefined {
    return this.sections.get(header)?.[index];
  }

  /**
   * The first unused quoted string literal equal to `value` in the section (or anywhere when there is
   * none). Looked up in an index of the text's literals, not searched for from the section's start:
   * a search for each of n values took n² (40,000 dependencies in 500 KB: 14 s).
   */
  string(value: string, header: string): TextSpan | undefined {
    const s = this.section(header);
    const ranges = s ? [s, { start: 0, end: this.text.length }] : [{ start: 0, end: this.text.length }];
    const literals = [`"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`, `'${value}'`];
    for (const r of ranges) {
      for (const lit of literals) {
        const i = this.firstUnused(lit, r.start, r.end);
        if (i !== undefined) {
          this.used.add(i);
          return { start: i, end: i + lit.length };
        }
      }
    }
    return undefined;
  }

  /** The first start of `lit` in [from, to) not used yet. */
  private firstUnused(lit: string, from: number, to: number): number | undefined {
    const key = `${from}\0${lit}`;
    let at = this.resume.get(key) ?? from;
    // A basic string's inner quotes are escaped (`string` writes them so), and the index pairs quotes
    // past escaped ones: always indexed. A literal string holding its own quote (`'a'b'`, only
    // possible inside `'''`) is no literal of the index: searched for in the text.
    const indexed = lit[0] === '"' || !lit.slice(1, -1).includes("'");
    const starts = indexed ? ((this.literals ??= literalStarts(this.text)).get(lit) ?? []) : undefined;
    let k = starts ? lowerBound(starts.length, (i) => starts[i] < at) : 0;
    for (;;) {
      const i = starts ? (k < starts.length ? starts[k++] : -1) : this.text.indexOf(lit, at);
      if (i === -1 || i >= to) {
        this.resume.set(key, i === -1 ? this.text.length : i);
        return undefined;
      }
      at = i + 1;
      if (!this.used.has(i)) {
        this.resume.set(key, at);
        return i;
      }
    }
  }

  /**
   * The line `key = …` in a section (the key bare or quoted, in any case): span of the key and its
   * value up to the end of the line. Compared line by line: a key read from the file can be longer
   * than any regular expression made of it may be.
   */
  key(key: string, section: Section | undefined): TextSpan | undefined {
    return this.keyLine(key, section, '=');
  }

  /** The line `key.sub = …` in a section (a dotted key: `serde.workspace = true`), as `key` finds `key = …`. */
  dottedKey(key: string, section: Section | undefined): TextSpan | undefined {
    return this.keyLine(key, section, '.');
  }

  private keyLine(key: string, section: Section | undefined, after: '=' | '.'): TextSpan | undefined {
    if (!section) return undefined;
    for (let lineStart = section.start; lineStart < section.end;) {
      const nl = this.text.indexOf('\n', lineStart);
      const lineEnd = nl === -1 || nl > section.end ? section.end : nl;
      let i = lineStart;
      while (i < lineEnd && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
      const start = i;
      if (this.text[i] === '"' || this.text[i] === "'") i++;
      if (lineEnd - i >= key.length && startsWithKey(this.text, i, key)) {
        i += key.length;
        if (this.text[i] === '"' || this.text[i] === "'") i++;
        while (i < lineEnd && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
        if (this.text[i] === after) return { start, end: start + this.text.slice(start, lineEnd).trimEnd().length };
      }
      lineStart = lineEnd + 1;
    }
    return undefined;
  }

  /** The header line of a section. */
  headerSpan(section: Section | undefined): TextSpan {
    if (!section) return { start: 0, end: 0 };
    const nl = this.text.indexOf('\n', section.start);
    return { start: section.start, end: nl === -1 || nl > section.end ? section.end : nl };
  }
}

/**
 * Every quoted literal of `text` by its text, quotes included, with where it starts, in order: from
 * each `'` to the next `'`, and from each `"` that no backslash escapes to the next such `"` (a
 * basic string's escaped quotes neither start nor end a literal). A literal looked up with its own
 * quote inside is searched for instead (see `firstUnused`). Each character of the text is in at most
 * one literal of each kind besides their quotes: the index is linear in the text.
 */
function literalStarts(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (start: number, end: number): void => {
    const lit = text.slice(start, end + 1);
    const list = out.get(lit);
    if (list) list.push(start);
    else out.set(lit, [start]);
  };
  let single = -1;
  let double = -1;
  for (let i = text.indexOf("'"); i !== -1; i = text.indexOf("'", i + 1)) {
    if (single !== -1) add(single, i);
    single = i;
  }
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) {
    let backslashes = 0;
    while (text[i - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 1) continue;
    if (double !== -1) add(double, i);
    double = i;
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

/** Whether `text` holds `key` at `at`, letters in either case; stops at the first character that differs. */
function startsWithKey(text: string, at: number, key: string): boolean {
  for (let k = 0; k < key.length; k++) {
    const a = text[at + k];
    const b = key[k];
    if (a !== b && a.toLowerCase() !== b.toLowerCase()) return false;
  }
  return true;
}

function normalizeHeader(raw: string): string {
  return raw
    .split('.')
    .map((p) => p.trim().replace(/^["']|["']$/g, ''))
    .join('.');
}

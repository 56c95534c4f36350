import type { TextSpan } from '../../core/document.js';
import { ParseFailure } from '../../core/parser.js';
import { tomlLib } from './lazy.js';

export type TomlTable = Record<string, unknown>;

/** Parses TOML; a syntax error becomes a clear, positioned parse failure. */
export function parseToml(text: string, label: string): TomlTable {
  const { parse, TomlError } = tomlLib();
  try {
    return parse(text) as TomlTable;
  } catch (e) {
    if (e instanceof TomlError)
      throw new ParseFailure(
        `invalid TOML in ${label} at line ${e.line}: ${e.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`,
        e.line,
      );
    throw e;
  }
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
  private readonly sections: Section[] = [];
  private readonly used = new Set<number>();

  constructor(private readonly text: string) {
    let prev: Section = { header: '', start: 0, end: text.length };
    this.sections.push(prev);
    for (let m = HEADER.exec(text); m; m = HEADER.exec(text)) {
      prev.end = m.index;
      prev = { header: normalizeHeader(m[1]), start: m.index, end: text.length };
      this.sections.push(prev);
    }
  }

  /** The sections with this header, in order (several for an array of tables). */
  section(header: string, index = 0): Section | undefined {
    return this.sections.filter((s) => s.header === header)[index];
  }

  /** The first unused quoted string literal equal to `value` in the section (or anywhere when there is none). */
  string(value: string, header: string): TextSpan | undefined {
    const s = this.section(header);
    const ranges = s ? [s, { start: 0, end: this.text.length }] : [{ start: 0, end: this.text.length }];
    const literals = [`"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`, `'${value}'`];
    for (const r of ranges) {
      for (const lit of literals) {
        let i = this.text.indexOf(lit, r.start);
        while (i !== -1 && i < r.end) {
          if (!this.used.has(i)) {
            this.used.add(i);
            return { start: i, end: i + lit.length };
          }
          i = this.text.indexOf(lit, i + 1);
        }
      }
    }
    return undefined;
  }

  /**
   * The line `key = …` in a section (the key bare or quoted, in any case): span of the key and its
   * value up to the end of the line. Compared line by line: a key read from the file can be longer
   * than any regular expression made of it may be.
   */
  key(key: string, section: Section | undefined): TextSpan | undefined {
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
        if (this.text[i] === '=') return { start, end: start + this.text.slice(start, lineEnd).trimEnd().length };
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

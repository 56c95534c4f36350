import { PositionTable } from '../../parsers/yaml/position-table.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Offsets of the nodes being walked, four numbers a node (open, close, parent, after), reused from object to object. */
let scratch = new Int32Array(4 * 4096);

/**
 * The positions of every node of `value` in `text`, its indented JSON (`JSON.stringify(value, null,
 * 2)`), as loading that text with js-yaml would record them (keys and values, in document order), but
 * found by walking the value beside its text instead of parsing the text again. Undefined when the
 * text is not what the walk expects (a value JSON writes in a way the walk does not know): the text
 * is then parsed.
 */
export function positionsOf(value: unknown, text: string): PositionTable | undefined {
  const walk = new Walk(text);
  try {
    if (walk.value(value, 0, -1, 0) !== text.length) return undefined;
  } catch (e) {
    // Nesting too deep to walk is left to the parser, which reports it.
    if (e instanceof TextMismatch || e instanceof RangeError) return undefined;
    throw e;
  }
  return walk.table();
}

class TextMismatch extends Error {}

/** A table filled by the walk rather than by a parser's listener: it is complete when made. */
class WalkedPositions extends PositionTable {
  override seal(): this {
    return this;
  }
}

/**
 * Records nodes in pre-order as js-yaml's listener reports them: each node's offset where it starts,
 * the offset just past it, its parent, and the index just past its last descendant.
 */
class Walk {
  private count = 0;
  private maxDepth = 0;
  private readonly positions: PositionTable;
  /** The value of each node (a key's is the key), in the table as the walk finds them. */
  private readonly results: unknown[];

  constructor(private readonly text: string) {
    this.positions = new WalkedPositions(text);
    this.results = this.positions.results;
  }

  /** Records `v`, written at `pos` with members indented by `depth + 1` levels; returns the offset just past it. */
  value(v: unknown, pos: number, parent: number, depth: number): number {
    const i = this.open(pos, parent, depth, v);
    let end: number;
    if (typeof v === 'string') end = this.stringEnd(pos, v.length);
    else if (typeof v === 'number') end = pos + (Number.isFinite(v) ? String(v) : 'null').length;
    else if (typeof v === 'boolean') end = pos + (v ? 4 : 5);
    else if (v === null) end = pos + 4;
    else if (Array.isArray(v)) end = this.array(v, pos, i, depth);
    else if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function')
      end = this.mapping(v as Record<string, unknown>, pos, i, depth);
    else throw new TextMismatch();
    this.close(i, end);
    return end;
  }

  /** The table of what was walked, its offsets copied out of the scratch space at their size. */
  table(): PositionTable {
    const n = this.count;
    const table = this.positions;
    const all = new Int32Array(4 * n);
    const open = all.subarray(0, n);
    const close = all.subarray(n, 2 * n);
    const parent = all.subarray(2 * n, 3 * n);
    const after = all.subarray(3 * n, 4 * n);
    for (let i = 0, k = 0; i < n; i++, k += 4) {
      open[i] = scratch[k];
      close[i] = scratch[k + 1];
      parent[i] = scratch[k + 2];
      after[i] = scratch[k + 3];
    }
    table.open = open;
    table.close = close;
    table.parent = parent;
    table.after = after;
    table.count = n;
    table.maxDepth = this.maxDepth;
    table.roots.push(0);
    return table;
  }

  private array(v: unknown[], pos: number, node: number, depth: number): number {
    this.expect(pos, OPEN_BRACKET);
    if (v.length === 0) return this.expect(pos + 1, CLOSE_BRACKET) + 1;
    // Each item follows the bracket or the comma after the one before, then a line break and its indentation.
    const indent = 2 * (depth + 1);
    let at = pos + 1;
    for (let k = 0; k < v.length; k++) {
      const item = v[k];
      // Holes and values JSON cannot write are written as null.
      const written = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item;
      at = this.value(written, at + 1 + indent, node, depth + 1) + 1;
    }
    return this.expect(at + 2 * depth, CLOSE_BRACKET) + 1;
  }

  private mapping(v: Record<string, unknown>, pos: number, node: number, depth: number): number {
    this.expect(pos, OPEN_BRACE);
    const indent = 2 * (depth + 1);
    let at = pos + 1;
    let members = 0;
    for (const key of Object.keys(v)) {
      const item = v[key];
      // JSON leaves out members it cannot write.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      members++;
      const keyStart = at + 1 + indent;
      const k = this.open(keyStart, node, depth + 1, key);
      const keyEnd = this.stringEnd(keyStart, key.length);
      this.close(k, keyEnd);
      // `"key": value`
      at = this.value(item, keyEnd + 2, node, depth + 1) + 1;
    }
    if (members === 0) return this.expect(pos + 1, CLOSE_BRACE) + 1;
    return this.expect(at + 2 * depth, CLOSE_BRACE) + 1;
  }

  /**
   * The offset just past the JSON string of `length` characters that starts at `pos`: its closing
   * quote is the first not escaped. Most strings need no escape, and end `length + 2` on: a quote
   * there not preceded by a backslash closes the string (JSON escapes every quote inside one).
   */
  private stringEnd(pos: number, length: number): number {
    const text = this.text;
    if (text.charCodeAt(pos) !== QUOTE) throw new TextMismatch();
    const unescaped = pos + 1 + length;
    if (text.charCodeAt(unescaped) === QUOTE && text.charCodeAt(unescaped - 1) !== BACKSLASH) return unescaped + 1;
    let q = text.indexOf('"', pos + 1);
    for (;;) {
      if (q === -1) throw new TextMismatch();
      let slashes = 0;
      while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return q + 1;
      q = text.indexOf('"', q + 1);
    }
  }

  private expect(pos: number, char: number): number {
    if (this.text.charCodeAt(pos) !== char) throw new TextMismatch();
    return pos;
  }

  private open(pos: number, parent: number, depth: number, result: unknown): number {
    const i = this.count++;
    const k = 4 * i;
    if (k + 4 > scratch.length) {
      const bigger = new Int32Array(scratch.length * 2);
      bigger.set(scratch);
      scratch = bigger;
    }
    scratch[k] = pos;
    scratch[k + 2] = parent;
    if (depth > this.maxDepth) this.maxDepth = depth;
    this.results.push(result);
    return i;
  }

  private close(node: number, pos: number): void {
    const k = 4 * node;
    scratch[k + 1] = pos;
    scratch[k + 3] = this.count;
  }
}

import { PositionTable } from '../../parsers/yaml/position-table.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

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
    if (walk.value(value, 0, 0) !== text.length) {
      walk.table.discard();
      return undefined;
    }
  } catch (e) {
    walk.table.discard();
    // Nesting too deep to walk is left to the parser, which reports it.
    if (e instanceof TextMismatch || e instanceof RangeError) return undefined;
    throw e;
  }
  // Sealed as a parser's table is: its offsets copied out of the shared scratch space into a shared slab.
  return walk.table.seal();
}

/**
 * The table of `value` written as `text` for a parse whose documents are never located (see
 * `PositionedFile.unlocated`): its one root and value, and the depth of its nesting as `positionsOf`
 * records it (a key or member one level below its mapping or array), counted up to `maxDepth + 1`.
 * Undefined when `positionsOf` might not take the value (a value with `toJSON`, too deep to walk).
 */
export function depthTable(value: unknown, text: string, maxDepth: number): PositionTable | undefined {
  let depth: number;
  try {
    depth = nestingDepth(value, 0, maxDepth);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  if (depth < 0) return undefined;
  return PositionTable.ofOne(text, value, depth);
}

/** The deepest level under `v` (at `depth`), stopping past `limit`; -1 for a value `positionsOf` does not walk. */
function nestingDepth(v: unknown, depth: number, limit: number): number {
  if (typeof v !== 'object' || v === null) return depth;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return -1;
  let max = depth;
  if (Array.isArray(v)) {
    if (v.length > 0) max = depth + 1;
    for (let k = 0; k < v.length && max <= limit; k++) {
      const item: unknown = v[k];
      if (typeof item !== 'object' || item === null) continue;
      const d = nestingDepth(item, depth + 1, limit);
      if (d < 0) return d;
      if (d > max) max = d;
    }
    return max;
  }
  for (const key in v) {
    const item = (v as Record<string, unknown>)[key];
    // JSON leaves out members it cannot write.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (max === depth) max = depth + 1;
    if (typeof item !== 'object' || item === null) continue;
    const d = nestingDepth(item, depth + 1, limit);
    if (d < 0) return d;
    if (d > max) max = d;
    if (max > limit) break;
  }
  return max;
}

class TextMismatch extends Error {}

/**
 * Records nodes in pre-order as js-yaml's listener reports them (`enter` where a node starts, `leave`
 * just past it with its value; a key's value is the key), into the table as a parser would.
 */
class Walk {
  readonly table: PositionTable;

  constructor(private readonly text: string) {
    this.table = new PositionTable(text);
  }

  /** Records `v`, written at `pos` with members indented by `depth + 1` levels; returns the offset just past it. */
  value(v: unknown, pos: number, depth: number): number {
    this.table.enter(pos);
    let end: number;
    if (typeof v === 'string') end = this.stringEnd(pos, v.length);
    else if (typeof v === 'number') end = pos + (Number.isFinite(v) ? String(v) : 'null').length;
    else if (typeof v === 'boolean') end = pos + (v ? 4 : 5);
    else if (v === null) end = pos + 4;
    else if (Array.isArray(v)) end = this.array(v, pos, depth);
    else if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function')
      end = this.mapping(v as Record<string, unknown>, pos, depth);
    else throw new TextMismatch();
    this.table.leave(end, v);
    return end;
  }

  private array(v: unknown[], pos: number, depth: number): number {
    this.expect(pos, OPEN_BRACKET);
    if (v.length === 0) return this.expect(pos + 1, CLOSE_BRACKET) + 1;
    // Each item follows the bracket or the comma after the one before, then a line break and its indentation.
    const indent = 2 * (depth + 1);
    let at = pos + 1;
    for (let k = 0; k < v.length; k++) {
      const item = v[k];
      // Holes and values JSON cannot write are written as null.
      const written = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item;
      at = this.value(written, at + 1 + indent, depth + 1) + 1;
    }
    return this.expect(at + 2 * depth, CLOSE_BRACKET) + 1;
  }

  private mapping(v: Record<string, unknown>, pos: number, depth: number): number {
    this.expect(pos, OPEN_BRACE);
    const indent = 2 * (depth + 1);
    let at = pos + 1;
    let members = 0;
    // The keys JSON writes, in its order (an object of the API's JSON has no inherited enumerable keys); no array of them is made.
    for (const key in v) {
      const item = v[key];
      // JSON leaves out members it cannot write.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      members++;
      const keyStart = at + 1 + indent;
      this.table.enter(keyStart);
      const keyEnd = this.stringEnd(keyStart, key.length);
      this.table.leave(keyEnd, key);
      // `"key": value`
      at = this.value(item, keyEnd + 2, depth + 1) + 1;
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
}

import { PositionTable } from '../../parsers/yaml/position-table.js';

type Listener = PositionTable['listener'];
type Event = Parameters<Listener>[1];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The positions of every node of `value` in `text`, its indented JSON (`JSON.stringify(value, null,
 * 2)`), as loading that text with js-yaml would record them (keys and values, in document order), but
 * found by walking the value beside its text instead of parsing the text again. Undefined when the
 * text is not what the walk expects (a value JSON writes in a way the walk does not know): the text
 * is then parsed.
 */
export function positionsOf(value: unknown, text: string): PositionTable | undefined {
  const table = new PositionTable(text);
  const walk = new Walk(text, table.listener);
  try {
    if (walk.value(value, 0, 0) !== text.length) return undefined;
  } catch (e) {
    // Nesting too deep to walk is left to the parser, which reports it.
    if (e instanceof TextMismatch || e instanceof RangeError) return undefined;
    throw e;
  } finally {
    table.seal();
  }
  return table;
}

class TextMismatch extends Error {}

/** Nodes are reported to the table's listener as js-yaml reports them: `open` where a node starts, `close` just past it. */
class Walk {
  private readonly event: Event = { position: 0, result: undefined };

  constructor(
    private readonly text: string,
    private readonly listener: Listener,
  ) {}

  /** Records `v`, written at `pos` with members indented by `depth + 1` levels; returns the offset just past it. */
  value(v: unknown, pos: number, depth: number): number {
    this.open(pos);
    let end: number;
    if (typeof v === 'string') end = this.stringEnd(pos);
    else if (typeof v === 'number') end = pos + (Number.isFinite(v) ? String(v) : 'null').length;
    else if (typeof v === 'boolean') end = pos + (v ? 4 : 5);
    else if (v === null) end = pos + 4;
    else if (Array.isArray(v)) end = this.array(v, pos, depth);
    else if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function')
      end = this.mapping(v as Record<string, unknown>, pos, depth);
    else throw new TextMismatch();
    this.close(end, v);
    return end;
  }

  private array(v: unknown[], pos: number, depth: number): number {
    this.expect(pos, '[');
    if (v.length === 0) return this.expect(pos + 1, ']') + 1;
    // Each item follows the bracket or the comma after the one before, then a line break and its indentation.
    const indent = 2 * (depth + 1);
    let at = pos + 1;
    for (const item of v) {
      // Holes and values JSON cannot write are written as null.
      const written = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item;
      at = this.value(written, at + 1 + indent, depth + 1) + 1;
    }
    return this.expect(at + 2 * depth, ']') + 1;
  }

  private mapping(v: Record<string, unknown>, pos: number, depth: number): number {
    this.expect(pos, '{');
    const indent = 2 * (depth + 1);
    let at = pos + 1;
    let members = 0;
    for (const key of Object.keys(v)) {
      const item = v[key];
      // JSON leaves out members it cannot write.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      members++;
      const keyStart = at + 1 + indent;
      this.open(keyStart);
      const keyEnd = this.stringEnd(keyStart);
      this.close(keyEnd, key);
      // `"key": value`
      at = this.value(item, keyEnd + 2, depth + 1) + 1;
    }
    if (members === 0) return this.expect(pos + 1, '}') + 1;
    return this.expect(at + 2 * depth, '}') + 1;
  }

  /** The offset just past the JSON string that starts at `pos`: its closing quote is the first not escaped. */
  private stringEnd(pos: number): number {
    const text = this.text;
    if (text.charCodeAt(pos) !== QUOTE) throw new TextMismatch();
    let q = text.indexOf('"', pos + 1);
    for (;;) {
      if (q === -1) throw new TextMismatch();
      let slashes = 0;
      while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return q + 1;
      q = text.indexOf('"', q + 1);
    }
  }

  private expect(pos: number, char: string): number {
    if (this.text[pos] !== char) throw new TextMismatch();
    return pos;
  }

  private open(pos: number): void {
    this.event.position = pos;
    this.event.result = undefined;
    this.listener('open', this.event);
  }

  private close(pos: number, result: unknown): void {
    this.event.position = pos;
    this.event.result = result;
    this.listener('close', this.event);
  }
}

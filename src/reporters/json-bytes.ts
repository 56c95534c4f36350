import { isFrozenData } from '../core/frozen-data.js';

/**
 * Writes `JSON.stringify(value, null, 2)` straight into UTF-8 bytes, byte for byte the same, without
 * building the text as a string: the findings of a large scan are about 1.3 KB of JSON each, and the
 * strings `JSON.stringify` returns (and the flat copy that encoding them makes) were a quarter of all
 * the memory a scan allocates. Plain data only: an object with a `toJSON` method, a `BigInt` or a
 * cycle is handed to `JSON.stringify` itself.
 */
export class JsonBytesWriter {
  /**
   * The bytes written so far are `buffer[0, length)`; the buffer is replaced when it has to grow.
   * Read it, never write below `length`: bytes are given up only through `reset()` or a lower
   * `length`, which is how the writer knows when bytes it wrote before can no longer be copied.
   */
  buffer: Buffer;
  /** `length`, as this class and its subclasses write it. */
  protected size = 0;
  /**
   * Counts the times bytes before `length` were given up (`reset`, a shorter `length`): bytes written
   * before are copied again only while it stays the same.
   */
  protected era = 0;
  /** Objects and arrays open around the value being written. */
  protected depth = 0;
  /** By indentation of the object's line: what is known of each key (`KeyMemo`). */
  private readonly keys: Array<Map<string, KeyMemo> | undefined> = [];

  constructor(capacity = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Bytes written after `length` are appended; setting it lower gives up the bytes after it. */
  set length(length: number) {
    if (length < this.size) this.era++;
    this.size = length;
  }

  /** Forgets what was written (the buffer is kept). */
  reset(): void {
    this.size = 0;
    this.era++;
  }

  /** Appends ASCII text as it is. */
  ascii(text: string): void {
    this.reserve(text.length);
    const b = this.buffer;
    let p = this.size;
    for (let i = 0; i < text.length; i++) b[p++] = text.charCodeAt(i);
    this.size = p;
  }

  /**
   * Appends `value` as `JSON.stringify(value, null, 2)` writes it where the line holding it is
   * indented by `indent` spaces (its nested lines indented further). Returns false, writing nothing,
   * for a value JSON leaves out (undefined, a function, a symbol).
   */
  value(value: unknown, indent: number): boolean {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return true;
      case 'number':
        this.number(value);
        return true;
      case 'boolean':
        this.ascii(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value === null) this.ascii('null');
        else if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || this.depth > MAX_DEPTH) this.stringified(value, indent);
        else if (Array.isArray(value)) this.array(value, indent);
        else this.object(value as Record<string, unknown>, indent);
        return true;
      case 'bigint':
        this.stringified(value, indent);
        return true;
      default:
        return false;
    }
  }

  /** Appends bytes as they are (text written before, at the same indentation). */
  bytes(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.buffer.set(chunk, this.size);
    this.size += chunk.length;
  }

  protected object(o: Record<string, unknown>, indent: number): void {
    this.depth++;
    let empty = true;
    // A plain object's own keys are those `for…in` walks, without the array `Object.keys` allocates.
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype || proto === null) {
      for (const key in o) if (this.property(key, o[key], empty, indent)) empty = false;
    } else for (const key of Object.keys(o)) if (this.property(key, o[key], empty, indent)) empty = false;
    this.depth--;
    this.closeObject(empty, indent);
  }

  /** One property of an object whose line is indented by `indent`; false when JSON leaves it out. */
  protected property(key: string, v: unknown, first: boolean, indent: number): boolean {
    if (typeof v === 'string') {
      this.stringProperty(key, v, first, indent);
      return true;
    }
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return false;
    this.key(key, first, indent);
    this.value(v, indent + 2);
    return true;
  }

  /**
   * A property whose value is a string. A value written again under the same key right after (a file's
   * path in each of its findings, a status) is copied from where the property was written last.
   */
  private stringProperty(key: string, v: string, first: boolean, indent: number): void {
    const memo = this.keyMemo(key, indent);
    if (memo === undefined) {
      this.key(key, first, indent);
      this.string(v);
      return;
    }
    // `copyIfSame` and `remember` for a string, written out: most properties are strings.
    const last = memo.last;
    if (last.era === this.era && last.size === 1 && last.data[0] === v) {
      this.copyProperty(last.at, last.end, first);
      return;
    }
    const start = this.size;
    this.keyBytes(memo.key, first);
    this.string(v);
    last.data[0] = v;
    last.size = 1;
    last.at = start;
    last.end = this.size;
    last.era = this.era;
  }

  /**
   * Copies the property `last` remembers when its bytes are still there and `value` holds the data they
   * were written from (compared value by value, or the same frozen data: see `freezeData`); false otherwise.
   */
  protected copyIfSame(last: WrittenProperty, value: unknown, first: boolean): boolean {
    if (!this.holdsWritten(last, value)) return false;
    this.copyProperty(last.at, last.end, first);
    return true;
  }

  /** True when the bytes `last` remembers are still there and `value` holds the data they were written from. */
  protected holdsWritten(last: WrittenProperty, value: unknown): boolean {
    if (last.era !== this.era) return false;
    return (value === last.value && last.size > 0 && isFrozenData(value)) || holdsData(value, last.data, 0) === last.size;
  }

  /** Remembers the property just written from `start` on with `value`; nothing when `value` is not plain data (see `pushData`). */
  protected remember(last: WrittenProperty, value: unknown, start: number): void {
    const size = pushData(value, last.data, 0);
    if (size < 0) {
      last.era = -1;
      last.value = undefined;
      return;
    }
    last.size = size;
    last.value = value;
    last.at = start;
    last.end = this.size;
    last.era = this.era;
  }

  /** Copies the property written at `buffer[at, end)` (`,` or `{` first, still there: see `era`), `{` first for the first property of an object. */
  protected copyProperty(at: number, end: number, first: boolean): void {
    const n = end - at;
    // Room for 2 more bytes after it, as after any value.
    this.reserve(n + 2);
    const p = this.size;
    this.buffer.copyWithin(p, at, end);
    this.buffer[p] = first ? BRACE : COMMA;
    this.size = p + n;
  }

  /** Copies bytes written before at `buffer[at, end)` (still there: see `era`). */
  protected copyWritten(at: number, end: number): void {
    const n = end - at;
    // Room for 2 more bytes after it, as after any value.
    this.reserve(n + 2);
    this.buffer.copyWithin(this.size, at, end);
    this.size += n;
  }

  /** The `{` (or `,` after the property before), line break and indentation, key and `: ` of a property of an object whose line is indented by `indent`. */
  protected key(key: string, first: boolean, indent: number): void {
    const memo = this.keyMemo(key, indent);
    if (memo !== undefined) this.keyBytes(memo.key, first);
    else {
      this.open(first ? BRACE : COMMA, indent + 2);
      this.string(key);
      this.buffer[this.size++] = COLON;
      this.buffer[this.size++] = SPACE;
    }
  }

  /** What is known of `key` in objects whose line is indented by `indent`; undefined past `MAX_KEYS` keys. */
  private keyMemo(key: string, indent: number): KeyMemo | undefined {
    const known = (this.keys[indent] ??= new Map());
    let memo = known.get(key);
    if (memo === undefined) {
      // Findings have a few dozen keys; objects with keys without end (a map of labels) are written as they come.
      if (known.size >= MAX_KEYS) return undefined;
      const start = this.size;
      this.open(COMMA, indent + 2);
      this.string(key);
      this.buffer[this.size++] = COLON;
      this.buffer[this.size++] = SPACE;
      memo = { key: new Uint8Array(this.buffer.subarray(start, this.size)), last: writtenProperty() };
      known.set(key, memo);
      this.size = start;
    }
    return memo;
  }

  /** Bytes that start with the `,` of a property, written with `{` instead for the first property of an object. */
  private keyBytes(bytes: Uint8Array, first: boolean): void {
    // Copied whole: a loop over its bytes costs more than the call. Room for 2 more bytes after it.
    this.reserve(bytes.length + 2);
    const p = this.size;
    this.buffer.set(bytes, p);
    if (first) this.buffer[p] = BRACE;
    this.size = p + bytes.length;
  }

  /** A number as `JSON.stringify` writes it; small integers (lines, columns) digit by digit, without a string. */
  protected number(v: number): void {
    if (v >= 0 && v <= 0x7fffffff && (v | 0) === v) {
      let digits = 1;
      for (let rest = v; rest >= 10; rest = (rest / 10) | 0) digits++;
      this.reserve(digits);
      const b = this.buffer;
      let p = this.size + digits;
      this.size = p;
      do {
        const next = (v / 10) | 0;
        b[--p] = DIGIT_0 + v - 10 * next;
        v = next;
      } while (v > 0);
    } else this.ascii(Number.isFinite(v) ? String(v) : 'null');
  }

  /** Closes an object whose line is indented by `indent`; `empty` when it has no property. */
  protected closeObject(empty: boolean, indent: number): void {
    this.close(empty, BRACE_CLOSE, BRACE, indent);
  }

  private array(a: readonly unknown[], indent: number): void {
    const inner = indent + 2;
    this.depth++;
    for (let i = 0; i < a.length; i++) {
      this.open(i === 0 ? BRACKET : COMMA, inner);
      if (!this.value(a[i], inner)) this.ascii('null');
    }
    this.depth--;
    this.close(a.length === 0, BRACKET_CLOSE, BRACKET, indent);
  }

  /** `{` or `[` (or the `,` after an item), a line break and the indentation of the next item. */
  private open(mark: number, indent: number): void {
    this.reserve(indent + 2);
    const b = this.buffer;
    let p = this.size;
    b[p++] = mark;
    b[p++] = NEWLINE;
    for (let i = 0; i < indent; i++) b[p++] = SPACE;
    this.size = p;
  }

  private close(empty: boolean, mark: number, opening: number, indent: number): void {
    this.reserve(indent + 2);
    const b = this.buffer;
    let p = this.size;
    if (empty) b[p++] = opening;
    else {
      b[p++] = NEWLINE;
      for (let i = 0; i < indent; i++) b[p++] = SPACE;
    }
    b[p++] = mark;
    this.size = p;
  }

  /** A JSON string: escapes as `JSON.stringify` does (lone surrogates included), UTF-8 otherwise; room for 2 more bytes after it. */
  protected string(s: string): void {
    const n = s.length;
    // At most 6 bytes per UTF-16 code unit (`\uXXXX`), the quotes and 2 bytes after.
    this.reserve(6 * n + 4);
    const b = this.buffer as LatinWritable;
    let p = this.size;
    b[p++] = QUOTE;
    if (n <= SHORT_STRING) {
      // Keys, ids and most values: copied code by code until the first one that needs care.
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) break;
        b[p++] = c;
      }
      if (i < n) p = encodeRest(s, i, b, p);
    } else {
      const care = s.search(NEEDS_CARE);
      if (care === -1) p += b.latin1Write(s, p);
      else p = encodeRest(s, care, b, p + b.latin1Write(s, p, care));
    }
    b[p++] = QUOTE;
    this.size = p;
  }

  /** What `JSON.stringify` itself writes for `value`, its lines indented to sit at `indent`. */
  private stringified(value: unknown, indent: number): void {
    const text = JSON.stringify(value, null, 2);
    const shifted = indent === 0 ? text : text.replaceAll('\n', '\n' + ' '.repeat(indent));
    const bytes = Buffer.byteLength(shifted);
    this.reserve(bytes);
    this.size += this.buffer.write(shifted, this.size);
  }

  private reserve(bytes: number): void {
    if (this.size + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.size + bytes));
    this.buffer.copy(grown, 0, 0, this.size);
    this.buffer = grown;
  }
}

/** What a string may hold that needs more than copying it byte for byte: JSON's escapes, and characters beyond ASCII. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NEEDS_CARE = /[\u0000-\u001f"\\\u007f-\uffff]/;

/** `buffer.write(text, at, 'latin1')` without its argument checks: Node's own method, not in its typings. */
type LatinWritable = Buffer & { latin1Write(text: string, offset: number, length?: number): number };

/** Strings up to this length are copied by a loop over their codes; longer ones are searched for the first code that needs care and copied up to it by `latin1Write` (a loop is faster for short strings, measured). */
const SHORT_STRING = 16;

/** Keys remembered per indentation (`keyMemo`). */
const MAX_KEYS = 256;

/** A key of objects at one indentation, as written. */
interface KeyMemo {
  /** The key's `,`, line break, indentation, quoted key and `: `. */
  readonly key: Uint8Array;
  /** The string property written last under this key. */
  readonly last: WrittenProperty;
}

/**
 * A property as written last: its bytes are `buffer[at, end)` while `era` is the writer's, and its value's
 * data (`pushData`) is `data[0, size)`. It is copied only for a value that holds the same data, compared
 * value by value, so a value changed in place since is written again, never copied from old bytes.
 */
export interface WrittenProperty {
  readonly data: unknown[];
  size: number;
  /** The value written, when `remember` was given it (a string property keeps only `data`). */
  value: unknown;
  at: number;
  end: number;
  era: number;
}

/** A `WrittenProperty` that holds nothing yet. */
export function writtenProperty(): WrittenProperty {
  return { data: [], size: 0, value: undefined, at: 0, end: 0, era: -1 };
}

/** An object that `JSON.stringify` writes as its own enumerable properties, the ones `for…in` walks. */
export function plain(o: unknown): o is Record<string, unknown> {
  return (
    o !== null &&
    typeof o === 'object' &&
    Object.getPrototypeOf(o) === Object.prototype &&
    typeof (o as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** Before the data of an object, of an array (then its length), and after an object's. */
const OBJECT = Symbol('object');
const ARRAY = Symbol('array');
const END = Symbol('end of object');

/**
 * Writes the data of `value` into `data` from `i` on and returns where it ends: a string, number,
 * boolean or null as it is; a plain object as `OBJECT`, its keys and their values' data in order, then
 * `END`; an array as `ARRAY`, its length and its items' data. -1 for anything else inside (written
 * over in place: emptying the array would give up its storage, to be grown again).
 */
function pushData(value: unknown, data: unknown[], i: number): number {
  if (typeof value !== 'object') {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return -1;
    data[i] = value;
    return i + 1;
  }
  if (value === null) {
    data[i] = null;
    return i + 1;
  }
  if (Array.isArray(value)) {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return -1;
    data[i++] = ARRAY;
    data[i++] = value.length;
    for (let n = 0; n < value.length && i >= 0; n++) i = pushData(value[n], data, i);
    return i;
  }
  if (!plain(value)) return -1;
  data[i++] = OBJECT;
  for (const key in value) {
    data[i++] = key;
    if ((i = pushData(value[key], data, i)) < 0) return -1;
  }
  data[i++] = END;
  return i;
}

/** Where the data of `value` ends if it holds the data `pushData` wrote at `i`; -1 otherwise. */
function holdsData(value: unknown, data: readonly unknown[], i: number): number {
  // Only what `pushData` accepts was written: a primitive equal to it is of those kinds.
  if (typeof value !== 'object' || value === null) return data[i] === value ? i + 1 : -1;
  if (Array.isArray(value)) {
    if (data[i++] !== ARRAY || data[i++] !== value.length || typeof (value as { toJSON?: unknown }).toJSON === 'function') return -1;
    for (let n = 0; n < value.length && i >= 0; n++) i = holdsData(value[n], data, i);
    return i;
  }
  if (data[i++] !== OBJECT || !plain(value)) return -1;
  for (const key in value) {
    if (data[i++] !== key) return -1;
    if ((i = holdsData(value[key], data, i)) < 0) return -1;
  }
  return data[i] === END ? i + 1 : -1;
}

/** Nesting past which the serializer itself takes over (it reports a cycle as `JSON.stringify` does). */
const MAX_DEPTH = 64;

const NEWLINE = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const DIGIT_0 = 0x30;
const BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const BRACKET_CLOSE = 0x5d;
const BRACE = 0x7b;
const BRACE_CLOSE = 0x7d;

/** The short escapes of JSON, by character code; 0 where `\uXXXX` is written. */
const SHORT_ESCAPES = new Uint8Array(0x60);
SHORT_ESCAPES[0x08] = 0x62; // \b
SHORT_ESCAPES[0x09] = 0x74; // \t
SHORT_ESCAPES[0x0a] = 0x6e; // \n
SHORT_ESCAPES[0x0c] = 0x66; // \f
SHORT_ESCAPES[0x0d] = 0x72; // \r
SHORT_ESCAPES[QUOTE] = QUOTE;
SHORT_ESCAPES[BACKSLASH] = BACKSLASH;

/** Writes `s` from `i` on as a JSON string's content, escaped and UTF-8 encoded; returns the position after it. */
function encodeRest(s: string, i: number, b: Buffer, p: number): number {
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) b[p++] = c;
      else p = escape(b, p, c);
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        const u = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        b[p++] = 0xf0 | (u >> 18);
        b[p++] = 0x80 | ((u >> 12) & 0x3f);
        b[p++] = 0x80 | ((u >> 6) & 0x3f);
        b[p++] = 0x80 | (u & 0x3f);
        i++;
      } else p = unicodeEscape(b, p, c);
    }
  }
  return p;
}

function escape(b: Buffer, p: number, c: number): number {
  const short = SHORT_ESCAPES[c];
  if (short === 0) return unicodeEscape(b, p, c);
  b[p++] = BACKSLASH;
  b[p++] = short;
  return p;
}

const HEX = '0123456789abcdef';

/** `\uXXXX`, in lower-case hex as `JSON.stringify` writes it. */
function unicodeEscape(b: Buffer, p: number, c: number): number {
  b[p++] = BACKSLASH;
  b[p++] = 0x75;
  for (let shift = 12; shift >= 0; shift -= 4) b[p++] = HEX.charCodeAt((c >> shift) & 0xf);
  return p;
}

/**
 * A fast reader for the YAML that manifests, rendered charts and compose files are written in, used
 * before js-yaml: documents and their markers, comments, block mappings and sequences, flow
 * collections, plain and quoted scalars (over several lines too), literal and folded block scalars.
 *
 * It yields exactly what `js-yaml` yields with `KUBE_SCHEMA` and records exactly the nodes and
 * offsets its `listener` reports into the position table (abandoned attempts included, such as the
 * empty key node js-yaml opens at a `---` that ends a mapping): it takes the same decisions in the
 * same order as js-yaml's loader, for less of the language. Anything else (anchors, aliases, tags,
 * explicit keys `? `, directives, merge keys, collections as keys, tabs in separation space, a
 * character js-yaml refuses, nesting at the depth limit) and every error make it give the file up:
 * js-yaml then reads the file, so its values, positions and errors stay the reference. A deliberate
 * departure from "prefer a library": js-yaml with the position listener was the largest part of a
 * manifest scan after the report, and no maintained YAML library records positions more cheaply.
 */
import { MERGE_KEY, resolvePlainScalar } from './kube-schema.js';
import type { PositionTable } from './position-table.js';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BANG = 0x21;
const DQUOTE = 0x22;
const HASH = 0x23;
const PERCENT = 0x25;
const AMP = 0x26;
const QUOTE = 0x27;
const STAR = 0x2a;
const COMMA = 0x2c;
const DASH = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const GT = 0x3e;
const QUESTION = 0x3f;
const AT = 0x40;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const BACKTICK = 0x60;
const LBRACE = 0x7b;
const PIPE = 0x7c;
const RBRACE = 0x7d;

/** js-yaml's node contexts. */
const FLOW_IN = 1;
const FLOW_OUT = 2;
const BLOCK_IN = 3;
const BLOCK_OUT = 4;

const CLIP = 1;
const STRIP = 2;
const KEEP = 3;

/** What js-yaml refuses in plain and block scalars (its `PATTERN_NON_PRINTABLE`). */
const NON_PRINTABLE =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/**
 * Characters that continue a plain scalar wherever they are (outside line starts): printable ASCII
 * but `:` and `#`, and in flow collections the flow indicators.
 */
const ORDINARY = new Uint8Array(128);
const ORDINARY_IN_FLOW = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) {
  if (c === COLON || c === HASH) continue;
  ORDINARY[c] = 1;
  if (!isFlowIndicator(c)) ORDINARY_IN_FLOW[c] = 1;
}

/** Characters a plain scalar cannot start with (js-yaml's indicators, white space and line breaks): one look-up instead of a comparison each. */
const NOT_PLAIN_START = new Uint8Array(128);
for (const c of [
  SPACE,
  TAB,
  LF,
  CR,
  COMMA,
  LBRACKET,
  RBRACKET,
  LBRACE,
  RBRACE,
  HASH,
  AMP,
  STAR,
  BANG,
  PIPE,
  GT,
  QUOTE,
  DQUOTE,
  PERCENT,
  AT,
  BACKTICK,
])
  NOT_PLAIN_START[c] = 1;

/** What js-yaml writes for the line breaks between two lines of a folded scalar. */
function foldedBreaks(count: number): string {
  return count === 1 ? ' ' : count > 1 ? '\n'.repeat(count - 1) : '';
}

/** Thrown to give the file up to js-yaml; not an Error, so no stack is captured. */
const GIVE_UP = { reason: 'outside the block subset' };

function giveUp(): never {
  throw GIVE_UP;
}

function isWhiteSpace(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isEol(c: number): boolean {
  return c === LF || c === CR;
}

function isWsOrEol(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

function isFlowStart(c: number): boolean {
  return c === LBRACKET || c === LBRACE;
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/** The character a one-character escape of a double-quoted scalar stands for; '' when it is none. */
function simpleEscape(c: number): string {
  switch (c) {
    case 0x30:
      return '\x00';
    case 0x61:
      return '\x07';
    case 0x62:
      return '\x08';
    case 0x74:
    case TAB:
      return '\x09';
    case 0x6e:
      return '\x0A';
    case 0x76:
      return '\x0B';
    case 0x66:
      return '\x0C';
    case 0x72:
      return '\x0D';
    case 0x65:
      return '\x1B';
    case SPACE:
      return ' ';
    case DQUOTE:
      return '"';
    case 0x2f:
      return '/';
    case BACKSLASH:
      return '\\';
    case 0x4e:
      return '\x85';
    case 0x5f:
      return '\xA0';
    case 0x4c:
      return '\u2028';
    case 0x50:
      return '\u2029';
    default:
      return '';
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * Sets a pair of a mapping. Duplicated keys are found afterwards, by `checkKeys`: js-yaml reports
 * them, and its error is the one to give.
 */
function setProperty(map: Record<string, unknown>, key: unknown, value: unknown): void {
  // A collection as a key is turned into text by js-yaml's own rules: left to it.
  if (typeof key === 'object' && key !== null) giveUp();
  const name = typeof key === 'string' ? key : String(key);
  if (name === '__proto__') Object.defineProperty(map, name, { configurable: true, enumerable: true, writable: true, value });
  else map[name] = value;
}

/** Gives up a mapping that has fewer keys than pairs were set: a key was duplicated. */
function checkKeys(map: Record<string, unknown>, pairs: number): void {
  if (pairs < 2) return;
  // Counted without the array of names `Object.keys` would make (the mapping's prototype is Object's, which has no enumerable key).
  let keys = 0;
  for (const _ in map) keys++;
  if (keys !== pairs) giveUp();
}

/**
 * Short plain scalars by their text, with their values: keys and values such as `name`, `image`,
 * `TCP` or `true` recur in every object, and are then neither cut out of the text nor resolved again
 * (one string for all of them, which is already a property name when it is a key). A slot's text is
 * kept as code units, `SCALAR_CACHE_LENGTH` to a slot, its length apart: a look-up compares them in
 * one run of memory, without a call or a visit to a string somewhere in the heap.
 */
const SCALAR_CACHE_SLOTS = 4096;
const SCALAR_CACHE_LENGTH = 32;
const scalarCodes = new Uint16Array(SCALAR_CACHE_SLOTS * SCALAR_CACHE_LENGTH);
/** 0 for a slot not taken: a cached scalar is never empty. */
const scalarLengths = new Uint8Array(SCALAR_CACHE_SLOTS);
const scalarValues: unknown[] = new Array<unknown>(SCALAR_CACHE_SLOTS).fill(null);

/**
 * A copy of `slice` that keeps no other text alive. V8 makes a slice of 13 characters or more a view
 * of the string it was cut from, which it keeps alive: a slice cached here would hold its whole file
 * text for as long as it stays in the cache (in a server, until the slot is taken). A slice of a
 * fresh concatenation is a view of that small string instead.
 */
function detached(slice: string): string {
  return (' ' + slice).slice(1);
}

/**
 * V8 copies a slice shorter than this (`SlicedString::kMinLength`); a longer one is a view of what it
 * was cut from.
 */
const SLICED_MIN_LENGTH = 13;
/**
 * The value of a slot whose text was read once, a string long enough to be a view of its file's text:
 * the copy a slot keeps (`detached`) is made only when the text is read again. Most such texts are
 * names read once (`svc-1500-1-config`), which are then cut out of the text once and not copied.
 */
const SEEN_ONCE = Symbol('seen once');

/** The value of the plain scalar `source[start, end)` (one line, printable, not empty), whose code units `s` holds. */
function cachedPlainScalar(s: Uint16Array, source: string, start: number, end: number): unknown {
  const length = end - start;
  // A slot from the length and four characters: cheaper than hashing every character, and about as good for names.
  const h =
    Math.imul(length, 0x9e3779b1) ^
    Math.imul(s[start], 0x85ebca6b) ^
    Math.imul(s[end - 1], 0xc2b2ae35) ^
    Math.imul(s[start + (length >> 1)], 0x27d4eb2f) ^
    Math.imul(s[start + (length >> 2)], 0x165667b1);
  const slot = (h ^ (h >>> 15)) & (SCALAR_CACHE_SLOTS - 1);
  const at = slot * SCALAR_CACHE_LENGTH;
  if (scalarLengths[slot] === length) {
    let i = 0;
    while (i < length && scalarCodes[at + i] === s[start + i]) i++;
    if (i === length) {
      const known = scalarValues[slot];
      if (known !== SEEN_ONCE) return known;
      // Its value is its text (see below).
      const copy = detached(source.slice(start, end));
      scalarValues[slot] = copy;
      return copy;
    }
  }
  const text = source.slice(start, end);
  const value = resolvePlainScalar(text);
  if (value === MERGE_KEY) giveUp();
  for (let i = 0; i < length; i++) scalarCodes[at + i] = s[start + i];
  scalarLengths[slot] = length;
  // A view of the text is not kept by the cache: a long text read as itself is copied when read again.
  scalarValues[slot] = value === text && length >= SLICED_MIN_LENGTH ? SEEN_ONCE : value;
  return value;
}

/**
 * The code units of the text being read, a NUL after them: read by index, which costs less than
 * `charCodeAt` (that tests the string's representation at every call). Reused from file to file;
 * given back down after a large file, as the position table's scratch space is.
 */
const KEPT_CODES = 1 << 20;
let scratchCodes = new Uint16Array(1 << 16);
/** UTF-16LE, as `Buffer.write` writes it, is what a `Uint16Array` reads on this machine. */
const LITTLE_ENDIAN = new Uint16Array(new Uint8Array([1, 0]).buffer)[0] === 1;
/** Code units past the text and its NUL, zeroed too: look-ahead never reaches text left by another file. */
const PADDING = 4;

function codesOf(text: string): Uint16Array {
  const n = text.length;
  if (scratchCodes.length < n + 1 + PADDING) scratchCodes = new Uint16Array(Math.max(2 * scratchCodes.length, n + 1 + PADDING));
  const codes = scratchCodes;
  if (LITTLE_ENDIAN) Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength).write(text, 0, 2 * n, 'utf16le');
  else for (let i = 0; i < n; i++) codes[i] = text.charCodeAt(i);
  codes.fill(0, n, n + 1 + PADDING);
  return codes;
}

function releaseCodes(): void {
  if (scratchCodes.length > KEPT_CODES) scratchCodes = new Uint16Array(KEPT_CODES);
}

class BlockReader {
  private pos = 0;
  private line = 0;
  private lineStart = 0;
  private lineIndent = 0;
  private depth = 0;
  private result: unknown = null;

  constructor(
    /** The code units of the text as js-yaml reads it (a line break at the end, no byte order mark), a NUL after them. */
    private readonly codes: Uint16Array,
    /**
     * The same text without the NUL, which values are cut from: usually the file's own text, so a long
     * value (a view of what it is cut from) keeps alive only what the scan keeps anyway, not a copy.
     */
    private readonly source: string,
    /** Its length. */
    private readonly length: number,
    private readonly table: PositionTable,
    private readonly maxDepth: number,
  ) {}

  documents(): unknown[] {
    const s = this.codes;
    const documents: unknown[] = [];
    while (s[this.pos] === SPACE) {
      this.lineIndent++;
      this.pos++;
    }
    while (this.pos < this.length - 1) documents.push(this.document());
    return documents;
  }

  private document(): unknown {
    const s = this.codes;
    while (s[this.pos] !== 0) {
      this.skipSeparation(true);
      if (this.lineIndent > 0 || s[this.pos] !== PERCENT) break;
      giveUp(); // a directive
    }
    this.skipSeparation(true);
    const p = this.pos;
    if (this.lineIndent === 0 && s[p] === DASH && s[p + 1] === DASH && s[p + 2] === DASH) {
      this.pos += 3;
      this.skipSeparation(true);
    }
    this.compose(this.lineIndent - 1, BLOCK_OUT, false, true);
    this.skipSeparation(true);
    const value = this.result;
    if (this.pos === this.lineStart && this.atDocumentSeparator()) {
      if (s[this.pos] === DOT) {
        this.pos += 3;
        this.skipSeparation(true);
      }
    } else if (this.pos < this.length - 1) giveUp(); // js-yaml: end of the stream or a document separator is expected
    return value;
  }

  private readLineBreak(): void {
    const s = this.codes;
    const ch = s[this.pos];
    if (ch === LF) this.pos++;
    else if (ch === CR) {
      this.pos++;
      if (s[this.pos] === LF) this.pos++;
    } else giveUp();
    this.line++;
    this.lineStart = this.pos;
  }

  /** Skips spaces, line breaks and (when allowed) comments; returns the number of line breaks. */
  private skipSeparation(allowComments: boolean): number {
    const s = this.codes;
    let lineBreaks = 0;
    let ch = s[this.pos];
    while (ch !== 0) {
      while (ch === SPACE) ch = s[++this.pos];
      // A tab here would decide whether a block collection may start on this line.
      if (ch === TAB) giveUp();
      if (allowComments && ch === HASH) {
        do ch = s[++this.pos];
        while (ch !== LF && ch !== CR && ch !== 0);
      }
      if (ch !== LF && ch !== CR) break;
      this.readLineBreak();
      ch = s[this.pos];
      lineBreaks++;
      // Counted in a local: a field written for every space cost more than the reading.
      const lineStart = this.pos;
      let p = lineStart;
      while (ch === SPACE) ch = s[++p];
      this.pos = p;
      this.lineIndent = p - lineStart;
    }
    return lineBreaks;
  }

  /**
   * The indentation `skipSeparation(false)` would leave at a line break, without moving: the number of
   * spaces that start the next line that is not empty (its tab gives up as that would).
   */
  private nextLineIndent(): number {
    const s = this.codes;
    let p = this.pos;
    let ch = s[p];
    for (;;) {
      p += ch === CR && s[p + 1] === LF ? 2 : 1;
      const lineStart = p;
      ch = s[p];
      while (ch === SPACE) ch = s[++p];
      if (ch === TAB) giveUp();
      if (ch !== LF && ch !== CR) return p - lineStart;
    }
  }

  private atDocumentSeparator(): boolean {
    const s = this.codes;
    const p = this.pos;
    const ch = s[p];
    if ((ch === DASH || ch === DOT) && ch === s[p + 1] && ch === s[p + 2]) {
      const after = s[p + 3];
      return after === 0 || isWsOrEol(after);
    }
    return false;
  }

  /** js-yaml's `composeNode`, for the contexts and node kinds of the block subset. */
  private compose(parentIndent: number, context: number, allowToSeek: boolean, allowCompact: boolean): boolean {
    if (this.depth >= this.maxDepth) giveUp();
    this.depth++;
    this.table.enter(this.pos);
    this.result = null;
    const blockStyles = context === BLOCK_IN || context === BLOCK_OUT;
    let blockCollections = blockStyles;
    let indentStatus = 1;
    let atNewLine = false;
    if (allowToSeek && this.skipSeparation(true) !== 0) {
      atNewLine = true;
      indentStatus = this.lineIndent > parentIndent ? 1 : this.lineIndent === parentIndent ? 0 : -1;
    }
    const s = this.codes;
    if (indentStatus === 1) {
      const ch = s[this.pos];
      if (ch === BANG || ch === AMP) giveUp(); // a tag or an anchor
    }
    if (blockCollections) blockCollections = atNewLine || allowCompact;
    let hasContent = false;
    if (indentStatus === 1 || context === BLOCK_OUT) {
      const flowIndent = context === FLOW_IN || context === FLOW_OUT ? parentIndent : parentIndent + 1;
      const blockIndent = this.pos - this.lineStart;
      if (indentStatus === 1) {
        // `sequence` and `flowCollection` return at once, having read nothing, unless their first character is there: tested here, without the call.
        if (
          (blockCollections && ((s[this.pos] === DASH && this.sequence(blockIndent)) || this.mapping(blockIndent, flowIndent))) ||
          (isFlowStart(s[this.pos]) && this.flowCollection(flowIndent))
        )
          hasContent = true;
        else {
          const ch = s[this.pos];
          if (ch === STAR) giveUp(); // an alias
          if (blockStyles && (ch === PIPE || ch === GT)) {
            this.blockScalar(flowIndent);
            hasContent = true;
          } else if (ch === QUOTE) {
            this.singleQuoted();
            hasContent = true;
          } else if (ch === DQUOTE) {
            this.doubleQuoted();
            hasContent = true;
          } else hasContent = this.plain(flowIndent, context === FLOW_IN);
        }
      } else if (indentStatus === 0) {
        hasContent = blockCollections && s[this.pos] === DASH && this.sequence(blockIndent);
      }
    }
    this.table.leave(this.pos, this.result);
    this.depth--;
    return hasContent;
  }

  private sequence(nodeIndent: number): boolean {
    const s = this.codes;
    // The first two items are kept in locals and the array made at its size: most sequences of a
    // manifest have one or two items, and an array grown by `push` from `[]` holds room for 16.
    let count = 0;
    let first: unknown = null;
    let second: unknown = null;
    let items: unknown[] | undefined;
    let ch = s[this.pos];
    while (ch !== 0) {
      if (ch !== DASH || !isWsOrEol(s[this.pos + 1])) break;
      this.pos++;
      // An empty entry (`-` alone, the next line no deeper): null, and no node.
      const empty = this.skipSeparation(true) !== 0 && this.lineIndent <= nodeIndent;
      const line = this.line;
      let item: unknown = null;
      if (!empty) {
        this.compose(nodeIndent, BLOCK_IN, false, true);
        item = this.result;
      }
      if (count === 0) first = item;
      else if (count === 1) second = item;
      else if (count === 2) items = [first, second, item];
      else items!.push(item);
      count++;
      if (empty) {
        ch = s[this.pos];
        continue;
      }
      this.skipSeparation(true);
      ch = s[this.pos];
      if ((this.line === line || this.lineIndent > nodeIndent) && ch !== 0)
        giveUp(); // bad indentation of a sequence entry
      else if (this.lineIndent < nodeIndent) break;
    }
    if (count === 0) return false;
    this.result = count === 1 ? [first] : count === 2 ? [first, second] : items;
    return true;
  }

  private mapping(nodeIndent: number, flowIndent: number): boolean {
    const s = this.codes;
    let map: Record<string, unknown> | undefined;
    let pairs = 0;
    let ch = s[this.pos];
    while (ch !== 0) {
      const line = this.line;
      if ((ch === QUESTION || ch === COLON) && isWsOrEol(s[this.pos + 1])) giveUp(); // an explicit key
      if (!this.compose(flowIndent, FLOW_OUT, false, true)) break;
      if (this.line !== line) {
        if (map !== undefined) giveUp(); // a multiline key may not be an implicit key
        return true; // not a mapping: the scalar read is the node's content
      }
      ch = s[this.pos];
      while (isWhiteSpace(ch)) ch = s[++this.pos];
      if (ch !== COLON) {
        if (map !== undefined) giveUp(); // a colon is missed
        return true;
      }
      ch = s[++this.pos];
      if (!isWsOrEol(ch)) giveUp(); // a whitespace character is expected after the key-value separator
      const key = this.result;
      map ??= {};
      pairs++;
      const value = this.compose(nodeIndent, BLOCK_OUT, true, false) ? this.result : null;
      setProperty(map, key, value);
      this.skipSeparation(true);
      ch = s[this.pos];
      if ((this.line === line || this.lineIndent > nodeIndent) && ch !== 0)
        giveUp(); // bad indentation of a mapping entry
      else if (this.lineIndent < nodeIndent) break;
    }
    if (map === undefined) return false;
    checkKeys(map, pairs);
    this.result = map;
    return true;
  }

  /** js-yaml's `readFlowCollection`: `[…]` and `{…}` without explicit keys (`? `). */
  private flowCollection(nodeIndent: number): boolean {
    const s = this.codes;
    let ch = s[this.pos];
    let terminator: number;
    // A sequence's first two entries are kept in locals and its array made at its size, as in `sequence`.
    let map: Record<string, unknown> | undefined;
    if (ch === LBRACKET) terminator = RBRACKET;
    else if (ch === LBRACE) {
      terminator = RBRACE;
      map = {};
    } else return false;
    let count = 0;
    let first: unknown = null;
    let second: unknown = null;
    let items: unknown[] | undefined;
    let readNext = true;
    ch = s[++this.pos];
    while (ch !== 0) {
      this.skipSeparation(true);
      ch = s[this.pos];
      if (ch === terminator) {
        this.pos++;
        if (map !== undefined) {
          checkKeys(map, count);
          this.result = map;
        } else this.result = count === 0 ? [] : count === 1 ? [first] : count === 2 ? [first, second] : items;
        return true;
      }
      if (!readNext || ch === COMMA) giveUp(); // a missed comma, or an empty entry
      if (ch === QUESTION && isWsOrEol(s[this.pos + 1])) giveUp(); // an explicit key
      const line = this.line;
      this.compose(nodeIndent, FLOW_IN, false, true);
      const key = this.result;
      let value: unknown = null;
      let isPair = false;
      this.skipSeparation(true);
      ch = s[this.pos];
      if (this.line === line && ch === COLON) {
        isPair = true;
        this.pos++;
        this.skipSeparation(true);
        this.compose(nodeIndent, FLOW_IN, false, true);
        value = this.result;
      }
      if (map === undefined) {
        let item = key;
        if (isPair) {
          const pair: Record<string, unknown> = {};
          setProperty(pair, key, value);
          item = pair;
        }
        if (count === 0) first = item;
        else if (count === 1) second = item;
        else if (count === 2) items = [first, second, item];
        else items!.push(item);
      } else setProperty(map, key, value);
      count++;
      this.skipSeparation(true);
      ch = s[this.pos];
      if (ch === COMMA) {
        readNext = true;
        ch = s[++this.pos];
      } else readNext = false;
    }
    giveUp(); // the end of the stream within a flow collection
  }

  private plain(nodeIndent: number, inFlow: boolean): boolean {
    const s = this.codes;
    let ch = s[this.pos];
    if (ch < 0x80 && NOT_PLAIN_START[ch] === 1) return false;
    if (ch === QUESTION || ch === DASH) {
      const following = s[this.pos + 1];
      if (isWsOrEol(following) || (inFlow && isFlowIndicator(following))) return false;
    }
    const start = this.pos;
    // A document marker ends the scalar before it starts (js-yaml tests for one at each line start).
    if (start === this.lineStart && this.atDocumentSeparator()) return false;
    const ordinary = inFlow ? ORDINARY_IN_FLOW : ORDINARY;
    let captureStart = start;
    let end = start;
    let unusual = false;
    /** The scalar's lines before the current one, folded; set once it is read on into a next line. */
    let folded: string | undefined;
    /** A next line is to be read on: the current one is folded in front of its first character. */
    let pending = false;
    let breakLine = 0;
    while (ch !== 0) {
      if (!pending && ch < 0x80 && ordinary[ch] === 1) {
        // A run of ordinary characters, read with a local position.
        let p = this.pos;
        do ch = s[++p];
        while (ch < 0x80 && ordinary[ch] === 1);
        end = this.pos = p;
        continue;
      }
      if (ch === COLON) {
        const following = s[this.pos + 1];
        if (isWsOrEol(following) || (inFlow && isFlowIndicator(following))) break;
      } else if (ch === HASH) {
        if (isWsOrEol(s[this.pos - 1])) break;
      } else if ((this.pos === this.lineStart && this.atDocumentSeparator()) || (inFlow && isFlowIndicator(ch))) break;
      else if (ch === LF || ch === CR) {
        if (this.nextLineIndent() >= nodeIndent) {
          // Read on into the next line, as js-yaml does.
          breakLine = this.line;
          this.skipSeparation(false);
          pending = true;
          ch = s[this.pos];
          continue;
        }
        // js-yaml reads the separation and goes back to the scalar's end: the reader's state is as it was, but its position.
        this.pos = end;
        break;
      }
      if (pending) {
        folded = (folded ?? '') + this.source.slice(captureStart, end) + foldedBreaks(this.line - breakLine);
        captureStart = end = this.pos;
        pending = false;
      }
      if (ch !== SPACE && ch !== TAB) {
        end = this.pos + 1;
        if (ch < SPACE || ch >= 0x7f) unusual = true;
      }
      ch = s[++this.pos];
    }
    if (folded === undefined && !unusual && end > captureStart && end - captureStart <= SCALAR_CACHE_LENGTH) {
      this.result = cachedPlainScalar(s, this.source, captureStart, end);
      return true;
    }
    const text = folded === undefined ? this.source.slice(captureStart, end) : folded + this.source.slice(captureStart, end);
    if (text === '') return false;
    if (unusual && NON_PRINTABLE.test(text)) giveUp();
    const value = resolvePlainScalar(text);
    if (value === MERGE_KEY) giveUp();
    this.result = value;
    return true;
  }

  private singleQuoted(): void {
    const s = this.codes;
    let result = '';
    let start = ++this.pos;
    let end = start;
    for (;;) {
      const ch = s[this.pos];
      if (ch === QUOTE) {
        result += this.source.slice(start, this.pos);
        if (s[++this.pos] !== QUOTE) break;
        start = this.pos++;
        end = this.pos;
      } else if (ch === LF || ch === CR) {
        result += this.source.slice(start, end) + foldedBreaks(this.skipSeparation(false));
        start = end = this.pos;
      } else if (ch < SPACE && ch !== TAB)
        giveUp(); // the end of the stream, or a control character
      else if (this.pos === this.lineStart && this.atDocumentSeparator()) giveUp();
      else {
        this.pos++;
        if (ch !== SPACE && ch !== TAB) end = this.pos;
      }
    }
    this.result = result;
  }

  private doubleQuoted(): void {
    const s = this.codes;
    let result = '';
    let start = ++this.pos;
    let end = start;
    for (;;) {
      let ch = s[this.pos];
      if (ch === DQUOTE) {
        result += this.source.slice(start, this.pos++);
        break;
      } else if (ch === BACKSLASH) {
        result += this.source.slice(start, this.pos);
        ch = s[++this.pos];
        const simple = ch < 256 ? simpleEscape(ch) : '';
        if (ch === LF || ch === CR)
          this.skipSeparation(false); // an escaped line break: no space
        else if (simple !== '') {
          result += simple;
          this.pos++;
        } else {
          let digits = ch === 0x78 ? 2 : ch === 0x75 ? 4 : ch === 0x55 ? 8 : 0;
          if (digits === 0) giveUp(); // an unknown escape
          let code = 0;
          for (; digits > 0; digits--) {
            const v = hexValue(s[++this.pos]);
            if (v < 0) giveUp();
            code = (code << 4) + v;
          }
          result +=
            code <= 0xffff
              ? String.fromCharCode(code)
              : String.fromCharCode(((code - 0x10000) >> 10) + 0xd800, ((code - 0x10000) & 0x3ff) + 0xdc00);
          this.pos++;
        }
        start = end = this.pos;
      } else if (ch === LF || ch === CR) {
        result += this.source.slice(start, end) + foldedBreaks(this.skipSeparation(false));
        start = end = this.pos;
      } else if (ch < SPACE && ch !== TAB)
        giveUp(); // the end of the stream, or a control character
      else if (this.pos === this.lineStart && this.atDocumentSeparator()) giveUp();
      else {
        this.pos++;
        if (ch !== SPACE && ch !== TAB) end = this.pos;
      }
    }
    this.result = result;
  }

  /** js-yaml's `readBlockScalar`: `|` and `>` with their chomping and indentation indicators. */
  private blockScalar(nodeIndent: number): void {
    const s = this.codes;
    const folding = s[this.pos] === GT;
    let chomping = CLIP;
    let didReadContent = false;
    let detectedIndent = false;
    let textIndent = nodeIndent;
    let emptyLines = 0;
    let atMoreIndented = false;
    let result = '';
    let ch = s[this.pos];
    while (ch !== 0) {
      ch = s[++this.pos];
      if (ch === 0x2b || ch === DASH) {
        if (chomping !== CLIP) giveUp();
        chomping = ch === 0x2b ? KEEP : STRIP;
      } else if (ch >= 0x30 && ch <= 0x39) {
        if (ch === 0x30 || detectedIndent) giveUp();
        textIndent = nodeIndent + (ch - 0x30) - 1;
        detectedIndent = true;
      } else break;
    }
    if (isWhiteSpace(ch)) {
      do ch = s[++this.pos];
      while (isWhiteSpace(ch));
      if (ch === HASH) {
        do ch = s[++this.pos];
        while (!isEol(ch) && ch !== 0);
      }
    }
    while (ch !== 0) {
      this.readLineBreak();
      this.lineIndent = 0;
      ch = s[this.pos];
      while ((!detectedIndent || this.lineIndent < textIndent) && ch === SPACE) {
        this.lineIndent++;
        ch = s[++this.pos];
      }
      if (!detectedIndent && this.lineIndent > textIndent) textIndent = this.lineIndent;
      if (isEol(ch)) {
        emptyLines++;
        continue;
      }
      if (!detectedIndent && textIndent === 0) giveUp(); // missing indentation for block scalar
      if (this.lineIndent < textIndent) {
        if (chomping === KEEP) result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        else if (chomping === CLIP && didReadContent) result += '\n';
        break;
      }
      if (folding) {
        if (isWhiteSpace(ch)) {
          atMoreIndented = true;
          result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        } else if (atMoreIndented) {
          atMoreIndented = false;
          result += '\n'.repeat(emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didReadContent) result += ' ';
        } else result += '\n'.repeat(emptyLines);
      } else result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      didReadContent = true;
      detectedIndent = true;
      emptyLines = 0;
      const start = this.pos;
      let unusual = false;
      while (!isEol(ch) && ch !== 0) {
        if ((ch < SPACE && ch !== TAB) || ch >= 0x7f) unusual = true;
        ch = s[++this.pos];
      }
      if (start < this.pos) {
        const segment = this.source.slice(start, this.pos);
        if (unusual && NON_PRINTABLE.test(segment)) giveUp();
        result += segment;
      }
    }
    this.result = result;
  }
}

/**
 * Loads every document of `text` as `js-yaml.loadAll` does with `KUBE_SCHEMA`, recording node
 * positions into `table` as its listener would. Returns undefined, with `table` to be discarded, when
 * the text is not entirely in the block subset this reader takes (js-yaml must read it then).
 */
export function loadBlockYaml(text: string, table: PositionTable, maxDepth: number): unknown[] | undefined {
  let input = text;
  if (input.length !== 0) {
    const last = input.charCodeAt(input.length - 1);
    if (last !== LF && last !== CR) input += '\n';
    if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
  }
  if (input.indexOf('\0') !== -1) return undefined;
  try {
    return new BlockReader(codesOf(input), input, input.length, table, maxDepth).documents();
  } catch (e) {
    // A RangeError is a stack too deep for this reader; js-yaml decides what it is.
    if (e === GIVE_UP || e instanceof RangeError) return undefined;
    throw e;
  } finally {
    releaseCodes();
  }
}

import type { ObjectPath, PathSegment } from '../../core/types.js';
import type { EditContexts } from './yaml-edit.js';

/**
 * Node positions recorded from js-yaml's `listener` while a file is loaded, in pre-order.
 * Spans are resolved lazily, only for the nodes a finding points at.
 */
/**
 * Node offsets of the file being loaded, reused from file to file: one array of four blocks of
 * `capacity` numbers, one block per field (open, close, parent, after; `seal` copies each out at
 * its size). One array rather than four: a node's record loads one module variable, not four.
 */
let capacity = 4096;
const FIELDS = 4;
let scratch = new Int32Array(FIELDS * capacity);
/** The values of the nodes being recorded; `seal` copies them out at their size, so no array grows per file. */
const scratchResults: unknown[] = [];
/** The nodes open while recording, by depth. */
let openNodes = new Int32Array(64);
/**
 * The most nodes the scratch space keeps from one file to the next (1 MiB of offsets): grown for a
 * larger file, it is given back down after it, so that a long-running process (webhook, serve)
 * does not hold the space of the largest file it ever loaded.
 */
const KEPT_CAPACITY = 1 << 16;

/** Gives back the scratch space a large file grew, once its offsets and values are copied out (or dropped). */
function shrinkScratch(): void {
  if (scratchResults.length > KEPT_CAPACITY) scratchResults.length = KEPT_CAPACITY;
  if (capacity <= KEPT_CAPACITY) return;
  capacity = KEPT_CAPACITY;
  scratch = new Int32Array(FIELDS * capacity);
}

/** Doubles the scratch space, each field's block copied to its place in the larger one. */
function grow(): void {
  const old = capacity;
  capacity *= 2;
  const bigger = new Int32Array(FIELDS * capacity);
  for (let f = 0; f < FIELDS; f++) bigger.set(scratch.subarray(f * old, (f + 1) * old), f * capacity);
  scratch = bigger;
}

const NONE = new Int32Array(0);
/** The offsets every one-node table shares (`ofOne`): a sealed table's offsets are never written. */
const ONE_AT_ZERO = new Int32Array([0]);
const ONE_PARENTLESS = new Int32Array([-1]);
const ONE_AFTER = new Int32Array([1]);

/**
 * Sealed offsets are carved out of shared slabs: an `Int32Array` of its own for each file cost more
 * than the copy into it (an allocation outside the heap, tracked by the collector). A slab lives as
 * long as one table in it does; a scan keeps every file's table until its end anyway.
 */
const SLAB = 1 << 16;
let slab: Int32Array<ArrayBuffer> = new Int32Array(0);
let slabUsed = 0;

function offsetSpace(size: number): { space: Int32Array<ArrayBuffer>; at: number } {
  if (size > SLAB >> 2) return { space: new Int32Array(size), at: 0 };
  if (slabUsed + size > slab.length) {
    slab = new Int32Array(SLAB);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += size;
  return { space: slab, at };
}

/**
 * A collection with more children than this that `find` looks into gets an index of its children
 * (`PositionTable.wide`): finding each of the n items of a long list, or each service of a large
 * compose file, by walking the siblings before it would take time quadratic in n.
 */
const WIDE = 32;

interface WideNode {
  keys?: Map<string, number>;
  items?: number[];
  merge: number;
}

export class PositionTable {
  /** Offsets live in typed arrays: off the JavaScript heap, 4 bytes a number, cheap to keep for cross-object rules. */
  open: Int32Array = NONE;
  close: Int32Array = NONE;
  parent: Int32Array = NONE;
  /** Index just past the last descendant of each node: the children of `n` are `n + 1`, `after[n + 1]`, … below `after[n]`. */
  after: Int32Array = NONE;
  results: unknown[] = [];
  /** Index of the root node of each document, in document order. */
  readonly roots: number[] = [];
  maxDepth = 0;
  /** Number of nodes recorded. */
  count = 0;
  /** Number of nodes open while recording. */
  private depth = 0;
  /** The steps of the last path `find` followed: the node and key node reached by each segment, under `root`. */
  private memo: { root: number; length: number; segments: PathSegment[]; nodes: number[]; keys: number[] } | undefined;
  /** Children of the collections with more than WIDE children that `find` looked into, made on the first such look. */
  private wide: Map<number, WideNode> | undefined;
  /** Recording into the scratch arrays until `seal` (the offset arrays are empty until then). */
  private recording = true;
  /** Tells tables apart for the ends remembered (`end`) without holding on to the last one. */
  private readonly id = tables++;
  /** What the fixes of the file's documents share (`yaml-edit`'s `context`), made when a fix is first computed. */
  editContexts: EditContexts | undefined = undefined;

  constructor(readonly text: string) {}

  readonly listener = (event: 'open' | 'close', state: { position: number; result: unknown }): void => {
    if (event === 'open') this.enter(state.position);
    else this.leave(state.position, state.result);
  };

  /** A node opens at `position` (js-yaml's `open` event). */
  enter(position: number): void {
    const i = this.count++;
    if (i >= capacity) grow();
    const depth = this.depth;
    const space = scratch;
    const n = capacity;
    // Its close, after and value are written by `leave`; `seal` marks any node still open.
    space[i] = position;
    space[2 * n + i] = depth ? openNodes[depth - 1] : -1;
    if (depth === 0) this.roots.push(i);
    else if (depth > this.maxDepth) this.maxDepth = depth;
    if (depth >= openNodes.length) {
      const deeper = new Int32Array(2 * openNodes.length);
      deeper.set(openNodes);
      openNodes = deeper;
    }
    openNodes[depth] = i;
    this.depth = depth + 1;
  }

  /** The innermost open node closes at `position` with its value (js-yaml's `close` event). */
  leave(position: number, result: unknown): void {
    const i = openNodes[--this.depth];
    const space = scratch;
    space[capacity + i] = position;
    space[3 * capacity + i] = this.count;
    scratchResults[i] = result;
  }

  /** Copies the recorded offsets out of the shared scratch space, once loading is done (or has failed). */
  seal(): this {
    if (!this.recording) return this;
    this.recording = false;
    const n = this.count;
    // A node still open (none after a whole parse: js-yaml's listener and the readers close every node
    // they open) has no close, after or value: what was left in its place by another file is not kept.
    for (let d = 0; d < this.depth; d++) {
      const open = openNodes[d];
      scratch[capacity + open] = -1;
      scratch[3 * capacity + open] = -1;
      scratchResults[open] = undefined;
    }
    const { space, at } = offsetSpace(4 * n);
    for (let f = 0; f < FIELDS; f++) space.set(scratch.subarray(f * capacity, f * capacity + n), at + f * n);
    this.open = space.subarray(at, at + n);
    this.close = space.subarray(at + n, at + 2 * n);
    this.parent = space.subarray(at + 2 * n, at + 3 * n);
    this.after = space.subarray(at + 3 * n, at + 4 * n);
    this.results = scratchResults.slice(0, n);
    // The values are not held for the next file.
    scratchResults.fill(undefined, 0, n);
    shrinkScratch();
    return this;
  }

  /**
   * The sealed table of one node, `value` spanning all of `text` (the root of a document whose nodes
   * are not recorded, see `PositionedFile.unlocated`), with `maxDepth` as given: what recording it and
   * `seal` would make, without the scratch space (its copies are most of the cost of a table this small).
   */
  static ofOne(text: string, value: unknown, maxDepth: number): PositionTable {
    const table = new PositionTable(text);
    table.recording = false;
    const { space, at } = offsetSpace(1);
    space[at] = text.length;
    table.open = ONE_AT_ZERO;
    table.close = space.subarray(at, at + 1);
    table.parent = ONE_PARENTLESS;
    table.after = ONE_AFTER;
    table.results = [value];
    table.roots.push(0);
    table.count = 1;
    table.maxDepth = maxDepth;
    return table;
  }

  /** Forgets what was recorded (an attempt given up): the shared scratch space holds none of its values. */
  discard(): void {
    if (!this.recording) return;
    this.recording = false;
    scratchResults.fill(undefined, 0, this.count);
    shrinkScratch();
    this.count = 0;
    this.roots.length = 0;
  }

  /** The key nodes of a wide mapping by name (the first of a name), and its last merge key (`<<`). */
  private indexKeys(node: number): WideNode {
    const keys = new Map<string, number>();
    let merge = -1;
    const stop = this.after[node];
    for (let k = node + 1; k < stop;) {
      const v = this.after[k];
      if (v >= stop) break;
      const name = this.results[k];
      const text = typeof name === 'string' ? name : String(name);
      if (!keys.has(text)) keys.set(text, k);
      if (name === '<<' && this.text[this.start(k)] === '<') merge = k;
      k = this.after[v];
    }
    const wide: WideNode = { keys, merge };
    (this.wide ??= new Map()).set(node, wide);
    return wide;
  }

  /** The item nodes of a wide sequence, in order. */
  private indexItems(node: number): number[] {
    const items = this.childrenOf(node);
    (this.wide ??= new Map()).set(node, { items, merge: -1 });
    return items;
  }

  private childrenOf(node: number): number[] {
    const out: number[] = [];
    for (let c = node + 1; c < this.after[node]; c = this.after[c]) out.push(c);
    return out;
  }

  /**
   * js-yaml opens a node twice for a flow collection in block context (a first, abandoned attempt to
   * read it as the key of a block mapping): the outer node's only child carries the same value.
   */
  private unwrap(node: number): number {
    let n = node;
    for (;;) {
      const value = this.results[n];
      if (typeof value !== 'object' || value === null) return n;
      const only = n + 1;
      // Exactly one child: it spans the whole subtree.
      if (only >= this.after[n] || this.after[only] !== this.after[n] || this.results[only] !== value) return n;
      n = only;
    }
  }

  /**
   * Finds the node at `path` (its first `length` segments) under `root`. Returns the deepest node
   * reached, the key node of the last mapping step (so a `key: value` pair can be spanned), and
   * whether the whole path was found. A key that a mapping only has through a merge (`<<: *anchor`)
   * stops at the merge entry.
   */
  find(root: number, path: ObjectPath, length = path.length): { node: number; key: number; found: boolean } {
    const memo = (this.memo ??= { root: -1, length: 0, segments: [], nodes: [], keys: [] });
    let node = root;
    let key = -1;
    let depth = 0;
    // Findings of one object come one after another, often under one parent: the steps already taken are not taken again.
    if (memo.root === root) {
      while (depth < memo.length && depth < length && memo.segments[depth] === path[depth]) depth++;
      if (depth > 0) {
        node = memo.nodes[depth - 1];
        key = memo.keys[depth - 1];
      }
    } else memo.root = root;
    memo.length = depth;
    for (; depth < length; depth++) {
      const seg = path[depth];
      node = this.unwrap(node);
      const value = this.results[node];
      let next = -1;
      let nextKey = -1;
      if (Array.isArray(value)) {
        if (typeof seg === 'number' && seg < value.length) next = this.item(node, value, seg);
      } else if (isMapping(value)) {
        const want = String(seg);
        let merge = -1;
        const index = this.wide?.get(node);
        if (index !== undefined) {
          nextKey = index.keys!.get(want) ?? -1;
          merge = index.merge;
        } else {
          const stop = this.after[node];
          let steps = 0;
          // Children alternate key, value. Keys are unique (js-yaml rejects duplicates), so the first match is the one.
          for (let k = node + 1; k < stop; steps++) {
            const v = this.after[k];
            if (v >= stop) break;
            if (steps === WIDE) {
              const built = this.indexKeys(node);
              nextKey = built.keys!.get(want) ?? -1;
              merge = built.merge;
              break;
            }
            const name = this.results[k];
            if (name === want || (typeof name !== 'string' && String(name) === want)) {
              nextKey = k;
              break;
            }
            if (name === '<<' && this.text[this.start(k)] === '<') merge = k;
            k = this.after[v];
          }
        }
        if (nextKey !== -1) next = this.after[nextKey];
        else if (merge !== -1 && Object.prototype.hasOwnProperty.call(value, want))
          return { node: this.after[merge], key: merge, found: false };
      }
      if (next === -1) return { node, key, found: false };
      node = next;
      key = nextKey;
      memo.segments[depth] = seg;
      memo.nodes[depth] = node;
      memo.keys[depth] = key;
      memo.length = depth + 1;
    }
    return { node: this.unwrap(node), key, found: true };
  }

  /**
   * The node of item `index` of a sequence. An empty entry (`-` alone on its line) has no node, so
   * when counts differ the items are matched to the nodes by value, in order.
   */
  private item(node: number, value: unknown[], index: number): number {
    let kids = this.wide?.get(node)?.items;
    if (kids === undefined) {
      const stop = this.after[node];
      let count = 0;
      let at = -1;
      for (let c = node + 1; c < stop; c = this.after[c]) {
        if (count === index) at = c;
        count++;
      }
      if (count <= WIDE) {
        if (count === value.length) return at;
        kids = this.childrenOf(node);
      } else kids = this.indexItems(node);
    }
    if (kids.length === value.length) return kids[index];
    let k = 0;
    for (let i = 0; i < value.length && k <= kids.length; i++) {
      const hit = k < kids.length && Object.is(this.results[kids[k]], value[i]);
      if (i === index) return hit ? kids[k] : -1;
      if (hit) k++;
    }
    return -1;
  }

  private isCollection(node: number): boolean {
    const r = this.results[node];
    return typeof r === 'object' && r !== null && !(r instanceof Date);
  }

  /**
   * Start offset of a node's content: after separating spaces, line breaks and comments. A node
   * without content (the null value of `key:` with nothing after it) starts where it opens; -1 - that
   * offset is returned for it when `markEmpty` is set.
   */
  private contentStart(node: number, markEmpty: boolean): number {
    const open = this.open[node];
    const s = skipTrivia(this.text, open);
    if (s >= this.close[node] && !this.isCollection(node)) return markEmpty ? -1 - open : open;
    return s;
  }

  /** Start offset of a node's content: after separating spaces, line breaks and comments. */
  start(node: number): number {
    return this.contentStart(node, false);
  }

  /**
   * End offset (exclusive) of a node: its last descendant's end for block collections. A block
   * collection's end walks its last children down to the deepest; several findings of one file ask
   * for the same container (each rule about a container's settings), so those are remembered for
   * the table asked last (`endsOf`).
   */
  end(of: number): number {
    if (this.recording) return this.endOf(this.unwrap(of));
    if (endsTable !== this.id) {
      endsTable = this.id;
      endsOf.clear();
    }
    const node = this.unwrap(of);
    const known = endsOf.get(node);
    if (known !== undefined) return known;
    const e = this.endOf(node);
    endsOf.set(node, e);
    return e;
  }

  private endOf(node: number): number {
    const marked = this.contentStart(node, true);
    if (marked < 0) return -1 - marked;
    const s = marked;
    const first = this.text[skipProperties(this.text, s)];
    if (first !== '{' && first !== '[' && this.isCollection(node)) {
      let count = 0;
      let last = -1;
      let beforeLast = -1;
      for (let c = node + 1; c < this.after[node]; c = this.after[c]) {
        beforeLast = last;
        last = c;
        count++;
      }
      // A block mapping that ends at a document marker (`...`) leaves a trailing key node without content.
      const lastNode = isMapping(this.results[node]) && count % 2 === 1 ? beforeLast : last;
      if (lastNode >= 0) return Math.max(this.endOf(this.unwrap(lastNode)), s);
    }
    let e = this.close[node];
    while (e > s && isSpace(this.text.charCodeAt(e - 1))) e--;
    return e;
  }
}

/** Ends of nodes (`PositionTable.end`) of the one table asked last (by `id`): a file's findings are located one file at a time. */
let endsTable = -1;
const endsOf = new Map<number, number>();
let tables = 0;

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

const SPACE = /\s/;

/** What `/\s/` matches, without a string for the character when it is ASCII. */
function isSpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return SPACE.test(String.fromCharCode(code));
}

function skipTrivia(text: string, pos: number): number {
  let i = pos;
  const n = text.length;
  for (;;) {
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) c = text.charCodeAt(++i);
    if (c === 0x23 /* # */) {
      while (i < n && text.charCodeAt(i) !== 0x0a) i++;
      continue;
    }
    if (c === 0x2d /* - */ && text.startsWith('---', i) && (i === 0 || text.charCodeAt(i - 1) === 0x0a)) {
      i += 3;
      continue;
    }
    return i;
  }
}

/** Skips a node's tag (`!x`) and anchor (`&x`) to where its content starts. */
function skipProperties(text: string, pos: number): number {
  let i = pos;
  while (text[i] === '!' || text[i] === '&') {
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\n' && text[i] !== '\r') i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
  }
  return i;
}

import type { ObjectPath } from '../../core/types.js';

/**
 * Node positions recorded from js-yaml's `listener` while a file is loaded, in pre-order.
 * Spans are resolved lazily, only for the nodes a finding points at.
 */
export class PositionTable {
  readonly open: number[] = [];
  readonly close: number[] = [];
  readonly parent: number[] = [];
  readonly results: unknown[] = [];
  /** Index of the root node of each document, in document order. */
  readonly roots: number[] = [];
  maxDepth = 0;
  private readonly stack: number[] = [];
  private children: Map<number, number[]> | undefined;

  constructor(readonly text: string) {}

  readonly listener = (event: 'open' | 'close', state: { position: number; result: unknown }): void => {
    if (event === 'open') {
      const i = this.open.length;
      const depth = this.stack.length;
      this.open.push(state.position);
      this.close.push(-1);
      this.parent.push(depth ? this.stack[depth - 1] : -1);
      this.results.push(undefined);
      if (depth === 0) this.roots.push(i);
      else if (depth > this.maxDepth) this.maxDepth = depth;
      this.stack.push(i);
    } else {
      const i = this.stack.pop()!;
      this.close[i] = state.position;
      this.results[i] = state.result;
    }
  };

  private childrenOf(node: number): number[] {
    if (!this.children) {
      const map = new Map<number, number[]>();
      for (let i = 0; i < this.parent.length; i++) {
        const p = this.parent[i];
        if (p < 0) continue;
        const list = map.get(p);
        if (list) list.push(i);
        else map.set(p, [i]);
      }
      this.children = map;
    }
    return this.children.get(node) ?? [];
  }

  /**
   * Finds the node at `path` under `root`. Returns the deepest node reached, the key node of the last
   * mapping step (so a `key: value` pair can be spanned), and whether the whole path was found.
   */
  find(root: number, path: ObjectPath): { node: number; key: number; found: boolean } {
    let node = root;
    let key = -1;
    for (const seg of path) {
      const value = this.results[node];
      const kids = this.childrenOf(node);
      let next = -1;
      let nextKey = -1;
      if (Array.isArray(value)) {
        if (typeof seg === 'number' && seg < value.length && seg < kids.length) next = kids[seg];
      } else if (isMapping(value)) {
        const want = String(seg);
        for (let k = 0; k + 1 < kids.length; k += 2) {
          if (String(this.results[kids[k]]) === want) {
            nextKey = kids[k];
            next = kids[k + 1];
          }
        }
      }
      if (next === -1) return { node, key, found: false };
      node = next;
      key = nextKey;
    }
    return { node, key, found: true };
  }

  /** Start offset of a node's content: after separating spaces, line breaks and comments. */
  start(node: number): number {
    return skipTrivia(this.text, this.open[node]);
  }

  /** End offset (exclusive) of a node: its last descendant's end for collections. */
  end(node: number): number {
    const kids = this.childrenOf(node);
    const first = this.text[this.start(node)];
    if (kids.length > 0 && first !== '{' && first !== '[' && typeof this.results[node] === 'object' && this.results[node] !== null && !(this.results[node] instanceof Date)) {
      for (let k = kids.length - 1; k >= 0; k--) {
        const e = this.end(kids[k]);
        if (e > this.start(kids[k]) || k === 0) return Math.max(e, this.start(node));
      }
    }
    let e = this.close[node];
    const s = this.start(node);
    while (e > s && /\s/.test(this.text[e - 1])) e--;
    return Math.max(e, s);
  }
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function skipTrivia(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
    if (text[i] === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('---', i) && (i === 0 || text[i - 1] === '\n')) {
      i += 3;
      continue;
    }
    return i;
  }
}

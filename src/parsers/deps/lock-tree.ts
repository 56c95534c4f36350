import yaml from 'js-yaml';
import type { Pair, YAMLMap } from 'yaml';
import type { TextSpan } from '../../core/document.js';
import { ParseFailure } from '../../core/parser.js';
import { loadBounded } from '../../core/js-yaml-load.js';
import { PositionTable } from '../yaml/position-table.js';
import { parseManifestYaml, yamlLib } from './lazy.js';

/**
 * A YAML lockfile as its readers walk it: mappings, their pairs in order, scalars as the `yaml`
 * library's core schema (YAML 1.2) reads them, and where each key is written. Two trees: the `yaml`
 * library's document (the reference), and js-yaml's plain values with node offsets recorded by its
 * listener: for a 15 MB pnpm-lock.yaml of 50,000 packages, 3.0–3.3 s of CPU and 361 MB of peak memory
 * instead of 10.9–11.5 s and 846 MB.
 */
export interface LockTree<N> {
  readonly root: N;
  isMap(n: N | undefined): boolean;
  /** The key and value of each pair of a mapping, in order (none for anything else). */
  pairs(n: N | undefined): Array<[N, N]>;
  /** The value of the first pair of a mapping whose key is the scalar `key`. */
  get(map: N | undefined, key: string): N | undefined;
  /** A scalar's value as text (undefined for null and for collections). */
  text(n: N | undefined): string | undefined;
  /** A scalar `true`. */
  isTrue(n: N | undefined): boolean;
  /** Where a (key) node is written. */
  span(n: N): TextSpan;
}

type Node = unknown;

/** The `yaml` library's document of the lockfile: a mapping, or a parse failure. */
export function yamlLockTree(text: string, label: string): LockTree<Node> {
  const { isMap, isScalar } = yamlLib();
  const doc = parseManifestYaml(text, label);
  if (!isMap(doc.contents)) throw new ParseFailure(`${label} is not a mapping`);
  const scalarText = (n: Node) => (isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined);
  return {
    root: doc.contents,
    isMap: (n) => isMap(n),
    pairs: (n) => (isMap(n) ? (n.items as Pair[]).map((p) => [p.key, p.value]) : []),
    get: (map, key) => (isMap(map) ? (map as YAMLMap).get(key, true) : undefined),
    text: scalarText,
    isTrue: (n) => isScalar(n) && n.value === true,
    span: (n) => {
      const range = isScalar(n) ? n.range : undefined;
      return { start: range?.[0] ?? 0, end: range?.[1] ?? 0 };
    },
  };
}

/*
 * The scalars of the `yaml` library's core schema (YAML 1.2), for js-yaml: the same patterns in the
 * same order, the same values. js-yaml resolves plain scalars only, as `yaml` does.
 */
const CORE_TYPES = [
  new yaml.Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (s: string) => /^(?:~|[Nn]ull|NULL)?$/.test(s),
    construct: () => null,
  }),
  new yaml.Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (s: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
    construct: (s: string) => s[0] === 't' || s[0] === 'T',
  }),
  new yaml.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (s: string) => /^0o[0-7]+$/.test(s) || /^[-+]?[0-9]+$/.test(s) || /^0x[0-9a-fA-F]+$/.test(s),
    construct: (s: string) =>
      /^0o/.test(s) ? parseInt(s.substring(2), 8) : /^0x/.test(s) ? parseInt(s.substring(2), 16) : parseInt(s, 10),
  }),
  new yaml.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (s: string) =>
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s) ||
      /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) ||
      /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s),
    construct: (s: string) =>
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)
        ? s.slice(-3).toLowerCase() === 'nan'
          ? NaN
          : s[0] === '-'
            ? -Infinity
            : Infinity
        : parseFloat(s),
  }),
];
const CORE_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: CORE_TYPES });

/**
 * What js-yaml and the `yaml` library may read differently, left to the library: directives (`%YAML
 * 1.1` changes its schema), tags, anchors and aliases (it bounds their expansion), a byte order mark,
 * a carriage return that ends no line, a comment right after a quote or a flow collection (the library
 * wants a blank before it).
 * Looked for where a token may start; a `*`, `&` or `!` inside a plain scalar only sends the file
 * the slower way.
 */
const NOT_FAST = /^%|(?:^|[\s[{,])[!&*]|^\uFEFF|\r(?!\n)|["'\]}]#/m;

/**
 * The lockfile read by js-yaml with node offsets, or undefined when the `yaml` library must read it
 * (see `NOT_FAST`; any error, a document that is not a mapping, duplicated keys, nesting past
 * `maxDepth`): its errors and its reading of anything unusual stay the reference.
 */
export function fastLockTree(text: string, maxDepth: number): LockTree<number> | undefined {
  if (NOT_FAST.test(text) || !flowOnOneLine(text)) return undefined;
  const table = new PositionTable(text);
  let value: unknown;
  try {
    // No anchors (`NOT_FAST`); the deps parser bounds the lockfile's size.
    value = loadBounded(text, {
      schema: CORE_SCHEMA,
      maxChars: Number.MAX_SAFE_INTEGER,
      maxDepth,
      anchors: false,
      listener: table.listener,
    });
  } catch {
    table.discard();
    return undefined;
  }
  table.seal();
  if (table.roots.length !== 1 || table.maxDepth > maxDepth || !isPlainMap(value)) return undefined;
  const { results, after, open, close } = table;
  /** js-yaml opens a flow collection in block context twice: the outer node's only child carries its value. */
  const unwrap = (n: number): number => {
    for (;;) {
      const v = results[n];
      if (typeof v !== 'object' || v === null) return n;
      const only = n + 1;
      if (only >= after[n] || after[only] !== after[n] || results[only] !== v) return n;
      n = only;
    }
  };
  const pairsCache = new Map<number, Array<[number, number]>>();
  const pairs = (node: number | undefined): Array<[number, number]> => {
    if (node === undefined) return [];
    const n = unwrap(node);
    if (!isPlainMap(results[n])) return [];
    let out = pairsCache.get(n);
    if (out) return out;
    out = [];
    const stop = after[n];
    for (let k = n + 1; k < stop;) {
      const v = after[k];
      if (v >= stop) break;
      out.push([k, v]);
      k = after[v];
    }
    pairsCache.set(n, out);
    return out;
  };
  const root = unwrap(table.roots[0]);
  // Every pair of every mapping is one key node and one value node: checked on the root and its mappings below.
  const sound = (n: number, depth: number): boolean => {
    const list = pairs(n);
    if (list.length !== Object.keys(results[unwrap(n)] as object).length) return false;
    if (depth > 0) for (const [k, v] of list) if (typeof results[k] !== 'string' || (isPlainMap(results[unwrap(v)]) && !sound(v, depth - 1))) return false;
    return true;
  };
  if (!sound(root, 4)) return undefined;
  return {
    root,
    isMap: (n) => n !== undefined && isPlainMap(results[unwrap(n)]),
    pairs,
    get: (map, key) => {
      for (const [k, v] of pairs(map)) if (results[k] === key) return v;
      return undefined;
    },
    text: (n) => {
      if (n === undefined) return undefined;
      const v = results[unwrap(n)];
      return v === null || v === undefined || typeof v === 'object' ? undefined : String(v);
    },
    isTrue: (n) => n !== undefined && results[unwrap(n)] === true,
    span: (n) => {
      // js-yaml closes a plain key after the blanks before its `:`; the yaml library's range ends at its text.
      let end = close[n];
      while (end > open[n] && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
      return { start: open[n], end };
    },
  };
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether every flow collection (`{…}`, `[…]`) and quoted scalar closes on the line it opens: the
 * yaml library refuses some that span lines (not indented enough) where js-yaml reads them. Brackets
 * and quotes inside scalars count too (`it's`), which only sends such a file the slower way.
 */
function flowOnOneLine(text: string): boolean {
  let depth = 0;
  let single = 0;
  let double = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x27) single++;
    else if (c === 0x22 && text.charCodeAt(i - 1) !== 0x5c) double++;
    else if (c === 0x0a) {
      if (depth !== 0 || single % 2 !== 0 || double % 2 !== 0) return false;
      single = double = 0;
    }
  }
  return depth === 0 && single % 2 === 0 && double % 2 === 0;
}

/**
 * The one way Sanctum reads YAML with js-yaml, whoever wrote the text (a scanned file, a user's
 * configuration or policy, a chart's rendered output): every limit applied, in the caller's schema.
 * - length: a text longer than `maxChars` is not read;
 * - nesting: js-yaml's `maxDepth`;
 * - merge keys: js-yaml's `maxTotalMergeKeys`;
 * - sequence keys: with anchors in the text, the sequence weigher (`sequence-weight.ts`): a sequence
 *   used as a mapping key is turned into a string at each use, which aliases make grow with the square
 *   of the text;
 * - alias expansion: with anchors, the documents together may not expand through aliases to more than
 *   the nodes the text holds itself plus `maxAliasExpansion` (what walks the values, a schema check,
 *   a rule, would otherwise walk shared nodes over and over): one budget for the whole text, so that
 *   many documents each just under a bound of their own cannot add up.
 * Every failure is a `YamlLoadError` with its kind, the reason and the 1-based line where known.
 */
import yaml from 'js-yaml';
import { DEFAULT_LIMITS } from './parser.js';
import { sequenceWeigher, weightBound, YamlTooHeavy } from './sequence-weight.js';

export type YamlListener = (event: yaml.EventType, state: yaml.State) => void;

export interface BoundedLoadOptions {
  /** The types the caller reads (`KUBE_SCHEMA`, `yaml.CORE_SCHEMA`, …): no default, each caller chooses. */
  schema: yaml.Schema;
  /** Longest text read, in UTF-16 code units. Default `DEFAULT_LIMITS.maxFileBytes`. */
  maxChars?: number;
  /** Deepest nesting. Default `DEFAULT_LIMITS.maxDepth`. */
  maxDepth?: number;
  /** Keys copied by merge keys (`<<: *base`) in the whole text. Default 10,000 (js-yaml's). */
  maxMergeKeys?: number;
  /** Nodes aliases may add to the whole text. Default `DEFAULT_LIMITS.maxAliasExpansion`. */
  maxAliasExpansion?: number;
  /**
   * Nodes the text's documents hold themselves, aliases not expanded (a position table knows once
   * the text is read). Default the length of the text, which its own nodes never exceed.
   */
  ownNodes?: () => number;
  /** Whether the text has anchors, when the caller has looked already: without, nothing can expand. */
  anchors?: boolean;
  /** js-yaml's `json`: a key written twice takes its last value instead of failing. */
  json?: boolean;
  /** Called for every node js-yaml opens and closes (a position table's listener). */
  listener?: YamlListener;
}

export type YamlLoadErrorKind =
  /** Not YAML, or not in the schema: js-yaml's reason. */
  | 'syntax'
  | 'too-long'
  | 'too-deep'
  | 'merge-keys'
  /** Sequence keys built from aliases (`YamlTooHeavy`). */
  | 'too-heavy'
  | 'alias-expansion'
  /** A value too large for the engine to hold (a string over its length limit). */
  | 'too-large';

export class YamlLoadError extends Error {
  constructor(
    readonly kind: YamlLoadErrorKind,
    /** The whole message: a syntax error as js-yaml's first line (`reason (line:column)`), a limit with its line. */
    message: string,
    /** Why, without the position: js-yaml's reason for a syntax error. */
    readonly reason: string,
    /** 1-based line and column, where known. */
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'YamlLoadError';
  }
}

/**
 * Whether `text` may hold an anchor (`&name`), and so aliases. js-yaml's rule: a name runs from the
 * `&` to a space, tab, CR, LF or flow indicator and is not empty; any other character (a no-break
 * space, another `&`) starts one. Linear.
 */
export function hasAnchors(text: string): boolean {
  return ANCHOR.test(text);
}
const ANCHOR = /&[^\t\n\r ,[\]{}]/;
const DEFAULT_MAX_MERGE_KEYS = 10_000;

/** Every document of `text`, as `yaml.loadAll` reads them, within the limits. Throws `YamlLoadError`. */
export function loadAllBounded(text: string, options: BoundedLoadOptions): unknown[] {
  return load(text, options, 'all');
}

/** The one document of `text` (undefined for none), as `yaml.load` reads it, within the limits. Throws `YamlLoadError`. */
export function loadBounded(text: string, options: BoundedLoadOptions): unknown {
  return load(text, options, 'one')[0];
}

/**
 * The first document of a text that may hold several (undefined for none), within the limits: the
 * others are read, as `yaml.loadAll` reads them, but their aliases are not expanded. Throws `YamlLoadError`.
 */
export function loadFirstBounded(text: string, options: BoundedLoadOptions): unknown {
  return load(text, options, 'first')[0];
}

function load(text: string, options: BoundedLoadOptions, read: 'all' | 'one' | 'first'): unknown[] {
  const maxChars = options.maxChars ?? DEFAULT_LIMITS.maxFileBytes;
  if (text.length > maxChars) {
    const reason = `YAML text is ${text.length} characters long, over the limit of ${maxChars}`;
    throw new YamlLoadError('too-long', reason, reason);
  }
  const maxDepth = options.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  const maxMergeKeys = options.maxMergeKeys ?? DEFAULT_MAX_MERGE_KEYS;
  const anchors = options.anchors ?? hasAnchors(text);
  const listener = anchors ? sequenceWeigher(weightBound(text.length), options.listener) : options.listener;
  const jsYamlOptions = {
    schema: options.schema,
    json: options.json,
    maxDepth,
    maxTotalMergeKeys: maxMergeKeys,
    listener,
  } as yaml.LoadOptions;
  let documents: unknown[];
  try {
    documents = read === 'one' ? [yaml.load(text, jsYamlOptions)] : yaml.loadAll(text, null, jsYamlOptions);
  } catch (e) {
    throw loadError(e, maxDepth, maxMergeKeys);
  }
  if (read === 'first') documents = documents.slice(0, 1);
  if (anchors) {
    const maxAliasExpansion = options.maxAliasExpansion ?? DEFAULT_LIMITS.maxAliasExpansion;
    // A large text without aliases is never mistaken for a bomb: its own nodes are allowed.
    let left = (options.ownNodes?.() ?? text.length) + maxAliasExpansion;
    for (let i = 0; i < documents.length; i++) {
      left -= expandedSize(documents[i], left);
      if (left < 0) {
        const which = i === 0 ? 'YAML document 1 expands' : `YAML documents 1 to ${i + 1} expand`;
        const reason = `${which} to more than ${maxAliasExpansion} nodes through aliases`;
        throw new YamlLoadError('alias-expansion', `${reason} (an alias bomb?)`, reason);
      }
    }
  }
  return documents;
}

function loadError(e: unknown, maxDepth: number, maxMergeKeys: number): unknown {
  if (e instanceof YamlTooHeavy) {
    const reason = `YAML sequences hold more than ${e.limit} items and characters with aliases counted at each use`;
    const why = 'a sequence used as a mapping key is copied into a string at each use: an alias bomb?';
    return new YamlLoadError('too-heavy', `${reason} (line ${e.line}; ${why})`, reason, e.line);
  }
  if (e instanceof yaml.YAMLException) {
    const line = e.mark ? e.mark.line + 1 : undefined;
    const column = e.mark ? e.mark.column + 1 : undefined;
    const at = line === undefined ? '' : ` (line ${line})`;
    const reason = e.reason || e.message.split('\n')[0];
    if (reason.startsWith('nesting exceeded maxDepth')) {
      const deep = `YAML nesting is deeper than the limit of ${maxDepth} levels`;
      return new YamlLoadError('too-deep', deep + at, deep, line);
    }
    if (reason.startsWith('merge keys exceeded maxTotalMergeKeys')) {
      const merged = `YAML merge keys (<<) copy more than ${maxMergeKeys} keys`;
      return new YamlLoadError('merge-keys', `${merged} (${line === undefined ? '' : `line ${line}; `}an alias bomb?)`, merged, line);
    }
    return new YamlLoadError('syntax', line === undefined ? reason : `${reason} (${line}:${column})`, reason, line, column);
  }
  // A stack too deep for js-yaml's recursion (under maxDepth where frames are large).
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    const deep = `YAML nesting is too deep to parse (limit ${maxDepth} levels)`;
    return new YamlLoadError('too-deep', deep, deep);
  }
  if (e instanceof RangeError) {
    const large = `YAML text makes a value too large to hold (${e.message})`;
    return new YamlLoadError('too-large', large, large);
  }
  return e;
}

/** Counts nodes as a walk of the value would see them (aliases expanded), stopping past `limit`. */
function expandedSize(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++count > limit) return count;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof Uint8Array))
      for (const x of Object.values(v)) stack.push(x);
  }
  return count;
}

/**
 * js-yaml shares an aliased node rather than copying it, but turns a sequence used as a mapping key
 * into one string, items and all, at every use: an alias to a long string repeated in a key written
 * as `[*s, *s, …]`, or an alias to such a sequence used as a key, makes hundreds of megabytes from a
 * few hundred kilobytes, in time that grows with the square of the text and with no error. The
 * weigher bounds that work while js-yaml reads: each sequence read as a mapping key (written in place
 * or an alias; the next thing in the text is the key's `:`) adds its items and the characters each
 * item becomes in such a string (weighed once per sequence), a `!!binary` key its text, and past the
 * bound the load stops with `YamlTooHeavy`. Aliases as values are not weighed: js-yaml shares them.
 */
import type yaml from 'js-yaml';

export class YamlTooHeavy extends Error {
  constructor(
    readonly limit: number,
    /** 1-based line where the bound was passed. */
    readonly line: number,
  ) {
    super(`YAML sequences hold more than ${limit} items and characters, aliases counted at each use (line ${line})`);
    this.name = 'YamlTooHeavy';
  }
}

/**
 * The bound for a text of `length` characters: without aliases a document weighs at most its length,
 * so four times the text (at least 4 MiB) leaves room for any ordinary use of aliases.
 */
export function weightBound(length: number): number {
  return 4 * Math.max(length, 1024 * 1024);
}

type Listener = (event: yaml.EventType, state: yaml.State) => void;

/**
 * A js-yaml `listener` throwing `YamlTooHeavy` once the sequences read weigh more than `limit`;
 * `inner` (a position table's listener) is called first for every event.
 */
export function sequenceWeigher(limit: number, inner?: Listener): Listener {
  let total = 0;
  const weights = new WeakMap<unknown[], number>();
  let last: unknown;
  let lastEnd = -1;
  /** The line where each open node was opened (js-yaml's line at a close may be past the node). */
  const lines: number[] = [];
  return (event, state) => {
    inner?.(event, state);
    if (event === 'open') {
      lines.push(state.line);
      return;
    }
    const line = lines.pop() ?? state.line;
    const binary = state.result instanceof Uint8Array;
    if (!binary && !Array.isArray(state.result)) return;
    // js-yaml opens a flow collection in block context twice and closes both where it ends: one sequence.
    if (state.result === last && state.position === lastEnd) return;
    last = state.result as unknown[];
    lastEnd = state.position;
    if (!followedByColon(state.input, state.position)) return;
    if (binary) {
      // String() writes each byte as up to four characters.
      total += 4 * (state.result as Uint8Array).length;
      if (total > limit) throw new YamlTooHeavy(limit, line + 1);
      return;
    }
    const seq = state.result as unknown[];
    let weight = weights.get(seq);
    if (weight === undefined) {
      weight = seq.length;
      for (const item of seq) weight += typeof item === 'string' ? item.length : textWeight(item);
      weights.set(seq, weight);
    }
    total += weight;
    if (total > limit) throw new YamlTooHeavy(limit, line + 1);
  };
}

/**
 * Whether the next thing after `position` (blanks, line breaks and comments skipped) is a `:`: the node that
 * ends there is a mapping key (`*a : v`, `? *a` then `: v`, `{[…]: v}`); a value is followed by the next
 * key, item, `,`, `}`, `]` or the end.
 */
function followedByColon(input: string, position: number): boolean {
  for (let i = position; i < input.length;) {
    const c = input.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      const eol = input.indexOf('\n', i);
      if (eol === -1) return false;
      i = eol + 1;
    } else return c === 0x3a;
  }
  return false;
}

/**
 * The characters an item other than a string becomes when js-yaml turns its sequence into a key
 * (`Array.prototype.join`): a number or boolean its digits or word, null nothing, `!!binary` up to
 * four per byte, a timestamp Date's long form (62), a mapping `[object Object]`; a nested sequence
 * is an error there, counted as much.
 */
function textWeight(item: unknown): number {
  if (typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint') return String(item).length;
  if (item === null || item === undefined) return 0;
  if (item instanceof Uint8Array) return 4 * item.length;
  if (item instanceof Date) return 64;
  return 16;
}

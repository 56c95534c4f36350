/**
 * js-yaml shares an aliased node rather than copying it, but turns a sequence used as a mapping key
 * into one string, items and all, at every use: an alias to a long string repeated in a key written
 * as `[*s, *s, …]`, or an alias to such a sequence used as a key, makes hundreds of megabytes from a
 * few hundred kilobytes, in time that grows with the square of the text and with no error. The
 * weigher bounds that work while js-yaml reads: each sequence adds its items and string characters
 * where it closes and again at each alias to it (weighed once per sequence), and past the bound the
 * load stops with `YamlTooHeavy`.
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
  let last: unknown[] | undefined;
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
    if (!Array.isArray(state.result)) return;
    const seq = state.result as unknown[];
    // js-yaml opens a flow collection in block context twice and closes both where it ends: one sequence.
    if (seq === last && state.position === lastEnd) return;
    last = seq;
    lastEnd = state.position;
    let weight = weights.get(seq);
    if (weight === undefined) {
      weight = seq.length;
      for (const item of seq) if (typeof item === 'string') weight += item.length;
      weights.set(seq, weight);
    }
    total += weight;
    if (total > limit) throw new YamlTooHeavy(limit, line + 1);
  };
}

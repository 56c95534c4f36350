/**
 * YAML held in a string of a ConfigMap or Secret (a chart's values.yaml, Kueue's manager
 * Configuration, the device plugin's configuration), read the one way every rule reads it: js-yaml's
 * default schema (no type runs code), within fixed limits, and never a throw. What cannot be read is
 * `{ ok: false }` with the reason; each rule then takes what the text sets as not visible.
 */
import yaml from 'js-yaml';

/** Kubernetes keeps a whole ConfigMap or Secret under 1 MiB: a longer string is no object's data. */
export const MAX_EMBEDDED_YAML_CHARS = 1024 * 1024;
const MAX_DEPTH = 64;
/** Keys copied by merges (`<<: *base`) in one text: js-yaml counts and stops them. */
const MAX_MERGE_KEYS = 10_000;
/**
 * Items and string characters of sequences, each counted where the sequence stands and again at each
 * alias to it: js-yaml shares an aliased node rather than copying it, but turns a sequence used as a
 * key into one string, items and all (an alias to a long string repeated in a sequence key, or an
 * alias to such a sequence, makes hundreds of megabytes from a few kilobytes).
 */
const MAX_SEQUENCE_WEIGHT = 4 * MAX_EMBEDDED_YAML_CHARS;

export type EmbeddedYaml = { ok: true; value: unknown } | { ok: false; reason: string };

class TooHeavy extends Error {}

/** The first document of `text`, or why it is not read. */
export function loadEmbeddedYaml(text: string): EmbeddedYaml {
  if (text.length > MAX_EMBEDDED_YAML_CHARS) return { ok: false, reason: `longer than ${MAX_EMBEDDED_YAML_CHARS} characters` };
  let total = 0;
  const weights = new WeakMap<unknown[], number>();
  const listener = (event: yaml.EventType, state: yaml.State): void => {
    if (event !== 'close' || !Array.isArray(state.result)) return;
    const seq = state.result as unknown[];
    let weight = weights.get(seq);
    if (weight === undefined) {
      weight = seq.length;
      for (const item of seq) if (typeof item === 'string') weight += item.length;
      weights.set(seq, weight);
    }
    total += weight;
    if (total > MAX_SEQUENCE_WEIGHT) throw new TooHeavy();
  };
  try {
    return {
      ok: true,
      value: yaml.load(text, { maxDepth: MAX_DEPTH, maxTotalMergeKeys: MAX_MERGE_KEYS, listener } as yaml.LoadOptions),
    };
  } catch (e) {
    if (e instanceof TooHeavy)
      return { ok: false, reason: `sequences hold more than ${MAX_SEQUENCE_WEIGHT} items and characters, aliases counted at each use` };
    if (e instanceof yaml.YAMLException) return { ok: false, reason: e.reason || e.message };
    // A RangeError (stack, string length) is the only other failure js-yaml can cause.
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

export type YamlMap = Record<string, unknown>;

export function isYamlMap(v: unknown): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `keys` below `v` (undefined where a step is not a mapping or lacks the key). */
export function member(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) cur = isYamlMap(cur) && Object.hasOwn(cur, k) ? cur[k] : undefined;
  return cur;
}

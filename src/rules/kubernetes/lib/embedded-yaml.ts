/**
 * YAML held in a string of a ConfigMap or Secret (a chart's values.yaml, Kueue's manager
 * Configuration, the device plugin's configuration), read the one way every rule reads it: js-yaml's
 * core schema and merge keys (no type runs code; none of these configurations has binary values or
 * timestamps), by the bounded loader within fixed limits, and never a throw.
 * What cannot be read is `{ ok: false }` with the reason; each rule then takes what the text sets as
 * not visible.
 */
import yaml from 'js-yaml';
import { loadFirstBounded, YamlLoadError } from '../../../core/js-yaml-load.js';
import { isMapping } from '../../../parsers/yaml/position-table.js';

/** Kubernetes keeps a whole ConfigMap or Secret under 1 MiB: a longer string is no object's data. */
export const MAX_EMBEDDED_YAML_CHARS = 1024 * 1024;
const MAX_DEPTH = 64;
/** Keys copied by merges (`<<: *base`) in one text: js-yaml counts and stops them. */
const MAX_MERGE_KEYS = 10_000;
const SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [(yaml as unknown as { types: { merge: yaml.Type } }).types.merge] });

export type EmbeddedYaml = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The first document of `text`, or why it is not read. Of a key written twice the last value
 * counts, as PyYAML's safe_load and Go's YAML readers take it; later documents are read within the
 * same limits (one that cannot be read makes the text not read) but not returned, as a Go reader
 * of one document (Kueue, the device plugin) skips them.
 */
export function loadEmbeddedYaml(text: string): EmbeddedYaml {
  try {
    const value = loadFirstBounded(text, {
      schema: SCHEMA,
      maxChars: MAX_EMBEDDED_YAML_CHARS,
      json: true,
      maxDepth: MAX_DEPTH,
      maxMergeKeys: MAX_MERGE_KEYS,
    });
    return { ok: true, value };
  } catch (e) {
    return { ok: false, reason: e instanceof YamlLoadError ? e.reason : String(e) };
  }
}

/** The value at `keys` below `v` (undefined where a step is not a mapping or lacks the key). */
export function member(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) cur = isMapping(cur) && Object.hasOwn(cur, k) ? cur[k] : undefined;
  return cur;
}

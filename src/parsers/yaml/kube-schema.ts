import yaml from 'js-yaml';

/** YAML 1.1 booleans, as Kubernetes (go-yaml) reads them: `privileged: yes` is true. */
const YAML11_BOOLEANS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'].map((k) => [k, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'].map((k) => [k, false] as const),
]);
const bool11 = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && data.length <= 5 && YAML11_BOOLEANS.has(data),
  construct: (data: string) => YAML11_BOOLEANS.get(data),
  predicate: (v: unknown) => typeof v === 'boolean',
});
/**
 * The schema Kubernetes effectively reads manifests with: null, YAML 1.1 booleans, ints, floats and
 * merge keys; no timestamps or other implicit types (they stay strings, as after YAML→JSON conversion).
 */
const builtin = (yaml as unknown as { types: Record<'null' | 'int' | 'float' | 'merge', yaml.Type> }).types;
/**
 * Application tags (`!Ref`, `!reference`, `!vault`) are read as the plain value they tag, so that
 * YAML written for other tools loads instead of failing; Kubernetes manifests do not use them.
 */
const localTags = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) =>
    new yaml.Type('!', {
      kind,
      multi: true,
      construct: (data: unknown) => data ?? (kind === 'scalar' ? '' : kind === 'sequence' ? [] : {}),
    }),
);
/**
 * A plain scalar that starts with a letter and is no null or boolean word is a string: no other
 * implicit type can read it (numbers start with a digit, a sign or a dot, merge keys with `<`).
 * Tried first, it spares most keys and values the four other resolvers (about a tenth of the parse).
 * For loading only: a dumper would quote every such string.
 */
const letterString = new yaml.Type('tag:yaml.org,2002:str', {
  kind: 'scalar',
  resolve: (data: string | null) => {
    if (data === null || data.length === 0) return false;
    const lower = data.charCodeAt(0) | 0x20;
    if (lower < 0x61 || lower > 0x7a) return false;
    return data.length > 5 || !(YAML11_BOOLEANS.has(data) || data === 'null' || data === 'Null' || data === 'NULL');
  },
  construct: (data: string) => data,
});
export const KUBE_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [letterString, builtin.null, bool11, builtin.int, builtin.float, builtin.merge],
  explicit: localTags,
});

const IMPLICIT = (KUBE_SCHEMA as unknown as { compiledImplicit: (yaml.Type & { tag: string })[] }).compiledImplicit;
const MERGE_TAG = 'tag:yaml.org,2002:merge';
/** What `resolvePlainScalar` returns for `<<`, a merge key: not a value. */
export const MERGE_KEY = Symbol('merge key');

/**
 * The value of a plain scalar under `KUBE_SCHEMA`, resolved as js-yaml resolves it: the schema's
 * implicit types tried in order, the text itself when none matches.
 */
export function resolvePlainScalar(text: string): unknown {
  // What the first type, `letterString`, takes without a look at the boolean and null words.
  const lower = text.charCodeAt(0) | 0x20;
  if (lower >= 0x61 && lower <= 0x7a && text.length > 5) return text;
  for (let i = 0; i < IMPLICIT.length; i++) {
    const type = IMPLICIT[i];
    if (type.resolve(text)) return type.tag === MERGE_TAG ? MERGE_KEY : type.construct(text);
  }
  return text;
}

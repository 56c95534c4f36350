import type { z } from 'zod';

/**
 * Configuration problems in words. zod's own messages ("Invalid input: expected array, received
 * undefined") name neither what is missing nor what was meant; these say "required, but missing (a
 * list)", "expected a list, found text", "expected one of redact, block, off, found "maybe"". A
 * message a schema gives itself (`.regex(re, 'a host name such as …')`) is kept as it is.
 */

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

/** `upstreams[0].models`: a path into a configuration as messages name it. */
export function keyPath(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

const KINDS: Record<string, string> = {
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  date: 'a date',
  null: 'nothing (null)',
  undefined: 'nothing',
};

const kind = (expected: string): string => KINDS[expected] ?? expected;

/** Text shorter than this is quoted in messages; longer text is only counted (it may be a secret pasted in the wrong place). */
const QUOTED_TEXT = 24;

/** What a value is, in words, without repeating long text. */
export function describeValue(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value (null)';
  if (Array.isArray(input)) return input.length ? `a list of ${input.length}` : 'an empty list';
  if (input instanceof Date) return 'a date';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string')
    return input === ''
      ? 'empty text'
      : input.length <= QUOTED_TEXT && !/\s/.test(input)
        ? `"${input}"`
        : `text of ${input.length} characters`;
  if (typeof input === 'number' || typeof input === 'bigint') return `the number ${input}`;
  return String(input);
}

const plural = (n: number | bigint, one: string, many: string): string => `${n} ${Number(n) === 1 ? one : many}`;

function sizeMessage(issue: z.core.$ZodRawIssue, bound: number | bigint, inclusive: boolean, small: boolean): string {
  const origin = (issue as { origin?: string }).origin;
  const input = issue.input;
  if (origin === 'array' || origin === 'set')
    return small
      ? bound === 1
        ? 'needs at least one entry, found an empty list'
        : `needs at least ${plural(bound, 'entry', 'entries')}, found ${describeValue(input)}`
      : `takes at most ${plural(bound, 'entry', 'entries')}, found ${describeValue(input)}`;
  if (origin === 'string')
    return small
      ? bound === 1
        ? 'must not be empty'
        : `needs at least ${plural(bound, 'character', 'characters')}`
      : `takes at most ${plural(bound, 'character', 'characters')}`;
  const relation = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  return `must be ${relation} ${bound}, found ${describeValue(input)}`;
}

/**
 * The message of one issue, for zod's `error` parse option (`schema.safeParse(data, { error: inWords })`):
 * a message the schema gives itself takes precedence over it.
 */
export function inWords(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `required, but missing (${kind(issue.expected)})`
        : `expected ${kind(issue.expected)}, found ${describeValue(issue.input)}`;
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return `expected ${expected}, found ${describeValue(issue.input)}`;
    }
    case 'too_small':
      return sizeMessage(issue, issue.minimum, issue.inclusive !== false, true);
    case 'too_big':
      return sizeMessage(issue, issue.maximum, issue.inclusive !== false, false);
    case 'invalid_format':
      if (issue.format === 'url') return `expected a URL (such as https://host:port/path), found ${describeValue(issue.input)}`;
      if (issue.format === 'regex') return `${describeValue(issue.input)} does not have the expected form`;
      return `expected ${issue.format} text, found ${describeValue(issue.input)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, found ${describeValue(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union': {
      const expected = [
        ...new Set(
          issue.errors.flatMap((branch) =>
            branch.filter((i) => i.code === 'invalid_type' && i.path.length === 0).map((i) => kind((i as { expected: string }).expected)),
          ),
        ),
      ];
      return expected.length
        ? `expected ${expected.join(' or ')}, found ${describeValue(issue.input)}`
        : `not a value allowed here: ${describeValue(issue.input)}`;
    }
    default:
      return undefined;
  }
}

/** The keys the schema allows in the mapping at `path`: through optional, default, preprocess and transform steps, and each mapping of a union. */
export function keysAt(schema: z.core.$ZodType, path: Path): string[] {
  type Def = z.core.$ZodTypeDef & Record<string, unknown>;
  const step = (t: z.core.$ZodType, seg: PropertyKey | undefined): z.core.$ZodType[] => {
    const def = t._zod.def as Def;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
        return step(def.innerType as z.core.$ZodType, seg);
      case 'pipe':
        // preprocess(fn, schema) and schema.transform(fn): the mapping is described by the schema side.
        return [...step(def.in as z.core.$ZodType, seg), ...step(def.out as z.core.$ZodType, seg)];
      case 'union':
        return (def.options as z.core.$ZodType[]).flatMap((o) => step(o, seg));
      case 'object':
        if (seg === undefined) return [t];
        return (def.shape as Record<string, z.core.$ZodType>)[String(seg)]
          ? [(def.shape as Record<string, z.core.$ZodType>)[String(seg)]]
          : [];
      case 'array':
        return seg === undefined ? [] : [def.element as z.core.$ZodType];
      case 'record':
        return seg === undefined ? [] : [def.valueType as z.core.$ZodType];
      default:
        return [];
    }
  };
  let at: z.core.$ZodType[] = [schema];
  for (const seg of path) at = at.flatMap((t) => step(t, seg));
  const keys = at.flatMap((t) => step(t, undefined)).flatMap((o) => Object.keys((o._zod.def as Def).shape as object));
  return [...new Set(keys)];
}

/** Whether two keys differ by at most `max` edits (a slip of the keyboard). */
export function near(a: string, b: string, max = 2): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] <= max;
}

/** `unknown key "fail-on" (did you mean "failOn"?)`, or the keys allowed there. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const camel = key.replace(/[-_]+([a-zA-Z])/g, (_, c: string) => c.toUpperCase());
  const meant =
    known.find((k) => k === camel) ??
    known.find((k) => k.toLowerCase() === key.toLowerCase()) ??
    (key.length > 3 ? known.find((k) => near(key.toLowerCase(), k.toLowerCase())) : undefined);
  if (meant) return `unknown key "${key}" (did you mean "${meant}"?)`;
  return known.length ? `unknown key "${key}" (known: ${known.join(', ')})` : `unknown key "${key}"`;
}

export interface ConfigProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * The problems of a failed parse (made with `error: inWords`), one per wrong key: an unknown key
 * names the keys allowed where it stands; a value none of a union's alternatives took is told by
 * the alternative it came closest to (the one whose kind it has), at the path inside it.
 */
export function configProblems(schema: z.core.$ZodType, issues: readonly Issue[], prefix: Path = []): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  /** Keys already told wrong: a value that fails two checks (a URL, then an http URL) is told once. */
  const told = new Set<string>();
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'unrecognized_keys') {
      const key = keyPath(path);
      if (told.has(key)) continue;
      told.add(key);
    }
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, path);
      for (const key of issue.keys) out.push({ path, message: unknownKeyMessage(key, known) });
    } else if (issue.code === 'invalid_union') {
      // The alternative the value has the kind of: its problems are the ones to fix.
      const closest = issue.errors.find(
        (branch) => branch.length > 0 && !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      if (closest) out.push(...configProblems(schema, closest, path));
      else out.push({ path, message: issue.message });
    } else out.push({ path, message: issue.message });
  }
  return out;
}

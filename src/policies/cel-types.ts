/**
 * CEL types as the checker (`cel-checker.ts`) infers them, written as cel-go prints them: `int`,
 * `list(string)`, `map(string, dyn)`, `optional_type(int)`, `kubernetes.Quantity`. `dyn` is a value
 * whose type is known only when it runs (an object without a schema): it is assignable to and from
 * every type, so an expression over it is never refused for its type.
 */

type Simple = 'dyn' | 'null' | 'bool' | 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'duration' | 'timestamp';

export type CelType =
  | { readonly kind: Simple }
  | { readonly kind: 'list'; readonly elem: CelType }
  | { readonly kind: 'map'; readonly key: CelType; readonly value: CelType }
  | { readonly kind: 'type'; readonly of: CelType }
  /** An abstract type of a library (`kubernetes.Quantity`, `optional_type(A)`): only its functions apply. */
  | { readonly kind: 'opaque'; readonly name: string; readonly params: readonly CelType[] }
  /** A type with declared fields (`kubernetes.AdmissionRequest`): selecting another field is an error. */
  | { readonly kind: 'object'; readonly name: string; readonly fields: Readonly<Record<string, CelType>> }
  /** A type parameter of an overload's signature (`A` in `list(A).indexOf(A)`). */
  | { readonly kind: 'param'; readonly name: string };

const simple = (kind: Simple): CelType => ({ kind });

export const DYN = simple('dyn');
export const NULL = simple('null');
export const BOOL = simple('bool');
export const INT = simple('int');
export const UINT = simple('uint');
export const DOUBLE = simple('double');
export const STRING = simple('string');
export const BYTES = simple('bytes');
export const DURATION = simple('duration');
export const TIMESTAMP = simple('timestamp');
export const listOf = (elem: CelType): CelType => ({ kind: 'list', elem });
export const mapOf = (key: CelType, value: CelType): CelType => ({ kind: 'map', key, value });
export const optionalOf = (of: CelType): CelType => ({ kind: 'opaque', name: 'optional_type', params: [of] });
export const objectType = (name: string, fields: Record<string, CelType>): CelType => ({ kind: 'object', name, fields });

const SIMPLE: Readonly<Record<string, CelType>> = {
  dyn: DYN,
  null_type: NULL,
  bool: BOOL,
  int: INT,
  uint: UINT,
  double: DOUBLE,
  string: STRING,
  bytes: BYTES,
  duration: DURATION,
  google_protobuf_Duration: DURATION,
  timestamp: TIMESTAMP,
};

/** The types of Kubernetes' CEL libraries, by the names the signatures below use. */
export const NAMED_TYPES: Readonly<Record<string, string>> = {
  Quantity: 'kubernetes.Quantity',
  URL: 'kubernetes.URL',
  IP: 'net.IP',
  CIDR: 'net.CIDR',
  Semver: 'kubernetes.Semver',
  Format: 'kubernetes.NamedFormat',
  Authorizer: 'kubernetes.authorization.Authorizer',
  GroupCheck: 'kubernetes.authorization.GroupCheck',
  ResourceCheck: 'kubernetes.authorization.ResourceCheck',
  PathCheck: 'kubernetes.authorization.PathCheck',
  Decision: 'kubernetes.authorization.Decision',
};

export function typeName(t: CelType): string {
  switch (t.kind) {
    case 'list':
      return `list(${typeName(t.elem)})`;
    case 'map':
      return `map(${typeName(t.key)}, ${typeName(t.value)})`;
    case 'type':
      return `type(${typeName(t.of)})`;
    case 'opaque':
      return t.params.length ? `${t.name}(${t.params.map(typeName).join(', ')})` : t.name;
    case 'object':
    case 'param':
      return t.name;
    case 'null':
      return 'null_type';
    default:
      return t.kind;
  }
}

/**
 * A type written as in the signatures: `int`, `list(A)`, `map(K, V)`, `optional(A)`, `type(A)`, a
 * name of NAMED_TYPES, or one capital letter for a type parameter.
 */
export function parseType(text: string): CelType {
  let i = 0;
  const read = (): CelType => {
    const m = /^\s*([A-Za-z_]+)/.exec(text.slice(i));
    if (!m) throw new Error(`bad type ${text}`);
    i += m[0].length;
    const name = m[1];
    const args: CelType[] = [];
    if (text[i] === '(') {
      i++;
      for (;;) {
        args.push(read());
        const sep = /^\s*([,)])/.exec(text.slice(i));
        if (!sep) throw new Error(`bad type ${text}`);
        i += sep[0].length;
        if (sep[1] === ')') break;
      }
    }
    const arity = { list: 1, map: 2, optional: 1, type: 1 }[name] ?? 0;
    if (args.length !== arity) throw new Error(`bad type ${text}`);
    if (name === 'list') return listOf(args[0]);
    if (name === 'map') return mapOf(args[0], args[1]);
    if (name === 'optional') return optionalOf(args[0]);
    if (name === 'type') return { kind: 'type', of: args[0] };
    if (/^[A-Z]$/.test(name)) return { kind: 'param', name };
    if (SIMPLE[name]) return SIMPLE[name];
    if (NAMED_TYPES[name]) return { kind: 'opaque', name: NAMED_TYPES[name], params: [] };
    throw new Error(`unknown type ${name} in ${text}`);
  };
  const t = read();
  if (text.slice(i).trim() !== '') throw new Error(`bad type ${text}`);
  return t;
}

/** Bindings of type parameters while an overload is matched. */
export type Substitution = Map<string, CelType>;

/** A type with its parameters replaced by what they are bound to (unbound ones become dyn). */
export function substitute(t: CelType, s: Substitution): CelType {
  switch (t.kind) {
    case 'param':
      return s.has(t.name) ? substitute(s.get(t.name)!, s) : DYN;
    case 'list':
      return listOf(substitute(t.elem, s));
    case 'map':
      return mapOf(substitute(t.key, s), substitute(t.value, s));
    case 'type':
      return { kind: 'type', of: substitute(t.of, s) };
    case 'opaque':
      return t.params.length ? { ...t, params: t.params.map((p) => substitute(p, s)) } : t;
    default:
      return t;
  }
}

/**
 * Whether a value of type `actual` can be passed where `expected` is declared, binding the type
 * parameters of `expected` in `s` (left unchanged when it cannot).
 */
export function isAssignable(expected: CelType, actual: CelType, s: Substitution): boolean {
  const trial = new Map(s);
  if (!assign(expected, actual, trial)) return false;
  for (const [k, v] of trial) s.set(k, v);
  return true;
}

function assign(expected: CelType, actual: CelType, s: Substitution): boolean {
  if (expected.kind === 'param') {
    const bound = s.get(expected.name);
    if (bound === undefined) {
      s.set(expected.name, actual);
      return true;
    }
    if (assign(bound, actual, s)) return true;
    // `A` bound to `int` by one argument and given `dyn` (or the other way round) by another: widen to the more general.
    if (assign(actual, bound, s)) {
      s.set(expected.name, actual);
      return true;
    }
    return false;
  }
  if (expected.kind === 'dyn' || actual.kind === 'dyn') return bindAll(expected, s);
  if (actual.kind === 'param') return true;
  if (actual.kind === 'null') return isNullable(expected);
  if (expected.kind === 'null') return isNullable(actual);
  switch (expected.kind) {
    case 'list':
      return actual.kind === 'list' && assign(expected.elem, actual.elem, s);
    case 'map':
      return actual.kind === 'map' && assign(expected.key, actual.key, s) && assign(expected.value, actual.value, s);
    case 'type':
      return actual.kind === 'type';
    case 'opaque':
      return (
        actual.kind === 'opaque' &&
        actual.name === expected.name &&
        actual.params.length === expected.params.length &&
        expected.params.every((p, i) => assign(p, actual.params[i], s))
      );
    case 'object':
      return actual.kind === 'object' && actual.name === expected.name;
    default:
      return actual.kind === expected.kind;
  }
}

/**
 * The types null is a value of, as cel-go's checker has them: messages and objects, optionals and the
 * libraries' types, durations and timestamps (and dyn, which takes anything). Never a scalar, a list
 * or a map: `size(null)`, `null + 1`, `'a'.startsWith(null)` and `[1, null]` are refused.
 */
export function isNullable(t: CelType): boolean {
  switch (t.kind) {
    case 'null':
    case 'dyn':
    case 'param':
    case 'object':
    case 'opaque':
    case 'duration':
    case 'timestamp':
      return true;
    default:
      return false;
  }
}

/** Binds the unbound parameters of a type matched against dyn to dyn. */
function bindAll(t: CelType, s: Substitution): boolean {
  switch (t.kind) {
    case 'param':
      if (!s.has(t.name)) s.set(t.name, DYN);
      return true;
    case 'list':
      return bindAll(t.elem, s);
    case 'map':
      return bindAll(t.key, s) && bindAll(t.value, s);
    case 'opaque':
      return t.params.every((p) => bindAll(p, s));
    default:
      return true;
  }
}

/** True when the types are the same, dyn matching anything and null any nullable type (for list and map literals, which must be homogeneous). */
export function sameType(a: CelType, b: CelType): boolean {
  const loose = (t: CelType) => t.kind === 'dyn' || t.kind === 'param';
  if (loose(a) || loose(b)) return true;
  if (a.kind === 'null') return isNullable(b);
  if (b.kind === 'null') return isNullable(a);
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'list':
      return sameType(a.elem, (b as typeof a).elem);
    case 'map':
      return sameType(a.key, (b as typeof a).key) && sameType(a.value, (b as typeof a).value);
    case 'opaque': {
      const o = b as typeof a;
      return a.name === o.name && a.params.length === o.params.length && a.params.every((p, i) => sameType(p, o.params[i]));
    }
    case 'object':
      return typeName(a) === typeName(b);
    default:
      return true;
  }
}

/** The common type of two branches or elements: the type itself when they agree, else dyn. */
export function join(a: CelType, b: CelType): CelType {
  if (a.kind === 'dyn' || b.kind === 'dyn') return DYN;
  if (a.kind === 'null') return isNullable(b) ? b : DYN;
  if (b.kind === 'null') return isNullable(a) ? a : DYN;
  if (a.kind === 'list' && b.kind === 'list') return listOf(join(a.elem, b.elem));
  if (a.kind === 'map' && b.kind === 'map') return mapOf(join(a.key, b.key), join(a.value, b.value));
  return typeName(a) === typeName(b) ? a : DYN;
}

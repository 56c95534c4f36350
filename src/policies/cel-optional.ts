import type { CelFunc, CelInput, CelValue } from '@bufbuild/cel';
import { hasTag, payloadOf, tagged, taggedFunctions } from './cel-tagged.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * CEL's optional values, as the API server offers them (Kubernetes 1.29+): `optional.of(x)`,
 * `optional.none()`, `optional.ofNonZeroValue(x)`, `optional.unwrap(list)` and `list.unwrapOpt()` (the
 * values of a list of optionals, the none dropped), and on an optional `hasValue()`, `value()`,
 * `orValue(x)`, `or(o)`, `optMap(v, e)`, `optFlatMap(v, e)`; with the syntax of
 * cel-optional-syntax.ts (`a.?b`, `a[?k]`, `[?x]`, `{?k: v}`), e.g.
 * `object.?spec.?replicas.orValue(1) <= 3`.
 *
 * An optional is a tagged map (cel-tagged.ts) holding the list of its zero or one value, so that
 * `optional.none() == optional.none()` and `optional.of(1) == optional.of(1)` as in cel-go.
 */

/** Reads like a CEL map. */
interface MapLike {
  has(key: unknown): boolean;
  get(key: unknown): unknown;
  entries(): Iterable<[unknown, unknown]>;
}
/** Reads like a CEL list. */
interface ListLike {
  readonly size: number;
  get(i: number): unknown;
}

const isMap = (v: unknown): v is MapLike =>
  typeof v === 'object' && v !== null && typeof (v as MapLike).has === 'function' && typeof (v as MapLike).entries === 'function';
const isList = (v: unknown): v is ListLike =>
  typeof v === 'object' && v !== null && typeof (v as ListLike).get === 'function' && !isMap(v) && typeof (v as ListLike).size === 'number';

const none = () => tagged('optional', []);
const some = (v: unknown) => tagged('optional', [v as CelInput]);

/** The value of an optional, or undefined for none; a clear error for what is not an optional. */
function valueOf(v: unknown): { present: boolean; value?: unknown } {
  const p = payloadOf(v, 'optional');
  if (!isList(p)) throw new Error('not an optional value (make one with optional.of(), or .? and [?])');
  return p.size === 0 ? { present: false } : { present: true, value: p.get(0) };
}

/** `target.?field` and `target[?key]`: the entry when it is there, optional.none() when not. */
function lookUp(target: unknown, key: unknown, how: 'field' | 'index'): CelInput {
  let value = target;
  if (hasTag(target, 'optional')) {
    const o = valueOf(target);
    if (!o.present) return none();
    value = o.value;
  }
  // An absent or null object has no fields: the chain is none rather than an error.
  if (value === null || value === undefined) return none();
  if (isMap(value)) return value.has(key) ? some(value.get(key)) : none();
  if (isList(value) && how === 'index') {
    const i = typeof key === 'bigint' ? Number(key) : typeof key === 'number' && Number.isInteger(key) ? key : NaN;
    if (Number.isNaN(i)) throw new Error(`a list index must be an int, not ${typeof key}`);
    return i >= 0 && i < value.size ? some(value.get(i)) : none();
  }
  throw new Error(`${how === 'field' ? `.?${String(key)}` : '[?]'} on a value that has no ${how === 'field' ? 'fields' : 'entries'}`);
}

/** What an entry of a list or map literal contributes: itself, or an optional entry's value when it has one. */
function entryValues(e: unknown): CelInput[] {
  const entry = payloadOf(e, 'optional-entry');
  if (entry === undefined) return [e as CelInput];
  return (entry as ListLike).size > 0 ? [(entry as ListLike).get(0) as CelInput] : [];
}

/** `optional.unwrap(list)` and `list.unwrapOpt()`: the values of the optionals that have one, in order. */
function unwrap(list: ListLike): CelInput[] {
  const out: CelInput[] = [];
  for (let i = 0; i < list.size; i++) {
    const o = valueOf(list.get(i));
    if (o.present) out.push(o.value as CelInput);
  }
  return out;
}

/** cel-go's zero values: '', 0, false, empty lists and maps, null. */
function isZero(v: unknown): boolean {
  if (v === null || v === '' || v === false || v === 0 || v === 0n) return true;
  if (typeof v === 'object' && v !== null && typeof (v as { size?: unknown }).size === 'number') return (v as { size: number }).size === 0;
  if (typeof v === 'object' && v !== null && 'value' in v && (v as { value: unknown }).value === 0n) return true;
  return false;
}

/** The CEL functions of optional values, made with the CEL library given (loaded lazily by the caller). */
export function optionalFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, celMethod, CelScalar, listType, mapType } = cel;
  const { DYN, STRING, BOOL } = CelScalar;
  const L = listType(DYN);
  const t = taggedFunctions(cel);
  return [
    celFunc('optional.of', [DYN], DYN, (v: CelValue) => some(v)),
    celFunc('optional.none', [], DYN, () => none()),
    celFunc('optional.ofNonZeroValue', [DYN], DYN, (v: CelValue) => (isZero(v) ? none() : some(v))),
    t.method('optional', 'hasValue', [], BOOL, function () {
      return valueOf(this).present;
    }),
    t.method('optional', 'value', [], DYN, function () {
      const o = valueOf(this);
      if (!o.present) throw new Error('optional.none() dereference');
      return o.value as CelInput;
    }),
    t.method('optional', 'orValue', [DYN], DYN, function (fallback: CelValue) {
      const o = valueOf(this);
      return (o.present ? o.value : fallback) as CelInput;
    }),
    celFunc('optional.unwrap', [L], L, (list: ListLike) => unwrap(list)),
    celMethod('unwrapOpt', L, [], L, function () {
      return unwrap(this);
    }),
    t.method('optional', 'or', [DYN], DYN, function (other: CelValue) {
      if (valueOf(this).present) return this as CelInput;
      valueOf(other);
      return other as CelInput;
    }),
    // The syntax's helpers (cel-optional-syntax.ts).
    celMethod('__opt_select__', DYN, [STRING], DYN, function (field: string) {
      return lookUp(this, field, 'field');
    }),
    celMethod('__opt_index__', DYN, [DYN], DYN, function (key: CelValue) {
      return lookUp(this, key, 'index');
    }),
    celFunc('__opt_entry__', [DYN], DYN, (v: CelValue) => {
      valueOf(v);
      return tagged('optional-entry', payloadOf(v, 'optional') as CelInput);
    }),
    celFunc('__opt_list__', [L], L, (list: ListLike) => {
      const out: CelInput[] = [];
      for (let i = 0; i < list.size; i++) for (const v of entryValues(list.get(i))) out.push(v);
      return out;
    }),
    celFunc('__opt_map__', [mapType(DYN, DYN)], DYN, (map: MapLike) => {
      const out = new Map<CelInput, CelInput>();
      for (const [k, e] of map.entries()) for (const v of entryValues(e)) out.set(k as CelInput, v);
      return out as never;
    }),
    t.method('optional', '__opt_values__', [], L, function () {
      const o = valueOf(this);
      return o.present ? [o.value as CelInput] : [];
    }),
    celMethod('__opt_first__', L, [], DYN, function () {
      return this.size === 0 ? none() : some(this.get(0));
    }),
    celMethod('__opt_flatten__', L, [], DYN, function () {
      if (this.size === 0) return none();
      const inner = this.get(0);
      valueOf(inner);
      return inner as CelInput;
    }),
  ];
}

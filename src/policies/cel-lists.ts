import type { CelFunc, CelInput, CelValue } from '@bufbuild/cel';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Lists in CEL as the API server offers them to ValidatingAdmissionPolicy:
 *
 * - Kubernetes' list library: `isSorted()`, `min()`, `max()` on a list of comparable elements,
 *   `sum()` on ints, uints, doubles or durations (an int or uint sum that overflows is an error, as
 *   in cel-go), and `indexOf(x)` / `lastIndexOf(x)` with CEL's equality (`[[1]].indexOf([1.0]) == 0`);
 * - cel-go's lists extension at the version Kubernetes uses (3): `slice(start, end)`, `flatten()`,
 *   `flatten(depth)`, `distinct()`, `reverse()`, `sort()`, `sortBy(x, key)` (a macro: see
 *   cel-macros.ts, which calls `@sortByAssociatedKeys`) and `lists.range(n)`.
 *
 * Comparable elements are ints, uints, doubles, bools, strings, bytes, durations and timestamps, all
 * of one type; equality and order are CEL's own (`a == b`, `a < b` run by @bufbuild/cel).
 */

export class ListError extends Error {}

/** What CEL hands a method for a list: its size and elements. */
interface CelListLike {
  readonly size: number;
  get(i: number): unknown;
}

/** The largest list `lists.range(n)` makes: beyond it the cost limit of one expression is spent anyway. */
const MAX_RANGE = 1_000_000;

const items = (list: CelListLike): CelInput[] => {
  const out: CelInput[] = [];
  for (let i = 0; i < list.size; i++) out.push(list.get(i) as CelInput);
  return out;
};

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function listFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, celMethod, CelScalar, listType, isCelList, isCelUint, isCelError } = cel;
  const L = listType(CelScalar.DYN);
  const std = cel.celEnv();
  const program = <T>(source: string, what: string) => {
    const run = cel.plan(std, cel.parse(source));
    return (a: unknown, b?: unknown): T => {
      const out = run({ a, b } as never);
      if (isCelError(out)) throw new ListError(`${what}: ${out.message}`);
      return out as T;
    };
  };
  const celEquals = program<boolean>('a == b', 'equality');
  const celLess = program<boolean>('a < b', 'order');
  const celAdd = program<CelValue>('a + b', 'sum()');

  const equals = (a: unknown, b: unknown): boolean =>
    typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean' || typeof a === 'bigint') ? a === b : celEquals(a, b);

  /** The CEL type of a comparable value, or undefined when values of its type have no order. */
  const comparableType = (v: unknown): string | undefined => {
    switch (typeof v) {
      case 'bigint':
        return 'int';
      case 'number':
        return 'double';
      case 'string':
        return 'string';
      case 'boolean':
        return 'bool';
    }
    if (v instanceof Uint8Array) return 'bytes';
    if (isCelUint(v)) return 'uint';
    const message = (v as { desc?: { typeName?: string } } | null)?.desc?.typeName;
    if (message === 'google.protobuf.Duration') return 'duration';
    if (message === 'google.protobuf.Timestamp') return 'timestamp';
    return undefined;
  };
  const compare = (a: unknown, b: unknown): number => {
    if (typeof a === 'string' || typeof a === 'bigint' || typeof a === 'number' || typeof a === 'boolean')
      return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
    return celLess(a, b) ? -1 : celLess(b, a) ? 1 : 0;
  };
  /** The elements, which must be comparable and of one type. */
  const comparable = (list: CelListLike, fn: string): CelInput[] => {
    const values = items(list);
    let type: string | undefined;
    for (const v of values) {
      const t = comparableType(v);
      if (t === undefined)
        throw new ListError(`${fn}() needs a list of ints, uints, doubles, bools, strings, bytes, durations or timestamps`);
      if (type !== undefined && t !== type) throw new ListError(`${fn}() needs a list of elements of one type (found ${type} and ${t})`);
      type = t;
    }
    return values;
  };
  const extreme = (list: CelListLike, fn: 'min' | 'max'): CelInput => {
    const values = comparable(list, fn);
    if (values.length === 0) throw new ListError(`${fn} called on empty list`);
    return values.reduce((best, v) => (compare(v, best) * (fn === 'min' ? -1 : 1) > 0 ? v : best));
  };
  const position = (list: CelListLike, x: unknown, last: boolean): bigint => {
    let found = -1;
    for (let i = 0; i < list.size; i++) {
      if (!equals(list.get(i), x)) continue;
      found = i;
      if (!last) break;
    }
    return BigInt(found);
  };
  /** `list.@sortByAssociatedKeys(keys)`: the list in the order that sorts the keys; equal keys keep their order. */
  const sortByKeys = (list: CelListLike, keys: CelListLike, fn: 'sort' | 'sortBy'): CelInput[] => {
    if (list.size !== keys.size) throw new ListError(`${fn}: the list has ${list.size} elements and the keys ${keys.size}`);
    const k = comparable(keys, fn);
    const values = items(list);
    return values
      .map((_, i) => i)
      .sort((i, j) => compare(k[i], k[j]))
      .map((i) => values[i]);
  };
  const flatten = (list: CelListLike, depth: bigint): CelInput[] => {
    if (depth < 0n) throw new ListError('level must be non-negative');
    const out: CelInput[] = [];
    for (const v of items(list)) {
      if (depth > 0n && isCelList(v)) out.push(...flatten(v, depth - 1n));
      else out.push(v);
    }
    return out;
  };
  const SUMMABLE = new Set(['int', 'uint', 'double', 'duration']);

  return [
    celMethod('isSorted', L, [], CelScalar.BOOL, function () {
      const values = comparable(this, 'isSorted');
      for (let i = 1; i < values.length; i++) if (compare(values[i - 1], values[i]) > 0) return false;
      return true;
    }),
    celMethod('sum', L, [], CelScalar.DYN, function () {
      const values = comparable(this, 'sum');
      if (values.length === 0) return 0n;
      if (!SUMMABLE.has(comparableType(values[0])!)) throw new ListError('sum() needs a list of ints, uints, doubles or durations');
      // CEL's own `+`: an int or uint sum out of range is an overflow error, as in cel-go.
      return values.slice(1).reduce<CelValue>((acc, v) => celAdd(acc, v), values[0] as CelValue);
    }),
    celMethod('min', L, [], CelScalar.DYN, function () {
      return extreme(this, 'min');
    }),
    celMethod('max', L, [], CelScalar.DYN, function () {
      return extreme(this, 'max');
    }),
    celMethod('indexOf', L, [CelScalar.DYN], CelScalar.INT, function (x) {
      return position(this, x, false);
    }),
    celMethod('lastIndexOf', L, [CelScalar.DYN], CelScalar.INT, function (x) {
      return position(this, x, true);
    }),
    celMethod('slice', L, [CelScalar.INT, CelScalar.INT], L, function (start: bigint, end: bigint) {
      if (start < 0n || end < 0n) throw new ListError(`cannot slice(${start}, ${end}), negative indexes not supported`);
      if (start > end) throw new ListError(`cannot slice(${start}, ${end}), start index must be less than or equal to end index`);
      if (BigInt(this.size) < end) throw new ListError(`cannot slice(${start}, ${end}), list is length ${this.size}`);
      return items(this).slice(Number(start), Number(end));
    }),
    celMethod('flatten', L, [], L, function () {
      return flatten(this, 1n);
    }),
    celMethod('flatten', L, [CelScalar.INT], L, function (depth: bigint) {
      return flatten(this, depth);
    }),
    celMethod('distinct', L, [], L, function () {
      const out: CelInput[] = [];
      for (const v of items(this)) if (!out.some((seen) => equals(seen, v))) out.push(v);
      return out;
    }),
    celMethod('reverse', L, [], L, function () {
      return items(this).reverse();
    }),
    celMethod('sort', L, [], L, function () {
      return sortByKeys(this, this, 'sort');
    }),
    celMethod('@sortByAssociatedKeys', L, [L], L, function (keys: CelListLike) {
      return sortByKeys(this, keys, 'sortBy');
    }),
    celFunc('lists.range', [CelScalar.INT], L, (n: bigint) => {
      if (n > BigInt(MAX_RANGE)) throw new ListError(`lists.range(${n}) is larger than ${MAX_RANGE} elements`);
      const out: bigint[] = [];
      for (let i = 0n; i < n; i++) out.push(i);
      return out;
    }),
  ];
}

import type { CelFunc, CelValue } from '@bufbuild/cel';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL list library, as the API server offers it to ValidatingAdmissionPolicy:
 * `isSorted()`, `sum()`, `min()`, `max()`, `indexOf(x)` and `lastIndexOf(x)` on a list of ints,
 * uints, doubles, strings or bools (`sum` on numbers only), e.g.
 * `object.spec.template.spec.containers.map(c, c.name).isSorted()`.
 */

export class ListError extends Error {}

/** What CEL hands a method for a list: its size and elements. */
interface CelListLike {
  readonly size: number;
  get(i: number): unknown;
}

type Scalar = bigint | number | string | boolean;

/** A uint in CEL (`celUint`): its value is a bigint. */
function unwrapUint(v: unknown): unknown {
  return typeof v === 'object' && v !== null && 'value' in v && typeof (v as { value: unknown }).value === 'bigint'
    ? (v as { value: bigint }).value
    : v;
}

/** The elements as scalars of one type; anything else has no ordering in CEL. */
function elements(list: CelListLike, fn: string): Scalar[] {
  const out: Scalar[] = [];
  let type: string | undefined;
  for (let i = 0; i < list.size; i++) {
    const v = unwrapUint(list.get(i));
    const t = typeof v;
    if (t !== 'bigint' && t !== 'number' && t !== 'string' && t !== 'boolean')
      throw new ListError(`${fn}() needs a list of ints, uints, doubles, strings or bools`);
    if (type !== undefined && t !== type) throw new ListError(`${fn}() needs a list of elements of one type (found ${type} and ${t})`);
    type = t;
    out.push(v as Scalar);
  }
  return out;
}

function compare(a: Scalar, b: Scalar): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function extreme(list: CelListLike, fn: 'min' | 'max'): CelValue {
  const values = elements(list, fn);
  if (values.length === 0) throw new ListError(`${fn} called on empty list`);
  let best = 0;
  for (let i = 1; i < values.length; i++) if (compare(values[i], values[best]) * (fn === 'min' ? -1 : 1) > 0) best = i;
  return list.get(best) as CelValue;
}

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function listFunctions(cel: CelLibrary): CelFunc[] {
  const { celMethod, CelScalar, listType } = cel;
  const L = listType(CelScalar.DYN);
  const position = (list: CelListLike, x: unknown, last: boolean): bigint => {
    const wanted = unwrapUint(x);
    let found = -1;
    for (let i = 0; i < list.size; i++) {
      if (unwrapUint(list.get(i)) !== wanted) continue;
      found = i;
      if (!last) break;
    }
    return BigInt(found);
  };
  return [
    celMethod('isSorted', L, [], CelScalar.BOOL, function () {
      const values = elements(this, 'isSorted');
      for (let i = 1; i < values.length; i++) if (compare(values[i - 1], values[i]) > 0) return false;
      return true;
    }),
    celMethod('sum', L, [], CelScalar.DYN, function () {
      const values = elements(this, 'sum');
      if (values.some((v) => typeof v !== 'bigint' && typeof v !== 'number')) throw new ListError('sum() needs a list of numbers');
      if (values.length === 0) return 0n;
      // A list of ints sums to an int, a list of doubles to a double (elements() made them one type).
      return typeof values[0] === 'bigint'
        ? (values as bigint[]).reduce((a, b) => a + b, 0n)
        : (values as number[]).reduce((a, b) => a + b, 0);
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
  ];
}

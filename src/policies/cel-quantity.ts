import type { CelFunc } from '@bufbuild/cel';
import { parses, tagged, taggedFunctions, textOf } from './cel-tagged.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL quantity library (`quantity()`, `isQuantity()` and the methods of a Quantity), as the
 * API server offers it to ValidatingAdmissionPolicy: `quantity(c.resources.limits['nvidia.com/gpu'])
 * .isGreaterThan(quantity('0'))`. A quantity is held as an exact fraction (numerator over a power of
 * ten), so `quantity('1') == quantity('1000m')` and `1Gi` compares exactly with `1073741824`.
 */

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Exponents beyond these would make fractions of absurd size; Kubernetes refuses such quantities too. */
const MAX_EXPONENT = 64;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

interface Fraction {
  num: bigint;
  /** A power of ten. */
  den: bigint;
}

export class QuantityError extends Error {}

/** Parses a Kubernetes quantity (`500m`, `1.5Gi`, `2e3`); throws QuantityError for anything else. */
export function parseQuantity(text: string): Fraction {
  const m = QUANTITY.exec(text.trim());
  if (!m || text.trim() === '') throw new QuantityError(`'${text}' is not a Kubernetes quantity`);
  const [, sign, number, suffix = ''] = m;
  const [whole, fraction = ''] = number.split('.');
  let num = BigInt((whole || '0') + fraction) * (sign === '-' ? -1n : 1n);
  let exp = -fraction.length;
  if (suffix in BINARY) num *= BINARY[suffix];
  else if (suffix in DECIMAL) exp += DECIMAL[suffix];
  else if (suffix) exp += Number(suffix.slice(1));
  if (Math.abs(exp) > MAX_EXPONENT) throw new QuantityError(`'${text}' is out of the range of a Kubernetes quantity`);
  return reduce(exp >= 0 ? { num: num * 10n ** BigInt(exp), den: 1n } : { num, den: 10n ** BigInt(-exp) });
}

function reduce(f: Fraction): Fraction {
  let { num, den } = f;
  while (den > 1n && num % 10n === 0n) {
    num /= 10n;
    den /= 10n;
  }
  return { num, den };
}

function compare(a: Fraction, b: Fraction): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

function sum(a: Fraction, b: Fraction, sign: 1n | -1n): Fraction {
  const den = a.den > b.den ? a.den : b.den;
  return reduce({ num: a.num * (den / a.den) + sign * b.num * (den / b.den), den });
}

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function quantityFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, CelScalar } = cel;
  const { STRING, BOOL, INT, DOUBLE, DYN } = CelScalar;
  const t = taggedFunctions(cel);
  const wrap = (f: Fraction) => tagged('quantity', `${f.num}/${f.den}`);
  const unwrap = (q: unknown): Fraction => {
    const [num, den] = textOf(q, 'quantity', 'quantity()').split('/');
    return { num: BigInt(num), den: BigInt(den) };
  };
  // add() and sub() take a Quantity or an int.
  const operand = (v: unknown): Fraction => (typeof v === 'bigint' ? { num: v, den: 1n } : unwrap(v));
  // An exception of a function (QuantityError) becomes a CEL error: the expression fails with its message.
  return [
    celFunc('quantity', [STRING], DYN, (s: string) => wrap(parseQuantity(s))),
    celFunc('isQuantity', [STRING], BOOL, parses(parseQuantity)),
    t.method('quantity', 'sign', [], INT, function () {
      return BigInt(Math.sign(Number(unwrap(this).num)));
    }),
    t.method('quantity', 'isInteger', [], BOOL, function () {
      const f = unwrap(this);
      return f.den === 1n && f.num >= INT64_MIN && f.num <= INT64_MAX;
    }),
    t.method('quantity', 'asInteger', [], INT, function () {
      const f = unwrap(this);
      if (f.den !== 1n || f.num < INT64_MIN || f.num > INT64_MAX)
        throw new QuantityError('the quantity is not an integer that fits 64 bits');
      return f.num;
    }),
    t.method('quantity', 'asApproximateFloat', [], DOUBLE, function () {
      const f = unwrap(this);
      return Number(f.num) / Number(f.den);
    }),
    t.method('quantity', 'isGreaterThan', [DYN], BOOL, function (other: unknown) {
      return compare(unwrap(this), unwrap(other)) > 0;
    }),
    t.method('quantity', 'isLessThan', [DYN], BOOL, function (other: unknown) {
      return compare(unwrap(this), unwrap(other)) < 0;
    }),
    t.method('quantity', 'compareTo', [DYN], INT, function (other: unknown) {
      return BigInt(compare(unwrap(this), unwrap(other)));
    }),
    t.method('quantity', 'add', [DYN], DYN, function (other: unknown) {
      return wrap(sum(unwrap(this), operand(other), 1n));
    }),
    t.method('quantity', 'sub', [DYN], DYN, function (other: unknown) {
      return wrap(sum(unwrap(this), operand(other), -1n));
    }),
  ];
}

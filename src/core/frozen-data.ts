/** Plain data frozen all the way down by `freezeData`: what it holds can never change. */
const FROZEN = new WeakSet<object>();

/**
 * Freezes `value` and everything in it when it is plain data (plain objects and arrays of strings,
 * numbers, booleans and null), and remembers it as such (`isFrozenData`); anything else is left as
 * it is. Returns `value`.
 */
export function freezeData<T>(value: T): T {
  if (isPlainData(value)) deepFreeze(value);
  return value;
}

/** True for a value `freezeData` froze: the same object holds the same data for ever. */
export function isFrozenData(value: unknown): boolean {
  return typeof value === 'object' && value !== null && FROZEN.has(value);
}

function isPlainData(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype || Object.prototype.hasOwnProperty.call(v, 'toJSON')) return false;
    for (let i = 0; i < v.length; i++) if (!(i in v) || !isPlainData(v[i])) return false;
    return Object.keys(v).length === v.length;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  // Own properties only, all of them enumerable strings: what `for…in` and JSON see alike.
  const keys = Reflect.ownKeys(v);
  for (const key of keys) {
    if (typeof key !== 'string' || key === 'toJSON') return false;
    const d = Object.getOwnPropertyDescriptor(v, key)!;
    if (!d.enumerable || !('value' in d) || !isPlainData(d.value)) return false;
  }
  return true;
}

function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null) return;
  for (const inner of Object.values(v)) deepFreeze(inner);
  Object.freeze(v);
  FROZEN.add(v);
}

/**
 * A constant table read with names that come from scanned data. It has no prototype, so a name such
 * as `constructor`, `toString` or `__proto__` finds nothing rather than one of Object's members.
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

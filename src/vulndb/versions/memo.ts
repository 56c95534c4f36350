/**
 * Remembers a function of one version string: a scan parses the same versions again and again (each
 * advisory's events, each rule that matches the package). Bounded: the memory starts over when full.
 */
export function memoize<T>(fn: (version: string) => T, limit = 50_000): (version: string) => T {
  const cache = new Map<string, T>();
  return (version) => {
    if (cache.has(version)) return cache.get(version) as T;
    const result = fn(version);
    if (cache.size >= limit) cache.clear();
    cache.set(version, result);
    return result;
  };
}

/**
 * Binary search: the first index in [from, to) at which `before` is false, `before` being true on a
 * prefix of that range and false after it (`to` when it is true throughout). The last element at or
 * before a key is the one before the first after it: `lowerBound(n, (i) => starts[i] <= at) - 1`.
 */
export function lowerBound(to: number, before: (i: number) => boolean, from = 0): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

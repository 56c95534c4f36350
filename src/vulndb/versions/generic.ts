import type { VersionScheme } from './scheme.js';

/**
 * The fallback for ecosystems without a scheme of their own: runs of digits compare as numbers, runs
 * of other characters as text, separators (`.`, `-`, `_`, `+`) only split. Good for plain dotted
 * versions; ecosystems with richer rules get their own scheme.
 */
function parts(v: string): Array<number | string> {
  return (v.toLowerCase().match(/\d+|[a-z]+/g) ?? []).map((p) => (/^\d/.test(p) ? Number(p) : p));
}

function genericCompare(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (p === undefined) return typeof q === 'number' ? -1 : 1; // 1.0 < 1.0.1 but 1.0 > 1.0rc1
    if (q === undefined) return typeof p === 'number' ? 1 : -1;
    if (typeof p === 'number' && typeof q === 'number') return p < q ? -1 : 1;
    if (typeof p === 'number') return 1;
    if (typeof q === 'number') return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

export const generic: VersionScheme = {
  name: 'generic',
  valid: (v) => /\d/.test(v),
  compare: genericCompare,
};

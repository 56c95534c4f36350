import { semverCompare, semverParse } from './lazy.js';
import { memoize } from './memo.js';
import type { VersionScheme } from './scheme.js';

const parse = memoize((v) => semverParse()(strip(v)));

/**
 * Go module versions: semantic versions with a `v` prefix (OSV writes them without it). A
 * pseudo-version (`v0.0.0-20230101000000-abcdef123456`, `v1.2.4-0.20230101…`) is a prerelease, so it
 * sorts below the release it precedes; `+incompatible` is build metadata and does not take part in
 * ordering. Go accepts only strict semver (no loose forms).
 */
export const go: VersionScheme = {
  name: 'go',
  valid: (v) => parse(v) !== null,
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    return x && y ? x.compare(y) : semverCompare()(strip(a), strip(b));
  },
};

function strip(v: string): string {
  return v.startsWith('v') ? v.slice(1) : v;
}

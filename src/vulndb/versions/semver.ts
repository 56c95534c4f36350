import { semverCompare, semverParse } from './lazy.js';
import { memoize } from './memo.js';
import type { VersionScheme } from './scheme.js';

const LOOSE = { loose: true } as const;

const parse = memoize((v) => semverParse()(strip(v), LOOSE));

/** SemVer 2.0 as npm orders it (`semver`): prereleases before the release, build metadata ignored. */
export const semver: VersionScheme = {
  name: 'semver',
  valid: (v) => parse(v) !== null,
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    // An unreadable version throws as `semver` does.
    return x && y ? x.compare(y) : semverCompare()(strip(a), strip(b), LOOSE);
  },
};

function strip(v: string): string {
  return v.trim().replace(/^[=v]+/, '');
}

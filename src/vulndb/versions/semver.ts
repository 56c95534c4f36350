import semverCompare from 'semver/functions/compare.js';
import semverParse from 'semver/functions/parse.js';
import type { VersionScheme } from './scheme.js';

const LOOSE = { loose: true } as const;

/** SemVer 2.0 as npm orders it (`semver`): prereleases before the release, build metadata ignored. */
export const semver: VersionScheme = {
  name: 'semver',
  valid: (v) => semverParse(strip(v), LOOSE) !== null,
  compare: (a, b) => semverCompare(strip(a), strip(b), LOOSE),
};

function strip(v: string): string {
  return v.trim().replace(/^[=v]+/, '');
}

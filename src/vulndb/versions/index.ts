import { apk } from './apk.js';
import { dpkg } from './dpkg.js';
import { generic } from './generic.js';
import { go } from './go.js';
import { pep440 } from './pep440.js';
import { rpm } from './rpm.js';
import type { VersionScheme } from './scheme.js';
import { semver } from './semver.js';
import { lookupTable } from '../../core/lookup-table.js';

export type { VersionScheme } from './scheme.js';
export { apk, dpkg, generic, go, pep440, rpm, semver };

/** OSV ecosystem (without its `:release` suffix) → the scheme its `ECOSYSTEM` ranges use. */
const BY_ECOSYSTEM: Readonly<Record<string, VersionScheme>> = lookupTable({
  pypi: pep440,
  npm: semver,
  'crates.io': semver,
  hex: semver,
  pub: semver,
  swifturl: semver,
  go: go,
  debian: dpkg,
  ubuntu: dpkg,
  alpine: apk,
  wolfi: apk,
  chainguard: apk,
  alpaquita: apk,
  'bellsoft hardened containers': apk,
  'red hat': rpm,
  almalinux: rpm,
  'rocky linux': rpm,
  opensuse: rpm,
  suse: rpm,
  mageia: rpm,
  openeuler: rpm,
  'azure linux': rpm,
  'photon os': rpm,
});

/** `PyPI`, `Debian:12`, `Alpine:v3.20` → `pypi`, `debian`, `alpine`. */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return (colon === -1 ? ecosystem : ecosystem.slice(0, colon)).trim().toLowerCase();
}

const chosen = new Map<string, VersionScheme>();

/** The scheme an OSV range of `type` (`ECOSYSTEM` or `SEMVER`) uses for packages of `ecosystem`. */
export function schemeFor(ecosystem: string, rangeType = 'ECOSYSTEM'): VersionScheme {
  const key = `${rangeType}\u0000${ecosystem}`;
  let scheme = chosen.get(key);
  if (!scheme) {
    const base = ecosystemBase(ecosystem);
    scheme = rangeType === 'SEMVER' ? (base === 'go' ? go : semver) : (BY_ECOSYSTEM[base] ?? generic);
    if (chosen.size < 10_000) chosen.set(key, scheme);
  }
  return scheme;
}

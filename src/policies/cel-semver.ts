import type { CelFunc } from '@bufbuild/cel';
import type { SemVer } from 'semver';
import { lazyModule } from '../core/lazy-module.js';
import { parses, tagged, taggedFunctions, textOf } from './cel-tagged.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL semver library, as the API server offers it: `isSemver(s[, normalize])`,
 * `semver(s[, normalize])`, and `major()`, `minor()`, `patch()`, `isGreaterThan()`, `isLessThan()`,
 * `compareTo()` of a Semver, e.g. `semver(object.metadata.labels['app.kubernetes.io/version'], true)
 * .isGreaterThan(semver('0.6.0'))`. Parsing is strict SemVer 2.0 (no `v`, no leading zeros) unless
 * `normalize` is true, which drops a leading `v`, fills a missing minor or patch with 0 and removes
 * leading zeros. Build metadata is ignored by comparisons and `==`, as in SemVer.
 */

/** Loaded on first use, as CEL itself is (see cel.ts). */
const semverLibrary = lazyModule<typeof import('semver')>('semver');

export class SemverError extends Error {}

function normalize(text: string): string {
  const s = text.startsWith('v') ? text.slice(1) : text;
  const tailAt = s.search(/[-+]/);
  const core = tailAt === -1 ? s : s.slice(0, tailAt);
  const tail = tailAt === -1 ? '' : s.slice(tailAt);
  const parts = core.split('.');
  while (parts.length < 3) parts.push('0');
  return parts.map((p) => (/^\d+$/.test(p) ? p.replace(/^0+(?=\d)/, '') : p)).join('.') + tail;
}

/** Parses a version as the Kubernetes library does; throws SemverError otherwise. */
export function parseSemver(text: string, normalizing = false): SemVer {
  const s = normalizing ? normalize(text) : text;
  // The semver package accepts a leading 'v' or '=' and surrounding blanks, which SemVer does not.
  const parsed = /^\d[0-9A-Za-z.+-]*$/.test(s) ? semverLibrary().parse(s) : null;
  if (!parsed)
    throw new SemverError(`'${text}' is not a valid semantic version${normalizing ? '' : ' (semver(s, true) normalizes v1.2 to 1.2.0)'}`);
  return parsed;
}

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function semverFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, CelScalar } = cel;
  const { STRING, BOOL, INT, DYN } = CelScalar;
  const t = taggedFunctions(cel);
  // Without build metadata, so that equal versions are equal values.
  const value = (v: SemVer) => tagged('semver', v.version);
  const versionOf = (v: unknown) => parseSemver(textOf(v, 'semver', 'semver()'));
  const isSemver = (s: string, normalizing: boolean) => parses((text) => parseSemver(text, normalizing))(s);
  const compare = (a: unknown, b: unknown) => versionOf(a).compare(versionOf(b));
  return [
    celFunc('semver', [STRING], DYN, (s: string) => value(parseSemver(s))),
    celFunc('semver', [STRING, BOOL], DYN, (s: string, n: boolean) => value(parseSemver(s, n))),
    celFunc('isSemver', [STRING], BOOL, (s: string) => isSemver(s, false)),
    celFunc('isSemver', [STRING, BOOL], BOOL, (s: string, n: boolean) => isSemver(s, n)),
    t.method('semver', 'major', [], INT, function () {
      return BigInt(versionOf(this).major);
    }),
    t.method('semver', 'minor', [], INT, function () {
      return BigInt(versionOf(this).minor);
    }),
    t.method('semver', 'patch', [], INT, function () {
      return BigInt(versionOf(this).patch);
    }),
    t.method('semver', 'isGreaterThan', [DYN], BOOL, function (other: unknown) {
      return compare(this, other) > 0;
    }),
    t.method('semver', 'isLessThan', [DYN], BOOL, function (other: unknown) {
      return compare(this, other) < 0;
    }),
    t.method('semver', 'compareTo', [DYN], INT, function (other: unknown) {
      return BigInt(compare(this, other));
    }),
  ];
}

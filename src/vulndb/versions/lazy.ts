import { createRequire } from 'node:module';
import type * as Pep440Module from '@renovatebot/pep440';
import type debVersionCompare from 'deb-version-compare';
import type semverCompareFn from 'semver/functions/compare.js';
import type semverParseFn from 'semver/functions/parse.js';

// The version libraries load when a version is first compared, so that scans without dependencies
// (and every other command) do not pay for them at start-up.
const load = createRequire(import.meta.url);
let semverFns: { compare: typeof semverCompareFn; parse: typeof semverParseFn } | undefined;
let pep440Module: typeof Pep440Module | undefined;
let debCompare: typeof debVersionCompare | undefined;

export const semverLib = (): { compare: typeof semverCompareFn; parse: typeof semverParseFn } =>
  (semverFns ??= {
    compare: load('semver/functions/compare.js') as typeof semverCompareFn,
    parse: load('semver/functions/parse.js') as typeof semverParseFn,
  });
export const pep440Lib = (): typeof Pep440Module => (pep440Module ??= load('@renovatebot/pep440') as typeof Pep440Module);
export const dpkgCompare = (): typeof debVersionCompare => (debCompare ??= load('deb-version-compare') as typeof debVersionCompare);

import type * as Pep440Module from '@renovatebot/pep440';
import type debVersionCompare from 'deb-version-compare';
import type semverCompareFn from 'semver/functions/compare.js';
import type semverParseFn from 'semver/functions/parse.js';
import { lazyModule } from '../../core/lazy-module.js';

// The version libraries load when a version is first compared.
export const semverCompare = lazyModule<typeof semverCompareFn>('semver/functions/compare.js');
export const semverParse = lazyModule<typeof semverParseFn>('semver/functions/parse.js');
export const pep440Lib = lazyModule<typeof Pep440Module>('@renovatebot/pep440');
export const dpkgCompare = lazyModule<typeof debVersionCompare>('deb-version-compare');

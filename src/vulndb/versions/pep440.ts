import { pep440Lib } from './lazy.js';
import { memoize } from './memo.js';
import type { VersionScheme } from './scheme.js';

const readable = memoize((v) => pep440Lib().valid(v) !== null);

/**
 * PEP 440 (PyPI): epochs, pre/post/dev releases and normalisation from `@renovatebot/pep440`. As in a
 * PEP 440 specifier, the candidate's local label (`2.1.2+cu121`) is ignored when the advisory's version
 * has none: a CUDA build of 2.1.2 is 2.1.2.
 */
export const pep440: VersionScheme = {
  name: 'pep440',
  valid: readable,
  compare(candidate, bound) {
    // `+` starts the local label and appears nowhere else in a valid version.
    if (candidate.includes('+') && !bound.includes('+')) return pep440Lib().compare(publicPart(candidate), bound);
    return pep440Lib().compare(candidate, bound);
  },
};

function publicPart(v: string): string {
  const plus = v.indexOf('+');
  return plus === -1 ? v : v.slice(0, plus);
}

import { dpkgCompare } from './lazy.js';
import type { VersionScheme } from './scheme.js';
import { sign } from './scheme.js';

/** `[epoch:]upstream[-revision]`: upstream starts with a digit; characters as Debian policy §5.6.12 allows. */
const DPKG = /^(?:\d+:)?\d[A-Za-z0-9.+~-]*$/;

/** Debian and Ubuntu package versions (`deb-version-compare`): epochs, then upstream, then revision; `~` sorts before anything, even the end. */
export const dpkg: VersionScheme = {
  name: 'dpkg',
  valid: (v) => DPKG.test(v),
  compare: (a, b) => sign(dpkgCompare()(a, b)),
};

import { packageRoot } from './package-root.js';

/** The package version, read once from package.json. */
export const VERSION: string = packageRoot().manifest.version;

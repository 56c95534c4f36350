import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Sanctum's name in its package.json: how the walk up tells its own from another package's. */
export const PACKAGE_NAME = 'sanctum-scanner';

export interface PackageRoot {
  /** The directory holding Sanctum's package.json. */
  dir: string;
  /** That package.json, parsed. */
  manifest: { name: string; version: string };
}

/**
 * The nearest directory at or above `from` whose package.json is named `name`, or undefined. A
 * package.json of another name (a fixture, a bundler's `{"type": "module"}`) is passed over.
 */
export function findPackageRoot(from: string, name: string = PACKAGE_NAME): PackageRoot | undefined {
  for (let dir = from; ;) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      // None here (or unreadable): look further up.
    }
    if (text !== undefined) {
      let manifest: unknown;
      try {
        manifest = JSON.parse(text);
      } catch {
        manifest = undefined;
      }
      if (typeof manifest === 'object' && manifest !== null && (manifest as { name?: unknown }).name === name)
        return { dir, manifest: manifest as PackageRoot['manifest'] };
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

let root: PackageRoot | undefined;

/**
 * Sanctum's own package directory and package.json. Paths relative to `import.meta.url` differ with
 * the layout this module runs from (src/ under the tests, dist/ as tsc emits it, dist/bundle/ where
 * `bin/sanctum` loads the bundle of scripts/bundle-cli.mjs): files of the package (package.json,
 * dist/web) are found from here instead.
 */
export function packageRoot(): PackageRoot {
  if (root) return root;
  const here = dirname(fileURLToPath(import.meta.url));
  const found = findPackageRoot(here);
  if (!found) throw new Error(`sanctum: no package.json of ${PACKAGE_NAME} in ${here} or above it`);
  return (root = found);
}

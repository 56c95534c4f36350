import type { PinnedVersion, ProjectPackages } from '../core/packages.js';

/** Pinned PyPI versions for rule tests, by package name, whatever file asks. */
export function pins(byName: Record<string, PinnedVersion>): ProjectPackages {
  return { pinned: (_path, ecosystem, name) => (ecosystem === 'PyPI' ? byName[name] : undefined) };
}

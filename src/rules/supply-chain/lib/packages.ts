import type { DeclaredDependency, DependencyManifest } from '../../../parsers/deps/types.js';

/** Ecosystems the vulnerability database knows (conda packages are inventoried only). */
const MATCHED = new Set(['PyPI', 'npm', 'Go']);

/** Packages that come from their ecosystem's registry: the ones an advisory can name. */
export function registryPackages(manifest: DependencyManifest): DeclaredDependency[] {
  return manifest.packages.filter((p) => MATCHED.has(p.ecosystem) && (!p.source || p.source.kind === 'alias'));
}

export function describePackage(dep: DeclaredDependency): string {
  return dep.version ? `${dep.name} ${dep.version}` : dep.name;
}

/** Credentials in an index URL (`https://user:token@host`) never reach the output. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^/@\s]*@/i, '$1…@');
}

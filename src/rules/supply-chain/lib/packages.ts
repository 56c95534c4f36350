import type { PackageRef, VulnerabilityMatch, VulnerabilitySource } from '../../../core/vulnerability.js';
import type { DeclaredDependency, DependencyManifest } from '../../../parsers/deps/types.js';

/** Language ecosystems the vulnerability database knows (conda packages are inventoried only). */
const MATCHED = new Set(['PyPI', 'npm', 'Go', 'crates.io']);

/**
 * Packages an advisory can name: releases from their ecosystem's registry, and the packages of an OS
 * package database whose distribution and release are known to OSV.
 */
export function registryPackages(manifest: DependencyManifest): DeclaredDependency[] {
  return manifest.packages.filter(
    (p) => (p.os ? manifest.os?.matched === true : MATCHED.has(p.ecosystem)) && (!p.source || p.source.kind === 'alias'),
  );
}

/**
 * The names advisories use for a package: Debian, Ubuntu and Alpine records name the source package
 * (with the source version); rpm distributions' records name binary packages, and some the source.
 */
export function advisoryRefs(dep: DeclaredDependency): PackageRef[] {
  const version = dep.version ?? '';
  if (!dep.os?.sourceName && !dep.os?.sourceVersion) return [{ ecosystem: dep.ecosystem, name: dep.name, version }];
  const source = { ecosystem: dep.ecosystem, name: dep.os.sourceName ?? dep.name, version: dep.os.sourceVersion ?? version };
  if (dep.os.format === 'rpm') return [{ ecosystem: dep.ecosystem, name: dep.name, version }, source];
  return [source];
}

/** Records affecting the package under any of its advisory names, each once. */
export function affecting(db: VulnerabilitySource, dep: DeclaredDependency): VulnerabilityMatch[] {
  const refs = advisoryRefs(dep);
  if (refs.length === 1) return db.affecting(refs[0]);
  const seen = new Map<string, VulnerabilityMatch>();
  for (const ref of refs) for (const v of db.affecting(ref)) if (!seen.has(v.id)) seen.set(v.id, v);
  return [...seen.values()];
}

export function describePackage(dep: DeclaredDependency): string {
  const base = dep.version ? `${dep.name} ${dep.version}` : dep.name;
  const src = dep.os?.sourceName;
  if (!src && !dep.os?.sourceVersion) return base;
  return `${base} (source ${src ?? dep.name}${dep.os?.sourceVersion ? ` ${dep.os.sourceVersion}` : ''})`;
}

/** Credentials in an index URL (`https://user:token@host`) never reach the output. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^/@\s]*@/i, '$1…@');
}

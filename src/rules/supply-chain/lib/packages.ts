import type { PackageRef, VulnerabilityMatch, VulnerabilitySource } from '../../../core/vulnerability.js';
import type { DependencyDocument } from '../../../parsers/deps/deps-document.js';
import type { DeclaredDependency, DependencyManifest } from '../../../parsers/deps/types.js';
import { normalizePackageName } from '../../../vulndb/osv.js';

/** Language ecosystems the vulnerability database knows (conda packages are matched as their PyPI project: `matchedPackages`). */
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
 * Packages whose advisories are matched: the registry packages, and the conda packages that distribute
 * a PyPI project (`DeclaredDependency.pypi`), matched against that project's PyPI advisories. Only the
 * registry packages are judged for pinning (`registryPackages`): a conda file's own entries never were.
 */
export function matchedPackages(manifest: DependencyManifest): DeclaredDependency[] {
  return manifest.packages.filter(
    (p) =>
      (p.os ? manifest.os?.matched === true : MATCHED.has(p.ecosystem) || p.pypi !== undefined) && (!p.source || p.source.kind === 'alias'),
  );
}

/**
 * The names advisories use for a package: a conda package's PyPI project; Debian, Ubuntu and Alpine
 * records name the source package (with the source version); rpm distributions' records name binary
 * packages, and some the source.
 */
export function advisoryRefs(dep: DeclaredDependency): PackageRef[] {
  const version = dep.version ?? '';
  if (dep.pypi) return [{ ecosystem: 'PyPI', name: dep.pypi.name, version }];
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

/**
 * A filter that passes each (PyPI project, version, advisory) once per conda file: conda-lock.yml
 * lists a package once per platform (three entries with the default platforms), and a conda
 * metapackage and the package it pins match the same PyPI project at the same version (`tensorflow`
 * and `tensorflow-base`, `matplotlib` and `matplotlib-base`, `xgboost` and `py-xgboost`). The first
 * entry is reported; other files and kinds are not filtered.
 */
export function onceInCondaFile(): (doc: DependencyDocument, dep: DeclaredDependency, advisory: string) => boolean {
  const seen = new WeakMap<DependencyDocument, Set<string>>();
  return (doc, dep, advisory) => {
    if (!dep.pypi && doc.manifest.kind !== 'conda-lock') return true;
    const ref = advisoryRefs(dep)[0];
    const key = `${normalizePackageName(ref.ecosystem, ref.name)}\0${ref.version}\0${advisory}`;
    let keys = seen.get(doc);
    if (!keys) seen.set(doc, (keys = new Set()));
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  };
}

export function describePackage(dep: DeclaredDependency): string {
  const base = dep.version ? `${dep.name} ${dep.version}` : dep.name;
  // `pytorch 2.0.0 (conda package, matched as PyPI torch: conda's name for it)`
  if (dep.pypi)
    return `${base} (conda package, matched as PyPI ${dep.pypi.name}${dep.pypi.by === 'mapping' ? ": conda's name for it" : ''})`;
  const src = dep.os?.sourceName;
  if (!src && !dep.os?.sourceVersion) return base;
  return `${base} (source ${src ?? dep.name}${dep.os?.sourceVersion ? ` ${dep.os.sourceVersion}` : ''})`;
}

/** Credentials in an index URL (`https://user:token@host`) never reach the output. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^/@\s]*@/i, '$1…@');
}

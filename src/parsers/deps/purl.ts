import type { FindingPackage } from '../../core/types.js';
import { purlLib } from './lazy.js';
import type { DeclaredDependency, LanguageEcosystem } from './types.js';

const PURL_TYPE: Record<LanguageEcosystem, string> = { PyPI: 'pypi', npm: 'npm', Go: 'golang', 'crates.io': 'cargo', conda: 'conda' };

/**
 * A crate from elsewhere than crates.io (the `cargo` type's default repository) says where, as the purl
 * specification's qualifiers do: `vcs_url` (`git+https://host/repo@commit`) for a git dependency,
 * `repository_url` for an alternative registry.
 */
function cargoQualifiers(source: DeclaredDependency['source']): Record<string, string> | undefined {
  if (source?.kind === 'vcs') {
    // Cargo writes `git+URL?branch=…#commit`: the commit is the revision, the query only how it was asked for.
    const hash = source.location.indexOf('#');
    const url = hash === -1 ? source.location : source.location.slice(0, hash);
    const query = url.indexOf('?');
    const base = query === -1 ? url : url.slice(0, query);
    return { vcs_url: hash === -1 ? base : `${base}@${source.location.slice(hash + 1)}` };
  }
  if (source?.kind === 'registry' && source.location) return { repository_url: source.location.replace(/^(?:registry|sparse)\+/, '') };
  return undefined;
}

/** The package URL (purl) of a dependency, as the purl specification spells each type. */
export function purlOf(dep: Pick<DeclaredDependency, 'ecosystem' | 'name' | 'version' | 'os' | 'source'>): string {
  const PackageURL = purlLib().PackageURL;
  if (dep.os) {
    // pkg:deb/debian/libc6@2.36-9+deb12u3?arch=amd64&distro=debian-12&upstream=glibc
    const q: Record<string, string> = {};
    if (dep.os.arch) q.arch = dep.os.arch;
    if (dep.os.distro) q.distro = dep.os.distro;
    if (dep.os.sourceName || dep.os.sourceVersion)
      q.upstream = `${dep.os.sourceName ?? dep.name}${dep.os.sourceVersion ? `@${dep.os.sourceVersion}` : ''}`;
    return new PackageURL(
      dep.os.format,
      dep.os.vendor,
      dep.name,
      dep.version || undefined,
      Object.keys(q).length ? q : undefined,
      undefined,
    ).toString();
  }
  const type = PURL_TYPE[dep.ecosystem as LanguageEcosystem] ?? 'generic';
  let namespace: string | undefined;
  let name = dep.name;
  if (dep.ecosystem === 'PyPI') name = name.toLowerCase().replace(/_/g, '-');
  else if (dep.ecosystem === 'npm' || dep.ecosystem === 'Go') {
    const slash = name.lastIndexOf('/');
    if (slash !== -1) {
      namespace = name.slice(0, slash);
      name = name.slice(slash + 1);
    }
  }
  const qualifiers = dep.ecosystem === 'crates.io' ? cargoQualifiers(dep.source) : undefined;
  return new PackageURL(type, namespace, name, dep.version || undefined, qualifiers, undefined).toString();
}

/** The `package` object of a supply-chain finding. */
export function findingPackage(dep: DeclaredDependency): FindingPackage {
  const pkg: FindingPackage = { ecosystem: dep.ecosystem, name: dep.name, version: dep.version ?? '', purl: purlOf(dep) };
  if (dep.pypi) {
    const purl = purlOf({ ecosystem: 'PyPI', name: dep.pypi.name, version: dep.version });
    pkg.matchedAs = { ecosystem: 'PyPI', name: dep.pypi.name, purl, by: dep.pypi.by };
  }
  return pkg;
}

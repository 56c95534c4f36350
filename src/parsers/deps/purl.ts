import type { FindingPackage } from '../../core/types.js';
import { purlLib } from './lazy.js';
import type { DeclaredDependency, Ecosystem } from './types.js';

const PURL_TYPE: Record<Ecosystem, string> = { PyPI: 'pypi', npm: 'npm', Go: 'golang', conda: 'conda' };

/** The package URL (purl) of a dependency, as the purl specification spells each type. */
export function purlOf(dep: Pick<DeclaredDependency, 'ecosystem' | 'name' | 'version'>): string {
  const type = PURL_TYPE[dep.ecosystem];
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
  return new (purlLib().PackageURL)(type, namespace, name, dep.version || undefined, undefined, undefined).toString();
}

/** The `package` object of a supply-chain finding. */
export function findingPackage(dep: DeclaredDependency): FindingPackage {
  return { ecosystem: dep.ecosystem, name: dep.name, version: dep.version ?? '', purl: purlOf(dep) };
}

import type { TextSpan } from '../../core/document.js';
import type { ParseError } from '../../core/parser.js';

/** Ecosystems as OSV spells them; `conda` has no OSV ecosystem and is inventoried only. */
export type Ecosystem = 'PyPI' | 'npm' | 'Go' | 'conda';

/** Where a package comes from when it is not the ecosystem's registry. */
export interface PackageSource {
  kind: 'url' | 'vcs' | 'path' | 'workspace' | 'alias';
  /** The URL, VCS reference or path as written. */
  location: string;
}

/** One dependency as a manifest, lockfile or installed metadata states it. */
export interface DeclaredDependency {
  ecosystem: Ecosystem;
  /** As written in the file. */
  name: string;
  /** The exact version, when the file pins or locks one. */
  version?: string;
  /** The requirement as declared when it is a range (`>=2.0,<3`, `^4.17.0`). */
  requirement?: string;
  /** True: the project asks for it; false: pulled in by another package; absent: the file does not say. */
  direct?: boolean;
  /** Only needed for development (dev groups, `devDependencies`, `develop`). */
  dev?: boolean;
  optional?: boolean;
  /** The text of the file the dependency comes from: the rules report here. */
  span: TextSpan;
  /** `ALG-hex` or `ALG-base64` digests as the file writes them (`sha256:…` or npm `sha512-…`). */
  hashes?: string[];
  license?: string;
  source?: PackageSource;
  editable?: boolean;
  extras?: string[];
  /** PEP 508 environment marker. */
  marker?: string;
  /** Names (or `name@version` keys) of the packages this one depends on, when the lockfile lists them. */
  dependsOn?: string[];
}

/** A package index or registry the file tells the installer to use. */
export interface PackageIndex {
  url: string;
  /** `primary` replaces the public index; `extra` is consulted next to it; `find-links` is a page of archives. */
  role: 'primary' | 'extra' | 'find-links';
  span: TextSpan;
}

export type ManifestKind =
  | 'requirements'
  | 'pyproject'
  | 'poetry-lock'
  | 'uv-lock'
  | 'pipfile-lock'
  | 'conda'
  | 'package-json'
  | 'package-lock'
  | 'pnpm-lock'
  | 'yarn-lock'
  | 'go-mod'
  | 'dockerfile'
  | 'installed';

export interface DependencyManifest {
  kind: ManifestKind;
  /** A lockfile: every entry is an exact, resolved version. */
  lockfile: boolean;
  /**
   * An application (deployed as is) rather than a library (whose ranges are resolved by its users):
   * only an application's unpinned dependencies are a finding.
   */
  application: boolean;
  packages: DeclaredDependency[];
  indexes: PackageIndex[];
  /** Other requirement files this one includes (`-r`) or is constrained by (`-c`). */
  includes: Array<{ path: string; constraint: boolean; span: TextSpan }>;
  /** Entries that could not be read; the rest of the file still counts. */
  problems: ParseError[];
}

export function emptyManifest(kind: ManifestKind, lockfile: boolean, application: boolean): DependencyManifest {
  return { kind, lockfile, application, packages: [], indexes: [], includes: [], problems: [] };
}

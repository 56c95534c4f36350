import type { TextSpan } from '../../core/document.js';
import type { ParseError } from '../../core/parser.js';
import type { PyPIProject } from './conda-pypi.js';

/** Language ecosystems as OSV spells them; `conda` has no OSV ecosystem (its Python packages are matched as their PyPI project). */
export type LanguageEcosystem = 'PyPI' | 'npm' | 'Go' | 'crates.io' | 'conda';

/** Distributions whose packages Sanctum reads (OSV's spelling where OSV publishes advisories for them). */
export type OsDistribution =
  | 'Debian'
  | 'Ubuntu'
  | 'Alpine'
  | 'Wolfi'
  | 'Chainguard'
  | 'Red Hat'
  | 'Rocky Linux'
  | 'AlmaLinux'
  | 'SUSE'
  | 'openSUSE'
  | 'Photon OS'
  | 'Azure Linux'
  | 'Mageia'
  | 'openEuler'
  | 'Fedora'
  | 'CentOS'
  | 'Amazon Linux'
  | 'Oracle Linux'
  | 'Linux';

/**
 * An OS package's ecosystem as OSV names it, with the release its advisories are written for:
 * `Debian:12`, `Ubuntu:22.04:LTS`, `Alpine:v3.20`, `Red Hat:enterprise_linux:9`, `Rocky Linux:9`; the bare
 * distribution when the release is unknown.
 */
export type OsEcosystem = OsDistribution | `${OsDistribution}:${string}`;

export type Ecosystem = LanguageEcosystem | OsEcosystem;

/** What an OS package database adds to a package: the source package its advisories name, its architecture. */
export interface OsPackageFacts {
  /** The package manager's format, also the purl type. */
  format: 'deb' | 'apk' | 'rpm';
  /** purl namespace: the vendor (`debian`, `ubuntu`, `alpine`, `redhat`, `rocky`, …). */
  vendor: string;
  /** purl `distro` qualifier (`debian-12`, `alpine-3.20.3`), when the release is known. */
  distro?: string;
  arch?: string;
  /** The source package (Debian `Source:`, apk origin, rpm source RPM name): OSV's Debian, Ubuntu and Alpine records name it. */
  sourceName?: string;
  /** The source package's version when it differs from the binary's (Debian binNMUs: `1.2-3+b1` built from `1.2-3`). */
  sourceVersion?: string;
}

/** Where a package comes from when it is not the ecosystem's registry. */
export interface PackageSource {
  /** `registry`: another registry than the ecosystem's public one (a Cargo alternative registry). */
  kind: 'url' | 'vcs' | 'path' | 'workspace' | 'alias' | 'registry';
  /** The URL, VCS reference, registry index or path as written (empty when the file does not say). */
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
  /** For a package of an OS package database. */
  os?: OsPackageFacts;
  /** A conda package that distributes a PyPI project: PyPI advisories are matched against it (see `conda-pypi.ts`). */
  pypi?: PyPIProject;
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
  | 'conda-lock'
  | 'package-json'
  | 'package-lock'
  | 'pnpm-lock'
  | 'yarn-lock'
  | 'go-mod'
  | 'cargo-toml'
  | 'cargo-lock'
  | 'dockerfile'
  | 'installed'
  | 'dpkg-status'
  | 'apk-installed'
  | 'rpm-db'
  | 'go-binary'
  | 'os-release';

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
  /** The operating system an OS package database belongs to (from the same root filesystem's os-release), or an os-release file states. */
  os?: OsIdentity;
  /** In an os-release file: the line that names the release (`VERSION_ID`, else `ID`). */
  osSpan?: TextSpan;
  /** A binary file (an rpm database, a Go executable): findings name the file without a line. */
  binary?: boolean;
  /** A `Cargo.toml`: what pairs it with the `Cargo.lock` of its workspace (see `settleCargo`). */
  cargo?: CargoFacts;
}

/** What a `Cargo.toml` says besides its dependencies: the crate it builds, its workspace, what members inherit. */
export interface CargoFacts {
  /** `[package] name`: the crate this manifest builds (a virtual workspace manifest has none). */
  packageName?: string;
  /** `[workspace]`: the members' globs and the excluded paths, relative to the manifest's directory. */
  workspace?: { members: string[]; exclude: string[] };
  /** `[workspace.dependencies]`, by key: what a member's `name = { workspace = true }` stands for. */
  workspaceDependencies?: Record<string, Pick<DeclaredDependency, 'name' | 'version' | 'requirement' | 'source'>>;
  /** The packages (by index in `packages`) that say `workspace = true`, with the key they inherit. */
  inherits?: Array<{ index: number; key: string }>;
}

/** An operating system as its `/etc/os-release` (or `alpine-release`, `debian_version`) describes it. */
export interface OsIdentity {
  /** os-release `ID` (`debian`, `ubuntu`, `alpine`, `rhel`, …). */
  id: string;
  /** os-release `VERSION_ID` (`12`, `22.04`, `3.20.3`, `9.4`), when known. */
  versionId?: string;
  /** `PRETTY_NAME`, or a name built from the id and version. */
  name: string;
  /** The OSV ecosystem its packages are matched in. */
  ecosystem: OsEcosystem;
  /** False when OSV publishes no advisories for this distribution: its packages are inventoried only. */
  matched: boolean;
  /** Where the identity was read (`etc/os-release`, …), relative to the root filesystem. */
  source: string;
}

export function emptyManifest(kind: ManifestKind, lockfile: boolean, application: boolean): DependencyManifest {
  return { kind, lockfile, application, packages: [], indexes: [], includes: [], problems: [] };
}

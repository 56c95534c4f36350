import { emptyManifest, type DependencyManifest, type OsDistribution, type OsEcosystem, type OsIdentity } from '../deps/types.js';
import { lookupTable } from '../../core/lookup-table.js';

/**
 * Files that identify the operating system of a root filesystem, most precise first (paths relative
 * to the root). `/etc/os-release` is usually a symbolic link to `/usr/lib/os-release`.
 */
export const OS_IDENTITY_FILES = [
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/debian_version',
  'etc/redhat-release',
] as const;

/** Reads `KEY=value` lines of an os-release file (shell-style quoting, as os-release(5) describes). */
export function parseOsReleaseFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    if (m[2].trim().startsWith('"')) v = v.replace(/\\(["\\$`])/g, '$1');
    if (!out.has(m[1])) out.set(m[1], v);
  }
  return out;
}

interface Distribution {
  distribution: OsDistribution;
  /** purl namespace. */
  vendor: string;
  /** The OSV ecosystem for a `VERSION_ID` (and the full `VERSION` text), or the bare name when it cannot be told. */
  ecosystem(versionId: string | undefined, version: string): OsEcosystem;
  /** OSV publishes advisories for it. */
  matched: boolean;
}

const major = (v: string | undefined): string | undefined => /^(\d+)/.exec(v ?? '')?.[1];
const majorMinor = (v: string | undefined): string | undefined => /^(\d+\.\d+)/.exec(v ?? '')?.[1];

function simple(
  distribution: OsDistribution,
  vendor: string,
  release: (v: string | undefined) => string | undefined,
  matched = true,
): Distribution {
  return {
    distribution,
    vendor,
    matched,
    ecosystem: (v) => {
      const r = release(v);
      return r ? `${distribution}:${r}` : distribution;
    },
  };
}

/**
 * os-release `ID` → how OSV names its ecosystem. OSV spellings (https://ossf.github.io/osv-schema/#affectedpackage-field):
 * `Debian:12`, `Ubuntu:22.04:LTS` (LTS releases) or `Ubuntu:24.10`, `Alpine:v3.20`, `Rocky Linux:9`,
 * `AlmaLinux:9`, `Red Hat:enterprise_linux:9::baseos` (the repository part is not known from the rpm
 * database; matching ignores it), `SUSE:Linux Enterprise Server 15 SP5`, `openSUSE:Leap 15.5`,
 * `Photon OS:5.0`, `Azure Linux:3`, `Mageia:9`. Fedora, CentOS, Amazon Linux and Oracle Linux have no
 * OSV ecosystem: their packages are inventoried, not matched.
 */
const DISTRIBUTIONS: Readonly<Record<string, Distribution>> = lookupTable({
  debian: simple('Debian', 'debian', major),
  ubuntu: {
    distribution: 'Ubuntu',
    vendor: 'ubuntu',
    matched: true,
    ecosystem: (v, version) => {
      const r = majorMinor(v);
      if (!r) return 'Ubuntu';
      // LTS releases are the even years' April releases; os-release says so in VERSION too.
      const lts = /\bLTS\b/.test(version) || /^\d*[02468]\.04$/.test(r);
      return lts ? `Ubuntu:${r}:LTS` : `Ubuntu:${r}`;
    },
  },
  alpine: simple('Alpine', 'alpine', (v) => {
    const r = majorMinor(v);
    return r ? `v${r}` : undefined;
  }),
  wolfi: simple('Wolfi', 'wolfi', () => undefined),
  chainguard: simple('Chainguard', 'chainguard', () => undefined),
  rhel: simple('Red Hat', 'redhat', (v) => (major(v) ? `enterprise_linux:${major(v)}` : undefined)),
  rocky: simple('Rocky Linux', 'rocky', major),
  almalinux: simple('AlmaLinux', 'almalinux', major),
  sles: simple('SUSE', 'suse', (v) => {
    const m = /^(\d+)(?:\.(\d+))?/.exec(v ?? '');
    if (!m) return undefined;
    return m[2] && m[2] !== '0' ? `Linux Enterprise Server ${m[1]} SP${m[2]}` : `Linux Enterprise Server ${m[1]}`;
  }),
  'opensuse-leap': simple('openSUSE', 'opensuse', (v) => (majorMinor(v) ? `Leap ${majorMinor(v)}` : undefined)),
  'opensuse-tumbleweed': simple('openSUSE', 'opensuse', () => 'Tumbleweed'),
  photon: simple('Photon OS', 'photon', majorMinor),
  azurelinux: simple('Azure Linux', 'azurelinux', major),
  mageia: simple('Mageia', 'mageia', major),
  openEuler: {
    distribution: 'openEuler',
    vendor: 'openeuler',
    matched: true,
    // VERSION="22.03 (LTS-SP3)" → `openEuler:22.03-LTS-SP3`
    ecosystem: (v, version) => {
      if (!v) return 'openEuler';
      const extra = /\(([\w-]+)\)/.exec(version)?.[1];
      return `openEuler:${v}${extra ? `-${extra}` : ''}`;
    },
  },
  fedora: simple('Fedora', 'fedora', major, false),
  centos: simple('CentOS', 'centos', major, false),
  amzn: simple('Amazon Linux', 'amazon', major, false),
  ol: simple('Oracle Linux', 'oracle', major, false),
});

const ROLLING = new Set<OsDistribution>(['Wolfi', 'Chainguard']);

/** The vendor (purl namespace) of a distribution id. */
export function vendorOf(os: OsIdentity | undefined, fallback: string): string {
  return (os && DISTRIBUTIONS[os.id]?.vendor) ?? fallback;
}

/** The purl `distro` qualifier of an OS (`debian-12`, `alpine-3.20.3`). */
export function distroQualifier(os: OsIdentity | undefined): string | undefined {
  return os?.versionId ? `${os.id}-${os.versionId}` : undefined;
}

/** The identity an os-release file states; undefined when it has no `ID`. */
export function identifyOsRelease(text: string, source: string): OsIdentity | undefined {
  const f = parseOsReleaseFields(text);
  const id = f.get('ID')?.toLowerCase();
  if (!id) return undefined;
  return identity(id, f.get('VERSION_ID'), f.get('VERSION') ?? '', f.get('PRETTY_NAME'), source, f.get('ID_LIKE'));
}

function identity(
  id: string,
  versionId: string | undefined,
  version: string,
  prettyName: string | undefined,
  source: string,
  idLike?: string,
): OsIdentity {
  let d = DISTRIBUTIONS[id];
  if (!d && idLike) {
    // A derivative (`ID_LIKE="debian"`): its packages are the parent's, but releases do not line up.
    const parent = idLike.split(/\s+/).find((p) => DISTRIBUTIONS[p]);
    if (parent) d = { ...DISTRIBUTIONS[parent], matched: false, ecosystem: () => DISTRIBUTIONS[parent].distribution };
  }
  const name = prettyName || [id, versionId].filter(Boolean).join(' ');
  if (!d) return { id, ...(versionId ? { versionId } : {}), name, ecosystem: 'Linux', matched: false, source };
  const ecosystem = d.ecosystem(versionId, version);
  // Without its release an ecosystem cannot be matched: advisories are written for one release
  // (Wolfi and Chainguard are rolling and have none).
  const matched = d.matched && (ecosystem.includes(':') || ROLLING.has(d.distribution));
  return { id, ...(versionId ? { versionId } : {}), name, ecosystem, matched, source };
}

/** `/etc/alpine-release` holds the version (`3.20.3`). */
export function identifyAlpineRelease(text: string, source: string): OsIdentity | undefined {
  const v = /^\s*(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
  return v ? identity('alpine', v, '', `Alpine Linux v${majorMinor(v)}`, source) : undefined;
}

/** `/etc/debian_version` holds `12.7` on a release, a codename such as `trixie/sid` on testing. */
export function identifyDebianVersion(text: string, source: string): OsIdentity | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const v = major(t);
  return identity('debian', v, '', v ? `Debian GNU/Linux ${v}` : `Debian GNU/Linux ${t}`, source);
}

/** `/etc/redhat-release`: `Rocky Linux release 9.4 (Blue Onyx)`, `Red Hat Enterprise Linux release 9.4 (Plow)`. */
export function identifyRedhatRelease(text: string, source: string): OsIdentity | undefined {
  const m = /^(.*?)\s+release\s+(\d+(?:\.\d+)*)/i.exec(text.trim());
  if (!m) return undefined;
  const n = m[1].toLowerCase();
  const id = n.startsWith('red hat')
    ? 'rhel'
    : n.startsWith('rocky')
      ? 'rocky'
      : n.startsWith('almalinux')
        ? 'almalinux'
        : n.startsWith('centos')
          ? 'centos'
          : n.startsWith('fedora')
            ? 'fedora'
            : n.split(/\s+/)[0];
  return identity(id, m[2], '', text.trim().split('\n')[0], source);
}

/** The identity one of `OS_IDENTITY_FILES` states (by its path relative to the root). */
export function identifyOs(relativePath: string, text: string): OsIdentity | undefined {
  switch (relativePath) {
    case 'etc/os-release':
    case 'usr/lib/os-release':
      return identifyOsRelease(text, relativePath);
    case 'etc/alpine-release':
      return identifyAlpineRelease(text, relativePath);
    case 'etc/debian_version':
      return identifyDebianVersion(text, relativePath);
    case 'etc/redhat-release':
      return identifyRedhatRelease(text, relativePath);
    default:
      return undefined;
  }
}

/**
 * Says in the manifest's problems why its packages are not matched against advisories: the root
 * filesystem has no identity file, or OSV publishes nothing for that distribution or release.
 */
export function withOsProblems(m: DependencyManifest, family: string): DependencyManifest {
  if (m.packages.length === 0) return m;
  if (!m.os)
    m.problems.push({
      message: `no os-release (etc/os-release, usr/lib/os-release) beside this ${family} package database: its packages are inventoried but not matched against advisories, which are written per release`,
    });
  else if (!m.os.matched)
    m.problems.push({
      message: `${m.os.name}: OSV publishes no advisories for this distribution or release; its packages are inventoried but not matched`,
    });
  return m;
}

/** An os-release file as a document: the OS it states and the line of its release, for the end-of-life rule. */
export function parseOsReleaseManifest(text: string, path: string): DependencyManifest {
  const m = emptyManifest('os-release', true, true);
  const rel = /(?:^|\/)(usr\/lib\/os-release)$/.test(path) ? 'usr/lib/os-release' : 'etc/os-release';
  const os = identifyOsRelease(text, rel);
  if (!os) return m;
  m.os = os;
  const line = /^VERSION_ID=.*$/m.exec(text) ?? /^ID=.*$/m.exec(text);
  if (line) m.osSpan = { start: line.index, end: line.index + line[0].replace(/\r$/, '').length };
  return m;
}

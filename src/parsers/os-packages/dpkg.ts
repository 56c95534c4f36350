import { dpkg as dpkgScheme } from '../../vulndb/versions/dpkg.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest, type OsIdentity } from '../deps/types.js';
import { distroQualifier, vendorOf } from './os-release.js';
import { stanzas } from './stanzas.js';

/** `Status:` states whose files are on disk (dpkg(1)); `not-installed` and `config-files` leave no code. */
const PRESENT = new Set(['installed', 'unpacked', 'half-configured', 'half-installed', 'triggers-awaited', 'triggers-pending']);

/**
 * dpkg's database of installed packages: `/var/lib/dpkg/status`, or one file per package under
 * `/var/lib/dpkg/status.d/` as distroless images write it (control stanzas without `Status:`). Each
 * package keeps the source package it was built from (`Source: glibc (2.36-9+deb12u3)`): Debian and
 * Ubuntu advisories name source packages and their versions.
 */
export function parseDpkgStatus(text: string, os: OsIdentity | undefined): DependencyManifest {
  const m = emptyManifest('dpkg-status', true, true);
  if (os) m.os = os;
  const fallbackVendor = os?.id === 'ubuntu' ? 'ubuntu' : 'debian';
  for (const f of stanzas(text)) {
    const pkg = f.get('Package');
    if (!pkg) continue;
    const status = f.get('Status')?.value.split(/\s+/);
    if (status && !PRESENT.has(status[2] ?? '')) continue;
    const version = f.get('Version')?.value;
    if (!version || !dpkgScheme.valid(version)) {
      m.problems.push({
        message: `package ${pkg.value} has ${version ? `an unreadable version '${version}'` : 'no Version'}; not matched`,
      });
      continue;
    }
    const dep: DeclaredDependency = {
      ecosystem: os?.ecosystem ?? 'Debian',
      name: pkg.value,
      version,
      span: { start: pkg.start, end: pkg.end },
      os: { format: 'deb', vendor: vendorOf(os, fallbackVendor) },
    };
    const distro = distroQualifier(os);
    if (distro) dep.os!.distro = distro;
    const arch = f.get('Architecture')?.value;
    if (arch) dep.os!.arch = arch;
    const source = /^([^\s(]+)(?:\s*\(([^)]+)\))?/.exec(f.get('Source')?.value ?? '');
    if (source && source[1] !== pkg.value) dep.os!.sourceName = source[1];
    if (source?.[2] && source[2] !== version) dep.os!.sourceVersion = source[2];
    const depends = [f.get('Pre-Depends')?.value, f.get('Depends')?.value].filter(Boolean).join(', ');
    if (depends) dep.dependsOn = dependencyNames(depends);
    m.packages.push(dep);
  }
  return m;
}

/** `libc6 (>= 2.34), libssl3 | libssl1.1, debconf:any` → `libc6`, `libssl3`, `libssl1.1`, `debconf`. */
function dependencyNames(field: string): string[] {
  const out = new Set<string>();
  for (const alt of field.split(/[,|]/)) {
    const name = /^\s*([a-z0-9][a-z0-9+.-]*)/.exec(alt)?.[1];
    if (name) out.add(name);
  }
  return [...out];
}

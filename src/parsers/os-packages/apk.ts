import { apk as apkScheme } from '../../vulndb/versions/apk.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest, type OsIdentity } from '../deps/types.js';
import { distroQualifier, vendorOf } from './os-release.js';
import { stanzas } from './stanzas.js';

/**
 * apk's database of installed packages, `/lib/apk/db/installed` (Alpine, Wolfi, Chainguard): one
 * paragraph per package of single-letter fields (`P:` name, `V:` version, `A:` arch, `o:` origin,
 * `L:` licence, `C:` checksum, `D:` dependencies). Alpine's advisories name the origin package.
 */
export function parseApkInstalled(text: string, os: OsIdentity | undefined): DependencyManifest {
  const m = emptyManifest('apk-installed', true, true);
  if (os) m.os = os;
  for (const f of stanzas(text)) {
    const name = f.get('P');
    if (!name) continue;
    const version = f.get('V')?.value;
    if (!version || !apkScheme.valid(version)) {
      m.problems.push({
        message: `package ${name.value} has ${version ? `an unreadable version '${version}'` : 'no V: version'}; not matched`,
      });
      continue;
    }
    const dep: DeclaredDependency = {
      ecosystem: os?.ecosystem ?? 'Alpine',
      name: name.value,
      version,
      span: { start: name.start, end: name.end },
      os: { format: 'apk', vendor: vendorOf(os, 'alpine') },
    };
    const distro = distroQualifier(os);
    if (distro) dep.os!.distro = distro;
    const arch = f.get('A')?.value;
    if (arch) dep.os!.arch = arch;
    const origin = f.get('o')?.value;
    if (origin && origin !== name.value) dep.os!.sourceName = origin;
    const license = f.get('L')?.value;
    if (license && license.length < 200) dep.license = license;
    // `C:Q1<base64 sha1>` is the SHA-1 of the package's control data.
    const checksum = /^Q1([A-Za-z0-9+/]{27}=)$/.exec(f.get('C')?.value ?? '');
    if (checksum) dep.hashes = [`sha1-${checksum[1]}`];
    const depends = f.get('D')?.value;
    if (depends) {
      const names = depends
        .split(/\s+/)
        .filter((d) => d && !d.startsWith('!') && !d.includes(':'))
        .map((d) => d.replace(/[<>=~].*$/, ''));
      if (names.length) dep.dependsOn = [...new Set(names)];
    }
    m.packages.push(dep);
  }
  return m;
}

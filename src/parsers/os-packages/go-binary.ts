import { emptyManifest, type DeclaredDependency, type DependencyManifest } from '../deps/types.js';
import type { GoBuildInfo } from './go-buildinfo.js';

/**
 * The modules a Go executable was built from, as a manifest: every `dep` (the replacement's version
 * when a `=>` line replaced it), the main module when it has a version, and the standard library
 * (`stdlib` at the toolchain's version, as OSV's Go database names it). A binary has no lines:
 * findings name the file.
 */
export function goBinaryManifest(info: GoBuildInfo): DependencyManifest {
  const m = emptyManifest('go-binary', true, true);
  m.binary = true;
  const span = { start: 0, end: 0 };
  const add = (name: string, version: string, direct?: boolean) => {
    const dep: DeclaredDependency = { ecosystem: 'Go', name, version, span };
    if (direct !== undefined) dep.direct = direct;
    m.packages.push(dep);
  };
  if (info.main && info.main.version && info.main.version !== '(devel)') add(info.main.path, info.main.version, true);
  for (const d of info.deps) {
    const r = d.replacedBy;
    if (r && !r.version) continue; // replaced by a local directory: the project's own code
    add(r ? r.path : d.path, r ? r.version : d.version);
  }
  const go = goSemver(info.goVersion ?? '');
  if (go) add('stdlib', go);
  return m;
}

/**
 * A Go toolchain version as OSV's Go database writes the standard library's versions: `go1.21.3` →
 * `1.21.3`, `go1.20` → `1.20.0`, `go1.22rc1` → `1.22.0-rc.1` (a release candidate sorts before the
 * release), `go1.20.5 X:boringcrypto` → `1.20.5`.
 */
export function goSemver(goVersion: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(goVersion);
  if (!m) return undefined;
  return `${m[1]}.${m[2]}.${m[3] ?? '0'}${m[4] ? `-${m[4]}.${m[5]}` : ''}`;
}

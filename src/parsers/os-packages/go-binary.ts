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
  const go = /^go(\d+\.\d+(?:\.\d+)?)/.exec(info.goVersion ?? '')?.[1];
  if (go) add('stdlib', /^\d+\.\d+$/.test(go) ? `${go}.0` : go);
  return m;
}

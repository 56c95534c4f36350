import type { DependencyDocument, DependencySetDocument } from '../../../parsers/deps/deps-document.js';
import type { DeclaredDependency, ManifestKind } from '../../../parsers/deps/types.js';
import { normalizePackageName } from '../../../vulndb/osv.js';
import { matchedPackages } from './packages.js';

/** Manifests whose ranges and pins a lockfile next to them resolves. */
const LOCKED_BY: Partial<Record<ManifestKind, readonly ManifestKind[]>> = {
  pyproject: ['poetry-lock', 'uv-lock', 'pipfile-lock'],
  'package-json': ['package-lock', 'pnpm-lock', 'yarn-lock'],
  'cargo-toml': ['cargo-lock'],
  conda: ['conda-lock'],
};

/** A manifest whose ecosystem writes a lockfile beside it (`pyproject.toml`, `package.json`, `Cargo.toml`, conda's `environment.yml`). */
export function hasLockfileFormat(kind: ManifestKind): boolean {
  return LOCKED_BY[kind] !== undefined;
}

/** A pip-tools input (`requirements.in`, `requirements/dev.in`) and the file `pip-compile` writes from it by default. */
const COMPILED_FROM = /\.in$/i;

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A registry package of one manifest, and the manifests whose request for it a lockfile resolves here. */
export interface JudgedPackage {
  doc: DependencyDocument;
  dep: DeclaredDependency;
  /** Names of the manifests next to this lockfile that ask for the package (`requirements.in`, `package.json`). */
  requestedIn: readonly string[];
}

/**
 * Which manifest a lockfile of the same directory resolves: `pyproject.toml` by `poetry.lock`,
 * `uv.lock` or `Pipfile.lock`; `package.json` by `package-lock.json`, `pnpm-lock.yaml` or `yarn.lock`;
 * `Cargo.toml` by the `Cargo.lock` of its workspace (beside it, else the nearest above: a workspace
 * member's directory has none); a pip-tools input `X.in` by the `X.txt` compiled from it; a conda
 * environment file by conda-lock's `conda-lock.yml` or explicit `conda-<platform>.lock` files.
 */
export class Lockfiles {
  private readonly byDir = new Map<string, DependencyDocument[]>();

  constructor(manifests: readonly DependencyDocument[]) {
    for (const d of manifests) {
      const dir = dirOf(d.file.path);
      const list = this.byDir.get(dir);
      if (list) list.push(d);
      else this.byDir.set(dir, [d]);
    }
  }

  /** The lockfiles next to `doc` that resolve what it asks for. */
  of(doc: DependencyDocument): DependencyDocument[] {
    const siblings = this.byDir.get(dirOf(doc.file.path)) ?? [];
    const locks = LOCKED_BY[doc.manifest.kind];
    if (doc.manifest.kind === 'cargo-toml') {
      for (let dir: string | undefined = dirOf(doc.file.path); dir !== undefined; dir = dir ? dirOf(dir) : undefined) {
        const found = (this.byDir.get(dir) ?? []).filter((s) => s.manifest.kind === 'cargo-lock');
        if (found.length) return found;
      }
      return [];
    }
    if (locks) return siblings.filter((s) => locks.includes(s.manifest.kind));
    if (doc.manifest.kind === 'requirements' && COMPILED_FROM.test(doc.file.path)) {
      const compiled = doc.file.path.replace(COMPILED_FROM, '.txt');
      return siblings.filter((s) => s.file.path === compiled);
    }
    return [];
  }

  /**
   * The registry packages to judge, each once: a package that a manifest asks for and a lockfile next
   * to it resolves is judged where the lockfile says which version installs (and names the manifest).
   */
  judged(manifests: readonly DependencyDocument[]): JudgedPackage[] {
    const resolvedBy = new Map<DependencyDocument, Map<string, string[]>>();
    const out: JudgedPackage[] = [];
    for (const doc of manifests) {
      const locks = this.of(doc).map((lock) => ({ lock, names: namesOf(lock) }));
      for (const dep of matchedPackages(doc.manifest)) {
        const key = normalizePackageName(dep.ecosystem, dep.name);
        const lock = locks.find((l) => l.names.has(key))?.lock;
        if (!lock) {
          out.push({ doc, dep, requestedIn: [] });
          continue;
        }
        const requests = resolvedBy.get(lock) ?? new Map<string, string[]>();
        resolvedBy.set(lock, requests);
        const names = requests.get(key) ?? [];
        if (!names.includes(baseName(doc.file.path))) names.push(baseName(doc.file.path));
        requests.set(key, names);
      }
    }
    for (const j of out) {
      const requests = resolvedBy.get(j.doc)?.get(normalizePackageName(j.dep.ecosystem, j.dep.name));
      if (requests) j.requestedIn = requests;
    }
    return out;
  }
}

/** `judgedPackages` of each document, worked out once for all the rules that judge its packages. */
const judgedCache = new WeakMap<DependencyDocument | DependencySetDocument, readonly JudgedPackage[]>();

/**
 * The registry packages a rule judges in `doc`: those of a `deps-set`, each once (see `Lockfiles.judged`);
 * those of a `deps` document no set gathers (an rpm database, a Go executable: no lockfile pairs with them).
 * Worked out once per document: every rule of the scan that judges packages gets the same list.
 */
export function judgedPackages(doc: DependencyDocument | DependencySetDocument): readonly JudgedPackage[] {
  let judged = judgedCache.get(doc);
  if (!judged) {
    if (doc.kind === 'deps-set') judged = new Lockfiles(doc.manifests).judged(doc.manifests);
    else judged = doc.inSet ? [] : matchedPackages(doc.manifest).map((dep) => ({ doc, dep, requestedIn: [] }));
    judgedCache.set(doc, judged);
  }
  return judged;
}

/** ` (required in requirements.in)`: the manifests whose request the lockfile's entry resolves. */
export function requestedBy(requestedIn: readonly string[]): string {
  return requestedIn.length ? ` (required in ${requestedIn.join(', ')})` : '';
}

const namesCache = new WeakMap<DependencyDocument, Set<string>>();

function namesOf(doc: DependencyDocument): Set<string> {
  let names = namesCache.get(doc);
  if (!names) {
    names = new Set(matchedPackages(doc.manifest).map((p) => normalizePackageName(p.ecosystem, p.name)));
    namesCache.set(doc, names);
  }
  return names;
}

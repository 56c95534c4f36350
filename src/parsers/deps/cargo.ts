import { arr, forEachTomlPackage, parseToml, str, table, TomlLocator, type TomlTable } from './toml.js';
import type { TextSpan } from '../../core/document.js';
import { emptyManifest, type CargoFacts, type DeclaredDependency, type DependencyManifest, type PackageSource } from './types.js';
import { withoutUserinfo } from './source-url.js';
import { globToRegExp } from '../../core/glob.js';

/** crates.io's index as Cargo writes it in a lockfile: the git index (every version of Cargo), or its sparse one. */
const CRATES_IO = new Set(['registry+https://github.com/rust-lang/crates.io-index', 'sparse+https://index.crates.io/']);

/**
 * Where a locked crate comes from, from the lockfile's `source`: crates.io (undefined), another
 * registry (`registry+URL`, `sparse+URL`), a git repository (`git+URL?branch=…#commit`), or, with no
 * `source`, a path on disk (a workspace member or a path dependency: the project's own code).
 */
export function cargoSource(source: string | undefined): PackageSource | undefined {
  if (source === undefined) return { kind: 'path', location: '' };
  if (CRATES_IO.has(source)) return undefined;
  if (source.startsWith('git+')) return { kind: 'vcs', location: withoutUserinfo(source) };
  if (source.startsWith('registry+') || source.startsWith('sparse+')) return { kind: 'registry', location: withoutUserinfo(source) };
  return { kind: 'url', location: withoutUserinfo(source) };
}

/** One entry of a package's `dependencies`: `name`, `name version` or `name version (source)` (v1 writes the last). */
function dependencyKey(entry: string): string | undefined {
  const words = entry.trim().split(/\s+/, 3);
  if (!words[0]) return undefined;
  return words.length > 1 ? `${words[0]}@${words[1]}` : words[0];
}

/**
 * `Cargo.lock` (format v1 to v4): every locked crate with its version, source, checksum and
 * dependencies. The packages without a `source` are path packages: the workspace's members (and the
 * root package, `[root]` in the oldest lockfiles) and path dependencies; what they depend on is direct.
 */
export function parseCargoLock(text: string): DependencyManifest {
  const loc = new TomlLocator(text);
  const m = emptyManifest('cargo-lock', true, true);
  const direct = new Set<string>();
  // Each entry is read as the file is (see forEachTomlPackage); what is direct, and v1's checksums at
  // the end of the file, are known once all are read.
  const read = (p: TomlTable, header: string, index: number) => {
    if (p.source === undefined) {
      for (const d of arr(p.dependencies)) {
        const key = typeof d === 'string' ? dependencyKey(d) : undefined;
        if (key) direct.add(key);
      }
    }
    const name = str(p.name);
    if (!name) return undefined;
    const section = loc.section(header, index);
    const dep: DeclaredDependency = { ecosystem: 'crates.io', name, span: loc.key('name', section) ?? loc.headerSpan(section) };
    const version = str(p.version);
    if (version) dep.version = version;
    const source = cargoSource(str(p.source));
    if (source) dep.source = source;
    const requires = arr(p.dependencies)
      .map((d) => (typeof d === 'string' ? dependencyKey(d) : undefined))
      .filter((d): d is string => d !== undefined);
    return { dep, checksum: str(p.checksum), requires };
  };
  const entries: Array<NonNullable<ReturnType<typeof read>>> = [];
  const rest = forEachTomlPackage(text, 'Cargo.lock', (raw, index) => {
    const p = table(raw);
    const entry = p ? read(p, 'package', index) : undefined;
    if (entry) entries.push(entry);
  });
  const root = table(rest.root);
  const rootEntry = root ? read(root, 'root', 0) : undefined;
  if (rootEntry) entries.unshift(rootEntry);
  // v1 keeps checksums apart: `"checksum NAME VERSION (SOURCE)" = "hex"` in `[metadata]`.
  const checksums = new Map<string, string>();
  for (const [key, value] of Object.entries(table(rest.metadata) ?? {})) {
    const words = key.split(' ');
    if (words[0] === 'checksum' && words.length >= 3 && typeof value === 'string') checksums.set(`${words[1]}@${words[2]}`, value);
  }
  for (const { dep, checksum: own, requires } of entries) {
    const { name, version } = dep;
    if (dep.source?.kind !== 'path') dep.direct = direct.has(name) || (version !== undefined && direct.has(`${name}@${version}`));
    const checksum = own ?? (version ? checksums.get(`${name}@${version}`) : undefined);
    if (checksum && /^[0-9a-f]{64}$/i.test(checksum)) dep.hashes = [`sha256:${checksum.toLowerCase()}`];
    if (requires.length) dep.dependsOn = requires;
    m.packages.push(dep);
  }
  return m;
}

/** The dependency tables of a manifest (and of each `[target.'cfg(…)']`); Cargo still reads the underscore spellings. */
const DEPENDENCY_TABLES: ReadonlyArray<[key: string, dev: boolean]> = [
  ['dependencies', false],
  ['dev-dependencies', true],
  ['dev_dependencies', true],
  ['build-dependencies', true],
  ['build_dependencies', true],
];

type CargoSpec = Pick<DeclaredDependency, 'name' | 'version' | 'requirement' | 'source' | 'optional'>;

/**
 * One dependency as a manifest declares it: `name = "1.2"` or `name = { version, path, git, branch,
 * tag, rev, registry, package, optional }`. A Cargo requirement is a range (`"1.2"` is `^1.2`), except
 * `=1.2.3`. A git dependency's source is written as Cargo writes it in the lockfile (`git+URL?branch=…`),
 * without credentials; a path dependency (the project's own code, or a workspace member) comes before
 * the git or registry version that publishing would use.
 */
function cargoSpec(key: string, raw: unknown): CargoSpec {
  const t = table(raw);
  const spec: CargoSpec = { name: str(t?.package) ?? key };
  const requirement = (str(raw) ?? str(t?.version))?.trim();
  if (requirement) {
    const exact = /^=\s*(\d[0-9A-Za-z.+-]*)$/.exec(requirement);
    if (exact) spec.version = exact[1];
    else if (requirement !== '*') spec.requirement = requirement;
  }
  const path = str(t?.path);
  const git = str(t?.git);
  if (path !== undefined) spec.source = { kind: 'path', location: path };
  else if (git !== undefined) {
    const ref = (['branch', 'tag', 'rev'] as const).find((k) => str(t?.[k]) !== undefined);
    spec.source = { kind: 'vcs', location: `git+${withoutUserinfo(git)}${ref ? `?${ref}=${str(t?.[ref])}` : ''}` };
  } else if (str(t?.['registry-index']) !== undefined)
    spec.source = { kind: 'registry', location: withoutUserinfo(str(t?.['registry-index'])!) };
  // A registry named only (`registry = "internal"`): its index is in Cargo's configuration, not here.
  else if (str(t?.registry) !== undefined) spec.source = { kind: 'registry', location: '' };
  if (t?.optional === true) spec.optional = true;
  return spec;
}

/**
 * `Cargo.toml`: the dependencies it declares (`[dependencies]`, `[dev-dependencies]`,
 * `[build-dependencies]`, the same of each `[target.'cfg(…)']`), development and build ones marked
 * `dev`, each direct; `[workspace]` (members, `[workspace.dependencies]`) and the crate's name, with
 * which `settleCargo` pairs it with the `Cargo.lock` of its workspace. `name = { workspace = true }` is
 * what the same manifest's `[workspace.dependencies]` says, else left for `settleCargo` to fill in from
 * the workspace's root. A manifest with binaries (`[[bin]]`) and no library is an application.
 */
export function parseCargoToml(text: string): DependencyManifest {
  const data = parseToml(text, 'Cargo.toml');
  const loc = new TomlLocator(text);
  const m = emptyManifest('cargo-toml', false, arr(data.bin).length > 0 && !table(data.lib));
  const cargo: CargoFacts = {};
  const pkg = table(data.package);
  if (str(pkg?.name)) cargo.packageName = str(pkg?.name);
  const ws = table(data.workspace);
  if (ws) {
    cargo.workspace = {
      members: arr(ws.members)
        .map(str)
        .filter((x): x is string => x !== undefined),
      exclude: arr(ws.exclude)
        .map(str)
        .filter((x): x is string => x !== undefined),
    };
    const inherited = table(ws.dependencies);
    if (inherited) {
      cargo.workspaceDependencies = {};
      for (const [key, raw] of Object.entries(inherited)) {
        if (!isCargoSpec(raw)) continue;
        const { optional: _optional, ...spec } = cargoSpec(key, raw);
        cargo.workspaceDependencies[key] = spec;
      }
    }
  }
  const read = (deps: TomlTable | undefined, header: string, dev: boolean): void => {
    if (!deps) return;
    const section = loc.section(header);
    for (const [key, raw] of Object.entries(deps)) {
      if (!isCargoSpec(raw)) continue;
      const span = loc.key(key, section) ?? dottedKeySpan(loc, header, key) ?? loc.headerSpan(section);
      const t = table(raw);
      let spec = cargoSpec(key, raw);
      if (t?.workspace === true) {
        const own = cargo.workspaceDependencies?.[key];
        if (own) spec = { ...own, ...(t.optional === true ? { optional: true } : {}) };
        else (cargo.inherits ??= []).push({ index: m.packages.length, key });
      }
      const dep: DeclaredDependency = { ecosystem: 'crates.io', ...spec, direct: true, span };
      if (dev) dep.dev = true;
      m.packages.push(dep);
    }
  };
  for (const [key, dev] of DEPENDENCY_TABLES) read(table(data[key]), key, dev);
  for (const [cfg, body] of Object.entries(table(data.target) ?? {}))
    for (const [key, dev] of DEPENDENCY_TABLES) read(table(table(body)?.[key]), `target.${cfg}.${key}`, dev);
  if (Object.keys(cargo).length) m.cargo = cargo;
  return m;
}

/** A dependency as Cargo takes it: a requirement string or a table (`x = true`, `y = ["a"]`, `serde = 1` are errors to Cargo). */
function isCargoSpec(raw: unknown): boolean {
  return str(raw) !== undefined || table(raw) !== undefined;
}

/** `[dependencies.serde]` (a table of its own) or `serde.workspace = true` (a dotted key): where it is written. */
function dottedKeySpan(loc: TomlLocator, header: string, key: string): TextSpan | undefined {
  const own = loc.section(`${header}.${key}`);
  if (own) return loc.headerSpan(own);
  return loc.dottedKey(key, loc.section(header));
}

/** What `settleCargo` reads and sets of a package: a manifest's or lockfile's entry, or the inventory's copy of one. */
type CargoPackage = Pick<DeclaredDependency, 'name' | 'version' | 'requirement' | 'source' | 'dev' | 'dependsOn'>;

/** A `Cargo.toml` or `Cargo.lock` of a scan, by its `/`-separated path. */
export interface CargoFile<P extends CargoPackage> {
  path: string;
  kind: 'cargo-toml' | 'cargo-lock';
  cargo?: CargoFacts;
  packages: P[];
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/** `dir/rel` with `.` and `..` segments resolved; undefined when it climbs above the root. */
function joinPath(dir: string, rel: string): string | undefined {
  const out = dir ? dir.split('/') : [];
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** Crate names as Cargo compares them in a lockfile against a manifest's: `-` and `_` alike, any case. */
const crateKey = (name: string) => name.toLowerCase().replace(/_/g, '-');

/**
 * Pairs the `Cargo.toml` files of a scan with the `Cargo.lock` of their workspace, as Cargo reads them:
 * - a member's `name = { workspace = true }` gets what the workspace root's `[workspace.dependencies]`
 *   says (the nearest `Cargo.toml` above or beside it with a `[workspace]`); `changed` is called with
 *   each such package (its source may change its purl);
 * - a lockfile's crates reached from the workspace members only through `[dev-dependencies]` and
 *   `[build-dependencies]` are marked `dev`. The members are the lockfile's directory's `Cargo.toml`
 *   (its crate), the directories its `[workspace] members` globs name (less `exclude`), and the path
 *   dependencies of members. A lockfile with no `Cargo.toml` beside it is left as it is.
 */
export function settleCargo<P extends CargoPackage>(files: ReadonlyArray<CargoFile<P>>, changed: (p: P) => void = () => {}): void {
  const manifests = new Map<string, CargoFile<P>>();
  for (const f of files) if (f.kind === 'cargo-toml') manifests.set(dirOf(f.path), f);
  for (const f of manifests.values()) {
    if (!f.cargo?.inherits?.length) continue;
    let root: CargoFile<P> | undefined;
    for (let dir: string | undefined = dirOf(f.path); dir !== undefined && !root; dir = dir ? dirOf(dir) : undefined) {
      const here = manifests.get(dir);
      if (here?.cargo?.workspace) root = here;
    }
    const inherited = root?.cargo?.workspaceDependencies;
    if (!root || !inherited) continue;
    for (const { index, key } of f.cargo.inherits) {
      const spec = inherited[key];
      const p = f.packages[index];
      if (!spec || !p) continue;
      p.name = spec.name;
      if (spec.version !== undefined) p.version = spec.version;
      if (spec.requirement !== undefined) p.requirement = spec.requirement;
      if (spec.source) {
        // A path is written relative to the root's directory: made relative to the member's.
        const at = spec.source.kind === 'path' ? joinPath(dirOf(root.path), spec.source.location) : undefined;
        p.source = at !== undefined ? { kind: 'path', location: relativeTo(dirOf(f.path), at) } : { ...spec.source };
      }
      changed(p);
    }
  }
  for (const lock of files) if (lock.kind === 'cargo-lock') markDevCrates(lock, manifests);
}

/** `to` relative to `from` (both `/`-separated, relative to the same root). */
function relativeTo(from: string, to: string): string {
  const a = from ? from.split('/') : [];
  const b = to ? to.split('/') : [];
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/') || '.';
}

function markDevCrates<P extends CargoPackage>(lock: CargoFile<P>, manifests: Map<string, CargoFile<P>>): void {
  const dir = dirOf(lock.path);
  const root = manifests.get(dir);
  if (!root) return;
  // The members: the root's crate, the directories its globs name, the path dependencies of members.
  const members = new Map<string, CargoFile<P>>([[dir, root]]);
  const ws = root.cargo?.workspace;
  if (ws) {
    const include = ws.members.map((g) => globToRegExp(joinPath('', g) ?? g));
    const exclude = ws.exclude.map((g) => joinPath('', g) ?? g);
    for (const [at, f] of manifests) {
      if (dir && !at.startsWith(`${dir}/`)) continue;
      const rel = dir ? at.slice(dir.length + 1) : at;
      if (!rel || exclude.some((x) => rel === x || rel.startsWith(`${x}/`))) continue;
      if (include.some((re) => re.test(rel))) members.set(at, f);
    }
  }
  for (const queue = [...members.entries()]; queue.length;) {
    const [at, f] = queue.pop()!;
    for (const p of f.packages) {
      if (p.source?.kind !== 'path') continue;
      const target = joinPath(at, p.source.location);
      const m = target !== undefined ? manifests.get(target) : undefined;
      if (m && target !== undefined && !members.has(target)) {
        members.set(target, m);
        queue.push([target, m]);
      }
    }
  }
  // The lockfile's entries by `name@version` and by name.
  const byKey = new Map<string, P>();
  const byName = new Map<string, P[]>();
  for (const p of lock.packages) {
    if (p.version !== undefined) byKey.set(`${p.name}@${p.version}`, p);
    const list = byName.get(p.name);
    if (list) list.push(p);
    else byName.set(p.name, [p]);
  }
  const targets = (entry: string): P[] => {
    const exact = byKey.get(entry);
    if (exact) return [exact];
    const at = entry.lastIndexOf('@');
    return byName.get(at > 0 ? entry.slice(0, at) : entry) ?? [];
  };
  // Each member's lockfile entry (a package without a source, of the member's crate name): its edges
  // split into those its manifest declares for development or build only, and the others.
  const normalEdges = new Map<P, P[]>();
  const devRoots: P[] = [];
  for (const m of members.values()) {
    const name = m.cargo?.packageName;
    const entry = name ? byName.get(name)?.find((p) => p.source?.kind === 'path') : undefined;
    if (!entry) continue;
    const normal = new Set<string>();
    const dev = new Set<string>();
    for (const p of m.packages) (p.dev ? dev : normal).add(crateKey(p.name));
    const edges: P[] = [];
    for (const d of entry.dependsOn ?? []) {
      for (const t of targets(d)) {
        const key = crateKey(t.name);
        if (dev.has(key) && !normal.has(key)) devRoots.push(t);
        else edges.push(t);
      }
    }
    normalEdges.set(entry, edges);
  }
  if (!normalEdges.size) return;
  const reach = (starts: Iterable<P>, seen: Set<P>): void => {
    const queue = [...starts];
    while (queue.length) {
      const p = queue.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      for (const t of normalEdges.get(p) ?? (p.dependsOn ?? []).flatMap(targets)) if (!seen.has(t)) queue.push(t);
    }
  };
  const normal = new Set<P>();
  reach(normalEdges.keys(), normal);
  const dev = new Set<P>(normal);
  reach(devRoots, dev);
  // Path packages that nothing here reaches (a member whose manifest is not in the scan): theirs count as normal.
  const orphans = lock.packages.filter((p) => p.source?.kind === 'path' && !dev.has(p));
  reach(orphans, normal);
  reach(orphans, dev);
  for (const p of dev) if (!normal.has(p) && p.source?.kind !== 'path') p.dev = true;
}

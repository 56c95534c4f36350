import { arr, parseToml, str, table, TomlLocator, type TomlTable } from './toml.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest, type PackageSource } from './types.js';
import { withoutUserinfo } from './source-url.js';

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
  const data = parseToml(text, 'Cargo.lock');
  const loc = new TomlLocator(text);
  const m = emptyManifest('cargo-lock', true, true);
  // v1 keeps checksums apart: `"checksum NAME VERSION (SOURCE)" = "hex"` in `[metadata]`.
  const checksums = new Map<string, string>();
  for (const [key, value] of Object.entries(table(data.metadata) ?? {})) {
    const words = key.split(' ');
    if (words[0] === 'checksum' && words.length >= 3 && typeof value === 'string') checksums.set(`${words[1]}@${words[2]}`, value);
  }
  const entries: Array<{ p: TomlTable; header: string; index: number }> = [];
  const root = table(data.root);
  if (root) entries.push({ p: root, header: 'root', index: 0 });
  arr(data.package).forEach((raw, index) => {
    const p = table(raw);
    if (p) entries.push({ p, header: 'package', index });
  });
  const direct = new Set<string>();
  for (const { p } of entries) {
    if (p.source !== undefined) continue;
    for (const d of arr(p.dependencies)) {
      const key = typeof d === 'string' ? dependencyKey(d) : undefined;
      if (key) direct.add(key);
    }
  }
  for (const { p, header, index } of entries) {
    const name = str(p.name);
    if (!name) continue;
    const section = loc.section(header, index);
    const dep: DeclaredDependency = { ecosystem: 'crates.io', name, span: loc.key('name', section) ?? loc.headerSpan(section) };
    const version = str(p.version);
    if (version) dep.version = version;
    const source = cargoSource(str(p.source));
    if (source) dep.source = source;
    if (source?.kind !== 'path') dep.direct = direct.has(name) || (version !== undefined && direct.has(`${name}@${version}`));
    const checksum = str(p.checksum) ?? (version ? checksums.get(`${name}@${version}`) : undefined);
    if (checksum && /^[0-9a-f]{64}$/i.test(checksum)) dep.hashes = [`sha256:${checksum.toLowerCase()}`];
    const requires = arr(p.dependencies)
      .map((d) => (typeof d === 'string' ? dependencyKey(d) : undefined))
      .filter((d): d is string => d !== undefined);
    if (requires.length) dep.dependsOn = requires;
    m.packages.push(dep);
  }
  return m;
}

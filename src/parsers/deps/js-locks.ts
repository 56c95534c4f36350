import { DEFAULT_LIMITS } from '../../core/parser.js';
import { fastLockTree, yamlLockTree, type LockTree } from './lock-tree.js';
import { plainHttpRegistry } from './npm.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest } from './types.js';
import { withoutUserinfo } from './source-url.js';

/** `name@version` of a pnpm `packages` key in any lockfile version (`/name/1.0.0_peer`, `/name@1.0.0(peer)`, `name@1.0.0`). */
export function pnpmKey(key: string): { name: string; version: string } | undefined {
  const k = key.replace(/^\//, '').replace(/\(.*$/, '');
  const v5 = /^((?:@[^/]+\/)?[^@/]+)\/(\d[^_/]*)(?:_.*)?$/.exec(k);
  if (v5) return { name: v5[1], version: v5[2] };
  const at = k.indexOf('@', 1);
  if (at !== -1) return { name: k.slice(0, at), version: k.slice(at + 1) };
  const slash = k.lastIndexOf('/');
  if (slash <= 0) return undefined;
  return { name: k.slice(0, slash), version: k.slice(slash + 1).replace(/_.*$/, '') };
}

/** A pnpm key or dependency version without its leading slash and peer suffix (`(react@18.3.1)`, v5's `_react@18.3.1`). */
function pnpmBare(v: string): string {
  const k = v.replace(/^\//, '').replace(/\(.*$/, '');
  return /^\d/.test(k) ? k.replace(/_.*$/, '') : k;
}

/** A version that is not the registry's: `file:`, `link:`, a tarball or git URL. */
const PNPM_SOURCE = /^(?:file|link|https?|git(?:\+[a-z]+)?|github):/i;

/**
 * `pnpm-lock.yaml` (versions 5 to 9): packages with versions and integrity; importers say which are
 * direct. A dependency is the package its version names (`name@version`): in `snapshots` (v9, where
 * the packages section lists none) or in each package (v5, v6). Directory, linked, tarball and git
 * packages are their own source, with the version their entry states.
 */
export function parsePnpmLock(text: string, maxDepth = DEFAULT_LIMITS.maxDepth): DependencyManifest {
  const fast = fastLockTree(text, maxDepth);
  return fast ? readPnpmLock(fast) : readPnpmLock(yamlLockTree(text, 'pnpm-lock.yaml'));
}

/** `parsePnpmLock` over the `yaml` library's document alone (the reference the faster reading is tested against). */
export function parsePnpmLockWithYamlLibrary(text: string): DependencyManifest {
  return readPnpmLock(yamlLockTree(text, 'pnpm-lock.yaml'));
}

function readPnpmLock<N>(tree: LockTree<N>): DependencyManifest {
  const { root } = tree;
  const m = emptyManifest('pnpm-lock', true, true);
  const byKey = new Map<string, DeclaredDependency>();
  /** v5/v6: each variant of a package (one per set of peers) by its whole key (`foo@1.0.0(react@17.0.2)`), and all of them by `name@version`. */
  const byWholeKey = new Map<string, DeclaredDependency>();
  const variants = new Map<string, DeclaredDependency[]>();
  const bodies: Array<[DeclaredDependency, N | undefined]> = [];
  for (const [k, value] of tree.pairs(tree.get(root, 'packages'))) {
    const key = tree.text(k);
    const id = key ? pnpmKey(key) : undefined;
    if (!key || !id) continue;
    const body = tree.isMap(value) ? value : undefined;
    const resolution = tree.get(body, 'resolution');
    const res = (field: string) => tree.text(tree.get(resolution, field));
    const bare = pnpmBare(key);
    // v6 names a directory package by its path alone (`file:../lib`), v9 as `lib@file:../lib`.
    const sourced = PNPM_SOURCE.test(bare) ? bare : PNPM_SOURCE.test(id.version) ? id.version : undefined;
    const name = tree.text(tree.get(body, 'name')) ?? (PNPM_SOURCE.test(bare) ? bare : id.name);
    const dep: DeclaredDependency = { ecosystem: 'npm', name, version: id.version, span: tree.span(k) };
    const tarball = res('tarball');
    if (sourced || res('directory') !== undefined || res('type') === 'git') {
      const location = withoutUserinfo(sourced ?? res('directory') ?? res('repo') ?? tarball ?? key);
      const version = tree.text(tree.get(body, 'version'));
      if (version) dep.version = version;
      else delete dep.version;
      dep.source = {
        kind:
          /^(?:file|link):/.test(location) || res('directory') !== undefined
            ? 'path'
            : res('type') === 'git' || /^git|^github:|codeload\.github\.com/.test(location)
              ? 'vcs'
              : 'url',
        location,
      };
    } else if (tarball && !/^https?:/.test(tarball)) dep.source = { kind: 'path', location: tarball };
    if (tree.isTrue(tree.get(body, 'dev'))) dep.dev = true;
    const integrity = res('integrity');
    if (integrity) dep.hashes = [integrity];
    byKey.set(bare, dep);
    byWholeKey.set(key.replace(/^\//, ''), dep);
    if (!sourced) {
      byKey.set(`${id.name}@${id.version}`, dep);
      const all = variants.get(`${id.name}@${id.version}`);
      if (all) all.push(dep);
      else variants.set(`${id.name}@${id.version}`, [dep]);
    }
    bodies.push([dep, body]);
    m.packages.push(dep);
  }

  /** The package a dependency `name: version` names, as `name@version` (the bare name when it has no registry version). */
  const target = (name: string, version: string): DeclaredDependency | string => {
    const v = pnpmBare(version);
    const hit = byKey.get(`${name}@${v}`) ?? byKey.get(v);
    if (hit) return hit;
    const alias = pnpmKey(v);
    if (/^\d/.test(v)) return `${name}@${v}`;
    if (alias && !PNPM_SOURCE.test(v) && /^\d/.test(alias.version))
      return byKey.get(`${alias.name}@${alias.version}`) ?? `${alias.name}@${alias.version}`;
    return name;
  };
  const keyOf = (t: DeclaredDependency | string): string =>
    typeof t === 'string' ? t : t.version && !t.source ? `${t.name}@${t.version}` : t.name;
  const dependencies = (body: N | undefined): string[] => {
    const out: string[] = [];
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const [k, v] of tree.pairs(tree.get(body, field))) {
        const name = tree.text(k);
        const version = tree.text(v);
        if (name) out.push(version ? keyOf(target(name, version)) : name);
      }
    }
    return out;
  };

  const direct = new Map<DeclaredDependency, boolean>(); // → only for development
  const importers = tree.get(root, 'importers');
  const roots = tree.isMap(importers) ? tree.pairs(importers).map(([, v]) => v) : [root];
  for (const imp of roots) {
    for (const [field, dev] of [
      ['dependencies', false],
      ['optionalDependencies', false],
      ['devDependencies', true],
    ] as const) {
      for (const [k, value] of tree.pairs(tree.get(imp, field))) {
        const name = tree.text(k);
        const v = tree.isMap(value) ? tree.text(tree.get(value, 'version')) : tree.text(value);
        if (!name || !v) continue;
        // The variant with these peers (`1.0.0(react@17.0.2)`, v5's `1.0.0_react@17.0.2`), else all of name@version.
        const exact = byWholeKey.get(`${name}@${v.replace(/^\//, '')}`) ?? byWholeKey.get(`${name}/${v.replace(/^\//, '')}`);
        const t = exact ?? target(name, v);
        if (typeof t === 'string') continue;
        const marked = exact || t.source || !t.version ? [t] : (variants.get(`${t.name}@${t.version}`) ?? [t]);
        for (const d of marked) direct.set(d, (direct.get(d) ?? true) && dev);
      }
    }
  }
  for (const [dep, body] of bodies) {
    const isDirect = direct.get(dep);
    dep.direct = isDirect !== undefined;
    if (isDirect === true) dep.dev = true;
    const requires = dependencies(body);
    if (requires.length) dep.dependsOn = requires;
  }
  // v9: what each package depends on is in its snapshots (one per set of peers).
  for (const [k, value] of tree.pairs(tree.get(root, 'snapshots'))) {
    const key = tree.text(k);
    const dep = key ? byKey.get(pnpmBare(key)) : undefined;
    if (!dep) continue;
    const requires = dependencies(value);
    if (requires.length) dep.dependsOn = [...new Set([...(dep.dependsOn ?? []), ...requires])];
  }
  return m;
}

/** The package name of a yarn descriptor: `lodash@^4`, `@scope/x@npm:^1`, `"x@patch:x@1#…"`. */
function descriptorName(d: string): string {
  const s = unquote(d.trim());
  const at = s.indexOf('@', 1);
  return at === -1 ? s : s.slice(0, at);
}

function unquote(s: string): string {
  return s.replace(/^"|"$/g, '');
}

/** The package an aliased descriptor installs: `string-width-cjs@npm:string-width@^4.2.0` → `string-width`. */
function aliasTarget(range: string): string | undefined {
  return /^npm:((?:@[^/@]+\/)?[^@]+)@/.exec(range)?.[1];
}

/**
 * `yarn.lock`, classic (v1) and Berry (v2+): one entry per resolved package, its header naming the
 * descriptors that resolved to it. Workspace and linked entries are the project's own packages. An
 * aliased entry (`"string-width-cjs@npm:string-width@^4.2.0"`) is the package it installs; Berry's
 * `resolution` names it too. A dependency is the entry its descriptor resolved to (`name@version`),
 * and what a Berry workspace entry depends on is direct.
 */
export function parseYarnLock(text: string): DependencyManifest {
  const m = emptyManifest('yarn-lock', true, true);
  const byDescriptor = new Map<string, DeclaredDependency>();
  const wanted = new Map<DeclaredDependency, string[]>(); // entry → the descriptors it depends on
  let current: DeclaredDependency | undefined;
  let inDeps = false;
  let pos = 0;
  let lineNo = 0;
  const finish = () => {
    if (current && (current.version || current.source)) m.packages.push(current);
    current = undefined;
  };
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(pos, end).replace(/\r$/, '');
    lineNo++;
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      // blank lines and comments
    } else if (!/^\s/.test(line)) {
      finish();
      inDeps = false;
      if (line.endsWith(':') && !line.startsWith('__metadata')) {
        const header = line.slice(0, -1);
        const descriptors = unquote(header)
          .split(',')
          .map((d) => unquote(d.trim()));
        const first = descriptors[0];
        const name = descriptorName(first);
        current = {
          ecosystem: 'npm',
          name: aliasTarget(first.slice(name.length + 1)) ?? name,
          span: { start: pos, end: pos + header.length },
        };
        for (const d of descriptors) byDescriptor.set(d, current);
        if (/@(?:workspace|link|portal|file):/.test(header)) current.source = { kind: 'workspace', location: header };
      } else if (!line.startsWith('__metadata'))
        m.problems.push({ message: `line ${lineNo}: unexpected text outside an entry`, line: lineNo });
    } else if (current) {
      const indent = line.length - line.trimStart().length;
      const field = /^\s+"?([\w-]+)"?:?\s+(.*)$/.exec(line);
      if (indent <= 2) inDeps = false;
      if (indent <= 2 && /^\s+(?:dependencies|optionalDependencies):?\s*$/.test(line)) inDeps = true;
      else if (inDeps && indent > 2) {
        const dep = /^\s+"?((?:@[^/"\s]+\/)?[^@"\s:]+)"?:?\s+(.*)$/.exec(line);
        if (dep) {
          (current.dependsOn ??= []).push(dep[1]);
          let list = wanted.get(current);
          if (!list) wanted.set(current, (list = []));
          list.push(`${dep[1]}@${unquote(dep[2].trim())}`);
        }
      } else if (field) {
        const value = unquote(field[2].trim());
        if (field[1] === 'version') current.version = value;
        else if (field[1] === 'resolution' && !current.source) current.name = descriptorName(value);
        else if (field[1] === 'integrity') current.hashes = [value];
        else if (field[1] === 'checksum') current.hashes = [value.replace(/^\d+\//, 'sha512-hex:')];
        else if (field[1] === 'resolved' && /^http:/.test(value))
          plainHttpRegistry(m, value, { start: pos + line.indexOf(value), end: pos + line.indexOf(value) + value.length });
        else if (field[1] === 'resolved' && !/^https?:/.test(value))
          current.source = { kind: value.startsWith('git') ? 'vcs' : 'path', location: withoutUserinfo(value) };
        else if (field[1] === 'linkType' && value === 'soft') current.source ??= { kind: 'workspace', location: value };
      }
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  finish();
  resolveYarnDependencies(m, byDescriptor, wanted);
  return m;
}

/** Each dependency as the entry its descriptor resolved to: `name@version`, else the package's name. */
function resolveYarnDependencies(
  m: DependencyManifest,
  byDescriptor: Map<string, DeclaredDependency>,
  wanted: Map<DeclaredDependency, string[]>,
): void {
  const workspaces = m.packages.filter((p) => p.source?.kind === 'workspace');
  for (const [dep, descriptors] of wanted) {
    dep.dependsOn = descriptors.map((d, i) => {
      const target = byDescriptor.get(d);
      if (target?.version && !target.source) return `${target.name}@${target.version}`;
      if (target) return target.name;
      const name = dep.dependsOn![i];
      return aliasTarget(d.slice(name.length + 1)) ?? name;
    });
  }
  if (workspaces.length === 0) return;
  // Berry lists the project's workspaces with what they ask for: those are direct, the rest are not.
  const direct = new Set<DeclaredDependency>();
  for (const w of workspaces) for (const d of wanted.get(w) ?? []) if (byDescriptor.has(d)) direct.add(byDescriptor.get(d)!);
  for (const p of m.packages) if (!p.source) p.direct = direct.has(p);
}

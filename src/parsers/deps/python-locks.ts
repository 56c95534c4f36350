import { ParseFailure } from '../../core/parser.js';
import { member, parseJsonTree } from '../notebook/json-tree.js';
import { memberSpan, objectEntries, stringMember, stringValue } from './json-spans.js';
import { arr, forEachTomlPackage, str, table, TomlLocator } from './toml.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest } from './types.js';
import { withoutUserinfo } from './source-url.js';

/** `poetry.lock`: every locked package with its version, file hashes and dependencies. */
export function parsePoetryLock(text: string): DependencyManifest {
  const loc = new TomlLocator(text);
  const m = emptyManifest('poetry-lock', true, true);
  forEachTomlPackage(text, 'poetry.lock', (raw, i) => {
    const p = table(raw);
    const name = str(p?.name);
    if (!p || !name) return;
    const section = loc.section('package', i);
    const dep: DeclaredDependency = { ecosystem: 'PyPI', name, span: loc.key('name', section) ?? loc.headerSpan(section) };
    const version = str(p.version);
    if (version) dep.version = version;
    // Poetry < 1.5 wrote `category`; lock 2.1 (Poetry 2) writes the groups that need the package.
    const groups = arr(p.groups).map(str);
    if (p.category === 'dev' || (groups.length > 0 && !groups.includes('main'))) dep.dev = true;
    if (p.optional === true) dep.optional = true;
    const hashes = arr(p.files)
      .map((f) => str(table(f)?.hash))
      .filter((h): h is string => h !== undefined);
    if (hashes.length) dep.hashes = hashes;
    const source = table(p.source);
    const type = str(source?.type);
    const url = str(source?.url);
    if (type === 'git')
      dep.source = {
        kind: 'vcs',
        location: `${withoutUserinfo(url ?? '')}${source?.resolved_reference ? `@${str(source.resolved_reference)}` : ''}`,
      };
    else if (type === 'directory' || type === 'file') dep.source = { kind: 'path', location: url ?? '' };
    else if (type === 'url') dep.source = { kind: 'url', location: withoutUserinfo(url ?? '') };
    const requires = Object.keys(table(p.dependencies) ?? {});
    if (requires.length) dep.dependsOn = requires;
    m.packages.push(dep);
  });
  return m;
}

/** `uv.lock`: locked packages; the project's own entries (editable or virtual) say which are direct. */
export function parseUvLock(text: string): DependencyManifest {
  const loc = new TomlLocator(text);
  const m = emptyManifest('uv-lock', true, true);
  const direct = new Set<string>();
  const devDirect = new Set<string>();
  const isProject = (p: Record<string, unknown> | undefined) => {
    const source = table(p?.source);
    return source?.virtual !== undefined || source?.editable !== undefined;
  };
  // One pass over the entries (each parsed alone, see forEachTomlPackage): whether a package is direct
  // is set once the project's entries, wherever they are in the file, have been read.
  forEachTomlPackage(text, 'uv.lock', (raw, i) => {
    const p = table(raw);
    if (isProject(p)) {
      for (const d of arr(p?.dependencies)) if (str(table(d)?.name)) direct.add(str(table(d)?.name)!);
      for (const list of Object.values(table(p?.['optional-dependencies']) ?? {}))
        for (const d of arr(list)) if (str(table(d)?.name)) direct.add(str(table(d)?.name)!);
      for (const list of Object.values(table(p?.['dev-dependencies']) ?? {}))
        for (const d of arr(list)) if (str(table(d)?.name)) devDirect.add(str(table(d)?.name)!);
    }
    const name = str(p?.name);
    if (!p || !name || isProject(p)) return;
    const section = loc.section('package', i);
    const dep: DeclaredDependency = { ecosystem: 'PyPI', name, span: loc.key('name', section) ?? loc.headerSpan(section) };
    const version = str(p.version);
    if (version) dep.version = version;
    dep.direct = false;
    const source = table(p.source);
    if (source?.git !== undefined) dep.source = { kind: 'vcs', location: withoutUserinfo(str(source.git) ?? '') };
    else if (source?.path !== undefined || source?.directory !== undefined)
      dep.source = { kind: 'path', location: str(source.path) ?? str(source.directory) ?? '' };
    else if (source?.url !== undefined) dep.source = { kind: 'url', location: withoutUserinfo(str(source.url) ?? '') };
    const hashes = [str(table(p.sdist)?.hash), ...arr(p.wheels).map((w) => str(table(w)?.hash))].filter(
      (h): h is string => h !== undefined,
    );
    if (hashes.length) dep.hashes = hashes;
    const requires = arr(p.dependencies)
      .map((d) => str(table(d)?.name))
      .filter((n): n is string => n !== undefined);
    if (requires.length) dep.dependsOn = requires;
    m.packages.push(dep);
  });
  for (const dep of m.packages) {
    dep.direct = direct.has(dep.name) || devDirect.has(dep.name);
    if (devDirect.has(dep.name) && !direct.has(dep.name)) dep.dev = true;
  }
  return m;
}

/** `Pipfile.lock`: `default` and `develop` packages with `==` versions and hashes, and the sources they come from. */
export function parsePipfileLock(text: string, maxDepth: number): DependencyManifest {
  const root = parseJsonTree(text, maxDepth, 'Pipfile.lock');
  if (root.type !== 'object') throw new ParseFailure('Pipfile.lock is not a JSON object');
  const m = emptyManifest('pipfile-lock', true, true);
  const sources = member(member(root, '_meta'), 'sources');
  if (sources?.type === 'array') {
    for (const s of sources.items) {
      const urlNode = member(s, 'url');
      const url = stringValue(urlNode);
      if (url && urlNode) m.indexes.push({ url, role: 'primary', span: memberSpan(text, urlNode, true) });
    }
  }
  for (const [section, dev] of [
    ['default', false],
    ['develop', true],
  ] as const) {
    for (const [name, entry] of objectEntries(member(root, section))) {
      const dep: DeclaredDependency = { ecosystem: 'PyPI', name, span: memberSpan(text, entry, false) };
      const version = stringMember(entry, 'version');
      if (version) dep.version = version.replace(/^===?/, '');
      if (dev) dep.dev = true;
      const git = stringMember(entry, 'git');
      const path = stringMember(entry, 'path') ?? stringMember(entry, 'file');
      if (git) dep.source = { kind: 'vcs', location: withoutUserinfo(git) };
      else if (path) dep.source = { kind: 'path', location: path };
      const hashes = member(entry, 'hashes');
      if (hashes?.type === 'array') dep.hashes = hashes.items.map(stringValue).filter((h): h is string => h !== undefined);
      const markers = stringMember(entry, 'markers');
      if (markers) dep.marker = markers;
      m.packages.push(dep);
    }
  }
  return m;
}

import { ParseFailure } from '../../core/parser.js';
import { member, parseJsonTree, type JsonNode } from '../notebook/json-tree.js';
import { boolValue, licenseOf, memberSpan, objectEntries, stringMember, stringValue } from './json-spans.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest, type PackageSource } from './types.js';
import { withoutUserinfo } from './source-url.js';

const DEP_FIELDS = [
  ['dependencies', {}],
  ['devDependencies', { dev: true }],
  ['optionalDependencies', { optional: true }],
  ['peerDependencies', { optional: true }],
] as const;

/** `npm:real@version` (or a range): an aliased package. */
const NPM_ALIAS = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/;

const EXACT_SEMVER = /^[=v]?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

function rootObject(text: string, maxDepth: number, label: string): JsonNode {
  const root = parseJsonTree(text, maxDepth, label);
  if (root.type !== 'object') throw new ParseFailure(`${label} is not a JSON object`);
  return root;
}

/** `package.json`: the dependencies a project declares, with their ranges. Inside `node_modules`, an installed package. */
export function parsePackageJson(text: string, path: string, maxDepth: number): DependencyManifest {
  const root = rootObject(text, maxDepth, 'package.json');
  if (/(?:^|\/)node_modules\//.test(path)) return installedPackage(text, root);
  // A private package is deployed, not published: an application.
  const manifest = emptyManifest('package-json', false, boolValue(text, member(root, 'private')));
  for (const [field, flags] of DEP_FIELDS) {
    for (const [name, value] of objectEntries(member(root, field))) {
      const spec = stringValue(value);
      if (spec === undefined) continue;
      const dep: DeclaredDependency = { ecosystem: 'npm', name, direct: true, span: memberSpan(text, value, true), ...flags };
      Object.assign(dep, fromSpec(name, spec));
      manifest.packages.push(dep);
    }
  }
  const registry = stringMember(member(root, 'publishConfig'), 'registry');
  if (registry)
    manifest.indexes.push({
      url: registry,
      role: 'primary',
      span: memberSpan(text, member(member(root, 'publishConfig'), 'registry')!, true),
    });
  return manifest;
}

function installedPackage(text: string, root: JsonNode): DependencyManifest {
  const manifest = emptyManifest('installed', true, false);
  const name = stringMember(root, 'name');
  const version = stringMember(root, 'version');
  if (name && version) {
    const dep: DeclaredDependency = { ecosystem: 'npm', name, version, span: memberSpan(text, member(root, 'name')!, true) };
    const license = licenseOf(member(root, 'license'));
    if (license) dep.license = license;
    manifest.packages.push(dep);
  }
  return manifest;
}

/** What a `package.json` range says: an exact version, a range, or a source other than the registry. */
function fromSpec(name: string, spec: string): Partial<DeclaredDependency> {
  const s = spec.trim();
  const alias = NPM_ALIAS.exec(s);
  if (alias) return { ...fromSpec(alias[1], alias[2]), name: alias[1], source: { kind: 'alias', location: s } };
  const source = nonRegistrySource(s);
  if (source) return { source };
  const exact = EXACT_SEMVER.exec(s);
  if (exact) return { version: exact[1] };
  return { requirement: s };
}

function nonRegistrySource(s: string): PackageSource | undefined {
  if (/^(?:file|link|portal):|^\.{0,2}\//.test(s)) return { kind: 'path', location: s };
  if (/^workspace:/.test(s)) return { kind: 'workspace', location: s };
  if (/^(?:git(?:\+[a-z]+)?|github|gitlab|bitbucket):|^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(s)) return { kind: 'vcs', location: withoutUserinfo(s) };
  if (/^https?:\/\//.test(s)) return { kind: 'url', location: withoutUserinfo(s) };
  return undefined;
}

/** `package-lock.json` / `npm-shrinkwrap.json`, versions 1 to 3: every installed package with its resolved version and integrity. */
export function parsePackageLock(text: string, maxDepth: number): DependencyManifest {
  const root = rootObject(text, maxDepth, 'package-lock.json');
  const manifest = emptyManifest('package-lock', true, true);
  const packages = member(root, 'packages');
  if (packages?.type === 'object') readPackagesV2(text, packages, manifest);
  else readDependenciesV1(text, member(root, 'dependencies'), manifest);
  return manifest;
}

function readPackagesV2(text: string, packages: JsonNode & { type: 'object' }, manifest: DependencyManifest): void {
  const rootPkg = objectEntries(packages).find(([k]) => k === '')?.[1];
  const direct = new Set<string>();
  for (const [field] of DEP_FIELDS) for (const [name] of objectEntries(member(rootPkg, field))) direct.add(name);
  const byKey = new Map<string, JsonNode>(packages.entries);
  for (const [key, entry] of packages.entries) {
    const at = key.lastIndexOf('node_modules/');
    if (key === '' || at === -1) continue; // the project itself and workspace folders
    const folder = key.slice(at + 'node_modules/'.length);
    const name = stringMember(entry, 'name') ?? folder;
    const version = stringMember(entry, 'version');
    const dep: DeclaredDependency = { ecosystem: 'npm', name, span: memberSpan(text, entry, false) };
    if (version) dep.version = version;
    // The root names an aliased package by its folder (`"string-width-cjs": "npm:string-width@^4"`).
    dep.direct = at === 0 && direct.has(folder);
    if (boolValue(text, member(entry, 'dev'))) dep.dev = true;
    if (boolValue(text, member(entry, 'optional'))) dep.optional = true;
    const resolved = stringMember(entry, 'resolved');
    if (resolved) plainHttpRegistry(manifest, resolved, dep.span);
    if (boolValue(text, member(entry, 'link'))) dep.source = { kind: 'path', location: resolved ?? key };
    else if (resolved && !/^https?:\/\//.test(resolved))
      dep.source = { kind: resolved.startsWith('git') ? 'vcs' : 'path', location: withoutUserinfo(resolved) };
    const integrity = stringMember(entry, 'integrity');
    if (integrity) dep.hashes = integrity.split(/\s+/);
    const license = licenseOf(member(entry, 'license'));
    if (license) dep.license = license;
    const requires = [...objectEntries(member(entry, 'dependencies')), ...objectEntries(member(entry, 'optionalDependencies'))].map(([k]) =>
      resolvedKey(byKey, key, k),
    );
    if (requires.length) dep.dependsOn = requires;
    manifest.packages.push(dep);
  }
}

/**
 * The package a dependency `name` of the entry at `from` resolves to, as Node resolves it: the
 * nearest `node_modules/name` walking up from the entry's folder (a nested copy before the hoisted
 * one). `name@version` of that entry (its own name, for an alias), else the bare name.
 */
function resolvedKey(byKey: Map<string, JsonNode>, from: string, name: string): string {
  for (let base = from; ;) {
    const entry = byKey.get(base ? `${base}/node_modules/${name}` : `node_modules/${name}`);
    if (entry) {
      const version = stringMember(entry, 'version');
      return version ? `${stringMember(entry, 'name') ?? name}@${version}` : name;
    }
    if (!base) return name;
    const up = base.lastIndexOf('/node_modules/');
    base = up === -1 ? '' : base.slice(0, up);
  }
}

/** What a v1 entry's `version` says: the registry version (of the aliased package), or another source. */
function v1Version(name: string, version: string | undefined): Pick<DeclaredDependency, 'name' | 'version' | 'source'> {
  if (!version) return { name };
  const alias = NPM_ALIAS.exec(version);
  if (alias) return { name: alias[1], version: alias[2] };
  if (/^(?:file|git(?:\+[a-z]+)?|github|https?):/.test(version))
    return {
      name,
      source: { kind: version.startsWith('file') ? 'path' : version.startsWith('http') ? 'url' : 'vcs', location: withoutUserinfo(version) },
    };
  return { name, version };
}

/** `name@version` of each package of one level of a v1 tree (the bare name without a registry version), by the name it is required under. */
function v1Level(deps: JsonNode | undefined): Map<string, string> {
  const level = new Map<string, string>();
  for (const [k, e] of objectEntries(deps)) {
    const v = v1Version(k, stringMember(e, 'version'));
    level.set(k, v.version && !v.source ? `${v.name}@${v.version}` : v.name);
  }
  return level;
}

function readDependenciesV1(
  text: string,
  deps: JsonNode | undefined,
  manifest: DependencyManifest,
  depth = 0,
  outer: Array<Map<string, string>> = [],
  level = v1Level(deps),
): void {
  const scopes = [level, ...outer];
  for (const [name, entry] of objectEntries(deps)) {
    const v = v1Version(name, stringMember(entry, 'version'));
    const dep: DeclaredDependency = { ecosystem: 'npm', name: v.name, span: memberSpan(text, entry, false) };
    if (v.version) dep.version = v.version;
    if (v.source) dep.source = v.source;
    if (boolValue(text, member(entry, 'dev'))) dep.dev = true;
    if (boolValue(text, member(entry, 'optional'))) dep.optional = true;
    const integrity = stringMember(entry, 'integrity');
    if (integrity) dep.hashes = integrity.split(/\s+/);
    const nested = member(entry, 'dependencies');
    const nestedLevel = v1Level(nested);
    const inner = [nestedLevel, ...scopes];
    // A required package is the nearest copy: the entry's own nested one, else up the tree.
    const requires = objectEntries(member(entry, 'requires')).map(([k]) => inner.find((s) => s.has(k))?.get(k) ?? k);
    if (requires.length) dep.dependsOn = requires;
    manifest.packages.push(dep);
    if (depth < 64) readDependenciesV1(text, nested, manifest, depth + 1, scopes, nestedLevel);
  }
}

/** A tarball fetched over plain HTTP makes its registry an index the rules look at (once per host). */
export function plainHttpRegistry(manifest: DependencyManifest, url: string, span: { start: number; end: number }): void {
  const m = /^http:\/\/[^/\s]+/i.exec(url);
  if (m && !manifest.indexes.some((i) => i.url === m[0] + '/')) manifest.indexes.push({ url: m[0] + '/', role: 'primary', span });
}

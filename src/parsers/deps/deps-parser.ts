import type { ScanDocument } from '../../core/document.js';
import { formatBytes } from '../../core/engine.js';
import { lockfileLimit, type Limits, type ParseContext, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, MemorySourceFile, type SourceFile } from '../../core/source-file.js';
import { DependencyDocument, DependencySetDocument } from './deps-document.js';
import { isDockerfileName, MAX_DOCKERFILE_BYTES } from '../dockerfile/dockerfile-parser.js';
import { parseCargoLock, parseCargoToml, settleCargo } from './cargo.js';
import { parseCondaEnvironment, parseCondaExplicit, parseCondaLock } from './conda.js';
import { parseDockerfileInstalls } from './dockerfile-installs.js';
import { parseGoMod } from './go-mod.js';
import { parsePythonMetadata } from './installed.js';
import { parsePnpmLock, parseYarnLock } from './js-locks.js';
import { parsePackageJson, parsePackageLock } from './npm.js';
import { parsePyproject } from './pyproject.js';
import { parsePipfileLock, parsePoetryLock, parseUvLock } from './python-locks.js';
import { parseRequirements } from './requirements.js';
import { packagesWithoutUserinfo, withoutUrlCredentials } from './source-url.js';
import type { DependencyManifest } from './types.js';
import { parseApkInstalled } from '../os-packages/apk.js';
import { parseDpkgStatus } from '../os-packages/dpkg.js';
import { parseOsReleaseManifest, withOsProblems } from '../os-packages/os-release.js';
import { osIdentityFor, packageDatabaseOf } from '../os-packages/rootfs.js';

interface Format {
  /** Tested on the `/`-separated path. */
  matches(path: string, name: string): boolean;
  parse(text: string, path: string, ctx: ParseContext, file: SourceFile): DependencyManifest;
  /** Largest file of this format read (default: the parser's limit). */
  maxBytes?: number;
}

/** Every file format the inventory reads, by file name (these are text formats: a binary file of that name is an error). */
const FORMATS: readonly Format[] = [
  {
    matches: (path, name) =>
      /^(?:.*[-_.])?(?:requirements|constraints)(?:[-_.].*)?\.(?:txt|in|lock)$/i.test(name) ||
      /(?:^|\/)requirements\/[^/]+\.(?:txt|in)$/i.test(path),
    parse: (text, path) => parseRequirements(text, path),
  },
  { matches: (_p, name) => name === 'pyproject.toml', parse: (text) => parsePyproject(text) },
  { matches: (_p, name) => name === 'poetry.lock', parse: (text) => parsePoetryLock(text) },
  { matches: (_p, name) => name === 'uv.lock', parse: (text) => parseUvLock(text) },
  { matches: (_p, name) => name === 'Pipfile.lock', parse: (text, _path, ctx) => parsePipfileLock(text, ctx.limits.maxDepth) },
  { matches: (_p, name) => name === 'package.json', parse: (text, path, ctx) => parsePackageJson(text, path, ctx.limits.maxDepth) },
  {
    matches: (_p, name) => name === 'package-lock.json' || name === 'npm-shrinkwrap.json',
    parse: (text, _path, ctx) => parsePackageLock(text, ctx.limits.maxDepth),
  },
  { matches: (_p, name) => name === 'pnpm-lock.yaml', parse: (text, _path, ctx) => parsePnpmLock(text, ctx.limits.maxDepth) },
  { matches: (_p, name) => name === 'yarn.lock', parse: (text) => parseYarnLock(text) },
  // conda-lock's unified lockfile (`conda-lock.yml`, `*.conda-lock.yml`) before the environment files its name also fits.
  { matches: (_p, name) => /^(?:.*[-_.])?conda-lock\.ya?ml$/i.test(name), parse: (text) => parseCondaLock(text) },
  // Explicit files: conda-lock's `conda-linux-64.lock`, conda's `conda list --explicit > spec-file.txt`.
  {
    matches: (_p, name) => /^conda-[\w.-]+\.lock$/i.test(name) || /^spec-file(?:[-_.][\w.-]*)?\.txt$/i.test(name),
    parse: (text) => parseCondaExplicit(text),
  },
  { matches: (_p, name) => /^(?:environment|conda)(?:[-_.][\w.-]*)?\.ya?ml$/i.test(name), parse: (text) => parseCondaEnvironment(text) },
  { matches: (_p, name) => name === 'go.mod', parse: (text) => parseGoMod(text) },
  { matches: (_p, name) => name === 'Cargo.lock', parse: (text) => parseCargoLock(text) },
  { matches: (_p, name) => name === 'Cargo.toml', parse: (text) => parseCargoToml(text) },
  { matches: (path) => /\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$/.test(path), parse: (text) => parsePythonMetadata(text) },
  {
    matches: (path) => isDockerfileName(path),
    parse: (_text, _path, _ctx, file) => parseDockerfileInstalls(file),
    maxBytes: MAX_DOCKERFILE_BYTES,
  },
  { matches: (path) => /(?:^|\/)(?:etc|usr\/lib)\/os-release$/.test(path), parse: (text, path) => parseOsReleaseManifest(text, path) },
  {
    matches: (path) => packageDatabaseOf(path)?.format === 'dpkg',
    parse: (text, _path, _ctx, file) => withOsProblems(parseDpkgStatus(text, osIdentityFor(file)), 'Debian'),
  },
  {
    matches: (path) => packageDatabaseOf(path)?.format === 'apk',
    parse: (text, _path, _ctx, file) => withOsProblems(parseApkInstalled(text, osIdentityFor(file)), 'Alpine'),
  },
];

/** The formats, each result without URL userinfo anywhere in its packages (`packagesWithoutUserinfo`) or credentials in its problems. */
export const DEPENDENCY_FORMATS: readonly Format[] = FORMATS.map((f) => ({
  ...f,
  parse(text: string, path: string, ctx: ParseContext, file: SourceFile): DependencyManifest {
    const manifest = f.parse(text, path, ctx, file);
    packagesWithoutUserinfo(manifest.packages);
    for (const problem of manifest.problems) problem.message = withoutUrlCredentials(problem.message);
    return manifest;
  },
}));

export function formatOf(path: string): Format | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return DEPENDENCY_FORMATS.find((f) => f.matches(path, name));
}

/**
 * Largest size of the file at `path` read as a dependency manifest (`undefined` when it is none):
 * `limits.maxLockfileBytes` for the lockfiles whose readers are linear and lean, else `maxFileBytes`.
 */
export function manifestLimitOf(path: string, limits: Limits): number | undefined {
  if (!formatOf(path)) return undefined;
  return lockfileLimit(path, limits) ?? limits.maxFileBytes;
}

const SET_FILE = new MemorySourceFile('.', '');

/**
 * Dependency manifests, lockfiles and installed-package metadata as `deps` documents. Nothing in
 * them is executed or resolved: a `setup.py` is never run, no resolver or registry is asked.
 */
export const depsParser: Parser = {
  name: 'deps',
  produces: ['deps'],
  maxBytesOf: (file, limits) => lockfileLimit(file.path, limits),
  matches(file: SourceFile): boolean {
    return formatOf(file.path) !== undefined;
  },
  parse(file: SourceFile, ctx: ParseContext): ParseOutput {
    const format = formatOf(file.path)!;
    if (format.maxBytes !== undefined && file.size > format.maxBytes) {
      const message = `file is ${formatBytes(file.size)}, over the ${formatBytes(format.maxBytes)} limit of the deps parser for this format; not scanned`;
      return { documents: [], errors: [{ message }] };
    }
    if (file.size > 0 && looksBinary(file.head()))
      return { documents: [], errors: [{ message: 'binary content where a dependency manifest was expected; not read' }] };
    const manifest = format.parse(file.text(), file.path, ctx, file);
    return { documents: [new DependencyDocument(file, manifest, true)], errors: manifest.problems };
  },
  setKind: 'deps-set',
  collect(documents: ScanDocument[]): ScanDocument {
    const manifests = documents.filter((d): d is DependencyDocument => d instanceof DependencyDocument);
    // A member's inherited dependencies and the lockfile's development crates, from the manifests of the workspace.
    settleCargo(
      manifests
        .filter((d) => d.manifest.kind === 'cargo-toml' || d.manifest.kind === 'cargo-lock')
        .map((d) => ({
          path: d.file.path,
          kind: d.manifest.kind as 'cargo-toml' | 'cargo-lock',
          cargo: d.manifest.cargo,
          packages: d.manifest.packages,
        })),
    );
    return new DependencySetDocument(manifests, SET_FILE);
  },
};

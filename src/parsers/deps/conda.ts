import type { Scalar, YAMLMap } from 'yaml';
import { parseManifestYaml, yamlLib } from './lazy.js';
import { pypiProjectOf } from './conda-pypi.js';
import { parseRequirements } from './requirements.js';
import { quotedInProblem, withoutUrlCredentials, withoutUserinfo } from './source-url.js';
import { emptyManifest, type DependencyManifest } from './types.js';

/** A conda version that names one release (no wildcard, alternative, conjunction or comparison). */
const EXACT = /^[\w.!+]+$/;

/** Offset of a scalar's value in the file (inside its quotes). */
function valueStart(node: Scalar): number {
  const start = node.range?.[0] ?? 0;
  return node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? start + 1 : start;
}

/** The value of the last entry of `key` in a map: a key given twice is read from its last entry, as PyYAML reads it. */
function lastValue(map: YAMLMap, key: string): unknown {
  const { isScalar } = yamlLib();
  for (let i = map.items.length - 1; i >= 0; i--) {
    const k = map.items[i].key;
    if (isScalar(k) && k.value === key) return map.items[i].value;
  }
  return undefined;
}

/**
 * A conda `environment.yml`: conda packages (`channel::name=version=build`, inventoried as `conda`,
 * those that distribute a PyPI project marked with it: `pypiProjectOf`) and the `pip:` section, read
 * as a requirements file. Channels are indexes.
 */
export function parseCondaEnvironment(text: string): DependencyManifest {
  const { isMap, isScalar, isSeq } = yamlLib();
  const doc = parseManifestYaml(text, 'environment file');
  const m = emptyManifest('conda', false, true);
  if (!isMap(doc.contents)) return m;
  const deps = lastValue(doc.contents, 'dependencies');
  if (!isSeq(deps)) return m;
  for (const item of deps.items) {
    if (isScalar(item) && typeof item.value === 'string') {
      const spec = item.value.trim();
      const start = valueStart(item);
      // `[channel::]name[=version[=build]]`, `name>=1.2`, or MatchSpec's `name version [build]`; the
      // channel may be a path (`nvidia/label/cuda-12.1.0`) or a URL.
      const match =
        /^(?:(\S+)::)?([A-Za-z0-9_.-]+)(?:\s*(==?|>=|<=|>|<|!=|~=)\s*([^=\s]+)(?:=(\S+))?|\s+([^\s=<>!~]+)(?:\s+(\S+))?)?$/.exec(spec);
      if (!match) {
        m.problems.push({ message: `cannot read the conda dependency '${quotedInProblem(spec)}'` });
        continue;
      }
      const dep: DependencyManifest['packages'][number] = {
        ecosystem: 'conda',
        name: match[2],
        direct: true,
        span: { start, end: start + item.value.length },
      };
      // As conda's MatchSpec reads a version: `==1.26` and a bare `1.26` are that version; `=1.26` is
      // fuzzy, any 1.26.* release (`python=3.11` installs 3.11.10), unless a build follows
      // (`=1.26.4=py311h…`), which makes it exact. A wildcard, `|` or `,` is a range.
      const [, , , op, written, build, spaced, spacedBuild] = match;
      if ((op === '==' || (op === '=' && build !== undefined)) && EXACT.test(written)) dep.version = written;
      else if (op) dep.requirement = `${op}${written}`;
      else if (spaced && EXACT.test(spaced)) dep.version = spaced;
      else if (spaced) dep.requirement = spaced;
      // A build written out (not a glob) says whether the package is built for Python.
      const builtAs = build ?? spacedBuild;
      const pypi = pypiProjectOf(dep.name, builtAs && !/[*?[]/.test(builtAs) ? builtAs : undefined);
      if (pypi) dep.pypi = pypi;
      m.packages.push(dep);
    } else if (isMap(item)) {
      const pip = lastValue(item, 'pip');
      if (!isSeq(pip)) continue;
      for (const line of pip.items) {
        if (!isScalar(line) || typeof line.value !== 'string') continue;
        const shift = valueStart(line);
        const one = parseRequirements(line.value, 'environment.yml');
        const move = <T extends { span: { start: number; end: number } }>(x: T): T => ({
          ...x,
          span: { start: x.span.start + shift, end: x.span.end + shift },
        });
        for (const item of one.packages.map(move)) m.packages.push(item);
        for (const item of one.indexes.map(move)) m.indexes.push(item);
        for (const item of one.includes.map(move)) m.includes.push(item);
        for (const item of one.problems.map((p) => ({ message: p.message.replace(/^line \d+: /, '') }))) m.problems.push(item);
      }
    }
  }
  return m;
}

/** `name`, `version` and `build` of a conda archive's file name (`mlflow-2.9.2-pyhd8ed1ab_0.conda`). */
export function condaArchiveName(fileName: string): { name: string; version: string; build: string } | undefined {
  const base = fileName.replace(/\.(?:conda|tar\.bz2)$/, '');
  if (base === fileName) return undefined;
  const b = base.lastIndexOf('-');
  const v = b > 0 ? base.lastIndexOf('-', b - 1) : -1;
  if (v <= 0) return undefined;
  return { name: base.slice(0, v), version: base.slice(v + 1, b), build: base.slice(b + 1) };
}

/** The archive file name of a package URL, without its `?query` and `#hash` (`…/mlflow-2.9.2-pyhd8ed1ab_0.conda?x=1#md5`). */
export function archiveFileName(url: string): string {
  const bare = url.replace(/[?#].*$/s, '');
  return bare.slice(bare.lastIndexOf('/') + 1);
}

/** A `file:` URL or a path: a local build (a conda package) or the project's own code (a pip entry). */
const LOCAL = /^(?:file:|\/|\.{1,2}\/)/;

/** A conda archive from a local URL or path is a local build, not a channel's release: not matched, kept in the SBOM. */
function localSource(url: string): DependencyManifest['packages'][number]['source'] | undefined {
  return LOCAL.test(url) ? { kind: 'url', location: url } : undefined;
}

/**
 * A conda explicit file (`conda list --explicit`, conda-lock's `conda-linux-64.lock`): after the
 * `@EXPLICIT` line, one archive URL a line (`…/noarch/mlflow-2.9.2-pyhd8ed1ab_0.conda#<md5>`), whose
 * file name gives the package, its version and its build; conda-lock's `# pip <requirement>` lines
 * are its PyPI packages (`readPipLine`).
 */
export function parseCondaExplicit(text: string): DependencyManifest {
  const m = emptyManifest('conda-lock', true, true);
  let explicit = false;
  let lineNo = 0;
  for (let start = 0; start <= text.length; lineNo++) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const raw = text.slice(start, end);
    const lineStart = start;
    start = end + 1;
    const trimmed = raw.trim();
    // conda-lock writes a platform's pip packages as `# pip name @ url#sha256=…` lines after the
    // conda ones (`conda-lock render --kind explicit`), and `conda-lock install` installs them.
    const pip = explicit ? /^#\s*pip\s+(\S.*)$/.exec(trimmed) : null;
    if (pip) {
      readPipLine(m, pip[1], lineStart + raw.indexOf(pip[1]), lineNo + 1);
      continue;
    }
    if (!trimmed || trimmed.startsWith('#')) continue;
    if (trimmed === '@EXPLICIT') {
      explicit = true;
      continue;
    }
    if (!explicit) continue;
    const hashAt = trimmed.indexOf('#');
    const url = hashAt === -1 ? trimmed : trimmed.slice(0, hashAt);
    const archive = condaArchiveName(archiveFileName(url));
    if (!archive) {
      m.problems.push({ message: `line ${lineNo + 1}: cannot read the conda package URL '${quotedInProblem(trimmed)}'`, line: lineNo + 1 });
      continue;
    }
    const at = lineStart + raw.indexOf(trimmed);
    const dep: DependencyManifest['packages'][number] = {
      ecosystem: 'conda',
      name: archive.name,
      version: archive.version,
      span: { start: at, end: at + trimmed.length },
    };
    const hash = hashAt === -1 ? '' : trimmed.slice(hashAt + 1);
    if (/^[0-9a-f]{32}$/i.test(hash)) dep.hashes = [`md5:${hash.toLowerCase()}`];
    else if (/^sha256:[0-9a-f]{64}$/i.test(hash)) dep.hashes = [hash.toLowerCase()];
    const source = localSource(url);
    if (source) dep.source = source;
    const pypi = pypiProjectOf(archive.name, archive.build);
    if (pypi) dep.pypi = pypi;
    m.packages.push(dep);
  }
  if (!explicit) m.problems.push({ message: 'no @EXPLICIT line: not a conda explicit file' });
  return m;
}

/**
 * One `# pip <requirement>` line of a conda-lock explicit file, read as a requirements line: a
 * `name @ https://…/name-1.2.3-py3-none-any.whl` release keeps the version of its wheel and, as a
 * `manager: pip` entry of conda-lock.yml, is a registry release (its index URL is not kept); a `git+`
 * URL or a local path stays a source that advisories do not match.
 */
function readPipLine(m: DependencyManifest, requirement: string, at: number, line: number): void {
  const one = parseRequirements(requirement, 'conda-lock explicit file');
  for (const p of one.packages) {
    p.span = { start: p.span.start + at, end: p.span.end + at };
    delete p.direct; // a lockfile entry, as conda-lock.yml's
    const sha = p.source && /#sha256=([0-9a-f]{64})$/i.exec(p.source.location);
    if (sha) p.hashes = [`sha256:${sha[1].toLowerCase()}`];
    if (p.source?.kind === 'url' && /^https?:\/\//i.test(p.source.location) && p.version) delete p.source;
    else if (p.source) p.source.location = withoutUserinfo(p.source.location);
    m.packages.push(p);
  }
  for (const p of one.problems) m.problems.push({ message: `line ${line}: ${withoutUrlCredentials(p.message.replace(/^line \d+: /, ''))}`, line });
}

/**
 * A conda-lock unified lockfile (`conda-lock.yml`): under `package:`, one entry per package and
 * platform, with `manager: conda` (a conda package: its `url`'s file name gives the build) or
 * `manager: pip` (a PyPI release). Each entry is reported at its `name:`.
 */
export function parseCondaLock(text: string): DependencyManifest {
  const { isMap, isScalar, isSeq } = yamlLib();
  const doc = parseManifestYaml(text, 'conda-lock file');
  const m = emptyManifest('conda-lock', true, true);
  if (!isMap(doc.contents)) return m;
  const list = lastValue(doc.contents, 'package');
  if (!isSeq(list)) {
    m.problems.push({ message: "no 'package' list: not a conda-lock lockfile" });
    return m;
  }
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const str = (key: string): string | undefined => {
      const v = lastValue(item, key);
      if (!isScalar(v)) return undefined;
      if (typeof v.value === 'string') return v.value;
      // An unquoted `version: 2.10` is a YAML number (2.1): the text as written is the version.
      if (typeof v.value === 'number') return typeof v.source === 'string' ? v.source : String(v.value);
      return undefined;
    };
    const nameNode = lastValue(item, 'name');
    const name = str('name');
    const version = str('version');
    if (!name || !isScalar(nameNode)) continue;
    const pair = item.items.findLast((p) => isScalar(p.key) && p.key.value === 'name');
    const start = (isScalar(pair?.key) ? pair.key.range?.[0] : undefined) ?? valueStart(nameNode);
    const end = nameNode.range?.[1] ?? start;
    const manager = str('manager') ?? 'conda';
    const url = str('url') ?? '';
    const dep: DependencyManifest['packages'][number] = {
      ecosystem: manager === 'pip' ? 'PyPI' : 'conda',
      name,
      span: { start, end },
    };
    if (version) dep.version = version;
    const category = str('category');
    if (category === 'dev') dep.dev = true;
    const optional = lastValue(item, 'optional');
    if (isScalar(optional) && optional.value === true) dep.optional = true;
    const hash = lastValue(item, 'hash');
    if (isMap(hash)) {
      const hashes: string[] = [];
      for (const alg of ['sha256', 'md5']) {
        const h = lastValue(hash, alg);
        if (isScalar(h) && typeof h.value === 'string' && /^[0-9a-f]+$/i.test(h.value)) hashes.push(`${alg}:${h.value.toLowerCase()}`);
      }
      if (hashes.length) dep.hashes = hashes;
    }
    if (manager === 'pip') {
      if (/^git\+/.test(url)) dep.source = { kind: 'vcs', location: withoutUserinfo(url) };
      else if (LOCAL.test(url)) dep.source = { kind: 'path', location: url };
    } else {
      const source = localSource(url);
      if (source) dep.source = source;
      const archive = condaArchiveName(archiveFileName(url));
      const pypi = pypiProjectOf(name, archive?.build);
      if (pypi) dep.pypi = pypi;
    }
    m.packages.push(dep);
  }
  return m;
}

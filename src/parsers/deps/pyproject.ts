import type { TextSpan } from '../../core/document.js';
import { fromText } from './requirements.js';
import { arr, parseToml, str, table, TomlLocator, type TomlTable } from './toml.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest, type PackageIndex } from './types.js';
import { quotedInProblem, withoutUserinfo } from './source-url.js';

/**
 * `pyproject.toml`: PEP 621 `[project]` dependencies and optional dependencies, PEP 735
 * `[dependency-groups]`, Poetry (`[tool.poetry.dependencies]`, groups, sources), PDM and uv
 * (development dependencies, indexes). A project without a build system, or one that says it is not
 * a package (Poetry `package-mode = false`, uv `package = false`), is an application.
 */
export function parsePyproject(text: string): DependencyManifest {
  const data = parseToml(text, 'pyproject.toml');
  const loc = new TomlLocator(text);
  const tool = table(data.tool) ?? {};
  const poetry = table(tool.poetry);
  const uv = table(tool.uv);
  const pdm = table(tool.pdm);
  const application = !table(data['build-system']) || poetry?.['package-mode'] === false || uv?.package === false;
  const m = emptyManifest('pyproject', false, application);
  const project = table(data.project);

  const fromStrings = (list: unknown, header: string, flags: Partial<DeclaredDependency>) => {
    for (const item of arr(list)) {
      const spec = str(item);
      if (spec === undefined) continue; // { include-group = "…" }
      const span = loc.string(spec, header) ?? loc.headerSpan(loc.section(header));
      add(m, spec, span, flags);
    }
  };
  fromStrings(project?.dependencies, 'project', {});
  for (const [, list] of Object.entries(table(project?.['optional-dependencies']) ?? {}))
    fromStrings(list, 'project.optional-dependencies', { optional: true });
  for (const [, list] of Object.entries(table(data['dependency-groups']) ?? {})) fromStrings(list, 'dependency-groups', { dev: true });
  for (const [, list] of Object.entries(table(pdm?.['dev-dependencies']) ?? {}))
    fromStrings(list, 'tool.pdm.dev-dependencies', { dev: true });
  fromStrings(uv?.['dev-dependencies'], 'tool.uv', { dev: true });

  if (poetry) {
    readPoetryTable(m, loc, table(poetry.dependencies), 'tool.poetry.dependencies', {});
    readPoetryTable(m, loc, table(poetry['dev-dependencies']), 'tool.poetry.dev-dependencies', { dev: true });
    for (const [group, body] of Object.entries(table(poetry.group) ?? {})) {
      readPoetryTable(m, loc, table(table(body)?.dependencies), `tool.poetry.group.${group}.dependencies`, { dev: group !== 'main' });
    }
    arr(poetry.source).forEach((s, i) => {
      const url = str(table(s)?.url);
      const priority = str(table(s)?.priority);
      if (url)
        m.indexes.push({ url, role: priority === 'secondary' ? 'extra' : 'primary', span: urlSpan(loc, url, 'tool.poetry.source', i) });
    });
  }
  if (uv) {
    // uv's default strategy takes each package from the first index that has it: no confusion unless told otherwise.
    const unsafe = uv['index-strategy'] === 'unsafe-best-match';
    arr(uv.index).forEach((s, i) => {
      const url = str(table(s)?.url);
      if (url)
        m.indexes.push({ url, role: unsafe && !table(s)?.default ? 'extra' : 'primary', span: urlSpan(loc, url, 'tool.uv.index', i) });
    });
    const indexUrl = str(uv['index-url']);
    if (indexUrl) m.indexes.push({ url: indexUrl, role: 'primary', span: urlSpan(loc, indexUrl, 'tool.uv', 0) });
    for (const url of arr(uv['extra-index-url']).map(str))
      if (url) m.indexes.push({ url, role: unsafe ? 'extra' : 'primary', span: urlSpan(loc, url, 'tool.uv', 0) });
  }
  if (pdm) {
    // PDM merges candidates from every source unless told to respect their order.
    const ordered = table(pdm.resolution)?.['respect-source-order'] === true;
    arr(pdm.source).forEach((s, i) => {
      const url = str(table(s)?.url);
      const name = str(table(s)?.name);
      if (url)
        m.indexes.push({ url, role: name === 'pypi' || ordered ? 'primary' : 'extra', span: urlSpan(loc, url, 'tool.pdm.source', i) });
    });
  }
  return m;
}

function add(m: DependencyManifest, spec: string, span: TextSpan, flags: Partial<DeclaredDependency>): void {
  const parsed = fromText(spec.trim());
  if (!parsed) {
    m.problems.push({ message: `cannot read the dependency '${quotedInProblem(spec)}'` });
    return;
  }
  m.packages.push({ ecosystem: 'PyPI', ...parsed, direct: true, span, ...flags });
}

function urlSpan(loc: TomlLocator, url: string, header: string, index: number): PackageIndex['span'] {
  return loc.string(url, header) ?? loc.headerSpan(loc.section(header, index));
}

/** Poetry's `name = "^1.2"` or `name = { version = "…", extras, optional, git, path, url }` entries. */
function readPoetryTable(
  m: DependencyManifest,
  loc: TomlLocator,
  deps: TomlTable | undefined,
  header: string,
  flags: Partial<DeclaredDependency>,
): void {
  if (!deps) return;
  const section = loc.section(header);
  for (const [name, raw] of Object.entries(deps)) {
    if (name.toLowerCase() === 'python') continue;
    const spec = Array.isArray(raw) ? raw[0] : raw;
    const t = table(spec);
    const constraint = str(spec) ?? str(t?.version);
    const span = loc.key(name, section) ?? loc.headerSpan(section);
    const dep: DeclaredDependency = { ecosystem: 'PyPI', name, direct: true, span, ...flags };
    if (t?.optional === true) dep.optional = true;
    const extras = arr(t?.extras)
      .map(str)
      .filter((x): x is string => x !== undefined);
    if (extras.length) dep.extras = extras;
    const git = str(t?.git);
    const path = str(t?.path);
    const url = str(t?.url);
    if (git)
      dep.source = {
        kind: 'vcs',
        location: withoutUserinfo(git) + ((str(t?.rev) ?? str(t?.tag) ?? str(t?.branch)) ? `@${str(t?.rev) ?? str(t?.tag) ?? str(t?.branch)}` : ''),
      };
    else if (path) dep.source = { kind: 'path', location: path };
    else if (url) dep.source = { kind: 'url', location: withoutUserinfo(url) };
    else if (constraint !== undefined) {
      const exact = /^(?:==?)?\s*(\d[0-9A-Za-z.+!-]*)$/.exec(constraint.trim());
      if (exact && !constraint.includes('*')) dep.version = exact[1];
      else if (constraint.trim() !== '*') dep.requirement = constraint.trim();
    }
    m.packages.push(dep);
  }
}

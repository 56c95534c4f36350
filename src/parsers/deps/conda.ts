import type { Scalar, YAMLMap } from 'yaml';
import { parseManifestYaml, yamlLib } from './lazy.js';
import { pypiProjectOf } from './conda-pypi.js';
import { parseRequirements } from './requirements.js';
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
        m.problems.push({ message: `cannot read the conda dependency '${spec.slice(0, 80)}'` });
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
        m.packages.push(...one.packages.map(move));
        m.indexes.push(...one.indexes.map(move));
        m.includes.push(...one.includes.map(move));
        m.problems.push(...one.problems.map((p) => ({ message: p.message.replace(/^line \d+: /, '') })));
      }
    }
  }
  return m;
}

import { emptyManifest, type DeclaredDependency, type DependencyManifest } from './types.js';

/**
 * Installed Python distribution metadata (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`): the
 * e-mail-style headers name the installed package, its version and licence. A virtualenv's or an
 * image's site-packages is an inventory of what is installed.
 */
export function parsePythonMetadata(text: string): DependencyManifest {
  const m = emptyManifest('installed', true, false);
  const headers = new Map<string, { value: string; start: number; end: number }>();
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(pos, end).replace(/\r$/, '');
    if (line.trim() === '') break; // the body (long description) follows the first blank line
    const h = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (h && !headers.has(h[1].toLowerCase())) headers.set(h[1].toLowerCase(), { value: h[2].trim(), start: pos, end: pos + line.length });
    pos = end + 1;
  }
  const name = headers.get('name');
  const version = headers.get('version');
  if (!name || !version) {
    m.problems.push({ message: 'package metadata without Name and Version headers' });
    return m;
  }
  const dep: DeclaredDependency = {
    ecosystem: 'PyPI',
    name: name.value,
    version: version.value,
    span: { start: name.start, end: name.end },
  };
  const license = headers.get('license-expression')?.value ?? headers.get('license')?.value;
  if (license && license !== 'UNKNOWN' && license.length < 100) dep.license = license;
  m.packages.push(dep);
  return m;
}

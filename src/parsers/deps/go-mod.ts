import { emptyManifest, type DependencyManifest } from './types.js';

/**
 * `go.mod`: `require` lines and blocks (`// indirect` marks a transitive requirement); `replace`
 * directives that point to a local path or another module override the required module.
 */
export function parseGoMod(text: string): DependencyManifest {
  const m = emptyManifest('go-mod', true, true);
  const replaced = new Map<string, string>();
  let block: string | undefined;
  let pos = 0;
  let line = 0;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const raw = text.slice(pos, end).replace(/\r$/, '');
    line++;
    const code = raw.replace(/\/\/.*$/, '').trim();
    const indirect = /\/\/\s*indirect\b/.test(raw);
    if (block) {
      if (code === ')') block = undefined;
      else if (code) directive(block, code, pos + raw.indexOf(code), indirect, line);
    } else {
      const open = /^(require|replace|exclude|retract)\s*\($/.exec(code);
      if (open) block = open[1];
      else {
        const one = /^(require|replace)\s+(.*)$/.exec(code);
        if (one) directive(one[1], one[2], pos + raw.indexOf(one[2]), indirect, line);
      }
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  function directive(kind: string, body: string, offset: number, indirect: boolean, lineNo: number): void {
    const words = body.split(/\s+/);
    if (kind === 'require') {
      if (words.length < 2) {
        m.problems.push({ message: `line ${lineNo}: require needs a module path and a version`, line: lineNo });
        return;
      }
      m.packages.push({
        ecosystem: 'Go',
        name: unquote(words[0]),
        version: words[1],
        direct: !indirect,
        span: { start: offset, end: offset + body.length },
      });
    } else if (kind === 'replace') {
      const arrow = words.indexOf('=>');
      if (arrow > 0) replaced.set(unquote(words[0]), words.slice(arrow + 1).join(' '));
    }
  }
  for (const dep of m.packages) {
    const target = replaced.get(dep.name);
    if (!target) continue;
    const [path, version] = target.split(/\s+/);
    if (/^\.{0,2}\//.test(path)) dep.source = { kind: 'path', location: path };
    else if (version) {
      dep.name = path;
      dep.version = version;
    }
  }
  return m;
}

function unquote(s: string): string {
  return s.replace(/^"(.*)"$/, '$1');
}

/** `go.sum`: module hashes by `module@version` (the `/go.mod`-only lines are skipped). */
export function goSumHashes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const [mod, version, hash] = raw.trim().split(/\s+/);
    if (!mod || !version || !hash || version.endsWith('/go.mod')) continue;
    out.set(`${mod}@${version}`, hash);
  }
  return out;
}

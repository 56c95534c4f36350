/** A parsed image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageRef {
  /** As resolved (ARG defaults substituted). */
  reference: string;
  /** Registry host when the reference names one (`ghcr.io`, `localhost:5000`); `docker.io` otherwise. */
  registry: string;
  /** True when the reference names its registry explicitly. */
  explicitRegistry: boolean;
  /** Repository path without registry, tag or digest (`library/` is not added). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference; undefined when it is not one (empty, or still holds a variable). */
export function parseImageRef(reference: string): ImageRef | undefined {
  const ref = reference.trim();
  if (ref === '' || ref.includes('$') || /\s/.test(ref)) return undefined;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = 'docker.io';
  let explicitRegistry = false;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first.toLowerCase();
      explicitRegistry = true;
      rest = rest.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (rest === '') return undefined;
  const out: ImageRef = { reference: ref, registry, explicitRegistry, repository: rest };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/**
 * Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and `${VAR+alt}`
 * from `vars`. Unknown variables are left as written. In raw text the file's escape character before
 * `$` makes it literal (`escape`, `\` unless given, and not one at `plainEscapes`, itself escaped; a backslash is plain under the backtick escape, as in
 * BuildKit's ProcessWord); for the decoded value of an ENV or ARG (its property) the `$` at its
 * `literalDollars` offsets are, and its backslashes are plain characters.
 */
export function substituteVariables(
  text: string,
  vars: ReadonlyMap<string, string | null>,
  how: { literalDollars?: ReadonlySet<number> } | { escape: string; plainEscapes?: ReadonlySet<number> } = { escape: '\\' },
): string {
  if (!text.includes('$')) return text;
  const escape = 'escape' in how ? how.escape : undefined;
  const plain = 'escape' in how ? how.plainEscapes : undefined;
  const literal = 'escape' in how ? undefined : how.literalDollars;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (literal?.has(i)) {
      out += c;
      i++;
      continue;
    }
    if (c === escape && text[i + 1] === '$' && !plain?.has(i)) {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close === -1) {
        out += text.slice(i);
        break;
      }
      const body = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
      if (!m) out += text.slice(i, close + 1);
      else {
        const [, name, op, word = ''] = m;
        const has = vars.has(name) && vars.get(name) !== null;
        const value = has ? (vars.get(name) as string) : undefined;
        if (!op) out += value ?? text.slice(i, close + 1);
        else if (op === ':-') out += value !== undefined && value !== '' ? value : word;
        else if (op === '-') out += value ?? word;
        else if (op === ':+') out += value !== undefined && value !== '' ? word : '';
        else out += value !== undefined ? word : '';
      }
      i = close + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1, i + 257));
    if (!m) {
      out += c;
      i++;
      continue;
    }
    const value = vars.get(m[0]);
    out += value ?? '$' + m[0];
    i += 1 + m[0].length;
  }
  return out;
}

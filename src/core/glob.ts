/**
 * Converts a path glob (`**`, `*`, `?`, `{a,b}`, `[abc]`) to an anchored RegExp, for tools that want
 * one. Several stars make a backtracking RegExp slow on long inputs: `matchesGlob` does not use it.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braceDepth = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (glob[i + 2] === '/') {
            re += '(?:[^/]*/)*';
            i += 3;
          } else {
            re += '.*';
            i += 2;
          }
          continue;
        }
        re += '[^/]*';
        i += 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      re += '(?:';
      braceDepth++;
    } else if (c === '}' && braceDepth > 0) {
      re += ')';
      braceDepth--;
    } else if (c === ',' && braceDepth > 0) re += '|';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        re += '[' + (body.startsWith('!') ? '^' + body.slice(1) : body) + ']';
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
    i++;
  }
  while (braceDepth-- > 0) re += ')';
  return new RegExp('^' + re + '$');
}

const MAX_ALTERNATIVES = 256;

/** Expands `{a,b}` alternatives (nested too), up to MAX_ALTERNATIVES globs. */
function expandBraces(glob: string): string[] {
  let depth = 0;
  let open = -1;
  let hasComma = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{') {
      if (depth++ === 0) {
        open = i;
        hasComma = false;
      }
    } else if (c === ',' && depth === 1) hasComma = true;
    else if (c === '}' && depth > 0 && --depth === 0) {
      if (!hasComma) continue;
      const parts: string[] = [];
      let d = 0;
      let from = open + 1;
      for (let k = open + 1; k < i; k++) {
        const ch = glob[k];
        if (ch === '\\') k++;
        else if (ch === '{') d++;
        else if (ch === '}') d--;
        else if (ch === ',' && d === 0) {
          parts.push(glob.slice(from, k));
          from = k + 1;
        }
      }
      parts.push(glob.slice(from, i));
      const out: string[] = [];
      for (const part of parts) {
        for (const rest of expandBraces(glob.slice(0, open) + part + glob.slice(i + 1))) {
          out.push(rest);
          if (out.length >= MAX_ALTERNATIVES) return out;
        }
      }
      return out;
    }
  }
  return [glob];
}

/** Matches one character of `p` against the glob element at `g[gi]`; returns the next glob index, or -1. */
function matchOne(g: string, gi: number, ch: string): number {
  const c = g[gi];
  if (c === '?') return gi + 1;
  if (c === '\\' && gi + 1 < g.length) return g[gi + 1] === ch ? gi + 2 : -1;
  if (c === '[') {
    const close = g.indexOf(']', gi + 2);
    if (close !== -1) {
      let k = gi + 1;
      const negate = g[k] === '!' || g[k] === '^';
      if (negate) k++;
      let hit = false;
      for (; k < close; k++) {
        if (g[k + 1] === '-' && k + 2 < close) {
          if (ch >= g[k] && ch <= g[k + 2]) hit = true;
          k += 2;
        } else if (g[k] === ch) hit = true;
      }
      return hit !== negate ? close + 1 : -1;
    }
  }
  return c === ch ? gi + 1 : -1;
}

/**
 * Wildcard matching with one backtracking point (the last star): O(length of p × length of g) at
 * worst, never exponential. `eq` compares one unit (a character, or a path segment).
 */
function wildcard<T>(
  p: readonly T[] | string,
  g: readonly T[] | string,
  isStar: (gi: number) => boolean,
  step: (gi: number, pi: number) => number,
): boolean {
  let pi = 0;
  let gi = 0;
  let starG = -1;
  let starP = 0;
  while (pi < p.length) {
    if (gi < g.length) {
      if (isStar(gi)) {
        starG = gi++;
        starP = pi;
        continue;
      }
      const next = step(gi, pi);
      if (next !== -1) {
        gi = next;
        pi++;
        continue;
      }
    }
    if (starG === -1) return false;
    gi = starG + 1;
    pi = ++starP;
  }
  while (gi < g.length && isStar(gi)) gi++;
  return gi === g.length;
}

function matchSegment(p: string, g: string): boolean {
  return wildcard(
    p,
    g,
    (gi) => g[gi] === '*',
    (gi, pi) => matchOne(g, gi, p[pi]),
  );
}

function matchPath(path: string, glob: string): boolean {
  const p = path.split('/');
  const g = glob.split('/');
  return wildcard(
    p,
    g,
    (gi) => g[gi] === '**',
    (gi, pi) => (matchSegment(p[pi], g[gi]) ? gi + 1 : -1),
  );
}

/**
 * True when the `/`-separated path matches the glob (`**` for any number of directories, `*`, `?`,
 * `[abc]`, `[!a-z]`, `{a,b}`), or lies under a directory the glob names. Time is bounded by the
 * product of the path and glob lengths, whatever the input.
 */
export function matchesGlob(path: string, glob: string): boolean {
  const g = glob.replace(/^\.\//, '').replace(/\/$/, '');
  const p = path.replace(/^\.\//, '');
  for (const alt of expandBraces(g)) if (matchPath(p, alt) || matchPath(p, alt + '/**')) return true;
  return false;
}

/**
 * Converts a path glob (`**`, `*`, `?`, `{a,b}`, `[abc]`) to an anchored RegExp. The result has no
 * nested quantifiers, so matching is linear in the path length.
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

/** True when the `/`-separated path matches the glob, or lies under a directory the glob names. */
export function matchesGlob(path: string, glob: string): boolean {
  const g = glob.replace(/^\.\//, '').replace(/\/$/, '');
  const p = path.replace(/^\.\//, '');
  if (globToRegExp(g).test(p)) return true;
  return globToRegExp(g + '/**').test(p);
}

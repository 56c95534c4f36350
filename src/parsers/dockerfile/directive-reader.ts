import type { DockerDirective } from './dockerfile-document.js';
import { afterBreak, lineContentEnd } from './line-breaks.js';
import { isSpace } from './unicode-space.js';

export interface DirectiveRead {
  directives: DockerDirective[];
  /** The escape character the file sets, `\` by default. */
  escape: string;
  /** Why BuildKit rejects the directives, when it does, and the file offset of the line. */
  error?: { message: string; at: number };
}

const KNOWN = new Set(['syntax', 'escape', 'check']);
/**
 * The name and `=` of BuildKit's directive line after `#` and blanks (directives.go directiveRegexp: Go's
 * \s is [\t\n\f\r ]; a line holds no \n, and a \r only when no \n follows it right after).
 */
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\f\r ]*=/;
const isGoSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\f' || c === '\r';

/** The value after the `=`, as directiveRegexp's `\s*(.+?)\s*$` takes it: blanks trimmed, but never empty (then its last blank). */
function directiveValue(rest: string): string | undefined {
  let start = 0;
  let end = rest.length;
  while (start < end && isGoSpace(rest[start])) start++;
  while (end > start && isGoSpace(rest[end - 1])) end--;
  if (start < end) return rest.slice(start, end);
  return rest.length > 0 ? rest[rest.length - 1] : undefined;
}

/**
 * The parser directives that open a Dockerfile, as BuildKit's DirectiveParser reads them line by line:
 * `# name=value`, the blanks before and after `#` being Go's unicode.IsSpace (Parse trims the line,
 * ParseLine the text after `#`). The first line that is not one, or names a directive BuildKit
 * does not know (`# foo=bar`), ends them: a `# escape=` after it is a comment. A directive given twice
 * and an escape other than `\` or a backtick make BuildKit reject the file.
 */
export function readDirectives(text: string): DirectiveRead {
  const directives: DockerDirective[] = [];
  let escape = '\\';
  let error: DirectiveRead['error'];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const end = lineContentEnd(text, i);
    let hash = i;
    while (hash < end && isSpace(text[hash])) hash++;
    if (text[hash] !== '#') break;
    let after = hash + 1;
    while (after < end && isSpace(text[after])) after++;
    const line = text.slice(after, end);
    const m = DIRECTIVE.exec(line);
    const name = m?.[1].toLowerCase();
    const value = m ? directiveValue(line.slice(m[0].length)) : undefined;
    if (name === undefined || value === undefined || !KNOWN.has(name)) break;
    if (directives.some((d) => d.name === name)) error ??= { message: `only one ${name} parser directive can be used`, at: hash };
    else {
      directives.push({ name, value, span: { start: hash, end } });
      if (name === 'escape') {
        if (value === '\\' || value === '`') escape = value;
        else error ??= { message: 'invalid escape token: the escape directive takes ` or \\', at: hash };
      }
    }
    i = afterBreak(text, end);
  }
  return error ? { directives, escape, error } : { directives, escape };
}

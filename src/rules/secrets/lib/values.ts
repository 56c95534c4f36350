import { isKnownFalse } from './known-false.js';

/** Value heuristics shared by the secret detectors: entropy, placeholders, known examples, hashes. */

const counts = new Int32Array(128);

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) counts[c]++;
    else (other ??= new Map()).set(c, (other.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && counts[c] > 0) {
      const p = counts[c] / n;
      h -= p * Math.log2(p);
      counts[c] = 0;
    }
  }
  for (const k of other?.values() ?? []) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

function distinct(s: string): number {
  const seen = new Set<number>();
  for (let i = 0; i < s.length && seen.size < 20; i++) seen.add(s.charCodeAt(i));
  return seen.size;
}

/** Number of character classes (lower, upper, digit, other) present. */
export function charClasses(s: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

const PLACEHOLDER_WORDS =
  /(?:x{4}|\*{3}|\.{3}|…|your[_-]?|my[_-]?(?:api|secret|token|key|pass)|example|placeholder|changeme|change[_-]me|replace|redacted|dummy|insert[_-]|enter[_-]|put[_-]your|fill[_-]?in|todo|fixme|<[^>]{0,64}>|\$\{|\$\(|\{\{|%\(|%[A-Z_]+%|sample|not[_-]?a[_-]?real|notreal|fake[_-]?key|test[_-]?key|secret[_-]?here|key[_-]?here|token[_-]?here|goes[_-]?here)/i;

/** True for a value that is a placeholder, a template reference or a documentation example. */
export function isPlaceholder(value: string): boolean {
  if (isKnownFalse(value)) return true;
  if (value.length === 0) return true;
  if (PLACEHOLDER_WORDS.test(value)) return true;
  if (/EXAMPLE(?:KEY)?$/.test(value)) return true;
  return isLowVariety(value);
}

/** Repeated or sequential filler (`aaaaaaaa`, `0000…`, `abcdef…`, `123456…`). */
export function isLowVariety(value: string): boolean {
  if (value.length < 8) return false;
  const d = distinct(value);
  if (d <= 3) return true;
  if (value.length >= 16 && d <= 5) return true;
  let seq = 1;
  let best = 1;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    seq = d === 1 ? seq + 1 : 1;
    if (seq > best) best = seq;
  }
  return best >= 10 || best > value.length / 2;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return value.length === 36 && UUID.test(value);
}

/** Variable references and lookups rather than literal values. */
const REFERENCE =
  /^(?:\$[A-Za-z_{(]|%[A-Za-z_]+%|\{\{|<%|@\{|process\.env|os\.(?:environ|getenv)|getenv\(|env\(|ENV\[|System\.getenv|secrets?\.|vault:|ref\+|arn:aws:secretsmanager|projects\/[^/]+\/secrets\/|!Ref|!Sub|\$\{\{)/;
export function isReference(value: string): boolean {
  return REFERENCE.test(value);
}

/** Integrity hashes (`sha512-…`, `sha256:…`, `h1:…`) are not secrets. */
export function isHashAt(text: string, start: number): boolean {
  const from = Math.max(0, start - 16);
  const before = text.slice(from, start);
  return /(?:sha(?:1|224|256|384|512)[-:=]|md5[-:=]|h1:|blake2b?[-:=]|--hash=\w+:|integrity[=:]\s*["']?)$/i.test(before);
}

/**
 * Redacts a secret for evidence: the label, a short prefix and the length. The prefix is the
 * provider's fixed prefix plus at most two characters, and never more than a quarter of the value.
 */
export function redact(label: string, value: string, fixedPrefix = 0): string {
  const shown = Math.min(fixedPrefix + 2, Math.floor(value.length / 4));
  if (shown <= 0) return `${label} (${value.length} chars)`;
  return `${label} ${value.slice(0, shown)}… (${value.length} chars)`;
}

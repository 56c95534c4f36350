/**
 * Secret detection for container configuration (Dockerfile ENV/ARG, compose `environment`): by the
 * variable's name and by the shape of its value. Shared by the Dockerfile and compose rules.
 */
import { isKnownFalse } from '../../secrets/lib/known-false.js';

const VALUE_SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/^sk-ant-[A-Za-z0-9_-]{20,}$/, 'Anthropic API key'],
  [/^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$/, 'OpenAI API key'],
  [/^hf_[A-Za-z0-9]{30,}$/, 'Hugging Face token'],
  [/^gh[pousr]_[A-Za-z0-9]{36,}$/, 'GitHub token'],
  [/^github_pat_[A-Za-z0-9_]{50,}$/, 'GitHub token'],
  [/^glpat-[A-Za-z0-9_-]{20,}$/, 'GitLab token'],
  [/^(?:AKIA|ASIA)[A-Z0-9]{16}$/, 'AWS access key id'],
  [/^xox[abprs]-[A-Za-z0-9-]{10,}$/, 'Slack token'],
  [/^AIza[0-9A-Za-z_-]{35}$/, 'Google API key'],
  [/^r8_[A-Za-z0-9]{30,}$/, 'Replicate token'],
  [/^gsk_[A-Za-z0-9]{40,}$/, 'Groq API key'],
  [/^npm_[A-Za-z0-9]{36}$/, 'npm token'],
  [/-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----/, 'private key'],
];

/** `scheme://user:password@host` with a literal password. */
const URL_CREDENTIALS = /^[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/[^\s:/@]{1,256}:([^\s@/]{1,256})@/;

const NAME_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PASS',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATEKEY',
  'SECRETKEY',
  'ACCESSKEY',
]);
const KEY_QUALIFIERS = new Set([
  'API',
  'ACCESS',
  'PRIVATE',
  'SECRET',
  'AUTH',
  'CLIENT',
  'SIGNING',
  'ENCRYPTION',
  'MASTER',
  'SERVICE',
  'ACCOUNT',
]);
const NOT_SECRET_SUFFIX =
  /_(FILE|PATH|DIR|URL|URI|HOST|PORT|NAME|USER|USERNAME|ID|TTL|EXPIRY|EXPIRES|EXPIRATION|TIMEOUT|LENGTH|LEN|SIZE|TYPE|MODE|ENABLED|DISABLED|HEADER|FIELD|ENDPOINT|REGION|LIMIT|COUNT|PREFIX|METHOD|SOURCE|KIND|VERSION|FORMAT|ISSUER|AUDIENCE)$/;
const PLACEHOLDER =
  /^(?:changeme|change[_-]?me|replace[_-]?me|your[_-].*|xx+|\*+|none|null|nil|true|false|yes|no|example|dummy|placeholder|secret|password|token|todo|tbd|redacted|unset|empty|-+|\.+)$/i;

/** Upper-case words of a variable name: `hfToken` → HF, TOKEN; `api-key` → API, KEY. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** True when the name says the variable holds a secret (`HF_TOKEN`, `OPENAI_API_KEY`, `PGPASSWORD`). */
export function isSecretName(name: string): boolean {
  const upper = nameWords(name).join('_');
  if (NOT_SECRET_SUFFIX.test(upper)) return false;
  const words = upper.split('_');
  return words.some((w, i) => NAME_WORDS.has(w) || w.endsWith('PASSWORD') || (w === 'KEY' && i > 0 && KEY_QUALIFIERS.has(words[i - 1])));
}

/** The kind of credential a value looks like, whatever its name. */
export function secretValueKind(value: string): string | undefined {
  const v = value.trim();
  if (isKnownFalse(v)) return undefined;
  for (const [re, kind] of VALUE_SHAPES) if (re.test(v)) return kind;
  const m = URL_CREDENTIALS.exec(v);
  if (m && !isPlaceholder(m[1])) return 'URL with an embedded password';
  return undefined;
}

/** Values that are not secrets: empty, references (`$VAR`, `${VAR}`), templates, file paths, placeholders. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (v === '' || v.startsWith('$') || v.includes('${') || v.includes('{{') || v.startsWith('/')) return true;
  if (/^<[^>]*>$/.test(v) || /^\d+$/.test(v) || isKnownFalse(v)) return true;
  return PLACEHOLDER.test(v);
}

export interface SecretMatch {
  /** What the value looks like, or `secret-named variable`. */
  kind: string;
  /** True when the value's shape (not only the name) says it is a credential. */
  byValue: boolean;
}

/** A literal secret in `name=value`, by value shape first, then by name. */
export function findSecret(name: string, value: string | null | undefined): SecretMatch | undefined {
  if (value === null || value === undefined) return undefined;
  const kind = secretValueKind(value);
  if (kind) return { kind, byValue: true };
  if (isSecretName(name) && !isPlaceholder(value)) return { kind: 'secret-named variable', byValue: false };
  return undefined;
}

/** A short prefix and an ellipsis: never the whole secret. */
export function redact(value: string): string {
  const v = value.trim();
  const keep = Math.min(4, Math.floor(v.length / 4));
  return `${v.slice(0, keep)}…`;
}

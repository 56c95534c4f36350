import { createHmac } from 'node:crypto';
import { LineIndex } from '../../../core/line-index.js';
import { LiteralAutomaton } from './automaton.js';
import { hintThroughUnicodeFolding, MALWARE_HINTS } from '../../image/lib/malware-hints.js';
import type { Severity } from '../../../core/types.js';
import { CONTEXT_DETECTORS, MARKER_DETECTORS, type MarkerDetector } from './detectors.js';
import { CHECK_PATTERNS, validGithubChecksum, validPypiToken, validSlackLayout } from './checksum.js';
import { DOCUMENTATION_HOSTS } from './known-false.js';
import type { SecretHit, TextLikeDocument } from './types.js';
import { charClasses, entropy, isHashAt, isPlaceholder, isReference, isUuid } from './values.js';
import { lookupTable } from '../../../core/lookup-table.js';

/** Assignment-based detection skips lines longer than this (minified code); marker detectors do not. */
export const MAX_LINE_LENGTH = 4096;
const MAX_VALUE = 512;

const PRIVATE_KEY_MARKER = '-----BEGIN';
const JWT_MARKER = 'eyJ';
const URL_MARKER = '://';

const byMarker = new Map<string, MarkerDetector[]>();
for (const d of MARKER_DETECTORS) {
  for (const m of d.markers) {
    const list = byMarker.get(m) ?? [];
    list.push(d);
    byMarker.set(m, list);
  }
}
/** Every literal that anchors a detector: a secret of a marker-anchored format contains one of them. */
export const MARKERS = [...byMarker.keys(), PRIVATE_KEY_MARKER, JWT_MARKER, URL_MARKER];

/** Names under which secrets are assigned (case-insensitive); `_` stands for `_`, `-`, `.` or nothing. */
const KEYWORD_STEMS = [
  'api_key',
  'apikey',
  'secret',
  'token',
  'passw',
  'pwd',
  'credential',
  'authorization',
  'auth_key',
  'private_key',
  'access_key',
  'signing_key',
  'co_api_key',
];
/** Names of providers whose keys are recognised by the name they are given (see `CONTEXT_DETECTORS`). */
const PROVIDER_STEMS = ['cohere', 'mistral', 'wandb', 'azure', 'together', 'deepseek', 'weaviate', 'qdrant', 'pinecone', 'kaggle', 'ngc'];
export const KEYWORDS = [
  ...new Set(
    [...KEYWORD_STEMS, ...PROVIDER_STEMS].flatMap((k) =>
      k.includes('_') && k !== 'co_api_key' ? ['_', '-', '.', ''].map((sep) => k.replace('_', sep)) : [k],
    ),
  ),
];

/**
 * The single pre-filter pass: every marker of the marker-anchored detectors (case-sensitive, checked
 * at each hit) and every keyword of the assignment detectors, found in one pass over the text; the
 * malware rules' hints ride along, so that a file's text is read once for both.
 */
const PREFILTER = new LiteralAutomaton([...MARKERS, ...KEYWORDS, ...MALWARE_HINTS]);
const MARKER_COUNT = MARKERS.length;
const SECRET_PATTERNS = MARKER_COUNT + KEYWORDS.length;
/** The malware rules' hints alone, for a text no secret rule reads. */
const HINTS_ONLY = new LiteralAutomaton(MALWARE_HINTS);

/** What the pre-filter pass found in a text. */
interface Prefiltered {
  /** Occurrences of the secret markers and keywords, in the order found, as (pattern, start) pairs. */
  matches: number[];
  /** Whether a malware hint occurs (see `MALWARE_HINTS`). */
  malwareHint: boolean;
}

/** The pre-filter pass, or with `secrets` false, the pass for the malware hints alone (no `matches`). */
function prefilter(text: string, ascii: Uint8Array | undefined, secrets = true): Prefiltered {
  const automaton = secrets ? PREFILTER : HINTS_ONLY;
  const firstHint = secrets ? SECRET_PATTERNS : 0;
  const matches: number[] = [];
  let malwareHint = false;
  const onMatch = (p: number, start: number) => {
    if (p < firstHint) matches.push(p, start);
    else malwareHint = true;
  };
  if (ascii && ascii.length === text.length) automaton.scanAscii(ascii, onMatch);
  else {
    automaton.scan(text, onMatch);
    malwareHint ||= hintThroughUnicodeFolding(text);
  }
  return { matches, malwareHint };
}

const GENERIC_KEY = /api.?key|apikey|secret|token|passw|pwd|credential|authorization|auth.?key|private.?key|access.?key|signing.?key/;
const GENERIC_KEY_EXCLUDED =
  /tokeniz|tokens$|(?:id|ids|name|names|type|types|url|uri|endpoint|path|file|dir|ref|length|len|count|limit|size|ttl|timeout|expiry|expires|header|field|prefix|pattern|regex|policy|mode|enabled|hash|hashed|salt|kind|format|version|provider|selector|usage|env|var|key_?ref|placeholder|label|hint|template|_by|param|params|parameter|parameters|query_?param|arg|args|flag|option|attr|attribute|column|claim|scope)$|secretkeyref|secretref|secret_?name|existing_?secret/;
/** Flags and limits about secrets (`max_tokens`, `isSecret`, `USE_TOKEN`), tested on the key as written. */
const GENERIC_KEY_EXCLUDED_PREFIX =
  /^(?:(?:max|min|num|is|has|use|enable|show|get|set|no|skip|allow|require|validate|verify)(?:[_.-]|[A-Z0-9])|(?:MAX|MIN|NUM|IS|HAS|USE|ENABLE|SHOW|GET|SET|NO|SKIP|ALLOW|REQUIRE|VALIDATE|VERIFY)[_.-])/;
const PASSWORD_KEY = /passw|pwd/;
/** Generic key names under which a provider named elsewhere on the line is the context. */
const API_KEY_NAME = /^(?:api.?key|apikey|key|token|access.?token|auth.?token|secret)$/;
const JWT_SECRET_KEY = /jwt.{0,12}(?:secret|key)|signing.?(?:secret|key)|hmac.?(?:secret|key)/;
const CODE_PATH =
  /\.(?:[cm]?[jt]sx?|py|pyi|go|java|kt|kts|scala|rb|rs|c|cc|cpp|cxx|h|hpp|cs|php|swift|m|mm|lua|pl|dart|ex|exs|groovy|vue|svelte|map)$/i;
const LOCK_FILE =
  /(?:^|\/)(?:\.?package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|deno\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|pdm\.lock|Cargo\.lock|go\.sum|composer\.lock|Gemfile\.lock|mix\.lock|pubspec\.lock|packages\.lock\.json|conda-lock\.ya?ml|requirements[^/]*\.txt)$/;

export function isLockFile(path: string): boolean {
  return LOCK_FILE.test(path);
}

/**
 * A document's pre-filter pass, until its secrets are read from it, and then its secrets; of a
 * document no secret rule reads, whether it holds a malware hint and nothing more.
 */
interface TextFacts {
  pass: Prefiltered | undefined;
  malwareHint: boolean;
  secrets: SecretHit[] | undefined;
}

const facts = new WeakMap<object, TextFacts>();

/** A document, or anything with a text (the file, when there is one, may lend the text's bytes). */
type TextHolder = Pick<TextLikeDocument, 'text'> & Partial<Pick<TextLikeDocument, 'kind' | 'file'>>;

function factsOf(doc: TextHolder, secrets = true): TextFacts {
  let f = facts.get(doc);
  if (!f) {
    const pass = prefilter(doc.text, asciiBytesOf(doc), secrets);
    f = { pass: secrets ? pass : undefined, malwareHint: pass.malwareHint, secrets: undefined };
    facts.set(doc, f);
  }
  return f;
}

/** The bytes of a text file whose text is pure ASCII (as many bytes as characters), for the faster byte scan. */
function asciiBytesOf(doc: TextHolder): Uint8Array | undefined {
  if (doc.kind !== 'text' || !doc.file || doc.text !== doc.file.text()) return undefined;
  const bytes = doc.file.bytes();
  return bytes.length === doc.text.length ? bytes : undefined;
}

/**
 * Every secret in the document's text, found once per document and shared by the secret rules.
 * Overlapping candidates are resolved in favour of the most specific detector, so one secret is
 * reported by one rule.
 */
export function secretsIn(doc: TextLikeDocument): SecretHit[] {
  const f = factsOf(doc);
  if (!f.secrets) {
    const opts = { path: doc.file.path, isCode: doc.isCode ?? CODE_PATH.test(doc.file.path) };
    const pass = f.pass ?? prefilter(doc.text, asciiBytesOf(doc));
    f.secrets = secretsFrom(doc.text, opts, pass.matches);
    f.pass = undefined;
  }
  return f.secrets;
}

/**
 * Whether the document's text holds a hint of the malware rules: told by the same pass as its
 * secrets when `secretsFollow` (secret rules read the document too), else by a pass for the hints alone.
 */
export function malwareHintIn(doc: TextHolder, secretsFollow: boolean): boolean {
  return factsOf(doc, secretsFollow).malwareHint;
}

export interface FindOptions {
  path: string;
  isCode: boolean;
  /** The UTF-8 bytes of `text` when it is pure ASCII (same length), for the faster byte scan. */
  ascii?: Uint8Array;
}

interface Assignment {
  key: string;
  start: number;
  end: number;
  quoted: boolean;
  /** The line of the key, for provider names outside the key (`cohere.Client(api_key="…")`). */
  lineStart: number;
  lineEnd: number;
}

export function findSecrets(text: string, opts: FindOptions): SecretHit[] {
  return secretsFrom(text, opts, prefilter(text, opts.ascii).matches);
}

/** The secrets of a text, from the pre-filter's matches of the markers and keywords (in the order found). */
function secretsFrom(text: string, opts: FindOptions, matches: readonly number[]): SecretHit[] {
  const hits: SecretHit[] = [];
  const jwts: JwtInfo[] = [];
  const markers = new MarkerScan(text, hits, jwts, DOCUMENTATION_PATH.test(opts.path));
  const keywords = new AssignmentScan(text, opts);
  for (let i = 0; i < matches.length; i += 2) {
    const p = matches[i];
    if (p < MARKER_COUNT) markers.hit(MARKERS[p], matches[i + 1]);
    else keywords.hit(matches[i + 1], KEYWORDS[p - MARKER_COUNT]);
  }
  const assignments = keywords.assignments;
  classifyAssignments(text, assignments, hits, opts);
  if (jwts.length) findJwtSecrets(jwts, assignments, text, hits);
  pairAws(text, hits);
  // the per-text memos must not keep a large file alive
  endText = undefined;
  saText = undefined;
  return resolveOverlaps(hits);
}

// ---------------------------------------------------------------------------------------------
// Marker-anchored detectors

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

class MarkerScan {
  private jwtRunEnd = -1;
  constructor(
    private readonly text: string,
    private readonly hits: SecretHit[],
    private readonly jwts: JwtInfo[],
    private readonly docs: boolean,
  ) {}

  hit(marker: string, p: number): void {
    const text = this.text;
    if (!text.startsWith(marker, p)) return;
    if (marker === PRIVATE_KEY_MARKER) {
      const h = privateKeyAt(text, p);
      if (h) this.hits.push(h);
      return;
    }
    if (marker === JWT_MARKER) {
      if (p < this.jwtRunEnd) return;
      const r = jwtAt(text, p);
      if (typeof r === 'number') this.jwtRunEnd = r;
      else if (r) {
        this.jwtRunEnd = r.hit.end;
        this.hits.push(r.hit);
        this.jwts.push(r);
      }
      return;
    }
    if (marker === URL_MARKER) {
      const h = urlCredentialsAt(text, p, this.docs);
      if (h) this.hits.push(h);
      return;
    }
    for (const d of byMarker.get(marker)!) {
      const h = runMarkerDetector(d, text, p);
      if (h) this.hits.push(h);
    }
  }
}

function runMarkerDetector(d: MarkerDetector, text: string, p: number): SecretHit | undefined {
  const at = p - (d.back ?? 0);
  if (at < 0) return undefined;
  if (d.wordStart !== false && at > 0 && isWordChar(text.charCodeAt(at - 1))) return undefined;
  d.pattern.lastIndex = at;
  const m = d.pattern.exec(text);
  if (!m) return undefined;
  let start = m.index;
  let value = m[0];
  const g = m.indices?.groups?.s;
  if (g) {
    start = g[0];
    value = text.slice(g[0], g[1]);
  }
  if (isPlaceholder(value) || isHashAt(text, start)) return undefined;
  let label = d.label;
  let severity = d.severity;
  let note: string | undefined;
  let prefix = d.prefix;
  if (d.check) {
    const r = d.check(value);
    if (r === false) return undefined;
    if (typeof r === 'object') {
      label = r.label ?? label;
      severity = r.severity ?? severity;
      note = r.note;
      prefix = r.prefix ?? prefix;
    }
  }
  return {
    detector: d.id,
    rule: d.rule,
    label,
    severity,
    start,
    end: start + value.length,
    value,
    prefix,
    note,
    priority: d.priority ?? 100,
  };
}

const PEM_BEGIN = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |DH |SSH2 )?PRIVATE KEY(?: BLOCK)?)-----/y;
const SERVICE_ACCOUNT = /"type"\s{0,8}:\s{0,8}"service_account"/;
const PEM_PLACEHOLDER = /\.\.\.|…|<[^<>\n]{0,64}>|x{6}|X{6}/;

/** Where the next `-----END <type>-----` of the current text is, so each search covers new text only. */
let endText: string | undefined;
const nextEnd = new Map<string, number>();

function endOf(text: string, marker: string, from: number): number {
  if (text !== endText) {
    endText = text;
    nextEnd.clear();
  }
  const known = nextEnd.get(marker);
  if (known !== undefined && (known === -1 || known >= from)) return known;
  const found = text.indexOf(marker, from);
  nextEnd.set(marker, found);
  return found;
}

function privateKeyAt(text: string, p: number): SecretHit | undefined {
  PEM_BEGIN.lastIndex = p;
  const m = PEM_BEGIN.exec(text);
  if (!m) return undefined;
  const type = m[1];
  const endMarker = `-----END ${type}-----`;
  const bodyStart = p + m[0].length;
  const endIdx = endOf(text, endMarker, bodyStart);
  if (endIdx < 0 || endIdx - p > 65536) return undefined;
  const end = endIdx + endMarker.length;
  const body = text.slice(bodyStart, endIdx);
  if (PEM_PLACEHOLDER.test(body)) return undefined;
  const lines = body.split(/\\r\\n|\\n|\r?\n/);
  const headers = lines.filter((l) => /^[\w-]+:\s/.test(l.trim()));
  const b64 = lines
    .filter((l) => !/^[\w-]+:\s/.test(l.trim()))
    .join('')
    .replace(/[\s"',+\\]/g, '');
  const base64Chars = b64.replace(/[^A-Za-z0-9+/=]/g, '').length;
  if (base64Chars < 64 || base64Chars < b64.length * 0.9) return undefined;
  let encrypted = type.startsWith('ENCRYPTED') || headers.some((h) => /ENCRYPTED/.test(h));
  if (type.startsWith('OPENSSH')) encrypted = opensshEncrypted(b64);
  const kind = type.replace(/ ?PRIVATE KEY(?: BLOCK)?$/, '').trim();
  const before = text.slice(Math.max(0, p - 40), p);
  if (/"private_key"\s{0,4}:\s{0,4}"$/.test(before) && isServiceAccountFile(text)) {
    const email = serviceAccountEmail(text);
    return {
      detector: 'gcp-service-account-key',
      rule: 'google-cloud-credential',
      label: 'Google Cloud service account private key',
      severity: 'critical',
      start: p,
      end,
      value: text.slice(p, end),
      prefix: -2,
      note: email ? `service account ${email}` : undefined,
      priority: 110,
    };
  }
  const label = `${kind === 'ENCRYPTED' || kind === '' ? 'PKCS#8' : kind === 'PGP' ? 'PGP' : kind === 'OPENSSH' ? 'OpenSSH' : kind} private key${encrypted ? ' (passphrase-protected)' : ''}`;
  return {
    detector: 'private-key',
    rule: 'private-key',
    label,
    severity: encrypted ? 'medium' : 'critical',
    start: p,
    end,
    value: text.slice(p, end),
    prefix: -2,
    priority: 110,
  };
}

/** The file's client_email, searched once per text (searched at each key, n keys took n passes over the file). */
let emailText: string | undefined;
let emailResult: string | undefined;

function serviceAccountEmail(text: string): string | undefined {
  if (text !== emailText) {
    emailText = text;
    emailResult = /"client_email"\s{0,8}:\s{0,8}"([^"\s]{1,200})"/.exec(text)?.[1];
  }
  return emailResult;
}

let saText: string | undefined;
let saResult = false;

function isServiceAccountFile(text: string): boolean {
  if (text !== saText) {
    saText = text;
    saResult = SERVICE_ACCOUNT.test(text);
  }
  return saResult;
}

function opensshEncrypted(b64: string): boolean {
  try {
    const buf = Buffer.from(b64.slice(0, 200), 'base64');
    const magic = 'openssh-key-v1\0';
    if (buf.subarray(0, magic.length).toString('latin1') !== magic) return false;
    const len = buf.readUInt32BE(magic.length);
    const cipher = buf.subarray(magic.length + 4, magic.length + 4 + len).toString('latin1');
    return cipher !== 'none';
  } catch {
    return false;
  }
}

// JWTs ------------------------------------------------------------------------------------------

interface JwtInfo {
  hit: SecretHit;
  alg: string;
  signingInput: string;
  signature: string;
}

function isB64Url(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

function runEnd(text: string, from: number, max: number): number {
  let i = from;
  const limit = Math.min(text.length, from + max);
  while (i < limit && isB64Url(text.charCodeAt(i))) i++;
  return i;
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A JWT at `p`, or the end of the run of base64url characters examined when there is none. */
function jwtAt(text: string, p: number): JwtInfo | number | undefined {
  if (p > 0 && isB64Url(text.charCodeAt(p - 1))) return runEnd(text, p, 8192);
  const h = runEnd(text, p, 8192);
  if (text.charCodeAt(h) !== 46 /* . */ || h - p < 10) return h;
  const pl = runEnd(text, h + 1, 16384);
  if (pl - h - 1 < 4 || text.charCodeAt(pl) !== 46) return pl;
  const sig = runEnd(text, pl + 1, 2048);
  if (sig < text.length && (isB64Url(text.charCodeAt(sig)) || text.charCodeAt(sig) === 46)) return sig;
  const header = decodeJsonPart(text.slice(p, h));
  const payload = decodeJsonPart(text.slice(h + 1, pl));
  if (!header || !payload || typeof header.alg !== 'string') return sig;
  // The example token of jwt.io and of countless tutorials.
  if (payload.sub === '1234567890' && payload.name === 'John Doe') return sig;
  const alg = header.alg;
  const signature = text.slice(pl + 1, sig);
  let severity: Severity = 'medium';
  const notes = [`alg ${alg}`];
  if (alg.toLowerCase() === 'none' || signature.length === 0) {
    severity = 'low';
    notes.push('unsigned');
  }
  if (payload.role === 'service_role') {
    severity = 'high';
    notes.push('role service_role');
  }
  if (typeof payload.exp === 'number') {
    const date = new Date(payload.exp * 1000);
    if (Number.isFinite(date.getTime())) {
      const iso = date.toISOString().slice(0, 10);
      if (date.getTime() < Date.now()) {
        severity = 'low';
        notes.push(`expired ${iso}`);
      } else notes.push(`expires ${iso}`);
    }
  } else notes.push('no expiry');
  const hit: SecretHit = {
    detector: 'jwt',
    rule: 'jwt-token',
    label: 'JSON Web Token',
    severity,
    start: p,
    end: sig,
    value: text.slice(p, sig),
    prefix: 3,
    note: notes.join(', '),
    priority: 90,
  };
  return { hit, alg, signingInput: text.slice(p, pl), signature };
}

const HMAC_ALGS: Readonly<Record<string, string>> = lookupTable({ HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' });

/** An HS* token's signing secret: an assigned value that verifies its signature, or a `jwt_secret`. */
function findJwtSecrets(all: JwtInfo[], assignments: Assignment[], text: string, hits: SecretHit[]): void {
  const jwts = all.filter((j) => HMAC_ALGS[j.alg]).slice(0, 20);
  if (jwts.length === 0) return;
  for (const a of assignments.slice(0, 200)) {
    const value = text.slice(a.start, a.end);
    if (value.length < 4 || isReference(value)) continue;
    for (const j of jwts) {
      const hash = HMAC_ALGS[j.alg];
      if (!hash || j.hit.start === a.start) continue;
      const mac = createHmac(hash, value).update(j.signingInput).digest('base64url');
      if (mac !== j.signature) continue;
      hits.push({
        detector: 'jwt-signing-secret',
        rule: 'jwt-token',
        label: 'JWT signing secret',
        severity: 'critical',
        start: a.start,
        end: a.end,
        value,
        prefix: 0,
        note: `verified: it signs the ${j.alg} token on the same page`,
        priority: 95,
      });
      break;
    }
  }
}

// URLs with credentials ---------------------------------------------------------------------------

const URL_USERINFO = /(?<u>[^\s:@/?#"'<>`\\]{0,128}):(?<pw>[^\s@/?#"'<>`\\]{1,256})@(?<h>[^\s/?#:"'<>`@\\]{1,253})/dy;
const DB_SCHEMES: Readonly<Record<string, string>> = lookupTable({
  postgres: 'PostgreSQL',
  postgresql: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  mongodb: 'MongoDB',
  'mongodb+srv': 'MongoDB',
  redis: 'Redis',
  rediss: 'Redis',
  amqp: 'AMQP',
  amqps: 'AMQP',
  mssql: 'SQL Server',
  sqlserver: 'SQL Server',
  oracle: 'Oracle',
  clickhouse: 'ClickHouse',
  cockroachdb: 'CockroachDB',
  neo4j: 'Neo4j',
  'neo4j+s': 'Neo4j',
  bolt: 'Neo4j',
  cassandra: 'Cassandra',
  couchdb: 'CouchDB',
  snowflake: 'Snowflake',
  kafka: 'Kafka',
  nats: 'NATS',
  memcached: 'Memcached',
});
/** `somepassword`, `authpassword`, `mysecret1`: a word for the password, as documentation writes it. */
const PASSWORD_WORD = /^(?:some|my|your|the|auth|user|db|admin|example|test)?(?:password|passwd|secret)[0-9]{0,3}$/i;
/**
 * `Password123!`, `key_1234`, `P@ssw0rd1`: a word for the password with a short number. An example in
 * documentation (README, .md/.rst, docs/), but a weak password that is really used in a .env, compose
 * file or ConfigMap, and reported there.
 */
const DOC_PASSWORD_WORD =
  /^(?:some|my|your|the|auth|user|db|admin|example|test)?[_-]?(?:password|passw0rd|p@ssw0rd|passwd|pass|secret|key|token)[_-]?[0-9]{0,4}[!?.#*]?$/i;
const DOCUMENTATION_PATH =
  /(?:^|[\\/])(?:docs?|documentation)[\\/]|(?:^|[\\/])readme(?:\.[\w-]{1,12})?$|\.(?:md|mdx|markdown|rst|adoc|asciidoc)$/i;

function isPasswordWord(pw: string, docs: boolean): boolean {
  return PASSWORD_WORD.test(pw) || (docs && DOC_PASSWORD_WORD.test(pw));
}
const PASSWORD_PLACEHOLDER = /^(?:password|passwd|pass|pwd|secret|changeme|pw|p@ssw0rd|user|username|token|\*+|x+|\.+|_+|-+|<.*>|\[.*\])$/i;
const LOCAL_HOST =
  /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal|[\w.-]*\.local|db|database|postgres|mysql|redis|mongo|mongodb)$/i;
/** Reserved for documentation (RFC 2606, RFC 6761): credentials there are examples. */
const KNOWN_DOCUMENTATION_HOSTS = new Set(DOCUMENTATION_HOSTS.map((h) => h.value));
const DOCUMENTATION_HOST = /(?:^|\.)(?:example(?:\.(?:com|org|net))?|test|invalid)$/i;

function urlCredentialsAt(text: string, p: number, docs: boolean): SecretHit | undefined {
  let s = p;
  while (s > 0 && p - s < 32) {
    const c = text.charCodeAt(s - 1);
    if (!(isWordChar(c) || c === 43 || c === 46 || c === 45) || c === 95) break;
    s--;
  }
  const rawScheme = text.slice(s, p).toLowerCase();
  if (!/^[a-z]/.test(rawScheme)) return undefined;
  URL_USERINFO.lastIndex = p + 3;
  const m = URL_USERINFO.exec(text);
  if (!m) return undefined;
  const [pwStart, pwEnd] = m.indices!.groups!.pw;
  const pw = text.slice(pwStart, pwEnd);
  const user = m.groups!.u;
  const host = m.groups!.h;
  if (pw.length < 4 || PASSWORD_PLACEHOLDER.test(pw) || isPlaceholder(pw) || isReference(pw) || /^\d{1,5}$/.test(pw) || pw.includes('${'))
    return undefined;
  if (pw.toLowerCase() === user.toLowerCase() || isPasswordWord(pw, docs)) return undefined;
  // A dotenv-vault DOTENV_KEY (dotenv://:key_<64 hex>@dotenvx.com/vault/…); anything shorter is an example.
  if (rawScheme === 'dotenv' && !/^key_[0-9a-f]{64}$/i.test(pw)) return undefined;
  if (
    DOCUMENTATION_HOST.test(host) ||
    KNOWN_DOCUMENTATION_HOSTS.has(host.toLowerCase()) ||
    /[{}$%<]/.test(host) ||
    (user !== '' && isPlaceholder(user))
  )
    return undefined;
  const scheme = rawScheme.replace(/\+(?!srv$|s$).*$/, '');
  const db = DB_SCHEMES[scheme];
  const local = LOCAL_HOST.test(host);
  let severity: Severity = db ? 'high' : 'medium';
  if (local) severity = 'low';
  return {
    detector: db ? 'database-url-password' : 'url-password',
    rule: 'credentials-in-url',
    label: db ? `${db} connection URL password` : `${scheme.toUpperCase()} URL password`,
    severity,
    start: pwStart,
    end: pwEnd,
    value: pw,
    prefix: 0,
    note: `user '${user.slice(0, 32)}' at ${host.slice(0, 64)}${local ? ' (local development host)' : ''}`,
    priority: 80,
  };
}

// ---------------------------------------------------------------------------------------------
// Assignment-gated detectors: `NAME = value`, `name: value`, `"name": "value"`, `ENV NAME value`,
// Kubernetes `- name: NAME` / `value: …` pairs.

function isKeyChar(c: number): boolean {
  return isWordChar(c) || c === 46 || c === 45;
}

function lineBounds(text: string, i: number): [number, number] {
  const ls = text.lastIndexOf('\n', i - 1) + 1;
  let le = text.indexOf('\n', i);
  if (le < 0) le = text.length;
  return [ls, le];
}

class AssignmentScan {
  readonly assignments: Assignment[] = [];
  private lastKeyEnd = -1;
  private lineStart = -1;
  private lineEnd = -1;
  constructor(
    private readonly text: string,
    private readonly opts: FindOptions,
  ) {}

  hit(h: number, keyword: string): void {
    if (h < this.lastKeyEnd) return;
    const text = this.text;
    if (h >= this.lineEnd) [this.lineStart, this.lineEnd] = lineBounds(text, h);
    const { lineStart, lineEnd } = this;
    if (lineEnd - lineStart > MAX_LINE_LENGTH) {
      this.lastKeyEnd = lineEnd;
      return;
    }
    let ks = h;
    while (ks > lineStart && h - ks < 80 && isKeyChar(text.charCodeAt(ks - 1))) ks--;
    let ke = h + keyword.length;
    while (ke < lineEnd && ke - h < 80 && isKeyChar(text.charCodeAt(ke))) ke++;
    this.lastKeyEnd = ke;
    const a = readAssignment(text, ks, ke, lineStart, lineEnd, this.opts);
    if (a) {
      this.assignments.push({ ...a, lineStart, lineEnd });
      return;
    }
    const arg = PROVIDER.has(keyword) ? callArgument(text, ke, lineEnd, this.opts) : undefined;
    if (!arg) return;
    this.assignments.push({ ...arg, lineStart, lineEnd });
    // The argument's own name (`key=` in `wandb.login(key="…")`) is the same assignment.
    this.lastKeyEnd = arg.end;
  }
}

const PROVIDER = new Set(PROVIDER_STEMS);
const CALL_ARGUMENT = /\([ \t]{0,4}(?:([A-Za-z_]\w{0,20})[ \t]{0,2}=(?!=)[ \t]{0,2})?/y;

/**
 * The key passed to a provider's client or login call as a string literal: `wandb.login(key="…")`,
 * `cohere.ClientV2("…")`. A positional argument is named `key`, which only a provider detector takes.
 */
function callArgument(text: string, ke: number, lineEnd: number, opts: FindOptions): RawAssignment | undefined {
  CALL_ARGUMENT.lastIndex = ke;
  const m = CALL_ARGUMENT.exec(text);
  if (!m) return undefined;
  const name = m[1] ?? 'key';
  if (!API_KEY_NAME.test(name.toLowerCase())) return undefined;
  return readValue(text, name, ke + m[0].length, lineEnd, opts, true);
}

function skipSpaces(text: string, i: number, end: number): number {
  let j = i;
  while (j < end && j - i < 16 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  return j;
}

const SPACE_ASSIGN_LINE = /^\s*(?:ENV|ARG|export|set|setenv|SetEnv)\s+["']?$/;
const YAML_NAME_LINE = /^\s*-?\s*["']?name["']?\s*:\s*["']?$/;
const YAML_VALUE_LINE = /[ \t]*["']?value["']?[ \t]*:[ \t]*/y;

type RawAssignment = Omit<Assignment, 'lineStart' | 'lineEnd'>;

/**
 * A keyword in the last segment of a longer name that is not assigned: a qualified type name
 * (`AWS::ApiGateway::ApiKey`), an ARN (`arn:aws:secretsmanager:…:secret:…`), a list item
 * (`"bedrock-agentcore:GetWorkloadAccessToken",`) or a glob path (`users.*.password`). A flat
 * configuration key (`"Smtp:Password": "…"` of .NET user secrets) still assigns, and so does `=`
 * (`$env:API_TOKEN = …`, `p:password="…"`, `Config::TOKEN = …`).
 */
function isNameFragment(text: string, ks: number, key: string, op: string, lineStart: number): boolean {
  const before = text.charCodeAt(ks - 1);
  if (before === 42 /* * */) return key.startsWith('.');
  if (before !== 58 /* : */) return false;
  const c = text.charCodeAt(ks - 2);
  if (c === 58 || op === ',') return true;
  if (!isKeyChar(c)) return false;
  let qs = ks - 1;
  while (qs > lineStart && ks - qs < 200 && (isKeyChar(text.charCodeAt(qs - 1)) || text.charCodeAt(qs - 1) === 58)) qs--;
  return /^arn:/i.test(text.slice(qs, qs + 4));
}

function readAssignment(
  text: string,
  ks: number,
  ke: number,
  lineStart: number,
  lineEnd: number,
  opts: FindOptions,
): RawAssignment | undefined {
  const key = text.slice(ks, ke);
  let i = ke;
  // closing quote or bracket of the key: "KEY": / ['KEY'] =
  while (i < lineEnd && i - ke < 2 && (text[i] === '"' || text[i] === "'" || text[i] === '`' || text[i] === ']')) i++;
  const afterKey = i;
  i = skipSpaces(text, i, lineEnd);
  const c = text[i];
  let op = '';
  if (c === '=' && text[i + 1] !== '=' && text[i + 1] !== '~') op = '=';
  else if (c === ':' && text[i + 1] === '=') op = ':=';
  else if (c === ':' && text[i + 1] !== ':') op = ':';
  else if (c === '=' && text[i + 1] === '>') op = '=>';
  else if (c === '?' && text[i + 1] === '=') op = '?=';
  else if (c === ',') op = ',';
  if ((op === ':' || op === ',') && isNameFragment(text, ks, key, op, lineStart)) return undefined;
  if (op === ',') {
    // ("KEY", "value") / {"name": "KEY", "value": "…"}
    const j = skipSpaces(text, i + 1, lineEnd);
    const nameValue = /^"value"\s{0,4}:\s{0,4}/.exec(text.slice(j, Math.min(lineEnd, j + 24)));
    if (nameValue) return readValue(text, key, j + nameValue[0].length, lineEnd, opts, true);
    if (text[j] !== '"' && text[j] !== "'") return undefined;
    return readValue(text, key, j, lineEnd, opts, true);
  }
  if (op) return readValue(text, key, skipSpaces(text, i + op.length, lineEnd), lineEnd, opts, false);
  if (i > afterKey && SPACE_ASSIGN_LINE.test(text.slice(lineStart, ks))) return readValue(text, key, i, lineEnd, opts, false);
  if (i >= lineEnd || text[i] === '\r') {
    if (!YAML_NAME_LINE.test(text.slice(lineStart, ks))) return undefined;
    const next = lineEnd + 1;
    if (next >= text.length) return undefined;
    const [, nextEnd] = lineBounds(text, next);
    YAML_VALUE_LINE.lastIndex = next;
    const vm = YAML_VALUE_LINE.exec(text);
    if (!vm || nextEnd - next > MAX_LINE_LENGTH) return undefined;
    return readValue(text, key, next + vm[0].length, nextEnd, opts, false);
  }
  return undefined;
}

const VALUE_STOP = new Set([' ', '\t', '\r', '\n', ',', ';', '"', "'", '`', ')', '}', ']', '<', '>']);

function readValue(
  text: string,
  key: string,
  from: number,
  lineEnd: number,
  opts: FindOptions,
  requireQuote: boolean,
): RawAssignment | undefined {
  let i = from;
  if ((text[i] === 'b' || text[i] === 'r' || text[i] === 'u') && (text[i + 1] === '"' || text[i + 1] === "'")) i++;
  const q = text[i];
  let start: number;
  let end: number;
  let quoted = false;
  if (q === '"' || q === "'" || q === '`') {
    start = i + 1;
    end = start;
    while (end < lineEnd && end - start <= MAX_VALUE && text[end] !== q) end++;
    if (text[end] !== q || end - start > MAX_VALUE) return undefined;
    quoted = true;
  } else {
    if (requireQuote || opts.isCode) return undefined;
    // YAML: `*alias` refers to a value defined elsewhere; `&anchor value` names the value that follows.
    if (q === '*') return undefined;
    if (q === '&') {
      while (i < lineEnd && i - from <= 128 && text[i] !== ' ' && text[i] !== '\t') i++;
      i = skipSpaces(text, i, lineEnd);
      if (i >= lineEnd || text[i] === '\r' || text[i] === '#') return undefined;
      return readValue(text, key, i, lineEnd, opts, false);
    }
    start = i;
    end = i;
    while (end < lineEnd && end - start <= MAX_VALUE && !VALUE_STOP.has(text[end])) end++;
    if (end - start > MAX_VALUE) return undefined;
  }
  // Authorization: Bearer <token>
  const auth = /^(?:bearer|basic|token)\s+/i.exec(text.slice(start, Math.min(end, start + 10)));
  if (auth) start += auth[0].length;
  if (end <= start) return undefined;
  return { key: key.replace(/^[-"'`[]+/, ''), start, end, quoted };
}

function classifyAssignments(text: string, assignments: Assignment[], hits: SecretHit[], opts: FindOptions): void {
  let azure: boolean | undefined;
  let secretManifest: boolean | undefined;
  let docs: boolean | undefined;
  const lock = isLockFile(opts.path);
  for (const a of assignments) {
    const value = text.slice(a.start, a.end);
    if (value.length < 8 || isReference(value) || isHashAt(text, a.start)) continue;
    const key = a.key.toLowerCase();
    let hit: SecretHit | undefined;
    let line: string | undefined;
    let parent: string | undefined;
    for (const d of CONTEXT_DETECTORS) {
      if (!d.value.test(value)) continue;
      if (!d.key.test(key)) {
        if (!API_KEY_NAME.test(key)) continue;
        line ??= text.slice(a.lineStart, Math.min(a.lineEnd, a.lineStart + 400)).toLowerCase();
        if (!d.key.test(line.replace(/^\s*(?:[\w.-]+\s*[=:]\s*)?/, ''))) {
          if (parent === undefined) parent = parentKeyOf(text, a.lineStart).toLowerCase();
          if (!parent || !d.key.test(parent)) continue;
        }
      }
      if (isPlaceholder(value) || entropy(value) < (d.minEntropy ?? 3)) continue;
      hit = {
        detector: d.id,
        rule: d.rule,
        label: d.label,
        severity: d.severity,
        start: a.start,
        end: a.end,
        value,
        prefix: d.prefix ?? 0,
        priority: 70,
      };
      break;
    }
    if (
      !hit &&
      /^[0-9a-f]{32}$/.test(value) &&
      /api.?key|key$/.test(key) &&
      (azure ??= /\.(?:openai|cognitiveservices)\.azure\.com/.test(text))
    ) {
      hit = {
        detector: 'azure-openai-key',
        rule: 'azure-credential',
        label: 'Azure OpenAI / AI services key',
        severity: 'high',
        start: a.start,
        end: a.end,
        value,
        prefix: 0,
        priority: 70,
        note: 'next to an Azure endpoint',
      };
    }
    if (
      !hit &&
      JWT_SECRET_KEY.test(key) &&
      value.length >= 16 &&
      !isPlaceholder(value) &&
      entropy(value) >= 3 &&
      charClasses(value) >= 2 &&
      !isKeyClassName(value)
    ) {
      hit = {
        detector: 'jwt-signing-secret',
        rule: 'jwt-token',
        label: 'JWT signing secret',
        severity: 'high',
        start: a.start,
        end: a.end,
        value,
        prefix: 0,
        priority: 65,
      };
    }
    if (!hit && !lock && !((secretManifest ??= SECRET_KIND.test(text)) && inSecretManifestData(text, a.lineStart)))
      hit = genericCandidate(text, a, key, value, (docs ??= DOCUMENTATION_PATH.test(opts.path)));
    if (hit) hits.push(hit);
  }
}

const YAML_PARENT = /^[ \t]*-?[ \t]*["']?([\w.-]{1,80})["']?[ \t]*:[ \t]*(?:#.*)?$/;
const TOML_TABLE = /^[ \t]*\[\[?[ \t]*([\w."' -]{1,120})\]/;

/**
 * The line that the line at `lineStart` is nested under: the first line before it (at most `max` back,
 * blank lines and `#` comments skipped) that is less indented or that `header` matches whatever its
 * indent (a TOML table); without its line end, `\r` included, and at most 200 characters. '' when none.
 */
function enclosingLine(text: string, lineStart: number, max: number, header?: RegExp): string {
  const indent = (ls: number) => {
    let i = ls;
    while (text[i] === ' ' || text[i] === '\t') i++;
    return i - ls;
  };
  const own = indent(lineStart);
  let ls = lineStart;
  for (let k = 0; k < max && ls > 0; k++) {
    ls = text.lastIndexOf('\n', ls - 2) + 1;
    const le = text.indexOf('\n', ls);
    let line = text.slice(ls, Math.min(le === -1 ? text.length : le, ls + 200));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (header?.test(line) || indent(ls) < own) return line;
  }
  return '';
}

/**
 * The name of the mapping a key belongs to: the YAML key the line is indented under (`mistral:` /
 * `  apiKey: …` in Helm values) or the TOML table (`[wandb]`), read over at most 64 lines back;
 * '' when there is none.
 */
function parentKeyOf(text: string, lineStart: number): string {
  const line = enclosingLine(text, lineStart, 64, TOML_TABLE);
  return (TOML_TABLE.exec(line) ?? YAML_PARENT.exec(line))?.[1] ?? '';
}

const SECRET_KIND = /^kind:[ \t]*["']?Secret["']?[ \t]*$/m;
const DATA_KEY = /^[ \t]*(?:data|stringData):[ \t]*$/;

/**
 * True when the line (of a file with a `kind: Secret` document) is a value of a Secret's
 * `data`/`stringData`: those values are reported, decoded, by the Secret manifest rule.
 */
function inSecretManifestData(text: string, lineStart: number): boolean {
  return DATA_KEY.test(enclosingLine(text, lineStart, 500));
}

/** A line that is a comment in the common syntaxes: what it assigns is an example, not configuration. */
const COMMENT_LINE = /^[ \t]*(?:#|\/\/|\/\*|\*[ \t]|--[ \t]|;|<!--|REM[ \t]|rem[ \t])/;
/** The name of an environment variable (`AZURE_OPENAI_API_KEY_2`): a reference to where the value is. */
const ENV_VAR_NAME = /^[A-Z][A-Z0-9_]*[A-Z0-9]$/;
const PATH_CHARS = /^[\w.@/-]+$/;
const HOST_SEGMENT = /^[a-z0-9][a-z0-9.-]*\.[a-z]{2,12}$/;
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|py|go|rb|java|json|ya?ml|toml|proto|so|dll|node)$/;
const PYTHON_ENTRY_POINT = /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/;

/** Module paths: `github.com/org/repo/pkg`, `@scope/pkg/dist/x.js`, `lib/auth/tokens.py`, `pkg.module:Class`. */
function isModulePath(value: string): boolean {
  if (PYTHON_ENTRY_POINT.test(value)) return !value.includes('..');
  if (!value.includes('/') || !PATH_CHARS.test(value)) return false;
  if (value.startsWith('@') || SOURCE_FILE.test(value)) return true;
  return HOST_SEGMENT.test(value.slice(0, value.indexOf('/')));
}

const VOWELS = 'aeiouy';
const ARN = /^arn:aws[a-z-]{0,16}:[a-z0-9-]{0,64}:/;

/**
 * An ARN, or a module path with its export (`aws-cdk-lib/aws-route53.CfnKeySigningKey`): the names a
 * signing-key setting may hold. Words joined by dots alone (`my.super.secret.key`) are a weak key, not a name.
 */
function isKeyClassName(value: string): boolean {
  return ARN.test(value) || (/[/:]/.test(value) && /[a-z][A-Z]/.test(value) && isIdentifierName(value));
}

/**
 * A name made of words rather than random characters, in segments joined by `/`, `:` or `.`: an
 * npm module path with its export (`aws-cdk-lib/aws-route53.CfnKeySigningKey`), a feature flag
 * (`@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials`), an IAM action
 * (`bedrock-agentcore:GetWorkloadAccessTokenForJWT`), an ARN. Words are split at separators and case
 * changes; a digit run ends a word (`route53`, `Oauth2Token`). Random strings fail: a digit run is
 * followed by a lower-case letter (`a8f3`), or a lone letter makes a word (`wJalrXUtn…`: `w`, `X`).
 */
export function isIdentifierName(value: string): boolean {
  if (ARN.test(value)) return true;
  let structural = false;
  let words = 0;
  let letters = 0;
  let wordLetters = 0;
  let upperRun = 0;
  let vowel = false;
  const endWord = (): boolean => {
    if (wordLetters === 0) return true;
    words++;
    letters += Math.min(wordLetters, 5);
    const ok = wordLetters > 1 && (wordLetters < 5 || upperRun > 0 || vowel);
    wordLetters = 0;
    upperRun = 0;
    vowel = false;
    return ok;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    const lower = c >= 97 && c <= 122;
    if (c >= 48 && c <= 57) {
      const prev = value.charCodeAt(i - 1);
      const lone = wordLetters === 1 && !(prev >= 97 && prev <= 122);
      if (wordLetters > 0 && (lone || !endWord())) return false;
      let j = i;
      while (j + 1 < value.length && value.charCodeAt(j + 1) >= 48 && value.charCodeAt(j + 1) <= 57) j++;
      // `route53globalresolver`: a word may follow digits, a run of a few random letters may not
      let k = j + 1;
      while (k < value.length && value.charCodeAt(k) >= 97 && value.charCodeAt(k) <= 122) k++;
      if (k > j + 1 && k - j - 1 < 4) return false;
      i = j;
    } else if (upper) {
      if (upperRun === 0 && wordLetters > 0 && !endWord()) return false;
      upperRun++;
      wordLetters++;
    } else if (lower) {
      // `JWTToken`: the last capital of a run starts the next word
      if (upperRun > 1) {
        wordLetters--;
        if (!endWord()) return false;
        wordLetters = 1;
      }
      upperRun = 0;
      wordLetters++;
      vowel ||= VOWELS.includes(value[i]);
    } else if (c === 47 || c === 58 || c === 46 || c === 45 || c === 95 || (c === 64 && i === 0)) {
      if (c === 47 || c === 58 || c === 46) structural = true;
      if (!endWord()) return false;
    } else return false;
  }
  return endWord() && structural && words >= 2 && letters >= 3 * words;
}

/** A Kubernetes object name (DNS-1123) with a hyphen: under a `…Secret`/`…SecretRef` key it names a Secret. */
const K8S_NAME = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;
const SECRET_REFERENCE_KEY = /.(?:secret|credentials?)(?:[_.-]?(?:name|ref|key|keys))?$/;

/**
 * A value in the format of a provider whose tokens carry a checksum or a fixed structure (GitHub, npm,
 * PyPI, Slack), which its detector rejected: a placeholder in the provider's shape, not a secret of unknown kind.
 */
function failsFormatCheck(value: string): boolean {
  if (CHECKSUM_PREFIX.test(value)) return !validGithubChecksum(value);
  if (value.startsWith('pypi-')) return !validPypiToken(value);
  if (value.startsWith('xox')) return !validSlackLayout(value);
  return false;
}
const CHECKSUM_PREFIX = /^(?:gh[pousr]|npm)_/;

/** An HTTP header or parameter name (`X-Amz-S3session-Token`): capitalised words joined by hyphens. */
function isHeaderName(value: string): boolean {
  const parts = value.split('-');
  return parts.length >= 2 && parts.every((p) => HEADER_WORD.test(p));
}
const HEADER_WORD = /^[A-Z][a-z0-9]{0,20}$|^[A-Z]{1,4}$/;

/** A query parameter of a URL inside a Markdown link or image (`[![badge](https://…/badge.svg?token=…)](…)`): published on purpose. */
function inMarkdownLink(text: string, a: Assignment): boolean {
  if (text.charCodeAt(a.start - 1) !== 61 /* = */) return false;
  const before = text.charCodeAt(a.start - a.key.length - 2);
  if (before !== 63 /* ? */ && before !== 38 /* & */) return false;
  const open = text.lastIndexOf('](', a.start);
  return open >= a.lineStart && text.indexOf(')', open) > a.start;
}

/**
 * `Authorization: Basic <base64>` whose decoded password would not be reported as a password
 * (`username:password`, `aladdin:opensesame`): the encoding makes any example look random.
 */
function weakBasicCredentials(text: string, start: number, value: string, docs: boolean): boolean {
  if (!/basic\s{1,4}$/i.test(text.slice(Math.max(0, start - 10), start)) || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0 || !/^[\x20-\x7e]+$/.test(decoded)) return false;
  const pw = decoded.slice(colon + 1);
  return (
    pw.length < 8 ||
    charClasses(pw) < 2 ||
    entropy(pw) < 2.5 ||
    isPlaceholder(pw) ||
    isPasswordWord(pw, docs) ||
    PASSWORD_PLACEHOLDER.test(pw) ||
    pw.toLowerCase() === decoded.slice(0, colon).toLowerCase()
  );
}

/** True when `value` spells `key` in another case convention (`oauth2MetadataSecrets: "oauth2_metadata_secrets"`). */
function isNameMapping(key: string, value: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return norm(value) === norm(key);
}

function genericCandidate(text: string, a: Assignment, key: string, value: string, docs: boolean): SecretHit | undefined {
  if (!GENERIC_KEY.test(key) || GENERIC_KEY_EXCLUDED.test(key) || GENERIC_KEY_EXCLUDED_PREFIX.test(a.key)) return undefined;
  if (COMMENT_LINE.test(text.slice(a.lineStart, Math.min(a.lineEnd, a.lineStart + 64)))) return undefined;
  if ((ENV_VAR_NAME.test(value) && value.includes('_')) || isModulePath(value) || isNameMapping(a.key, value)) return undefined;
  const password = PASSWORD_KEY.test(key);
  if (value.length < (password ? 8 : 16)) return undefined;
  if (isIdentifierName(value)) return undefined;
  if (SECRET_REFERENCE_KEY.test(key) && value.includes('-') && K8S_NAME.test(value)) return undefined;
  if (failsFormatCheck(value) || isHeaderName(value) || inMarkdownLink(text, a)) return undefined;
  if (isPasswordWord(value, docs) || weakBasicCredentials(text, a.start, value, docs)) return undefined;
  if (isPlaceholder(value) || isUuid(value)) return undefined;
  if (/\s/.test(value) || /^(?:true|false|null|none|nil|undefined|yes|no|on|off)$/i.test(value)) return undefined;
  // identifiers, dotted paths, regular expressions, URNs and code fragments rather than values
  if (/^[a-z]+(?:[_-][a-z0-9]+)+$/.test(value) || /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+$/.test(value)) return undefined;
  if (/[[\]{}()\\]/.test(value) || /^[^A-Za-z0-9+/_!#%&*@~-]/.test(value) || /^urn:/i.test(value)) return undefined;
  if (/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(value)) return undefined;
  if (/^(?:https?|file|s3|gs):\/\//i.test(value) || /^[./~]/.test(value) || /^\d+(?:\.\d+)*$/.test(value)) return undefined;
  if (/^[A-Za-z_.:-]+$/.test(value) && !(value.length >= 32 && entropy(value) >= 4)) return undefined;
  if (/^[a-z][a-zA-Z]*(?:\.[a-zA-Z_]\w*)+(?:\(\))?$/.test(value)) return undefined;
  if (/[(){}[\]$]/.test(value) && !a.quoted) return undefined;
  if (charClasses(value) < 2) return undefined;
  const h = entropy(value);
  if (h < 2.5) return undefined;
  return {
    detector: password ? 'generic-password' : 'generic-secret',
    rule: 'generic-secret',
    label: password ? 'password' : 'secret',
    severity: 'low',
    start: a.start,
    end: a.end,
    value,
    prefix: 0,
    priority: 10,
    key: a.key,
    entropy: h,
    note: `assigned to '${a.key.slice(0, 60)}'`,
  };
}

// AWS: an access key ID with its secret access key in the few lines around it -----------------------

const AWS_SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

function pairAws(text: string, hits: SecretHit[]): void {
  const ids = hits.filter((h) => h.detector === 'aws-access-key-id').slice(0, 100);
  if (ids.length === 0) return;
  const lines = new LineIndex(text);
  const lineOf = (offset: number) => lines.position(offset).line;
  let secrets = hits.filter((h) => h.detector === 'aws-secret-access-key');
  for (const id of ids) {
    const idLine = lineOf(id.start);
    let paired = secrets.find((s) => Math.abs(lineOf(s.start) - idLine) <= 5);
    if (!paired) {
      const from = nthLineStart(text, id.start, -3);
      const to = nthLineEnd(text, id.end, 3);
      AWS_SECRET_SHAPE.lastIndex = from;
      let m: RegExpExecArray | null;
      while ((m = AWS_SECRET_SHAPE.exec(text)) !== null && m.index < to) {
        const v = m[0];
        if (isPlaceholder(v) || entropy(v) < 4.2 || charClasses(v) < 3 || hits.some((h) => h.start <= m!.index && m!.index < h.end))
          continue;
        paired = {
          detector: 'aws-secret-access-key',
          rule: 'aws-credentials',
          label: 'AWS secret access key',
          severity: 'critical',
          start: m.index,
          end: m.index + v.length,
          value: v,
          prefix: 0,
          priority: 70,
        };
        hits.push(paired);
        secrets = [...secrets, paired];
        break;
      }
    }
    if (paired) {
      id.note = `paired with its secret access key on line ${lineOf(paired.start)}`;
      paired.note = `paired with access key ID ${id.value.slice(0, 6)}… on line ${idLine}`;
    }
  }
}

function nthLineStart(text: string, offset: number, back: number): number {
  let i = offset;
  for (let k = 0; k <= -back && i > 0; k++) i = text.lastIndexOf('\n', i - 1);
  return Math.max(0, i + 1);
}

function nthLineEnd(text: string, offset: number, fwd: number): number {
  let i = offset;
  for (let k = 0; k < fwd; k++) {
    const n = text.indexOf('\n', i + 1);
    if (n === -1) return text.length;
    i = n;
  }
  const n = text.indexOf('\n', i + 1);
  return n === -1 ? text.length : n;
}

/** Every regular expression that runs over scanned text, for the linear-time tests. */
export const SCANNING_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [
  ...MARKER_DETECTORS.map((d) => ({ name: d.id, re: d.pattern })),
  ...CHECK_PATTERNS,
  { name: 'PEM header', re: PEM_BEGIN },
  { name: 'PEM placeholder', re: PEM_PLACEHOLDER },
  { name: 'service account', re: SERVICE_ACCOUNT },
  { name: 'URL user info', re: URL_USERINFO },
  { name: 'AWS secret shape', re: AWS_SECRET_SHAPE },
  { name: 'YAML value line', re: YAML_VALUE_LINE },
  { name: 'comment line', re: COMMENT_LINE },
  { name: 'environment variable name', re: ENV_VAR_NAME },
  { name: 'path characters', re: PATH_CHARS },
  { name: 'host segment', re: HOST_SEGMENT },
  { name: 'source file', re: SOURCE_FILE },
  { name: 'Python entry point', re: PYTHON_ENTRY_POINT },
  { name: 'secret reference key', re: SECRET_REFERENCE_KEY },
  { name: 'checksum prefix', re: CHECKSUM_PREFIX },
  { name: 'header word', re: HEADER_WORD },
  { name: 'password word', re: PASSWORD_WORD },
  { name: 'documentation password word', re: DOC_PASSWORD_WORD },
  { name: 'documentation path', re: DOCUMENTATION_PATH },
  { name: 'Kubernetes name', re: K8S_NAME },
  { name: 'ARN', re: ARN },
  { name: 'YAML parent key', re: YAML_PARENT },
  { name: 'call argument', re: CALL_ARGUMENT },
  { name: 'TOML table', re: TOML_TABLE },
];

// ---------------------------------------------------------------------------------------------

/** Keeps, among overlapping hits, the most specific: clusters of overlaps are resolved one by one. */
function resolveOverlaps(hits: SecretHit[]): SecretHit[] {
  if (hits.length <= 1) return hits;
  const byStart = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretHit[] = [];
  let cluster: SecretHit[] = [];
  let clusterEnd = -1;
  const flush = () => {
    if (cluster.length === 1) out.push(cluster[0]);
    else if (cluster.length > 1) {
      const kept: SecretHit[] = [];
      for (const h of [...cluster].sort((a, b) => b.priority - a.priority || a.start - b.start)) {
        if (kept.some((k) => k.start < h.end && h.start < k.end)) continue;
        kept.push(h);
      }
      for (const item of kept.sort((a, b) => a.start - b.start)) out.push(item);
    }
    cluster = [];
  };
  for (const h of byStart) {
    if (h.start >= clusterEnd) flush();
    cluster.push(h);
    clusterEnd = Math.max(clusterEnd, h.end);
  }
  flush();
  return out;
}

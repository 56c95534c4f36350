import { replaceSpans } from '../core/replace-spans.js';
import { containersOf, findPodSpecs } from '../parsers/k8s/pod-specs.js';
import { credentialKind, namesCredential } from '../rules/kubernetes/lib/credential-names.js';
import { secretsInPlainText, withoutSecrets } from '../rules/secrets/lib/plain-text.js';
import { redact } from '../rules/secrets/lib/values.js';

/**
 * The secret values of the objects a policy reads, so that a message its expressions make (a
 * messageExpression, an error quoting a value) does not show one verbatim: the `data` (as stored, base64, and
 * decoded) and `stringData` of a Secret, the values of environment variables, ConfigMap keys and
 * annotations whose names say they hold a credential (`DB_PASSWORD`, `apiKey`), of credential flags on
 * a command line (`--token VALUE`), and all of these in the `last-applied-configuration` copy of the
 * object an annotation holds. Secrets in a known format are
 * found wherever they are by `withoutSecrets`; these are found by where they are, whatever their form.
 */

type Obj = Record<string, unknown>;

/** A value to mask and what it is, for the redacted text (`Secret data.password hu… (12 chars)`). */
export interface ObjectSecret {
  value: string;
  label: string;
  /** A line of a longer value (searched as a whole; its fragments are the longer value's). */
  part?: boolean;
}

/** Shorter values are not masked: they would cut common words of the message, and say little. */
const MIN_LENGTH = 4;
/**
 * The same for a Secret's value under a key that does not name a credential (`database`, `user`, `ns`):
 * such values are often ordinary words the policy's own text or the object's names contain too.
 */
const MIN_SECRET_LENGTH = 8;
/** Values that are settings, not credentials, under a credential's name (`PASSWORD_AUTH: "true"`). */
const SETTING = /^(?:true|false|yes|no|on|off|none|null|enabled|disabled|\d{1,6})$/i;
/** Values that stand in for a credential (`<token>`, `${VAR}`, `$(VAR)`): nothing to hide. */
const PLACEHOLDER = /^(?:<[^>]*>|\$[A-Za-z_][A-Za-z0-9_]*|\$\(.*\)|\$\{.*\}|\{\{.*\}\})$/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text a base64 value of a Secret's `data` holds, or undefined when it is not base64 of UTF-8 text. */
function decoded(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  try {
    return utf8.decode(Buffer.from(compact, 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * Adds `value` (and its trimmed form, its base64 forms unless `encode` is false, and each long line
 * of a value of several lines) as a secret,
 * but not a form shorter than `min`, a setting (`true`, `8080`), a placeholder (`<token>`) or one of
 * the `shown` values (the object's name, namespace and labels, which are no secret).
 */
function add(out: ObjectSecret[], value: unknown, label: string, min = MIN_LENGTH, shown?: ReadonlySet<string>, encode = true): void {
  if (typeof value !== 'string') return;
  const forms = new Set([value, value.trim()]);
  for (const v of forms)
    if (!ordinary(v, min, shown)) {
      out.push({ value: v, label });
      if (encode) for (const encoded of base64Forms(v)) out.push({ value: encoded, label: `${label} (base64)` });
    }
  if (value.includes('\n'))
    for (const line of value.split(/\r?\n/)) {
      const t = line.trim();
      if (t.length >= 8 && !forms.has(t) && !ordinary(t, min, shown)) out.push({ value: t, label, part: true });
    }
}

/** Values longer than this are not encoded (`base64Forms`). */
const MAX_ENCODED = 64 * 1024;

/**
 * The base64 of `value` (`base64.encode(bytes(value))`), and what stands for it inside the base64 of a
 * longer text (`base64.encode(bytes('user:' + password))`): the encoding depends on where the value
 * starts modulo 3 bytes, so for each of the three alignments, the characters that only the value's
 * bytes decide (the groups of 3 bytes that are the value's alone), when 8 or more.
 */
function base64Forms(value: string): string[] {
  if (value.length < 6 || value.length > MAX_ENCODED) return [];
  const bytes = Buffer.from(value, 'utf8');
  const out = [bytes.toString('base64')];
  for (let shift = 0; shift < 3; shift++) {
    // The first group that holds only the value's bytes starts (3 - shift) % 3 bytes into it; the last whole group ends the core.
    const skip = (3 - shift) % 3;
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole <= 0) continue;
    const core = bytes.subarray(skip, skip + whole).toString('base64');
    if (core.length >= 8 && !out.includes(core)) out.push(core);
  }
  return out;
}

function ordinary(v: string, min: number, shown?: ReadonlySet<string>): boolean {
  const t = v.trim();
  return v.length < min || SETTING.test(t) || PLACEHOLDER.test(t) || shown?.has(t) === true;
}

/** The values an object shows outside its secret fields: its name, namespace and label values. */
function shownValues(object: Obj): Set<string> {
  const shown = new Set<string>();
  const meta = object.metadata;
  if (!isObj(meta)) return shown;
  for (const v of [meta.name, meta.namespace]) if (typeof v === 'string') shown.add(v.trim());
  if (isObj(meta.labels)) for (const v of Object.values(meta.labels)) if (typeof v === 'string') shown.add(v.trim());
  return shown;
}

/**
 * Adds a value of a Secret (of `data`, as stored and decoded, when `stored`): at least
 * `MIN_SECRET_LENGTH` long unless its key names a credential (`password`). The base64 of an ordinary
 * value (`dHJ1ZQ==`, `true`) is not masked either.
 */
function addSecretValue(
  out: ObjectSecret[],
  key: string,
  value: unknown,
  label: string,
  shown: ReadonlySet<string>,
  stored: boolean,
): void {
  if (typeof value !== 'string') return;
  const min = credentialKind(key) === undefined ? MIN_SECRET_LENGTH : MIN_LENGTH;
  const text = stored ? decoded(value) : undefined;
  if (text !== undefined && ordinary(text, min, shown)) return;
  // As stored first: the base64 of the decoded text is that value, and keeps its label.
  add(out, value, label, min, shown, text === undefined);
  if (text !== undefined) add(out, text, label, min, shown);
}

/** A value under a credential's name that is one: not a setting (`true`), a placeholder or a name of where it is kept. */
function credentialValue(name: string, value: unknown): value is string {
  if (typeof value !== 'string' || credentialKind(name) === undefined) return false;
  const v = value.trim();
  return !SETTING.test(v) && !PLACEHOLDER.test(v) && !namesCredential(name, v);
}

function group(apiVersion: unknown): string {
  const v = typeof apiVersion === 'string' ? apiVersion : '';
  return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** A larger `last-applied-configuration` is not read (the API server caps all annotations of an object at 256 KiB). */
const MAX_LAST_APPLIED = 1 << 20;

/**
 * The secrets in an object's annotations: the values of `kubectl.kubernetes.io/last-applied-configuration`
 * (the object as last applied, in JSON: a Secret's data, an env value, …), found as in the object and
 * also as JSON writes them inside the annotation (escaped), and the value of an annotation whose key
 * names a credential (`example.com/api-token`). The copy is read with `JSON.parse`, nothing else, and
 * not its own annotations (kubectl leaves itself out of the copy).
 */
function annotationSecrets(object: Obj, out: ObjectSecret[], nested: boolean): void {
  const meta = object.metadata;
  const annotations = isObj(meta) ? meta.annotations : undefined;
  if (!isObj(annotations)) return;
  for (const [key, value] of Object.entries(annotations)) {
    if (key === LAST_APPLIED) {
      if (nested || typeof value !== 'string' || value.length > MAX_LAST_APPLIED) continue;
      let applied: unknown;
      try {
        applied = JSON.parse(value);
      } catch {
        continue;
      }
      const before = out.length;
      objectSecrets(applied, out, true);
      for (let i = before, n = out.length; i < n; i++) {
        const escaped = JSON.stringify(out[i].value).slice(1, -1);
        if (escaped !== out[i].value) out.push({ value: escaped, label: out[i].label });
      }
    } else if (credentialValue(key, value)) add(out, value, `annotation ${key}`);
  }
}

/** A command line's word without the quotes and separators a shell script puts around it (`"abc";` → `abc`). */
function unquoted(word: string): string {
  return word.replace(/^['"]+|['";,]+$/g, '');
}

/** `--api-key=VALUE`, `-token=VALUE` (group 2 undefined: the value is the next word). */
const FLAG = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=([^]*))?$/;
/** `API_KEY=VALUE`, an environment variable set on a command line. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_.]*)=([^]*)$/;
/** Longer arguments (a script of megabytes) are not read for flags. */
const MAX_ARGUMENTS = 1 << 20;

/**
 * The values of a command line's flags and assignments that name a credential: `--api-key=sk-…`,
 * `--token VALUE`, `--password=…`, `HF_TOKEN=…` (in `args`, `command`, a shell script in one of them,
 * an image's `Cmd` or the `created_by` of its history), not a placeholder (`$(TOKEN)`) or a setting.
 */
function argumentSecrets(argv: unknown, out: ObjectSecret[], where: string): void {
  if (!Array.isArray(argv)) return;
  const words: string[] = [];
  let size = 0;
  for (const a of argv) {
    if (typeof a !== 'string') continue;
    if ((size += a.length) > MAX_ARGUMENTS) break;
    for (const w of a.split(/\s+/)) if (w !== '') words.push(w);
  }
  for (let i = 0; i < words.length; i++) {
    const word = unquoted(words[i]);
    const flag = FLAG.exec(word);
    if (flag) {
      const value =
        flag[2] !== undefined
          ? unquoted(flag[2])
          : i + 1 < words.length && !words[i + 1].startsWith('-')
            ? unquoted(words[i + 1])
            : undefined;
      if (value !== undefined && credentialValue(flag[1], value)) add(out, value, `${where} --${flag[1]}`);
      continue;
    }
    const assignment = ASSIGNMENT.exec(word);
    if (assignment && credentialValue(assignment[1], unquoted(assignment[2])))
      add(out, unquoted(assignment[2]), `${where} ${assignment[1]}`);
  }
}

/** The secret values of one Kubernetes object (see above). */
export function objectSecrets(object: unknown, out: ObjectSecret[] = [], nested = false): ObjectSecret[] {
  if (!isObj(object)) return out;
  annotationSecrets(object, out, nested);
  const core = group(object.apiVersion) === '';
  if (core && object.kind === 'Secret') {
    const shown = shownValues(object);
    if (isObj(object.data)) for (const [k, v] of Object.entries(object.data)) addSecretValue(out, k, v, `Secret data.${k}`, shown, true);
    if (isObj(object.stringData))
      for (const [k, v] of Object.entries(object.stringData)) addSecretValue(out, k, v, `Secret stringData.${k}`, shown, false);
  } else if (core && object.kind === 'ConfigMap') {
    for (const field of ['data', 'binaryData']) {
      const data = object[field];
      if (isObj(data)) for (const [k, v] of Object.entries(data)) if (credentialValue(k, v)) add(out, v, `ConfigMap ${field}.${k}`);
    }
  }
  for (const loc of findPodSpecs(object))
    for (const c of containersOf(object, loc)) {
      const env = c.container.env;
      if (Array.isArray(env))
        for (const e of env)
          if (isObj(e) && typeof e.name === 'string' && credentialValue(e.name, e.value)) add(out, e.value, `env ${e.name}`);
      argumentSecrets(c.container.command, out, 'command');
      argumentSecrets(c.container.args, out, 'args');
    }
  return out;
}

/**
 * The secret values of an image config (the `image` view of an image-config policy): its environment's
 * values by name, and credentials on its command line (`Entrypoint`, `Cmd`) and in the commands of its
 * history (`created_by`: a build argument `HF_TOKEN=…` shows there).
 */
export function imageSecrets(image: unknown, out: ObjectSecret[] = []): ObjectSecret[] {
  if (!isObj(image)) return out;
  const env = image.env;
  if (isObj(env)) for (const [name, value] of Object.entries(env)) if (credentialValue(name, value)) add(out, value, `env ${name}`);
  argumentSecrets(image.entrypoint, out, 'Entrypoint');
  argumentSecrets(image.cmd, out, 'Cmd');
  if (Array.isArray(image.history))
    for (const h of image.history) if (isObj(h) && typeof h.createdBy === 'string') argumentSecrets([h.createdBy], out, 'history');
  return out;
}

/** Evidence lines that may quote a value of another field (flow collections, assignments, long lines) or hold a URL's password. */
const MAY_QUOTE_VALUES = /[{[=]|:\/\/[^\s/@]*@/;
const maskers = new WeakMap<object, (text: string) => string>();

/**
 * Evidence the engine takes from a finding's located text (`EngineOptions.maskEvidence`) with the
 * secrets of its Kubernetes object masked (see `objectSecrets`), and keys in known formats: the first
 * line of a one-line manifest (JSON, flow style) or of a released cluster object's value holds every
 * value of the object. A short line of block YAML (`spec:`, `image: …`) quotes one field, and is left
 * as it is.
 */
export function evidenceWithoutSecrets(text: string, doc: { kind: string }): string {
  if (text.length <= 100 && !MAY_QUOTE_VALUES.test(text)) return text;
  const d = doc as { object?: unknown; owner?: { object?: unknown } };
  const object =
    doc.kind === 'k8s' ? d.object : doc.kind === 'k8s-pod' || doc.kind === 'k8s-container-override' ? d.owner?.object : undefined;
  if (!isObj(object)) return withoutSecrets(text);
  let mask = maskers.get(object);
  if (mask === undefined) maskers.set(object, (mask = secretMasker(objectSecrets(object))));
  return mask(text);
}

/**
 * `text` with every occurrence of the secret values masked as Sanctum masks a secret (a label, a short
 * prefix and the length: `redact`; a value in a known format as the secret rules tell it), then every
 * other secret in a known format (`withoutSecrets`). Where occurrences overlap, the one that starts
 * first (then the longest) is masked, to the end of the others. Found as an expression may have
 * transformed them: in any ASCII case (`lowerAscii()`, `upperAscii()`), in base64 (`base64.encode`, of
 * the value or of a text holding it), and in part: each stretch of 8 or more characters of a value
 * (`substring`, `split`, a concatenation of pieces) made of windows of 8 that hold a digit or a change
 * from lower to upper case (`…9x`, `aB`), so that words and URLs a value shares with the policy's own
 * text (`password`, `https://`) are not cut out of it.
 */
export function maskSecrets(text: string, secrets: readonly ObjectSecret[]): string {
  return secretMasker(secrets)(text);
}

/** `maskSecrets` for many texts with the same secrets: what it finds fragments with is built once, on first use. */
export function secretMasker(secrets: readonly ObjectSecret[]): (text: string) => string {
  const masker = new Masker(secrets);
  return (text) => masker.mask(text);
}

/** How long a policy's message (or an error quoted as one) is kept: a message says what is wrong, in a line or a few. */
export const MAX_MESSAGE = 4096;
/**
 * How far past the cut a message is read for keys in a known format, so that one across the cut is
 * left out whole (an RSA private key of 4096 bits is some 3,300 characters in PEM).
 */
const KNOWN_MARGIN = 16384;

/**
 * `maskSecrets` for messages, cut to their first `MAX_MESSAGE` characters with a marker (`… (message
 * cut: 800000 characters)`): masking then takes a time bounded by the size of the object's secrets,
 * whatever the message's length. A value or key the cut goes through is left out whole (the cut moves
 * back to its start): the secrets are found in the message as far past the cut as the longest value
 * and 16 KiB, and a word the cut goes through is left out too.
 */
export function messageMasker(secrets: readonly ObjectSecret[]): (text: string) => string {
  const masker = new Masker(secrets);
  return (text) => masker.maskCut(text, MAX_MESSAGE);
}

/** `messageMasker` for one message. */
export function maskMessage(text: string, secrets: readonly ObjectSecret[]): string {
  return messageMasker(secrets)(text);
}

type SecretSpan = { start: number; end: number; secret: ObjectSecret };

/** Objects whose values hold more windows than this find fragments with a table of each text's windows (see `Masker.fragmentsIn`). */
const SHARED_INDEX_WINDOWS = 1 << 16;

class Masker {
  private folded: ObjectSecret[] | undefined;
  /** The fragment index of all values, built on first use when they hold at most `SHARED_INDEX_WINDOWS` windows; null past that. */
  private shared: FragmentIndex | null | undefined;
  private longest = 0;

  constructor(private readonly secrets: readonly ObjectSecret[]) {
    for (const s of secrets) this.longest = Math.max(this.longest, s.value.length);
  }

  /** The spans of `text` that show a secret value (whole or in part), sorted and merged. */
  private spans(text: string): SecretSpan[] {
    const folded = (this.folded ??= this.secrets.map((s) => ({ ...s, value: foldAscii(s.value) })));
    const foldedText = foldAscii(text);
    const windows = new TextWindows(foldedText);
    const spans = longestOccurrences(foldedText, folded, this.secrets, windows);
    if (this.shared === undefined) {
      let count = 0;
      for (const s of this.secrets) if (!s.part && s.value.length >= FRAGMENT) count += s.value.length - FRAGMENT + 1;
      this.shared = count <= SHARED_INDEX_WINDOWS ? new FragmentIndex(this.secrets, folded) : null;
    }
    // Past that size, the windows of this text are what is looked for in the values: every value is searched, in time linear in their size.
    (this.shared ?? new FragmentIndex(this.secrets, folded, windows)).cover(foldedText, spans);
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: SecretSpan[] = [];
    for (const s of spans) {
      const last = kept[kept.length - 1];
      if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
      else kept.push({ ...s });
    }
    return kept;
  }

  /** `text` with the spans replaced by the masked values (not yet `withoutSecrets`). */
  private render(text: string, kept: readonly SecretSpan[]): string {
    return replaceSpans(text, kept, (s) => {
      const value = text.slice(s.start, s.end);
      // A value in a known format is told as the secret rules tell it (`Anthropic API key sk-ant-ap… (108 chars)`).
      const known = secretsInPlainText(value);
      return known.length === 1 && known[0].start === 0 && known[0].end === value.length
        ? known[0].evidence
        : redact(s.secret.label, value);
    });
  }

  mask(text: string): string {
    if (text === '') return text;
    return withoutSecrets(this.render(text, this.spans(text)));
  }

  maskCut(text: string, max: number): string {
    if (text.length <= max) return this.mask(text);
    const read = text.slice(0, max + Math.max(this.longest, KNOWN_MARGIN));
    const kept = this.spans(read);
    const known = secretsInPlainText(text.slice(0, max + KNOWN_MARGIN));
    let cut = max;
    // Back to the start of a value or key the cut goes through, and of a word it goes through (a key of a
    // format not told from its start alone): each move may bring it into an earlier value, key or word (a
    // value with blanks whose last word runs on past the cut), so both are repeated until neither moves it.
    const spans = [...kept, ...known];
    for (let moved = true; moved;) {
      moved = false;
      for (const s of spans)
        if (s.start < cut && s.end > cut) {
          cut = s.start;
          moved = true;
        }
      if (cut < read.length && !CUT_SEPARATOR.test(read[cut]))
        while (cut > 0 && !CUT_SEPARATOR.test(read[cut - 1])) {
          cut--;
          moved = true;
        }
    }
    const head = text.slice(0, cut);
    return `${withoutSecrets(
      this.render(
        head,
        kept.filter((s) => s.end <= cut),
      ),
    )}… (message of ${text.length} characters cut)`;
  }
}

/** Characters a cut may fall after without going through a word: blanks, quotes, brackets and separators. */
const CUT_SEPARATOR = /[\s"'`,;:()[\]{}<>|]/;

/** `text` with ASCII letters in lower case (as `lowerAscii()`): the same length, so offsets hold. */
function foldAscii(text: string): string {
  if (!/[A-Z]/.test(text)) return text;
  // toLowerCase folds other letters too, and may change the length (İ): only a text of ASCII alone is folded by it.
  return !/[\u0080-\uffff]/.test(text) ? text.toLowerCase() : text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** How long a part of a value must be to be masked where found alone. */
const FRAGMENT = 8;

function windowHash(text: string, at: number): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < FRAGMENT; k++) h = Math.imul(h ^ text.charCodeAt(at + k), 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x85ebca77) >>> 0;
}

/** The multiplier of `TextWindows`' polynomial hash, and its power `FRAGMENT - 1` (to take the first character out as a window slides). */
const BASE = 0x01000193;
let top = 1;
for (let k = 1; k < FRAGMENT; k++) top = Math.imul(top, BASE);
const BASE_TOP = top;

/** The polynomial hash of the window of `text` at `at` (what `TextWindows` rolls along a value). */
function rollingHash(text: string, at: number): number {
  let h = 0;
  for (let k = 0; k < FRAGMENT; k++) h = (Math.imul(h, BASE) + text.charCodeAt(at + k)) | 0;
  return h;
}

/**
 * The windows of `FRAGMENT` characters of a text, in an open-addressing table of their places: does a
 * value's window occur in it? Keyed by a polynomial hash, which a caller rolls along a value in
 * constant time a character (`held`).
 */
class TextWindows {
  private readonly at: Int32Array;
  private readonly mask: number;
  /** How many different windows the text has. */
  readonly size: number = 0;

  constructor(private readonly text: string) {
    const n = text.length - FRAGMENT + 1;
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    this.at = new Int32Array(n > 0 ? cap : 1).fill(-1);
    this.mask = n > 0 ? cap - 1 : 0;
    for (let i = 0; i < n; i++)
      for (let slot = slotOf(rollingHash(text, i)) & this.mask; ; slot = (slot + 1) & this.mask) {
        if (this.at[slot] === -1) {
          this.at[slot] = i;
          this.size++;
          break;
        }
        if (this.same(slot, text, i)) break;
      }
  }

  get empty(): boolean {
    return this.mask === 0;
  }

  private same(slot: number, value: string, from: number): boolean {
    const at = this.at[slot];
    for (let k = 0; k < FRAGMENT; k++) if (this.text.charCodeAt(at + k) !== value.charCodeAt(from + k)) return false;
    return true;
  }

  /** True when the window of `value` at `from`, whose `rollingHash` is `hash`, is one of the text's. */
  held(value: string, from: number, hash: number): boolean {
    if (this.mask === 0) return false;
    for (let slot = slotOf(hash) & this.mask; this.at[slot] !== -1; slot = (slot + 1) & this.mask)
      if (this.same(slot, value, from)) return true;
    return false;
  }

  /** False when `value` (of `FRAGMENT` characters or more) cannot occur in the text: a window of it, at every `FRAGMENT`th place and at its end, is not the text's. */
  mayHold(value: string): boolean {
    for (let j = 0; ; j += FRAGMENT) {
      const at = Math.min(j, value.length - FRAGMENT);
      if (!this.held(value, at, rollingHash(value, at))) return false;
      if (at === value.length - FRAGMENT) return true;
    }
  }
}

function slotOf(hash: number): number {
  const h = Math.imul(hash ^ (hash >>> 15), 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * The windows of `FRAGMENT` characters of the secret values (ASCII case folded) that hold a digit or a
 * change from lower to upper case (in the value as written), in an open-addressing table, so that each
 * window of a text is looked up in constant time: a stretch of a text made of such windows is a part
 * of a value. Lines of a value (`part`) are inside the value, and not indexed again. With `only` (the
 * windows of the one text to search), only the windows of the values that text holds are kept: the
 * table's size is then the text's, however large the values.
 */
class FragmentIndex {
  private readonly owner: Int32Array;
  private readonly offset: Int32Array;
  private readonly mask: number;

  constructor(
    private readonly secrets: readonly ObjectSecret[],
    private readonly folded: readonly ObjectSecret[],
    only?: TextWindows,
  ) {
    let windows = 0;
    const indexed: number[] = [];
    for (let i = 0; i < secrets.length; i++) {
      const n = secrets[i].value.length;
      if (secrets[i].part || n < FRAGMENT) continue;
      windows += n - FRAGMENT + 1;
      indexed.push(i);
    }
    if (only) windows = only.empty ? 0 : Math.min(windows, only.size);
    let cap = 16;
    while (cap < windows * 2) cap *= 2;
    this.owner = new Int32Array(windows === 0 ? 1 : cap).fill(-1);
    this.offset = new Int32Array(windows === 0 ? 1 : cap);
    this.mask = windows === 0 ? 0 : cap - 1;
    if (windows === 0) return;
    for (const i of indexed) {
      const original = secrets[i].value;
      const value = folded[i].value;
      // Digits and lower-to-upper changes in the window [j, j + FRAGMENT): a change at k counts when k + 1 is in the window too.
      const mark = (k: number): number => {
        const c = original.charCodeAt(k);
        if (c >= 48 && c <= 57) return 1;
        const next = original.charCodeAt(k + 1);
        return c >= 97 && c <= 122 && next >= 65 && next <= 90 && k + 1 < original.length ? 1 : 0;
      };
      const lastDigit = (j: number): number => {
        const c = original.charCodeAt(j + FRAGMENT - 1);
        return c >= 48 && c <= 57 ? 1 : 0;
      };
      if (only) {
        // The text's windows are few: each window of the value is looked up (its hash rolled along), and its marks counted when held.
        let hash = rollingHash(value, 0);
        for (let j = 0; j + FRAGMENT <= value.length; j++) {
          if (only.held(value, j, hash)) {
            let marks = lastDigit(j);
            for (let k = j; k < j + FRAGMENT - 1 && marks === 0; k++) marks += mark(k);
            if (marks > 0) this.insert(value, j, i);
          }
          if (j + FRAGMENT < value.length)
            hash = (Math.imul(hash - Math.imul(value.charCodeAt(j), BASE_TOP), BASE) + value.charCodeAt(j + FRAGMENT)) | 0;
        }
        continue;
      }
      // Marks over [j, j + FRAGMENT - 1), counted as the window slides, and a digit at the last place.
      let marks = 0;
      for (let k = 0; k < FRAGMENT - 1; k++) marks += mark(k);
      for (let j = 0; j + FRAGMENT <= value.length; j++) {
        const last = j + FRAGMENT - 1;
        if (marks + lastDigit(j) > 0) this.insert(value, j, i);
        marks += mark(last) - mark(j);
      }
    }
  }

  private same(text: string, at: number, slot: number): boolean {
    const value = this.folded[this.owner[slot]].value;
    const from = this.offset[slot];
    for (let k = 0; k < FRAGMENT; k++) if (text.charCodeAt(at + k) !== value.charCodeAt(from + k)) return false;
    return true;
  }

  private insert(value: string, at: number, secret: number): void {
    for (let slot = windowHash(value, at) & this.mask; ; slot = (slot + 1) & this.mask) {
      if (this.owner[slot] === -1) {
        this.owner[slot] = secret;
        this.offset[slot] = at;
        return;
      }
      if (this.same(value, at, slot)) return;
    }
  }

  /** The slot of the window the text has at `at`, or -1. */
  private find(text: string, at: number): number {
    for (let slot = windowHash(text, at) & this.mask; this.owner[slot] !== -1; slot = (slot + 1) & this.mask)
      if (this.same(text, at, slot)) return slot;
    return -1;
  }

  /**
   * Adds to `spans` each stretch of `text` (folded) that holds a window of a value, as far as the text
   * goes on matching that value on both sides (`postgres://admin:Zq81…`, whose first windows hold no
   * digit), with that value's secret. Each character is compared a bounded number of times.
   */
  cover(text: string, spans: Array<{ start: number; end: number; secret: ObjectSecret }>): void {
    if (this.mask === 0) return;
    let open: { start: number; end: number; secret: ObjectSecret } | undefined;
    for (let at = 0; at + FRAGMENT <= text.length;) {
      const slot = this.find(text, at);
      if (slot === -1) {
        at++;
        continue;
      }
      const owner = this.owner[slot];
      const value = this.folded[owner].value;
      const from = this.offset[slot];
      const floor = open ? open.end : 0;
      let start = at;
      for (let v = from; start > floor && v > 0 && text.charCodeAt(start - 1) === value.charCodeAt(v - 1); v--) start--;
      let end = at + FRAGMENT;
      for (let v = from + FRAGMENT; end < text.length && v < value.length && text.charCodeAt(end) === value.charCodeAt(v); v++) end++;
      if (open && start <= open.end) open.end = Math.max(open.end, end);
      else spans.push((open = { start, end, secret: this.secrets[owner] }));
      at = Math.max(at + 1, end - FRAGMENT + 1);
    }
  }
}

/**
 * The occurrences of the secret values in `text`, only the longest of those that end at the same
 * place (the others are inside it, and masked with it): an exact (case-sensitive) Aho–Corasick
 * automaton, built and run in time linear in the size of the values and the text, where searching
 * each value (each line of a long one) over the text took their product (20,000 lines: 3.3 s).
 */
function longestOccurrences(
  text: string,
  secrets: readonly ObjectSecret[],
  labels: readonly ObjectSecret[],
  windows: TextWindows,
): Array<{ start: number; end: number; secret: ObjectSecret }> {
  const spans: Array<{ start: number; end: number; secret: ObjectSecret }> = [];
  // A value longer than the text cannot occur in it; a value met before keeps its first label.
  const seen = new Set<string>();
  const used: number[] = [];
  let size = 1;
  for (let i = 0; i < secrets.length; i++) {
    const value = secrets[i].value;
    if (value.length === 0 || value.length > text.length || seen.has(value)) continue;
    // A value whose windows the text does not all hold is not in it: the automaton is built of the few values that may be.
    if (value.length >= FRAGMENT && !windows.mayHold(value)) continue;
    seen.add(value);
    used.push(i);
    size += value.length;
  }
  if (used.length === 0) return spans;
  const edges = new Edges(size);
  // The trie: state 0 is the root.
  const firstChild = new Int32Array(size).fill(-1);
  const nextSibling = new Int32Array(size).fill(-1);
  const charOf = new Uint16Array(size);
  const ends = new Int32Array(size).fill(-1); // the secret whose value ends at the state, or -1
  let n = 1;
  for (const i of used) {
    const value = secrets[i].value;
    let s = 0;
    for (let j = 0; j < value.length; j++) {
      const c = value.charCodeAt(j);
      let t = edges.get(s, c);
      if (t === -1) {
        t = n++;
        edges.set(s, c, t);
        charOf[t] = c;
        nextSibling[t] = firstChild[s];
        firstChild[s] = t;
      }
      s = t;
    }
    ends[s] = i;
  }
  // Failure links in breadth-first order, and for each state the longest value that ends there.
  const fail = new Int32Array(n);
  const longest = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let c = firstChild[0]; c !== -1; c = nextSibling[c]) {
    queue[tail++] = c;
    longest[c] = ends[c];
  }
  for (let head = 0; head < tail; head++) {
    const s = queue[head];
    for (let c = firstChild[s]; c !== -1; c = nextSibling[c]) {
      const ch = charOf[c];
      let f = fail[s];
      let t = edges.get(f, ch);
      while (t === -1 && f !== 0) {
        f = fail[f];
        t = edges.get(f, ch);
      }
      fail[c] = t === -1 ? 0 : t;
      longest[c] = ends[c] !== -1 ? ends[c] : longest[fail[c]];
      queue[tail++] = c;
    }
  }
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    let t = edges.get(s, ch);
    while (t === -1 && s !== 0) {
      s = fail[s];
      t = edges.get(s, ch);
    }
    s = t === -1 ? 0 : t;
    const found = longest[s];
    if (found !== -1) spans.push({ start: i + 1 - secrets[found].value.length, end: i + 1, secret: labels[found] });
  }
  return spans;
}

/** The edges of a trie (state, UTF-16 code unit → state), in an open-addressing hash table: a Map of as many entries took seconds to fill. */
class Edges {
  private readonly from: Int32Array;
  private readonly unit: Uint16Array;
  private readonly to: Int32Array;
  private readonly mask: number;

  constructor(count: number) {
    let cap = 16;
    while (cap < count * 2) cap *= 2;
    this.from = new Int32Array(cap).fill(-1);
    this.unit = new Uint16Array(cap);
    this.to = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private slot(state: number, unit: number): number {
    let h = (Math.imul(state, 0x9e3779b1) ^ Math.imul(unit + 1, 0x85ebca77)) >>> 0;
    h ^= h >>> 15;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask)
      if (this.from[at] === -1 || (this.from[at] === state && this.unit[at] === unit)) return at;
  }

  get(state: number, unit: number): number {
    const at = this.slot(state, unit);
    return this.from[at] === -1 ? -1 : this.to[at];
  }

  set(state: number, unit: number, to: number): void {
    const at = this.slot(state, unit);
    this.from[at] = state;
    this.unit[at] = unit;
    this.to[at] = to;
  }
}

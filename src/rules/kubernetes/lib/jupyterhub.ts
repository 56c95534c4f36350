/**
 * JupyterHub's authenticator as the scan's hub configuration sets it: zero-to-jupyterhub keeps the
 * chart's values in the hub Secret (`values.yaml`, base64 in `data`), older releases and hand-made
 * installs in a ConfigMap; `hub.config.JupyterHub.authenticator_class` and
 * `hub.config.DummyAuthenticator.password` are read there, and `c.JupyterHub.authenticator_class = …`
 * in `hub.extraConfig` snippets and in `.py` keys (`jupyterhub_config.py`, z2jh's `hub.extraFiles`).
 * A cluster scan reads no Secret data, so it finds the hub configuration only in a ConfigMap.
 */
import type { K8sObjectDocument, K8sSetDocument } from '../../../parsers/k8s/k8s-documents.js';
import { hubConfigText } from '../../../parsers/k8s/set-projection.js';
import type { AuthState } from './ai-services.js';
import { isMapping as isObj } from '../../../parsers/yaml/position-table.js';
import { loadEmbeddedYaml, member as field } from './embedded-yaml.js';

export interface HubAuth {
  auth: AuthState;
  authReason: string;
}

/** `authenticator_class` values that name JupyterHub's DummyAuthenticator (the entry point, the classes). */
const DUMMY = new Set(['dummy', 'dummyauthenticator', 'dummyauthenticator.dummyauthenticator', 'jupyterhub.auth.dummyauthenticator']);
/** NullAuthenticator (`null`): login disabled, the hub is reached with API tokens only. */
const NULL = new Set(['null', 'nullauthenticator', 'nullauthenticator.nullauthenticator']);

/**
 * What the hub's configuration files of one object say, read from strings: undefined where nothing
 * sets it, null where it is set to a value the scan cannot see (an expression, a conditional assignment).
 */
export interface HubConfig {
  authenticatorClass?: string | null;
  password?: boolean | null;
}

/** A top-level (unindented) assignment; an indented one sits in a block and may not run. */
const PY_ASSIGN = /^([ \t]*)c\.((?:JupyterHub\.)?authenticator_class|DummyAuthenticator\.password)[ \t]*=(?!=)[ \t]*(.*)$/;
const PY_STRING = /^(?:'([^'\\\n]*)'|"([^"\\\n]*)")[ \t]*(?:#.*)?$/;
const PY_NAME = /^([A-Za-z_][\w.]*)[ \t]*(?:#.*)?$/;

/**
 * What a `jupyterhub_config.py` (or a `hub.extraConfig` snippet) sets, applied to `into` as Python
 * runs it: the last assignment wins; comments are no assignments.
 */
export function fromPython(text: string, into: HubConfig): void {
  for (const line of text.split('\n')) {
    const m = PY_ASSIGN.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (!m) continue;
    const [, indent, target, value] = m;
    const str = PY_STRING.exec(value);
    const literal = str ? (str[1] ?? str[2]) : undefined;
    if (target.endsWith('password')) {
      into.password = indent === '' && literal !== undefined ? literal !== '' : null;
      continue;
    }
    // An unquoted name is the class itself (`from oauthenticator.github import GitHubOAuthenticator`).
    const name = literal ?? PY_NAME.exec(value)?.[1];
    into.authenticatorClass = indent === '' && name !== undefined ? name : null;
  }
}

/** Python scanned per hub Secret or ConfigMap at most: past it the configuration is not visible. */
export const MAX_PYTHON_BYTES = 1024 * 1024;

/** The Python each distinct snippet of one object sets, scanned once, within MAX_PYTHON_BYTES. */
class PythonReader {
  private readonly effects = new Map<string, HubConfig>();
  scanned = 0;

  apply(text: string, into: HubConfig): void {
    let effect = this.effects.get(text);
    if (!effect) {
      effect = {};
      if (this.scanned + text.length > MAX_PYTHON_BYTES) effect.authenticatorClass = null;
      else {
        this.scanned += text.length;
        fromPython(text, effect);
      }
      this.effects.set(text, effect);
    }
    if (effect.authenticatorClass !== undefined) into.authenticatorClass = effect.authenticatorClass;
    if (effect.password !== undefined) into.password = effect.password;
  }
}

/**
 * What a z2jh values.yaml sets, in the order the hub's jupyterhub_config.py applies it: `hub.config`,
 * then the Python files mounted in jupyterhub_config.d (`hub.extraFiles`, kept in the hub Secret) by
 * name, then the `hub.extraConfig` snippets by key, the last word. Returns the Python characters scanned.
 */
export function fromValues(text: string, into: HubConfig, python = new PythonReader(), configFiles: readonly string[] = []): number {
  const loaded = loadEmbeddedYaml(text);
  if (!loaded.ok) {
    fromUnreadValues(text, into, python, configFiles);
    return python.scanned;
  }
  const values = loaded.value;
  const config = field(values, 'hub', 'config');
  const cls = field(config, 'JupyterHub', 'authenticator_class');
  if (cls !== undefined && cls !== null) into.authenticatorClass = typeof cls === 'string' ? cls : null;
  const pw = field(config, 'DummyAuthenticator', 'password');
  if (pw !== undefined && pw !== null) into.password = typeof pw === 'string' || typeof pw === 'number' ? String(pw) !== '' : null;
  for (const file of configFiles) python.apply(file, into);
  const extra = field(values, 'hub', 'extraConfig');
  if (isObj(extra))
    for (const key of Object.keys(extra).sort()) {
      const snippet = extra[key];
      if (typeof snippet === 'string') python.apply(snippet, into);
    }
  return python.scanned;
}

/** An assignment of the class or of the password, in Python (in `hub.extraConfig`), anywhere in a text: YAML may fold its lines. */
const PY_ASSIGNS_CLASS = /authenticator_class\s*=(?!=)/;
const PY_ASSIGNS_PASSWORD = /DummyAuthenticator\s*\.\s*password\s*=(?!=)/;

/**
 * A values.yaml the scan cannot read (the hub's PyYAML may: deeper nesting, more merge keys) sets,
 * at each of its steps, what its text names, to values the scan cannot see: `hub.config` the class
 * and the password where it names them at all, `hub.extraConfig` only where the text holds a Python
 * assignment of them. The jupyterhub_config.d files between the two decide where the text holds none.
 */
function fromUnreadValues(text: string, into: HubConfig, python: PythonReader, configFiles: readonly string[]): void {
  if (text.includes('authenticator_class')) into.authenticatorClass = null;
  if (text.includes('DummyAuthenticator')) into.password = null;
  for (const file of configFiles) python.apply(file, into);
  const extra = withoutFileLines(text, configFiles);
  if (PY_ASSIGNS_CLASS.test(extra)) into.authenticatorClass = null;
  if (PY_ASSIGNS_PASSWORD.test(extra)) into.password = null;
}

/**
 * The text without the lines that copy a line of the configFiles: z2jh's values.yaml holds the whole
 * .Values, so `hub.extraFiles.<key>.stringData` (a block, or one plain line after `stringData:`) is
 * there too, and is no extraConfig assignment run after the files.
 */
function withoutFileLines(text: string, configFiles: readonly string[]): string {
  const fileLines = new Set<string>();
  for (const file of configFiles)
    for (const line of file.split('\n')) {
      const t = line.trim();
      if (t !== '') fileLines.add(t);
    }
  if (fileLines.size === 0) return text;
  return text
    .split('\n')
    .filter((line) => {
      const t = line.trim();
      return !fileLines.has(t) && !(t.startsWith('stringData:') && fileLines.has(t.slice('stringData:'.length).trim()));
    })
    .join('\n');
}

/**
 * The hub configuration a Secret or ConfigMap holds, or undefined when it holds none: as z2jh's
 * jupyterhub_config.py applies it (see fromValues), the `.py` keys by name between the values'
 * `hub.config` and its `hub.extraConfig`, whatever the order of the keys in the file. A Secret's
 * `stringData` key replaces the `data` key of the same name, as the API server writes it.
 */
function hubConfigOf(o: K8sObjectDocument): HubConfig | undefined {
  const texts = new Map<string, string>();
  const fields = o.resource.kind === 'Secret' ? (['data', 'stringData'] as const) : (['data'] as const);
  for (const field of fields) {
    const data = o.get([field]);
    if (!isObj(data)) continue;
    for (const key of Object.keys(data)) {
      const raw = data[key];
      if (typeof raw !== 'string' || (key !== 'values.yaml' && !key.endsWith('.py'))) continue;
      texts.set(key, field === 'data' && o.resource.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw);
    }
  }
  // What a cluster scan keeps of a ConfigMap for the cross-object rules.
  const python = [...texts.keys()]
    .filter((key) => key !== 'values.yaml' && hubConfigText(key, texts.get(key)!))
    .sort()
    .map((key) => texts.get(key)!);
  const into: HubConfig = {};
  const reader = new PythonReader();
  const values = texts.get('values.yaml');
  if (values !== undefined && hubConfigText('values.yaml', values)) fromValues(values, into, reader, python);
  else for (const text of python) reader.apply(text, into);
  return into.authenticatorClass !== undefined ? into : undefined;
}

function judge(c: HubConfig): HubAuth | undefined {
  if (c.authenticatorClass === null || c.authenticatorClass === undefined) return undefined;
  const cls = c.authenticatorClass.toLowerCase();
  if (DUMMY.has(cls)) {
    if (c.password === null) return undefined;
    return c.password
      ? { auth: 'on', authReason: 'DummyAuthenticator with a shared password' }
      : {
          auth: 'off',
          authReason: `authenticator_class ${c.authenticatorClass} (DummyAuthenticator) without a password: any password logs in, with any username (or any name Authenticator.allowed_users lists), and starts a notebook server`,
        };
  }
  if (NULL.has(cls)) return { auth: 'on', authReason: 'NullAuthenticator: login is disabled' };
  return { auth: 'on', authReason: `the hub authenticates with ${c.authenticatorClass}` };
}

interface HubEntry {
  /** The Helm release the object belongs to, by its labels or its z2jh name (`<release>-hub`). */
  release?: string;
  auth: HubAuth | undefined;
}

/** The release a z2jh object belongs to, by the labels z2jh and Helm put on it. */
export function releaseOf(labels: Record<string, unknown>): string | undefined {
  const r = labels.release ?? labels['app.kubernetes.io/instance'];
  return typeof r === 'string' && r !== '' ? r : undefined;
}

const bySet = new WeakMap<K8sSetDocument, { entries: Map<string, HubEntry[]>; judged: Map<string, HubAuth | null> }>();

function entriesOf(set: K8sSetDocument): { entries: Map<string, HubEntry[]>; judged: Map<string, HubAuth | null> } {
  let cached = bySet.get(set);
  if (cached) return cached;
  const entries = new Map<string, HubEntry[]>();
  for (const o of set.ofKind('Secret', 'ConfigMap')) {
    if (o.resource.apiVersion !== 'v1') continue;
    const c = hubConfigOf(o);
    if (!c) continue;
    const release = releaseOf(o.labels) ?? /^(.+)-hub$/.exec(o.name)?.[1];
    const list = entries.get(o.namespace);
    const entry: HubEntry = { release, auth: judge(c) };
    if (list) list.push(entry);
    else entries.set(o.namespace, [entry]);
  }
  bySet.set(set, (cached = { entries, judged: new Map() }));
  return cached;
}

/**
 * How the JupyterHub of a namespace authenticates, from the hub configuration the scan holds there
 * for the proxy's release (undefined when it holds none, or when configurations that may apply
 * disagree or cannot be read: the proxy's default stands). The Secrets and ConfigMaps of a set are
 * read once, grouped by namespace.
 */
export function jupyterHubAuth(set: K8sSetDocument, namespace: string, release?: string): HubAuth | undefined {
  const { entries, judged } = entriesOf(set);
  const key = `${namespace}\0${release ?? ''}`;
  const known = judged.get(key);
  if (known !== undefined) return known ?? undefined;
  const applicable = (entries.get(namespace) ?? []).filter(
    (e) => release === undefined || e.release === undefined || e.release === release,
  );
  let found: HubAuth | null = null;
  if (applicable.length > 0) {
    const first = applicable[0].auth;
    if (first && applicable.every((e) => e.auth?.auth === first.auth)) found = first;
  }
  judged.set(key, found);
  return found ?? undefined;
}

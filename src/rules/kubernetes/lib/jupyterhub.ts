/**
 * JupyterHub's authenticator as the scan's hub configuration sets it: zero-to-jupyterhub keeps the
 * chart's values in the hub Secret (`values.yaml`, base64 in `data`), older releases and hand-made
 * installs in a ConfigMap; `hub.config.JupyterHub.authenticator_class` and
 * `hub.config.DummyAuthenticator.password` are read there, and `c.JupyterHub.authenticator_class = …`
 * in `hub.extraConfig` snippets and in `jupyterhub_config.py` keys.
 */
import yaml from 'js-yaml';
import type { K8sObjectDocument, K8sSetDocument } from '../../../parsers/k8s/k8s-documents.js';
import type { AuthState } from './ai-services.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
}

export interface HubAuth {
  auth: AuthState;
  authReason: string;
}

/** `authenticator_class` values that name JupyterHub's DummyAuthenticator (the entry point, the classes). */
const DUMMY = new Set(['dummy', 'dummyauthenticator', 'dummyauthenticator.dummyauthenticator', 'jupyterhub.auth.dummyauthenticator']);
/** NullAuthenticator (`null`): login disabled, the hub is reached with API tokens only. */
const NULL = new Set(['null', 'nullauthenticator', 'nullauthenticator.nullauthenticator']);

/** What the hub's configuration files of one object say, read from strings. */
export interface HubConfig {
  authenticatorClass?: string;
  password?: boolean;
}

const PY_CLASS = /\bc\.(?:JupyterHub\.)?authenticator_class\s*=\s*['"]([\w.]+)['"]/;
const PY_PASSWORD = /\bc\.DummyAuthenticator\.password\s*=\s*['"]([^'"\n]*)['"]/;

/** What a `jupyterhub_config.py` (or a `hub.extraConfig` snippet) sets, added to `into`. */
export function fromPython(text: string, into: HubConfig): void {
  const cls = PY_CLASS.exec(text);
  if (cls) into.authenticatorClass = cls[1];
  const pw = PY_PASSWORD.exec(text);
  if (pw) into.password = pw[1] !== '';
}

function fromValues(text: string, into: HubConfig): void {
  let values: unknown;
  try {
    values = yaml.load(text);
  } catch {
    return;
  }
  const config = field(values, 'hub', 'config');
  const cls = field(config, 'JupyterHub', 'authenticator_class');
  if (typeof cls === 'string') into.authenticatorClass = cls;
  const pw = field(config, 'DummyAuthenticator', 'password');
  if (pw !== undefined && pw !== null) into.password = String(pw) !== '';
  const extra = field(values, 'hub', 'extraConfig');
  if (isObj(extra)) for (const snippet of Object.values(extra)) if (typeof snippet === 'string') fromPython(snippet, into);
}

/** The hub configuration a Secret or ConfigMap holds, or undefined when it holds none. */
function hubConfigOf(o: K8sObjectDocument): HubConfig | undefined {
  const secret = o.resource.kind === 'Secret';
  const into: HubConfig = {};
  for (const [field, base64] of secret
    ? ([
        ['data', true],
        ['stringData', false],
      ] as const)
    : ([['data', false]] as const)) {
    const data = o.get([field]);
    if (!isObj(data)) continue;
    for (const key of Object.keys(data)) {
      const raw = data[key];
      if (typeof raw !== 'string') continue;
      const isValues = key === 'values.yaml';
      const isPython = key.endsWith('.py');
      if (!isValues && !isPython) continue;
      const text = base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (!/authenticator_class|DummyAuthenticator/.test(text)) continue;
      if (isValues) fromValues(text, into);
      else fromPython(text, into);
    }
  }
  return into.authenticatorClass !== undefined ? into : undefined;
}

function judge(c: HubConfig): HubAuth {
  const cls = c.authenticatorClass!.toLowerCase();
  if (DUMMY.has(cls))
    return c.password
      ? { auth: 'on', authReason: 'DummyAuthenticator with a shared password' }
      : {
          auth: 'off',
          authReason: `authenticator_class ${c.authenticatorClass} (DummyAuthenticator) without a password: any username and password log in and start a notebook server`,
        };
  if (NULL.has(cls)) return { auth: 'on', authReason: 'NullAuthenticator: login is disabled' };
  return { auth: 'on', authReason: `the hub authenticates with ${c.authenticatorClass}` };
}

const bySet = new WeakMap<K8sSetDocument, Map<string, HubAuth | null>>();

/**
 * How the JupyterHub of a namespace authenticates, from the hub configuration the scan holds there
 * (undefined when it holds none: the proxy's default stands). Read once per namespace and set, and
 * only for a namespace where a JupyterHub proxy runs.
 */
export function jupyterHubAuth(set: K8sSetDocument, namespace: string): HubAuth | undefined {
  let cache = bySet.get(set);
  if (!cache) bySet.set(set, (cache = new Map()));
  const known = cache.get(namespace);
  if (known !== undefined) return known ?? undefined;
  let found: HubAuth | null = null;
  for (const o of set.ofKind('Secret', 'ConfigMap')) {
    if (o.namespace !== namespace || o.resource.apiVersion !== 'v1') continue;
    const c = hubConfigOf(o);
    if (c) {
      found = judge(c);
      break;
    }
  }
  cache.set(namespace, found);
  return found ?? undefined;
}

import type { At } from '../../../core/document.js';
import type { ObjectPath } from '../../../core/types.js';
import type { ContainerView } from '../../../parsers/k8s/pod-specs.js';
import type { K8sObjectDocument, PodSpecDocument } from '../../../parsers/k8s/k8s-documents.js';
import { isMapping } from '../../../parsers/yaml/position-table.js';
import { isKnownFalse } from '../../secrets/lib/known-false.js';

export type Obj = Record<string, unknown>;

/** What `asMapping` and `asList` give for a value of another type: one frozen empty value each, read and never allocated again. */
const NO_FIELDS: Obj = Object.freeze({});
const NO_ITEMS = Object.freeze([]) as unknown as unknown[];

/** The value when it is a mapping, else an empty one (frozen: to read from). */
export function asMapping(v: unknown): Obj {
  return isMapping(v) ? v : NO_FIELDS;
}

/** The value when it is a list, else an empty one (frozen: to read from). */
export function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : NO_ITEMS;
}

/** An `env` entry of a container: a literal `value` or a `valueFrom` reference. */
export interface EnvEntry {
  readonly name: string;
  /** The literal value; undefined when the entry takes its value from a reference. */
  readonly value: string | undefined;
  readonly fromRef: boolean;
  readonly path: ObjectPath;
}

/** Memoizers keeping one value per view in a slot of its `memo`: a view does not change during a scan. */
function slotMemoizer<V extends { memo: unknown[] }>(): <T>(compute: (view: V) => T) => (view: V) => T {
  let slots = 0;
  return <T>(compute: (view: V) => T) => {
    const slot = slots++;
    return (view: V) => {
      let v = view.memo[slot] as T | undefined;
      if (v === undefined) {
        v = compute(view);
        view.memo[slot] = v;
      }
      return v;
    };
  };
}

/** One value per container view, computed once: many rules read the same container's env and command line. */
export const memoized = slotMemoizer<ContainerView>();

/**
 * One value per pod spec view, computed once: many rules read the same facts of a pod spec (a cluster
 * object's views are made again when it is compacted, with empty slots).
 */
export const podMemoized = slotMemoizer<PodSpecDocument>();

/**
 * An entry of a list of a container (`env`, `command`, `args`) or a pod spec (`volumes`) whose object
 * path is made when a rule asks for it: most entries are read, few are reported.
 */
class ListEntry {
  private own: ObjectPath | undefined;
  constructor(
    /** Object path of the container or pod spec that holds the list. */
    private readonly holder: ObjectPath,
    private readonly list: string,
    private readonly index: number,
  ) {}
  get path(): ObjectPath {
    return (this.own ??= [...this.holder, this.list, this.index]);
  }
}

class EnvListEntry extends ListEntry implements EnvEntry {
  constructor(
    readonly name: string,
    readonly value: string | undefined,
    readonly fromRef: boolean,
    container: ObjectPath,
    index: number,
  ) {
    super(container, 'env', index);
  }
}

class VolumeListEntry extends ListEntry implements PodVolume {
  constructor(
    readonly volume: Obj,
    readonly name: string,
    spec: ObjectPath,
    index: number,
  ) {
    super(spec, 'volumes', index);
  }
}

class ArgListEntry extends ListEntry implements ArgToken {
  constructor(
    readonly value: string,
    container: ObjectPath,
    list: string,
    index: number,
  ) {
    super(container, list, index);
  }
}

/** The container's `env` entries, in order, with their object paths (shared: not to be modified). */
export const envOf: (c: ContainerView) => readonly EnvEntry[] = memoized((c) => {
  const out: EnvEntry[] = [];
  const env = c.container.env;
  if (!Array.isArray(env)) return out;
  for (let i = 0; i < env.length; i++) {
    const e: unknown = env[i];
    if (!isMapping(e) || typeof e.name !== 'string') continue;
    const v = e.value;
    const value = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    out.push(new EnvListEntry(e.name, value, e.valueFrom !== undefined, c.path, i));
  }
  return out;
});

/** The entry that sets an env name (the last one: Kubernetes lets a later entry win). */
export function envValue(c: ContainerView, name: string): EnvEntry | undefined {
  let hit: EnvEntry | undefined;
  for (const e of envOf(c)) if (e.name === name) hit = e;
  return hit;
}

/** One string of a container's `command` or `args`, with its object path. */
export interface ArgToken {
  readonly value: string;
  readonly path: ObjectPath;
}

/** `command` then `args`, as the runtime joins them (shared: not to be modified). */
export const commandLine: (c: ContainerView) => readonly ArgToken[] = memoized((c) => {
  const out: ArgToken[] = [];
  for (const key of COMMAND_LISTS) {
    const list = c.container[key];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const v: unknown = list[i];
      if (typeof v === 'string' || typeof v === 'number') out.push(new ArgListEntry(String(v), c.path, key, i));
    }
  }
  return out;
});
const COMMAND_LISTS = ['command', 'args'] as const;

/**
 * Splits a shell string into words, well enough to read the flags of a command line
 * (`sh -c "vllm serve org/model --revision abc"`): quotes group, nothing is expanded.
 * Linear in the input.
 */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < s.length) {
      const next = s[++i];
      if (next !== '\n') {
        cur += next;
        inWord = true;
      }
    } else if (
      ch === ' ' ||
      ch === '\t' ||
      ch === '\n' ||
      ch === '\r' ||
      ch === ';' ||
      ch === '&' ||
      ch === '|' ||
      ch === '(' ||
      ch === ')'
    ) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      if (ch === ';' || ch === '&' || ch === '|') out.push(ch);
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** A word of the command line, remembering which `command`/`args` entry it came from. */
export interface Word {
  value: string;
  path: ObjectPath;
  /** Set when the word was read from a shell script held in one entry (`bash -c "…"`). */
  inScript?: boolean;
}

/** Where to report a word: the entry that is the word, or the word inside the script that holds it. */
export function wordAt(w: Word): At {
  return w.inScript ? { path: w.path, find: w.value } : w.path;
}

/**
 * The words of the container's command line: list entries as they are, and entries that hold a
 * shell script (anything with a space) split into words. Shell separators are kept as words.
 */
export const commandWords: (c: ContainerView) => readonly Word[] = memoized((c) => {
  const out: Word[] = [];
  for (const t of commandLine(c)) {
    if (/\s/.test(t.value)) for (const w of shellWords(t.value)) out.push({ value: w, path: t.path, inScript: true });
    else out.push(t);
  }
  return out;
});

/** A quantity-valued entry of `resources.requests` or `resources.limits`. */
export function resourceValue(c: ContainerView, section: 'requests' | 'limits', name: string): unknown {
  return asMapping(asMapping(c.container.resources)[section])[name];
}

/** `memory or CPU`, `memory` or `CPU`: the resources a container leaves unset, for messages. */
export function missingWhat(memory: boolean, cpu: boolean): string {
  return memory && cpu ? 'memory or CPU' : memory ? 'memory' : 'CPU';
}

export function hasResource(c: ContainerView, section: 'requests' | 'limits', name: string): boolean {
  const v = resourceValue(c, section, name);
  return v !== undefined && v !== null && v !== '';
}

/** A named volume of a pod spec. */
export interface PodVolume {
  readonly volume: Obj;
  readonly name: string;
  readonly path: ObjectPath;
}

/** The pod's volumes with their object paths, read once per pod spec for the volume rules (shared: not to be modified). */
export const volumesOf: (pod: PodSpecDocument) => readonly PodVolume[] = podMemoized((pod) => {
  const list: PodVolume[] = [];
  const volumes = asList(pod.spec.volumes);
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i];
    if (isMapping(v) && typeof v.name === 'string') list.push(new VolumeListEntry(v, v.name, pod.specPath, i));
  }
  return list;
});

/** The containers that mount a volume, with the mount paths. */
export function mountsOf(pod: PodSpecDocument, volume: string): Array<{ container: ContainerView; mountPath: string; path: ObjectPath }> {
  const out: Array<{ container: ContainerView; mountPath: string; path: ObjectPath }> = [];
  for (const c of pod.containers) {
    asList(c.container.volumeMounts).forEach((m, i) => {
      if (isMapping(m) && m.name === volume && typeof m.mountPath === 'string')
        out.push({ container: c, mountPath: m.mountPath, path: [...c.path, 'volumeMounts', i] });
    });
  }
  return out;
}

/** A container description for messages: `Container 'vllm'` or `Init container 'fetch'` (made once per container). */
export const describe: (c: ContainerView) => string = memoized((c) => {
  const what = c.group === 'initContainers' ? 'Init container' : c.group === 'ephemeralContainers' ? 'Ephemeral container' : 'Container';
  return `${what} '${c.name}'`;
});

/** Redacts a secret to a short prefix plus `…`. */
export function redact(value: string): string {
  const keep = value.length >= 16 ? 4 : value.length >= 8 ? 2 : 0;
  return value.slice(0, keep) + '…';
}

/**
 * Object path of the workflow spec of the Argo object a pod spec belongs to (its own, or one an
 * AppWrapper wraps): `spec`, or `spec.workflowSpec` of a CronWorkflow.
 */
export function argoWorkflowSpecPath(pod: PodSpecDocument): ObjectPath | undefined {
  const { group, kind, path } = pod.belongsTo;
  if (group !== 'argoproj.io') return undefined;
  return kind === 'CronWorkflow' ? [...path, 'spec', 'workflowSpec'] : [...path, 'spec'];
}

/**
 * Pod-level settings an Argo Workflow gives all its templates (`spec`, or `spec.workflowSpec` of a
 * CronWorkflow); a template's own value wins.
 */
function workflowDefaults(pod: PodSpecDocument): { spec: Obj; path: ObjectPath } | undefined {
  const path = argoWorkflowSpecPath(pod);
  if (!path) return undefined;
  const spec = pod.owner.get(path);
  return isMapping(spec) && spec !== pod.spec ? { spec, path } : undefined;
}

/** A pod-level field, or the workflow-wide default of an Argo template; with its object path. */
function podField(pod: PodSpecDocument, name: string): { value: unknown; path: ObjectPath } | undefined {
  if (pod.spec[name] !== undefined && pod.spec[name] !== null && pod.spec[name] !== '')
    return { value: pod.spec[name], path: pod.at(name) };
  const wf = workflowDefaults(pod);
  if (wf && wf.spec[name] !== undefined && wf.spec[name] !== null && wf.spec[name] !== '')
    return { value: wf.spec[name], path: [...wf.path, name] };
  return undefined;
}

/** The service account a pod runs as (`default` when unset); the deprecated `serviceAccount` field counts too. */
export function serviceAccountOf(pod: PodSpecDocument): { name: string; path: ObjectPath | undefined } {
  for (const field of ['serviceAccountName', 'serviceAccount']) {
    const f = podField(pod, field);
    if (f && typeof f.value === 'string') return { name: f.value, path: f.path };
  }
  return { name: 'default', path: undefined };
}

/** The namespace of the pods of a pod spec (`default` when the object has none). */
export function namespaceOf(pod: PodSpecDocument): string {
  return pod.owner.namespace;
}

/** An image reference split into its parts: `registry/repo:tag@sha256:…`. */
export interface ImageRef {
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Parses an image reference; undefined for templated references a renderer has not filled in. */
export function parseImage(image: string): ImageRef | undefined {
  const s = image.trim();
  if (s === '' || s.includes('{{') || s.includes('$(') || s.includes('${')) return undefined;
  const at = s.indexOf('@');
  const digest = at >= 0 ? s.slice(at + 1) : undefined;
  const name = at >= 0 ? s.slice(0, at) : s;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  return {
    repository: colon > slash ? name.slice(0, colon) : name,
    tag: tag === '' ? undefined : tag,
    digest: digest === '' ? undefined : digest,
  };
}

/** The container's image reference, parsed once per container (shared: not to be modified); undefined when it has none or it is templated. */
export const imageOf: (c: ContainerView) => ImageRef | undefined = memoized((c) =>
  typeof c.container.image === 'string' ? parseImage(c.container.image) : undefined,
);

/**
 * Where to report something a container lacks: its `name` entry (one line that names it), or
 * the container itself when it has no name. Made once per container (shared: not to be modified).
 */
export const containerAnchor: (c: ContainerView) => ObjectPath = memoized((c) =>
  typeof c.container.name === 'string' ? [...c.path, 'name'] : c.path,
);

/** Containers that take resources and security settings (ephemeral containers cannot have resources); shared, not to be modified. */
export function regularContainers(pod: PodSpecDocument): readonly ContainerView[] {
  const all = pod.containers;
  for (let i = 0; i < all.length; i++)
    if (all[i].group === 'ephemeralContainers') return all.filter((c) => c.group !== 'ephemeralContainers');
  return all;
}

/** Whether a pod gets its service account's API token, and why. */
export interface TokenMount {
  mounted: boolean;
  serviceAccount: string;
  /** The pod (or its Argo workflow) sets `automountServiceAccountToken: true` itself. */
  explicit: boolean;
  /** Where the pod's own `automountServiceAccountToken` is, when it sets one. */
  explicitPath: ObjectPath | undefined;
  /** The ServiceAccount object, when the scan holds it. */
  account: K8sObjectDocument | undefined;
}

const accountIndexes = new WeakMap<readonly K8sObjectDocument[], Map<string, K8sObjectDocument>>();

/** ServiceAccounts of a scan by `namespace/name`, built once per set of objects. */
function accountsOf(objects: readonly K8sObjectDocument[]): Map<string, K8sObjectDocument> {
  let index = accountIndexes.get(objects);
  if (!index) {
    index = new Map();
    for (const o of objects)
      if (o.object.kind === 'ServiceAccount' && o.object.apiVersion === 'v1') index.set(`${o.namespace}/${o.name}`, o);
    accountIndexes.set(objects, index);
  }
  return index;
}

/**
 * Token automounting as the kubelet decides it: the pod's `automountServiceAccountToken` wins,
 * otherwise the ServiceAccount's (when it is among `objects`), otherwise the token is mounted.
 */
export function tokenMount(pod: PodSpecDocument, objects: readonly K8sObjectDocument[]): TokenMount {
  const known = tokenMountSlot(pod);
  if (known.objects !== objects) {
    known.objects = objects;
    known.mount = decideTokenMount(pod, objects);
  }
  return known.mount!;
}

/** Decided once per pod of a set for the rules that read it (shared: not to be modified); a pod view is read with one set. */
const tokenMountSlot: (pod: PodSpecDocument) => { objects?: readonly K8sObjectDocument[]; mount?: TokenMount } = podMemoized(() => ({}));

function decideTokenMount(pod: PodSpecDocument, objects: readonly K8sObjectDocument[]): TokenMount {
  const sa = serviceAccountOf(pod).name;
  const account = accountsOf(objects).get(`${namespaceOf(pod)}/${sa}`);
  const own = podField(pod, 'automountServiceAccountToken');
  const explicitPath = own?.path;
  if (own?.value === false) return { serviceAccount: sa, account, explicitPath, mounted: false, explicit: false };
  if (own?.value === true) return { serviceAccount: sa, account, explicitPath, mounted: true, explicit: true };
  const mounted = account?.object.automountServiceAccountToken !== false;
  return { serviceAccount: sa, account, explicitPath, mounted, explicit: false };
}

/** `Kind 'name'` of the object a pod spec belongs to (`belongsTo`). */
function belongsToName(pod: PodSpecDocument): string {
  if (pod.objectPath.length === 0) return `${pod.owner.object.kind} '${pod.owner.name}'`;
  const { kind, name } = pod.belongsTo;
  return name === '' ? kind : `${kind} '${name}'`;
}

/** ` in AppWrapper 'aw'` for a spec the owner wraps, else empty. */
function wrapperName(pod: PodSpecDocument): string {
  return pod.objectPath.length === 0 ? '' : ` in ${pod.owner.object.kind} '${pod.owner.name}'`;
}

/** The object a pod spec belongs to, for messages: `Deployment 'vllm'`, `Deployment 'vllm' in AppWrapper 'aw'`. */
export function objectLabel(pod: PodSpecDocument): string {
  return belongsToName(pod) + wrapperName(pod);
}

/** The pod spec and the object it belongs to, for messages: `Deployment 'vllm'`, `RayCluster 'rc' (worker group 'gpu')`. */
export function podLabel(pod: PodSpecDocument): string {
  const { origin } = pod;
  const { kind } = pod.belongsTo;
  const detail = origin === kind ? '' : ` (${origin.startsWith(kind + ' ') ? origin.slice(kind.length + 1) : origin})`;
  return belongsToName(pod) + detail + wrapperName(pod);
}

/** Kinds whose pod spec is merged into pods of another object, which decides the service account. */
const IDENTITY_ELSEWHERE = new Set(['ServingRuntime', 'ClusterServingRuntime']);
/** Templates whose service account, when they name none, is chosen when a workflow is submitted. */
const SUBMITTED_TEMPLATES = new Set(['WorkflowTemplate', 'ClusterWorkflowTemplate']);

/**
 * Whether the pod's service account can be judged from this object: not for serving runtimes
 * (the InferenceService decides) nor for unnamed accounts of Argo workflow templates.
 */
export function identityDecidedHere(pod: PodSpecDocument): boolean {
  const { group, kind } = pod.belongsTo;
  if (group === 'serving.kserve.io' && IDENTITY_ELSEWHERE.has(kind)) return false;
  if (group === 'argoproj.io' && SUBMITTED_TEMPLATES.has(kind)) return serviceAccountOf(pod).path !== undefined;
  return true;
}

const POD_SPEC_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'extensions',
  'ray.io',
  'kubeflow.org',
  'serving.kserve.io',
  'machinelearning.seldon.io',
  'argoproj.io',
  'jobset.x-k8s.io',
  'leaderworkerset.x-k8s.io',
]);

/**
 * Whether pod-level fields (like `automountServiceAccountToken`) can be written at the pod spec's
 * path: the objects whose schema embeds a PodSpec there. Specs found by searching an unknown
 * custom resource may not accept them.
 */
export function acceptsPodFields(pod: PodSpecDocument): boolean {
  const { group, kind } = pod.belongsTo;
  return POD_SPEC_GROUPS.has(group) && !(group === 'serving.kserve.io' && IDENTITY_ELSEWHERE.has(kind));
}

/**
 * KServe merges a model component of an InferenceService (`predictor.model`, `predictor.pytorch`, …)
 * with the container of its ServingRuntime: a field missing on one side may come from the other.
 */
export function mergedWithRuntime(pod: PodSpecDocument, c: ContainerView): 'runtime' | 'component' | undefined {
  const { group, kind } = pod.belongsTo;
  if (group !== 'serving.kserve.io') return undefined;
  if (kind === 'ServingRuntime' || kind === 'ClusterServingRuntime') return 'runtime';
  if (kind === 'InferenceService' && typeof c.path[c.path.length - 1] === 'string') return 'component';
  return undefined;
}

/** Environment names that hold credentials: `HF_TOKEN`, `OPENAI_API_KEY`, `DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`. */
const SECRET_NAME =
  /(?:^|_)(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH_?KEY|CLIENT_?SECRET)(?:_|$)/i;
/** Names that point at a secret rather than hold it. */
const REFERENCE_NAME =
  /(?:_|^)(?:FILE|PATH|DIR|NAME|ID|URL|URI|ENDPOINT|HOST|TYPE|HEADER|LENGTH|LIMIT|TTL|EXPIRY|EXPIRES|ENABLED|REQUIRED|MODE)$/i;

/** Credential formats recognisable by their shape. Each pattern is anchored and linear. */
const KEY_FORMATS: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: 'Hugging Face token', re: /^hf_[A-Za-z0-9]{30,}$/ },
  { name: 'Anthropic API key', re: /^sk-ant-[A-Za-z0-9_-]{20,}$/ },
  { name: 'OpenAI API key', re: /^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$/ },
  { name: 'GitHub token', re: /^(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})$/ },
  { name: 'GitLab token', re: /^glpat-[A-Za-z0-9_-]{20,}$/ },
  { name: 'AWS access key id', re: /^(?:AKIA|ASIA)[0-9A-Z]{16}$/ },
  { name: 'Google API key', re: /^AIza[0-9A-Za-z_-]{35}$/ },
  { name: 'Slack token', re: /^xox[abposr]-[A-Za-z0-9-]{10,}$/ },
  { name: 'Stripe key', re: /^[rs]k_live_[A-Za-z0-9]{20,}$/ },
  { name: 'npm token', re: /^npm_[A-Za-z0-9]{36}$/ },
  { name: 'Weights & Biases key', re: /^[0-9a-f]{40}$/ },
  { name: 'JSON Web Token', re: /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/ },
  { name: 'private key', re: /^-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
];
/** `scheme://user:password@host`: credentials inside a connection URL. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]+)@/i;
const NOT_A_SECRET = /^(?:true|false|yes|no|on|off|none|null|enabled|disabled|\d{1,6})$/i;
const PLACEHOLDER =
  /^(?:<[^>]*>|\$[A-Za-z_][A-Za-z0-9_]*|\$\(.*\)|\$\{.*\}|\{\{.*\}\}|x+|\*+|\.+|-+|changeme|change-me|replace-?me|your[-_].*|dummy|example|placeholder|redacted)$/i;

/**
 * Whether a literal value under a name (an environment variable, a command-line flag as
 * `API_KEY`) is a credential: `certain` for recognised key formats and URLs with a password.
 */
export function classifySecret(name: string, value: string): { kind: string; certain: boolean } | undefined {
  const v = value.trim();
  if (v === '' || v.length < 4 || NOT_A_SECRET.test(v) || PLACEHOLDER.test(v) || isKnownFalse(v)) return undefined;
  const format = KEY_FORMATS.find((f) => f.re.test(v));
  if (format && (format.name !== 'Weights & Biases key' || SECRET_NAME.test(name) || /WANDB/i.test(name)))
    return { kind: format.name, certain: true };
  const url = URL_WITH_PASSWORD.exec(v);
  if (url && !PLACEHOLDER.test(url[1])) return { kind: 'password in a connection URL', certain: true };
  if (!SECRET_NAME.test(name) || REFERENCE_NAME.test(name)) return undefined;
  // A path or a plain URL names where the secret is, it is not the secret.
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('~/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return undefined;
  if (v.length < 8) return undefined;
  return { kind: 'credential', certain: false };
}

/** True for a value that stands in for a credential rather than being one: empty, `<token>`, `${VAR}`, `changeme`, `xxxx`. */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  return v === '' || PLACEHOLDER.test(v);
}

/** True for a value that is a setting, not a credential: a boolean, a small number, `none`. */
export function isSettingValue(value: string): boolean {
  return NOT_A_SECRET.test(value.trim());
}

/** `an OpenAI API key`, `a Hugging Face token`. */
export function withArticle(noun: string): string {
  return `${/^[AEIOUaeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

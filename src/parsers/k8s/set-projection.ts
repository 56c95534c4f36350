import type { KeptValueBudget } from '../../core/source-file.js';
import type { ObjectPath } from '../../core/types.js';
import { isMapping } from '../yaml/position-table.js';
import type { K8sObject } from './k8s-documents.js';
import { controllerReference } from './owner-references.js';
import { containersOf, findPodSpecs } from './pod-specs.js';

type Obj = Record<string, unknown>;

/** Object metadata the cross-object rules read: identity, labels (selectors) and annotations (auth hints, suppressions). */
const METADATA_KEPT = new Set(['name', 'generateName', 'namespace', 'labels', 'annotations']);

/**
 * Owners whose controller reference a cross-object rule reads: K8S-0163 tells the JobSet Kubeflow
 * Trainer made from a TrainJob (admitted by Kueue with it) by its controller, the TrainJob.
 */
const OWNERS_READ: ReadonlySet<string> = new Set(['trainer.kubeflow.org/TrainJob']);

/**
 * The controller reference of `ownerReferences` when its owner is one of `OWNERS_READ`, as
 * `{apiVersion, kind, name, controller}`; undefined otherwise (the others are dropped).
 */
function ownersRead(refs: unknown): Obj[] | undefined {
  const c = controllerReference(refs, (r) => OWNERS_READ.has(`${r.group}/${r.kind}`));
  return c && [{ apiVersion: c.apiVersion, kind: c.kind, name: c.name, controller: true }];
}

/** Pod-level fields no cross-object rule reads (scheduling, security context, DNS): the per-object rules have read them. */
const POD_FIELDS_DROPPED = [
  'securityContext',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'dnsConfig',
  'dnsPolicy',
  'schedulerName',
  'priority',
  'priorityClassName',
  'preemptionPolicy',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'restartPolicy',
  'readinessGates',
  'schedulingGates',
  'overhead',
  'os',
  'hostAliases',
  'enableServiceLinks',
  'setHostnameAsFQDN',
  'hostname',
  'subdomain',
  'imagePullSecrets',
  'resourceClaims',
];

/** Container fields no cross-object rule reads (the AI-service, GPU, Secret and token checks read image, command, args, env, ports, resources, mounts). */
const CONTAINER_FIELDS_DROPPED = [
  'securityContext',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'resizePolicy',
  'restartPolicy',
  'stdin',
  'stdinOnce',
  'tty',
  'volumeDevices',
];

/** Where an object's pod specs and their containers are (a document's pod views, made already, serve). */
export interface PodSpecPaths {
  readonly specPath: ObjectPath;
  readonly containers: ReadonlyArray<{ readonly path: ObjectPath }>;
}

/** A JupyterHub configuration key (a chart's `values.yaml`, a `jupyterhub_config.py`) the hub rules read: it names the authenticator. */
export function hubConfigText(key: string, text: string): boolean {
  return (key === 'values.yaml' || key.endsWith('.py')) && /authenticator_class|DummyAuthenticator/.test(text);
}

/** The data key of Kueue's manager ConfigMap (`kueue-manager-config` of its release manifests and chart). */
export const KUEUE_CONFIG_KEY = 'controller_manager_config.yaml';

/** Kueue's manager Configuration, which K8S-0163 reads for the integrations that are on. */
export function kueueConfigText(key: string, text: string): boolean {
  return key === KUEUE_CONFIG_KEY && text.includes('config.kueue.x-k8s.io/');
}

/** The ConfigMap values cross-object rules read, by the rules that read them: every other value is dropped. */
const CONFIGMAP_READERS: ReadonlyArray<{ rules: string; keeps: (key: string, text: string) => boolean }> = [
  { rules: 'K8S-0150/0151 (JupyterHub)', keeps: hubConfigText },
  { rules: 'K8S-0163 (Kueue)', keeps: kueueConfigText },
];

/**
 * ConfigMap values a cluster scan keeps for the cross-object rules, at most, in characters and in
 * count: a cluster's hub and Kueue configurations are a few, of some KiB each; a hostile one of
 * thousands of 1 MiB ConfigMaps that each name an authenticator would hold them all to the end.
 */
export const MAX_KEPT_VALUE_CHARS = 16 * 1024 * 1024;
export const MAX_KEPT_VALUES = 4096;
/** Dropped values told one by one in `errors`, at most; one more entry says that more were dropped. */
const MAX_DROP_NOTES = 10;

/** A cluster scan's budget for the ConfigMap values its projections keep (`ClusterListing.keptValues`). */
export class KeptValues implements KeptValueBudget {
  private chars = 0;
  private count = 0;
  private notes = 0;

  constructor(
    private readonly note: (path: string, message: string) => void,
    private readonly maxChars = MAX_KEPT_VALUE_CHARS,
    private readonly maxCount = MAX_KEPT_VALUES,
  ) {}

  take(chars: number, count = 1): boolean {
    if (this.count + count > this.maxCount || this.chars + chars > this.maxChars) return false;
    this.count += count;
    this.chars += chars;
    return true;
  }

  dropped(path: string, what: string): void {
    this.notes++;
    if (this.notes <= MAX_DROP_NOTES)
      this.note(
        path,
        `${what} not kept for the cross-object rules, which judge without it: the scan keeps at most ${this.maxCount} ConfigMap values of ${this.maxChars} characters in all for them`,
      );
    else if (this.notes === MAX_DROP_NOTES + 1)
      this.note(
        path,
        `more ConfigMap values were not kept for the cross-object rules; the first ${MAX_DROP_NOTES} are told, not the others`,
      );
  }
}

const POD_DROPPED: ReadonlySet<string> = new Set(POD_FIELDS_DROPPED);
const CONTAINER_DROPPED: ReadonlySet<string> = new Set(CONTAINER_FIELDS_DROPPED);

/**
 * What the cross-object (`k8s-set`) rules read of an object read from a live cluster, kept once the
 * object's own rules are done (a cluster scan holds every object until its end, so what it keeps
 * decides its memory): object metadata without the server's bookkeeping (`uid`, `resourceVersion`,
 * timestamps, owner references but a controller a rule reads (`OWNERS_READ`), finalizers), pod specs and their containers without scheduling,
 * security contexts and probes, and a ConfigMap's keys without their values, except the configurations
 * cross-object rules read (`CONFIGMAP_READERS`), within the scan's `kept` budget (a value past it is
 * dropped too, and told at `kept.path`). Everything else is kept
 * as it is, in the same place: the pod specs are found where they were, and findings of the
 * cross-object rules point at the same paths with the same values. `pods` are the object's pod specs
 * when they were found already (else they are looked for).
 */
export function setProjection(obj: K8sObject, pods?: readonly PodSpecPaths[], kept?: { budget: KeptValueBudget; path: string }): K8sObject {
  const dropped = new DropNode();
  for (const pod of pods ?? podSpecPaths(obj)) {
    addFields(dropped, pod.specPath, POD_DROPPED);
    for (const c of pod.containers) addFields(dropped, c.path, CONTAINER_DROPPED);
  }
  const out: Obj = {};
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const below = dropped.children?.get(key);
    if (key === 'metadata' && isMapping(value)) {
      const metadata = pick(value, METADATA_KEPT);
      const owners = ownersRead(value.ownerReferences);
      if (owners) metadata.ownerReferences = owners;
      out.metadata = metadata;
    } else out[key] = below === undefined || dropped.drops(key) ? value : copyWithout(value, below);
  }
  if (obj.kind === 'ConfigMap' && obj.apiVersion === 'v1') {
    if (isMapping(out.data)) out.data = keptData(out.data, kept);
    if (isMapping(out.binaryData)) out.binaryData = keysOnly(out.binaryData);
  }
  return out as K8sObject;
}

function podSpecPaths(obj: K8sObject): PodSpecPaths[] {
  return findPodSpecs(obj).map((loc) => ({ specPath: loc.specPath, containers: containersOf(obj, loc) }));
}

/**
 * The fields to leave out below one node of the object, as a tree of path segments: the names of its
 * fields dropped whole (shared sets: a pod spec's, a container's), and the nodes below with fields to drop.
 */
class DropNode {
  fields: Array<ReadonlySet<string>> | undefined;
  children: Map<string | number, DropNode> | undefined;

  drops(key: string | number): boolean {
    const fields = this.fields;
    if (fields === undefined || typeof key !== 'string') return false;
    for (const f of fields) if (f.has(key)) return true;
    return false;
  }
}

/** Marks `fields` of the value at `path` dropped (unless a field on the way is dropped whole already). */
function addFields(tree: DropNode, path: ObjectPath, fields: ReadonlySet<string>): void {
  let node = tree;
  for (const seg of path) {
    if (node.drops(seg)) return;
    const children = (node.children ??= new Map());
    let next = children.get(seg);
    if (next === undefined) children.set(seg, (next = new DropNode()));
    node = next;
  }
  if (node.fields === undefined) node.fields = [fields];
  else if (!node.fields.includes(fields)) node.fields.push(fields);
}

function pick(o: Obj, keys: ReadonlySet<string>): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) if (keys.has(k)) out[k] = o[k];
  return out;
}

function keysOnly(o: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) out[k] = '';
  return out;
}

/**
 * A ConfigMap's `data`: the keys, with the values a cross-object rule reads if they all fit in the
 * budget, else none of them (a hub's values.yaml without the .py keys beside it, or the other way
 * round, would be judged as another configuration); each value dropped is told.
 */
function keptData(data: Obj, kept: { budget: KeptValueBudget; path: string } | undefined): Obj {
  const out: Obj = {};
  const read: Array<{ key: string; value: string; rules: string }> = [];
  let chars = 0;
  for (const k of Object.keys(data)) {
    const v = data[k];
    out[k] = '';
    if (typeof v !== 'string') continue;
    const reader = CONFIGMAP_READERS.find((r) => r.keeps(k, v));
    if (reader === undefined) continue;
    read.push({ key: k, value: v, rules: reader.rules });
    chars += v.length;
  }
  if (read.length === 0) return out;
  if (kept === undefined || kept.budget.take(chars, read.length)) for (const r of read) out[r.key] = r.value;
  else
    for (const r of read) kept.budget.dropped(kept.path, `the value of key '${r.key}' (${r.value.length} characters; ${r.rules} read it)`);
  return out;
}

/** A copy of `value` without the fields `dropped` names; the subtrees it names nothing in are shared, not copied. */
function copyWithout(value: unknown, dropped: DropNode): unknown {
  const children = dropped.children;
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      const below = children?.get(i);
      return below === undefined ? v : copyWithout(v, below);
    });
  }
  if (!isMapping(value)) return value;
  const out: Obj = {};
  for (const k of Object.keys(value)) {
    if (dropped.drops(k)) continue;
    const v = value[k];
    const below = children?.get(k);
    out[k] = below === undefined ? v : copyWithout(v, below);
  }
  return out;
}

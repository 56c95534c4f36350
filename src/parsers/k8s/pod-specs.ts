import type { ObjectPath } from '../../core/types.js';
import { isMapping } from '../yaml/position-table.js';

type Obj = Record<string, unknown>;

export type ContainerGroup = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerView {
  readonly container: Obj;
  /** Object path of the container, relative to the Kubernetes object. */
  readonly path: ObjectPath;
  readonly group: ContainerGroup;
  readonly name: string;
  /**
   * What rule helpers derive from the container once for every rule (its env, its command line), by
   * slot: a view, like the object it was read from, does not change during a scan.
   */
  readonly memo: unknown[];
}

export interface PodSpecLocation {
  /** Object path of the pod spec, relative to the Kubernetes object. */
  specPath: ObjectPath;
  /** Object path of the pod (template) metadata, when there is one. */
  metadataPath?: ObjectPath;
  /**
   * Containers that do not sit in the spec's `containers` lists (Argo templates, KServe model
   * specs); when absent the standard lists of the spec are used.
   */
  extraContainers?: Array<{
    path: ObjectPath;
    group: ContainerGroup;
    /** The key of the container that holds what the controller sets as its `resources` (a trainer's `resourcesPerNode`). */
    resourcesKey?: string;
  }>;
  /**
   * Where the spec came from in the object it belongs to, for messages: `Deployment`, `RayCluster
   * worker group 'gpu'`; a wrapped object's spec is named as in the object itself (`objectPath` says where).
   */
  origin: string;
  /**
   * Object path of the object the spec belongs to, when the object wraps it (an AppWrapper's
   * component template); absent when it is the object itself.
   */
  objectPath?: ObjectPath;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);
const KSERVE_FRAMEWORKS = [
  'model',
  'sklearn',
  'xgboost',
  'tensorflow',
  'pytorch',
  'triton',
  'onnx',
  'huggingface',
  'lightgbm',
  'paddle',
  'pmml',
  'art',
  'alibi',
  'container',
];
const GENERIC_SEARCH_DEPTH = 8;

function get(o: unknown, path: ObjectPath): unknown {
  let cur = o;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isMapping(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

function group(apiVersion: unknown): string {
  const v = typeof apiVersion === 'string' ? apiVersion : '';
  return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
}

/** A pod template (`{metadata, spec}`) at `path`, if it holds a pod spec. */
function template(obj: Obj, path: ObjectPath, origin: string, out: PodSpecLocation[]): void {
  const t = get(obj, path);
  if (isMapping(t) && isMapping(t.spec)) out.push({ specPath: [...path, 'spec'], metadataPath: [...path, 'metadata'], origin });
}

function eachEntry(obj: Obj, path: ObjectPath, fn: (key: string | number, p: ObjectPath) => void): void {
  const v = get(obj, path);
  if (Array.isArray(v)) v.forEach((_, i) => fn(i, [...path, i]));
  else if (isMapping(v)) for (const k of Object.keys(v)) fn(k, [...path, k]);
}

function rayCluster(obj: Obj, base: ObjectPath, origin: string, out: PodSpecLocation[]): void {
  template(obj, [...base, 'headGroupSpec', 'template'], `${origin} head group`, out);
  eachEntry(obj, [...base, 'workerGroupSpecs'], (i, p) => {
    const name = get(obj, [...p, 'groupName']);
    template(obj, [...p, 'template'], `${origin} worker group '${typeof name === 'string' ? name : i}'`, out);
  });
}

function argoTemplates(obj: Obj, base: ObjectPath, origin: string, out: PodSpecLocation[]): void {
  eachEntry(obj, [...base, 'templates'], (i, p) => {
    const t = get(obj, p);
    if (!isMapping(t)) return;
    const extra: PodSpecLocation['extraContainers'] = [];
    if (isMapping(t.container)) extra.push({ path: [...p, 'container'], group: 'containers' });
    if (isMapping(t.script)) extra.push({ path: [...p, 'script'], group: 'containers' });
    eachEntry(obj, [...p, 'containerSet', 'containers'], (_, cp) => extra.push({ path: cp, group: 'containers' }));
    eachEntry(obj, [...p, 'sidecars'], (_, cp) => extra.push({ path: cp, group: 'containers' }));
    eachEntry(obj, [...p, 'initContainers'], (_, cp) => extra.push({ path: cp, group: 'initContainers' }));
    if (extra.length === 0) return;
    const name = typeof t.name === 'string' ? t.name : String(i);
    out.push({ specPath: p, metadataPath: [...p, 'metadata'], extraContainers: extra, origin: `${origin} template '${name}'` });
  });
}

function kserveComponent(obj: Obj, path: ObjectPath, origin: string, out: PodSpecLocation[]): void {
  const c = get(obj, path);
  if (!isMapping(c)) return;
  const extra: PodSpecLocation['extraContainers'] = [];
  eachEntry(obj, [...path, 'containers'], (_, cp) => extra.push({ path: cp, group: 'containers' }));
  eachEntry(obj, [...path, 'initContainers'], (_, cp) => extra.push({ path: cp, group: 'initContainers' }));
  for (const fw of KSERVE_FRAMEWORKS) if (isMapping(c[fw])) extra.push({ path: [...path, fw], group: 'containers' });
  out.push({ specPath: path, extraContainers: extra, origin });
}

function hasContainers(v: unknown): boolean {
  return isMapping(v) && Array.isArray(v.containers) && v.containers.some((c) => isMapping(c) && typeof c.image === 'string');
}

/** Any mapping with a `containers` list of images, for custom resources we do not know by name. */
function genericSearch(v: unknown, path: ObjectPath, depth: number, origin: string, out: PodSpecLocation[]): void {
  if (depth > GENERIC_SEARCH_DEPTH) return;
  if (hasContainers(v)) {
    const parent = path.length > 0 ? path.slice(0, -1) : path;
    out.push({ specPath: path, metadataPath: path[path.length - 1] === 'spec' ? [...parent, 'metadata'] : undefined, origin });
    return;
  }
  if (Array.isArray(v)) v.forEach((x, i) => genericSearch(x, [...path, i], depth + 1, origin, out));
  else if (isMapping(v))
    for (const [k, x] of Object.entries(v)) if (k !== 'metadata' && k !== 'status') genericSearch(x, [...path, k], depth + 1, origin, out);
}

const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'extensions']);

function isCustomGroup(g: string): boolean {
  return !BUILTIN_GROUPS.has(g) && !g.endsWith('.k8s.io');
}

/** AppWrappers wrapped in AppWrappers read, at most: a deeper one is not read. */
const MAX_WRAPPING = 4;

/**
 * The objects a CodeFlare AppWrapper wraps (`spec.components[].template`), each read as itself: a
 * wrapped JobSet's or RayCluster worker group's pod template sits deeper than the generic search goes.
 */
function appWrapper(obj: Obj, wrapping: number, out: PodSpecLocation[]): void {
  if (wrapping >= MAX_WRAPPING) return;
  eachEntry(obj, ['spec', 'components'], (_, p) => {
    const base = [...p, 'template'];
    const inner = get(obj, base);
    if (!isMapping(inner)) return;
    for (const loc of podSpecsOf(inner, wrapping + 1))
      out.push({
        specPath: [...base, ...loc.specPath],
        ...(loc.metadataPath ? { metadataPath: [...base, ...loc.metadataPath] } : {}),
        ...(loc.extraContainers ? { extraContainers: loc.extraContainers.map((e) => ({ ...e, path: [...base, ...e.path] })) } : {}),
        origin: loc.origin,
        objectPath: [...base, ...(loc.objectPath ?? [])],
      });
  });
}

/** Where the pod specs of a Kubernetes object live: workloads and the AI operators' custom resources. */
export function findPodSpecs(obj: Obj): PodSpecLocation[] {
  return podSpecsOf(obj, 0);
}

function podSpecsOf(obj: Obj, wrapping: number): PodSpecLocation[] {
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const g = group(obj.apiVersion);
  const out: PodSpecLocation[] = [];
  if (kind === 'Pod' && (g === '' || g === 'v1')) {
    if (isMapping(obj.spec)) out.push({ specPath: ['spec'], metadataPath: ['metadata'], origin: 'Pod' });
  } else if (kind === 'PodTemplate' && g === '') template(obj, ['template'], 'PodTemplate', out);
  else if (TEMPLATE_KINDS.has(kind) && ['', 'apps', 'batch', 'extensions'].includes(g)) template(obj, ['spec', 'template'], kind, out);
  else if (kind === 'CronJob' && g === 'batch') template(obj, ['spec', 'jobTemplate', 'spec', 'template'], 'CronJob', out);
  else if (g === 'ray.io') {
    if (kind === 'RayCluster') rayCluster(obj, ['spec'], 'RayCluster', out);
    else if (kind === 'RayJob') {
      rayCluster(obj, ['spec', 'rayClusterSpec'], 'RayJob', out);
      template(obj, ['spec', 'submitterPodTemplate'], 'RayJob submitter', out);
    } else if (kind === 'RayService') rayCluster(obj, ['spec', 'rayClusterConfig'], 'RayService', out);
  } else if (g === 'kubeflow.org') {
    if (kind === 'Notebook') template(obj, ['spec', 'template'], 'Notebook', out);
    else {
      const spec = obj.spec;
      if (isMapping(spec))
        for (const key of Object.keys(spec).filter((k) => k.endsWith('ReplicaSpecs')))
          eachEntry(obj, ['spec', key], (role, p) => template(obj, [...p, 'template'], `${kind} ${String(role)}`, out));
    }
  } else if (g === 'serving.kserve.io' && kind === 'InferenceService') {
    for (const c of ['predictor', 'transformer', 'explainer']) kserveComponent(obj, ['spec', c], `InferenceService ${c}`, out);
    kserveComponent(obj, ['spec', 'predictor', 'workerSpec'], 'InferenceService predictor workers', out);
  } else if (g === 'serving.kserve.io' && (kind === 'ServingRuntime' || kind === 'ClusterServingRuntime')) {
    if (hasContainers(obj.spec)) out.push({ specPath: ['spec'], origin: kind });
  } else if (g === 'machinelearning.seldon.io' && kind === 'SeldonDeployment') {
    eachEntry(obj, ['spec', 'predictors'], (_, p) =>
      eachEntry(obj, [...p, 'componentSpecs'], (__, cp) => template(obj, cp, 'SeldonDeployment component', out)),
    );
  } else if (g === 'argoproj.io' && ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'].includes(kind)) {
    argoTemplates(obj, ['spec'], kind, out);
  } else if (g === 'argoproj.io' && kind === 'CronWorkflow') {
    argoTemplates(obj, ['spec', 'workflowSpec'], kind, out);
  } else if (g === 'jobset.x-k8s.io' && kind === 'JobSet') {
    eachEntry(obj, ['spec', 'replicatedJobs'], (_, p) => template(obj, [...p, 'template', 'spec', 'template'], 'JobSet', out));
  } else if (g === 'workload.codeflare.dev' && kind === 'AppWrapper') {
    appWrapper(obj, wrapping, out);
  } else if (g === 'leaderworkerset.x-k8s.io' && kind === 'LeaderWorkerSet') {
    template(obj, ['spec', 'leaderWorkerTemplate', 'leaderTemplate'], 'LeaderWorkerSet leader', out);
    template(obj, ['spec', 'leaderWorkerTemplate', 'workerTemplate'], 'LeaderWorkerSet worker', out);
  }
  // Custom resources we do not know by name (or known groups' other kinds, e.g. a Katib Experiment's trial Job).
  if (out.length === 0 && isCustomGroup(g)) genericSearch(obj.spec, ['spec'], 0, kind, out);
  return out;
}

/**
 * Containers an object sets outside any pod spec, which its controller merges into a container of a
 * template elsewhere: a Kubeflow Trainer TrainJob's `spec.trainer` (image, command, args, env) over the
 * trainer node of its runtime's JobSet template, and its `spec.initializer.model` / `.dataset` (storageUri,
 * env) over the runtime's initializer containers. Read by the container-level rules only (their pods'
 * other settings are the runtime's).
 */
const NO_LOCATIONS: readonly PodSpecLocation[] = [];

export function findContainerOverrides(obj: Obj): readonly PodSpecLocation[] {
  if (obj.kind !== 'TrainJob' || group(obj.apiVersion) !== 'trainer.kubeflow.org') return NO_LOCATIONS;
  const out: PodSpecLocation[] = [];
  if (isMapping(get(obj, TRAINER)))
    out.push({
      specPath: TRAINER,
      extraContainers: [{ path: TRAINER, group: 'containers', resourcesKey: 'resourcesPerNode' }],
      origin: 'TrainJob trainer',
    });
  // The model and dataset initializers (storageUri, env) over the runtime's initializer containers.
  for (const what of ['model', 'dataset'] as const) {
    const path: ObjectPath = ['spec', 'initializer', what];
    if (isMapping(get(obj, path)))
      out.push({ specPath: path, extraContainers: [{ path, group: 'containers' }], origin: `TrainJob ${what} initializer` });
  }
  return out;
}
const TRAINER: ObjectPath = ['spec', 'trainer'];

const CONTAINER_GROUPS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The containers of a pod spec location, with their object paths. */
export function containersOf(obj: Obj, loc: PodSpecLocation): ContainerView[] {
  const out: ContainerView[] = [];
  if (loc.extraContainers) {
    for (const e of loc.extraContainers) {
      const c = get(obj, e.path);
      if (!isMapping(c)) continue;
      const resources = e.resourcesKey === undefined ? undefined : c[e.resourcesKey];
      out.push(containerView(resources === undefined ? c : { ...c, resources }, e.path, e.group));
    }
    return out;
  }
  const spec = get(obj, loc.specPath);
  if (!isMapping(spec)) return out;
  for (const g of CONTAINER_GROUPS) {
    const list = spec[g];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const c: unknown = list[i];
      if (isMapping(c)) out.push(containerView(c, [...loc.specPath, g, i], g));
    }
  }
  return out;
}

/** A container at `path`, named by its `name`, or else by the last step of its path (its index or key). */
function containerView(container: Obj, path: ObjectPath, group: ContainerGroup): ContainerView {
  const name = typeof container.name === 'string' ? container.name : String(path[path.length - 1]);
  return { container, path, group, name, memo: [] };
}

export { get as getAt };

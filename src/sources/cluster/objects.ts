import { controllerReference } from '../../parsers/k8s/owner-references.js';
import { findPodSpecs } from '../../parsers/k8s/pod-specs.js';
import { apiVersionOf, type ResourceType } from './kinds.js';
import type { RawObject } from './list.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Kinds whose `status` rules read: a Service's load balancer addresses, a Node's GPU capacity. */
const STATUS_KEPT = new Set(['Service', 'Node']);

function record(v: unknown): RawObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as RawObject) : undefined;
}

/**
 * The object as a manifest of it would read: `apiVersion` and `kind` (list items omit them), without
 * what the server adds for itself (`managedFields`, the `last-applied-configuration` copy of the
 * object, which would report every finding twice, and the `status` of kinds no rule reads it of).
 * A Secret's values are dropped: a cluster holds Secrets to hold values, the scan needs their
 * names, types and keys only, and their values never enter the scanner's memory longer than a page.
 */
export function asManifest(item: RawObject, type: ResourceType, strings?: StringPool): RawObject {
  const { apiVersion: _a, kind: _k, metadata, status, ...rest } = item;
  const apiVersion = sharedApiVersion(type);
  const md = record(metadata);
  let keep: RawObject | undefined;
  if (md) {
    const { managedFields: _m, ...kept } = md;
    keep = kept;
    const annotations = record(keep.annotations);
    if (annotations && LAST_APPLIED in annotations) {
      const { [LAST_APPLIED]: _l, ...others } = annotations;
      keep.annotations = others;
    }
  }
  // Spread, not Object.assign: an own "__proto__" key (JSON.parse makes one) stays a key instead of setting the prototype.
  const out: RawObject = keep ? { apiVersion, kind: type.kind, metadata: keep, ...rest } : { apiVersion, kind: type.kind, ...rest };
  if (status !== undefined && STATUS_KEPT.has(type.kind) && type.group === '') out.status = status;
  if (type.kind === 'Secret' && type.group === '') {
    // As the Table a server prints: no values, nor the names of the keys.
    delete out.data;
    delete out.stringData;
  }
  if (strings) strings.internIn(out);
  return out;
}

const apiVersions = new WeakMap<ResourceType, string>();

/** One string for the `apiVersion` of every object of a type. */
function sharedApiVersion(type: ResourceType): string {
  let v = apiVersions.get(type);
  if (v === undefined) apiVersions.set(type, (v = apiVersionOf(type)));
  return v;
}

const POOLED_MAX_LENGTH = 256;
const POOL_MAX_SIZE = 200_000;

/**
 * One copy of each short string value of the objects a scan keeps for its cross-object rules (image
 * names, label values, API versions, mount paths repeat across thousands of objects; the API's JSON
 * gives each its own copy).
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  intern(s: string): string {
    if (s.length > POOLED_MAX_LENGTH) return s;
    const known = this.pool.get(s);
    if (known !== undefined) return known;
    if (this.pool.size < POOL_MAX_SIZE) this.pool.set(s, s);
    return s;
  }

  /** Replaces the string values inside `value` (mappings and lists, any depth) with their pooled copies. */
  internIn(value: RawObject | unknown[]): void {
    const stack: Array<RawObject | unknown[]> = [value];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) {
          const v = node[i];
          if (typeof v === 'string') node[i] = this.intern(v);
          else if (typeof v === 'object' && v !== null) stack.push(v as RawObject);
        }
      } else {
        for (const k in node) {
          const v = node[k];
          if (typeof v === 'string') node[k] = this.intern(v);
          else if (typeof v === 'object' && v !== null) stack.push(v as RawObject);
        }
      }
    }
  }
}

/** The controller of an object: its owner reference with `controller: true`. */
export interface ControllerRef {
  group: string;
  kind: string;
  uid: string | undefined;
  /** The object's namespace (a controller is in the namespace of what it controls, or cluster-scoped). */
  namespace: string | undefined;
}

/**
 * Built-in controllers, by `group/kind`: each makes the objects it manages (ReplicaSets, Pods, Jobs)
 * from the pod template it carries, which the rules read as they read the objects' own.
 */
export const TEMPLATE_CONTROLLERS: ReadonlySet<string> = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  '/ReplicationController',
  'batch/Job',
  'batch/CronJob',
]);

/**
 * Operators' custom resources whose pod templates the rules read, by `group/kind` (the kinds
 * `findPodSpecs` knows by name): what one of them controls is made from those templates (a
 * RayCluster's Pods, an InferenceService's Deployment, a Notebook's StatefulSet, a JobSet's Jobs, a
 * RayService's RayCluster, the objects an AppWrapper wraps). Not a TrainJob: its JobSet is its runtime's
 * template with the trainer merged in, which the scan judges apart (see `trainJobStandsFor` in scan-cluster.ts). Taken on trust for a controller not read yet; one that was read stands
 * for what it controls if pod specs were found in it (whatever its kind, see `carriesPodSpecs`).
 */
export const TEMPLATE_CUSTOM_RESOURCES: ReadonlySet<string> = new Set([
  'ray.io/RayCluster',
  'ray.io/RayJob',
  'ray.io/RayService',
  'kubeflow.org/Notebook',
  'kubeflow.org/PyTorchJob',
  'kubeflow.org/TFJob',
  'kubeflow.org/MPIJob',
  'kubeflow.org/XGBoostJob',
  'kubeflow.org/PaddleJob',
  'kubeflow.org/JAXJob',
  'serving.kserve.io/InferenceService',
  'machinelearning.seldon.io/SeldonDeployment',
  'argoproj.io/Workflow',
  'argoproj.io/CronWorkflow',
  'jobset.x-k8s.io/JobSet',
  'leaderworkerset.x-k8s.io/LeaderWorkerSet',
  'workload.codeflare.dev/AppWrapper',
]);

/** The controller of a listed object, if it has one. */
export function controllerOf(item: RawObject): ControllerRef | undefined {
  const md = record(item.metadata);
  const c = controllerReference(md?.ownerReferences);
  if (!c) return undefined;
  return { group: c.group, kind: c.kind, uid: c.uid, namespace: typeof md?.namespace === 'string' ? md.namespace : undefined };
}

/** Whether the rules read pod specs in a listed object (a Pod, a workload's template, an operator's resource). */
export function carriesPodSpecs(item: RawObject, type: ResourceType): boolean {
  // What `findPodSpecs` reads of an object, typed (list items of built-in kinds have no apiVersion or kind).
  return findPodSpecs({ apiVersion: sharedApiVersion(type), kind: type.kind, spec: item.spec, template: item.template }).length > 0;
}

/**
 * True when the object is made from a pod template the scan checks in its controller (a
 * Deployment's ReplicaSets and Pods, a CronJob's Jobs, a RayCluster's Pods, an InferenceService's
 * Deployment): the template is scanned once, in the controller, rather than again in each object
 * made from it. Objects that carry no pod spec (the Services, Ingresses, ConfigMaps, Roles and
 * bindings an operator makes) are never skipped: no rule reads them in their controller, and a
 * LoadBalancer Service an operator made is an exposure only the Service shows. Nor is an object whose
 * controller carries no template the rules read (a Node's mirror Pods, a KServe InferenceGraph's
 * router Deployment). `standsFor(controller)` answers whether the controller is scanned and carries
 * the template.
 */
export function isManagedByScannedController(
  item: RawObject,
  type: ResourceType,
  standsFor: (controller: ControllerRef) => boolean,
): boolean {
  const controller = controllerOf(item);
  return controller !== undefined && standsFor(controller) && carriesPodSpecs(item, type);
}

/** `llm/Deployment.apps/vllm`, `ClusterRole.rbac.authorization.k8s.io/view`: how findings name a cluster object. */
export function objectName(type: ResourceType, item: RawObject): string {
  const md = record(item.metadata) ?? {};
  const name = typeof md.name === 'string' ? md.name : '?';
  const ns = type.namespaced && typeof md.namespace === 'string' ? `${md.namespace}/` : '';
  return `${ns}${type.kind}${type.group ? `.${type.group}` : ''}/${name}`;
}

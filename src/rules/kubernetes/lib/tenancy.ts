/**
 * Namespaces as tenants: which namespaces of a scan run workloads, and the NetworkPolicies,
 * ResourceQuotas and LimitRanges that isolate them. Only namespaces with workloads in the scan are
 * judged; objects without a namespace are grouped under `default`, where `kubectl apply` puts them
 * unless told otherwise, together with the policies that also lack one.
 */
import type { At } from '../../../core/document.js';
import type { K8sObjectDocument, K8sSetDocument, PodSpecDocument } from '../../../parsers/k8s/k8s-documents.js';
import { aiServicesOfPod, type NetworkIndex } from './network.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function apiGroup(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
}

/**
 * Namespaced kinds that hold pod specs for others to instantiate, by `group/Kind`: no pod runs from
 * them directly. KServe's ServingRuntime (merged into InferenceServices) and LLMInferenceServiceConfig
 * (merged into LLMInferenceServices), Argo's WorkflowTemplate,
 * Kubeflow Trainer's TrainingRuntime (its JobSet template runs, and asks for GPUs, only through the
 * TrainJobs that name it). A kind of that name in another group is not known to be a template: its
 * pod specs, found by their shape, are a workload's. (Cluster-scoped templates start with `Cluster`.)
 */
const TEMPLATES = new Set([
  '/PodTemplate',
  'serving.kserve.io/ServingRuntime',
  'serving.kserve.io/LLMInferenceServiceConfig',
  'argoproj.io/WorkflowTemplate',
  'trainer.kubeflow.org/TrainingRuntime',
]);

/** Namespaces run by the control plane, not tenants. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Extended resources of accelerators, as requested by containers. */
const GPU_RESOURCE =
  /^(nvidia\.com\/(gpu|mig-[a-z0-9.-]+)|amd\.com\/gpu|gpu\.intel\.com\/[a-z0-9_-]+|habana\.ai\/gaudi|aws\.amazon\.com\/neuron(core|device)?|google\.com\/tpu)$/;

/** Policy engines whose own (often cluster-wide) policies Sanctum does not evaluate. */
const CLUSTER_POLICY_KINDS = new Set([
  'cilium.io/CiliumClusterwideNetworkPolicy',
  'crd.projectcalico.org/GlobalNetworkPolicy',
  'projectcalico.org/GlobalNetworkPolicy',
  'policy.networking.k8s.io/AdminNetworkPolicy',
  'policy.networking.k8s.io/BaselineAdminNetworkPolicy',
]);
const NAMESPACED_POLICY_KINDS = new Set([
  'cilium.io/CiliumNetworkPolicy',
  'crd.projectcalico.org/NetworkPolicy',
  'projectcalico.org/NetworkPolicy',
]);

export interface Tenant {
  name: string;
  /** The Namespace object, when the scan holds it. */
  namespaceDoc?: K8sObjectDocument;
  /** Objects with pod specs, and the `podless` ones, in scan order. */
  workloads: K8sObjectDocument[];
  pods: PodSpecDocument[];
  /** Workloads that ask for resources without a pod spec of their own (Kubeflow Trainer's TrainJobs: see `resourcesPerNode`). */
  podless: K8sObjectDocument[];
  networkPolicies: K8sObjectDocument[];
  /** Calico or Cilium namespaced policies: present, not evaluated. */
  otherPolicies: K8sObjectDocument[];
  quotas: K8sObjectDocument[];
  limitRanges: K8sObjectDocument[];
  /** Accelerator resources requested or limited by the namespace's containers. */
  gpuResources: Set<string>;
  /** The accelerator resources each `podless` workload asks for (see `trainJobGpus`). */
  podlessGpus: Map<K8sObjectDocument, Set<string>>;
}

export interface TenantView {
  tenants: Tenant[];
  /** A cluster-wide policy engine's policy is in the scan (Cilium, Calico, AdminNetworkPolicy). */
  clusterPolicies: K8sObjectDocument[];
}

function key(o: K8sObjectDocument): string {
  return `${apiGroup(o.resource.apiVersion)}/${o.resource.kind}`;
}

/** `group/Kind` of Kubeflow Trainer v2's TrainJob: the pods it makes come from its runtime's JobSet template. */
const TRAIN_JOB = 'trainer.kubeflow.org/TrainJob';

/**
 * What each node of a TrainJob asks for (`spec.trainer.resourcesPerNode`, `limits` and `requests`):
 * the trainer sets them on the trainer node's container of the JobSet it makes from the runtime.
 * Undefined for any other object.
 */
export function resourcesPerNode(o: K8sObjectDocument): Obj | undefined {
  if (key(o) !== TRAIN_JOB) return undefined;
  const r = o.get(['spec', 'trainer', 'resourcesPerNode']);
  return isObj(r) ? r : undefined;
}

/** `group/Kind` of Kubeflow Trainer's runtimes a TrainJob names (`spec.runtimeRef`). */
const TRAINING_RUNTIME = 'trainer.kubeflow.org/TrainingRuntime';
const CLUSTER_TRAINING_RUNTIME = 'trainer.kubeflow.org/ClusterTrainingRuntime';

/**
 * The runtime a TrainJob names, among `runtimes` (by `namespace/name`, a ClusterTrainingRuntime's
 * namespace empty): `runtimeRef.kind` defaults to ClusterTrainingRuntime, `apiGroup` to the Trainer's.
 */
function runtimeOf(o: K8sObjectDocument, runtimes: ReadonlyMap<string, K8sObjectDocument>): K8sObjectDocument | undefined {
  const ref = o.get(['spec', 'runtimeRef']);
  if (!isObj(ref) || typeof ref.name !== 'string') return undefined;
  const group = typeof ref.apiGroup === 'string' ? ref.apiGroup : 'trainer.kubeflow.org';
  const kind = typeof ref.kind === 'string' ? ref.kind : 'ClusterTrainingRuntime';
  const k = `${group}/${kind}`;
  if (k === TRAINING_RUNTIME) return runtimes.get(`${k}\0${o.namespace}/${ref.name}`);
  if (k === CLUSTER_TRAINING_RUNTIME) return runtimes.get(`${k}\0/${ref.name}`);
  return undefined;
}

/**
 * The accelerator resources a TrainJob asks for: those of its trainer's `resourcesPerNode`, which the
 * Trainer sets on the trainer node of each of `numNodes`; without it, those of the runtime it names
 * (when in the TrainJob's set: its directory, overlay or chart, or the cluster), whose JobSet template asks for them as it stands.
 */
function trainJobGpus(o: K8sObjectDocument, runtimes: ReadonlyMap<string, K8sObjectDocument>): Set<string> {
  const out = new Set<string>();
  const perNode = resourcesPerNode(o);
  if (perNode) resourcesGpus(perNode, out);
  else for (const p of runtimeOf(o, runtimes)?.pods ?? []) gpuResourcesOf(p, out);
  return out;
}

function gpuResourcesOf(pod: PodSpecDocument, into: Set<string>): void {
  for (const c of pod.containers) {
    const r = c.container.resources;
    if (isObj(r)) resourcesGpus(r, into);
  }
}

function resourcesGpus(r: { limits?: unknown; requests?: unknown }, into: Set<string>): void {
  addGpuResources(r.limits, into);
  addGpuResources(r.requests, into);
}

function addGpuResources(part: unknown, into: Set<string>): void {
  if (!isObj(part)) return;
  // Every accelerator resource is a domain-prefixed name: `cpu` and `memory` need no pattern.
  for (const k of Object.keys(part)) if (k.includes('/') && GPU_RESOURCE.test(k) && Number(part[k]) !== 0) into.add(k);
}

/** `runsAiServices` of each tenant it was asked for. */
const aiServiceTenants = new WeakMap<Tenant, boolean>();

/**
 * True when some container of the tenant's pods runs a recognised AI service. Recognising services
 * reads every container's command line and image: computed for a tenant when first asked, not for
 * every tenant.
 */
export function runsAiServices(t: Tenant): boolean {
  let runs = aiServiceTenants.get(t);
  if (runs === undefined) {
    runs = t.pods.some((p) => aiServicesOfPod(p).length > 0);
    aiServiceTenants.set(t, runs);
  }
  return runs;
}

const cache = new WeakMap<K8sSetDocument, TenantView>();

/**
 * The tenant of that name, made when first met. A function of the module, not an arrow in `tenants`:
 * a closure made on each call was compiled by TurboFan again for each set.
 */
function tenantNamed(byName: Map<string, Tenant>, name: string): Tenant {
  let t = byName.get(name);
  if (!t) {
    t = {
      name,
      workloads: [],
      pods: [],
      podless: [],
      networkPolicies: [],
      otherPolicies: [],
      quotas: [],
      limitRanges: [],
      gpuResources: new Set(),
      podlessGpus: new Map(),
    };
    byName.set(name, t);
  }
  return t;
}

/** The namespaces of a scan that run workloads, with what isolates them. */
export function tenants(set: K8sSetDocument): TenantView {
  const cached = cache.get(set);
  if (cached) return cached;
  const byName = new Map<string, Tenant>();
  const namespaces = new Map<string, K8sObjectDocument>();
  const clusterPolicies: K8sObjectDocument[] = [];
  const runtimes = new Map<string, K8sObjectDocument>();
  for (const o of set.objects) {
    const k = key(o);
    if (k === TRAINING_RUNTIME || k === CLUSTER_TRAINING_RUNTIME)
      runtimes.set(`${k}\0${k === TRAINING_RUNTIME ? o.namespace : ''}/${o.name}`, o);
  }
  for (const o of set.objects) {
    const k = key(o);
    if (k === '/Namespace') {
      if (o.name) namespaces.set(o.name, o);
      continue;
    }
    if (CLUSTER_POLICY_KINDS.has(k)) clusterPolicies.push(o);
    else if (k === 'networking.k8s.io/NetworkPolicy') tenantNamed(byName, o.namespace).networkPolicies.push(o);
    else if (NAMESPACED_POLICY_KINDS.has(k)) tenantNamed(byName, o.namespace).otherPolicies.push(o);
    else if (k === '/ResourceQuota') tenantNamed(byName, o.namespace).quotas.push(o);
    else if (k === '/LimitRange') tenantNamed(byName, o.namespace).limitRanges.push(o);
    else if (k === TRAIN_JOB) {
      const t = tenantNamed(byName, o.namespace);
      t.workloads.push(o);
      t.podless.push(o);
      const gpus = trainJobGpus(o, runtimes);
      t.podlessGpus.set(o, gpus);
      for (const r of gpus) t.gpuResources.add(r);
    } else if (o.pods.length > 0 && !o.resource.kind.startsWith('Cluster') && !TEMPLATES.has(k)) {
      const t = tenantNamed(byName, o.namespace);
      t.workloads.push(o);
      for (const p of o.pods) {
        t.pods.push(p);
        gpuResourcesOf(p, t.gpuResources);
      }
    }
  }
  const out: Tenant[] = [];
  for (const t of byName.values()) {
    if (t.workloads.length === 0 || SYSTEM_NAMESPACES.has(t.name)) continue;
    const ns = namespaces.get(t.name);
    if (ns) t.namespaceDoc = ns;
    out.push(t);
  }
  const view = { tenants: out, clusterPolicies };
  cache.set(set, view);
  return view;
}

/**
 * In a cluster scan, true when objects of this kind could not be listed in the tenant's namespace
 * (forbidden, unavailable): their absence there proves nothing, and the rule says nothing.
 */
export function notListed(set: K8sSetDocument, t: Tenant, group: string, kind: string): boolean {
  return set.cluster !== undefined && !set.cluster.listed(group, kind, t.name);
}

/** Where a namespace finding goes: the Namespace object, else the first workload of the namespace. */
export function tenantLocation(t: Tenant): { doc: K8sObjectDocument; at: At } {
  if (t.namespaceDoc) return { doc: t.namespaceDoc, at: ['metadata', 'name'] };
  const w = t.workloads[0];
  return { doc: w, at: w.resource.namespace !== undefined ? ['metadata', 'namespace'] : ['metadata', 'name'] };
}

/** `namespace 'llm'`, with the Namespace object's absence explained when locating on a workload. */
export function tenantName(t: Tenant): string {
  return t.namespaceDoc ? `Namespace '${t.name}'` : `Namespace '${t.name}' (of ${t.workloads[0].resource.kind} '${t.workloads[0].name}')`;
}

/** True for a label selector that selects everything: `{}`, absent, or with empty lists. */
export function selectsAll(selector: unknown): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isObj(selector)) return false;
  const ml = selector.matchLabels;
  const me = selector.matchExpressions;
  return (!isObj(ml) || Object.keys(ml).length === 0) && (!Array.isArray(me) || me.length === 0);
}

export type Direction = 'Ingress' | 'Egress';

/** The policy types a NetworkPolicy enforces (defaults as the API server sets them). */
export function policyTypes(np: K8sObjectDocument): Set<Direction> {
  const types = np.get(['spec', 'policyTypes']);
  if (Array.isArray(types)) return new Set(types.filter((t): t is Direction => t === 'Ingress' || t === 'Egress'));
  const out = new Set<Direction>(['Ingress']);
  if (np.get(['spec', 'egress']) !== undefined) out.add('Egress');
  return out;
}

function field(d: Direction): 'ingress' | 'egress' {
  return d === 'Ingress' ? 'ingress' : 'egress';
}

/** Why a NetworkPolicy rule lets everything in (or out), or undefined when it does not. */
export function allowAllReason(rule: unknown, d: Direction): string | undefined {
  if (!isObj(rule)) return undefined;
  const peers = d === 'Ingress' ? rule.from : rule.to;
  const ports = rule.ports;
  if (Array.isArray(ports) && ports.length > 0) return undefined;
  if (!Array.isArray(peers) || peers.length === 0)
    return `an ${field(d)} rule with no ${d === 'Ingress' ? 'from' : 'to'} and no ports allows all traffic`;
  for (const p of peers) {
    if (!isObj(p)) continue;
    if (
      isObj(p.ipBlock) &&
      (p.ipBlock.cidr === '0.0.0.0/0' || p.ipBlock.cidr === '::/0') &&
      (!Array.isArray(p.ipBlock.except) || p.ipBlock.except.length === 0)
    )
      return `${d === 'Ingress' ? 'from' : 'to'} ipBlock ${String(p.ipBlock.cidr)} on every port allows all traffic`;
    if (p.namespaceSelector !== undefined && selectsAll(p.namespaceSelector) && selectsAll(p.podSelector))
      return `namespaceSelector: {} on every port allows every pod of every namespace`;
  }
  return undefined;
}

/** True when the policy isolates every pod of its namespace in direction `d` without allowing everything back. */
export function isDefaultDeny(np: K8sObjectDocument, d: Direction): boolean {
  if (!selectsAll(np.get(['spec', 'podSelector'])) || !policyTypes(np).has(d)) return false;
  const rules = np.get(['spec', field(d)]);
  if (!Array.isArray(rules)) return true;
  return !rules.some((r) => allowAllReason(r, d) !== undefined);
}

/**
 * Which pod specs of its namespace a NetworkPolicy's podSelector selects (matchExpressions: none,
 * conservatively), in their order: found through the scan's index of pods by label
 * (`NetworkIndex.podsSelectedBy`), the pods of one `key: value` of the selector then checked for the
 * others, not every pod of the namespace walked for every policy.
 */
export function podsSelectedByPolicy(idx: NetworkIndex, np: K8sObjectDocument): readonly PodSpecDocument[] {
  const sel = np.get(['spec', 'podSelector']);
  if (selectsAll(sel)) return idx.podsByNamespace.get(np.namespace) ?? [];
  if (!isObj(sel)) return [];
  if (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0) return [];
  // Not selecting all: matchLabels is a mapping with at least one entry. Policies often share a
  // selector (`tier: serving`): each one of a namespace is looked up once.
  const ml = sel.matchLabels as Record<string, unknown>;
  const key = `${np.namespace}\0${JSON.stringify(
    Object.keys(ml)
      .sort()
      .map((k) => [k, String(ml[k])]),
  )}`;
  let known = selections.get(idx);
  if (!known) selections.set(idx, (known = new Map()));
  let pods = known.get(key);
  if (!pods) known.set(key, (pods = idx.podsSelectedBy(np.namespace, ml)));
  return pods;
}

/** The pods each selector of a scan's NetworkPolicies selects, by namespace and selector. */
const selections = new WeakMap<NetworkIndex, Map<string, readonly PodSpecDocument[]>>();

/** The quota keys that cap an accelerator resource (`requests.nvidia.com/gpu`). */
export function quotaCovers(quotas: readonly K8sObjectDocument[], resource: string): boolean {
  return quotas.some((q) => {
    const hard = q.get(['spec', 'hard']);
    return isObj(hard) && hard[`requests.${resource}`] !== undefined;
  });
}

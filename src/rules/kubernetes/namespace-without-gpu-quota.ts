import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument, PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { notListed, quotaCovers, tenantLocation, tenantName, tenants, type Tenant } from './lib/tenancy.js';

const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The resources a Kueue ClusterQueue gives a nominal quota for (`spec.resourceGroups[].flavors[].resources[]`). */
function clusterQueueResources(cq: K8sObjectDocument): Set<string> {
  const out = new Set<string>();
  const groups = cq.get(['spec', 'resourceGroups']);
  if (!Array.isArray(groups)) return out;
  for (const g of groups) {
    if (!isObj(g) || !Array.isArray(g.flavors)) continue;
    for (const f of g.flavors) {
      if (!isObj(f) || !Array.isArray(f.resources)) continue;
      for (const r of f.resources) if (isObj(r) && typeof r.name === 'string' && r.nominalQuota !== undefined) out.add(r.name);
    }
  }
  return out;
}

/**
 * Kueue's quotas of the scan: for each namespace, its LocalQueues by name and the resources the
 * ClusterQueue each one feeds caps (a ClusterQueue not in the scan caps nothing that can be seen).
 */
function kueueQuotas(set: K8sSetDocument): Map<string, Map<string, Set<string>>> {
  const byNamespace = new Map<string, Map<string, Set<string>>>();
  const queues = set.ofKind('LocalQueue', 'ClusterQueue').filter((o) => (o.resource.apiVersion ?? '').startsWith('kueue.x-k8s.io/'));
  if (queues.length === 0) return byNamespace;
  const clusterQueues = new Map<string, Set<string>>();
  for (const q of queues) if (q.resource.kind === 'ClusterQueue') clusterQueues.set(q.name, clusterQueueResources(q));
  for (const q of queues) {
    if (q.resource.kind !== 'LocalQueue') continue;
    const cq = q.get(['spec', 'clusterQueue']);
    const resources = typeof cq === 'string' ? clusterQueues.get(cq) : undefined;
    if (!resources) continue;
    let local = byNamespace.get(q.namespace);
    if (!local) byNamespace.set(q.namespace, (local = new Map()));
    local.set(q.name, resources);
  }
  return byNamespace;
}

/**
 * Kinds whose pods Kueue's pod integration admits one by one, so the label on the pod template
 * counts; its Job, JobSet, RayJob and training-job integrations read the label from the workload
 * object alone.
 */
const TEMPLATE_LABELLED = new Set(['Pod', 'Deployment', 'StatefulSet']);

/** The Kueue queue a pod spec's workload is submitted to: the label on the workload, or on a Pod's, Deployment's or StatefulSet's pod template. */
function queueOf(pod: PodSpecDocument): string | undefined {
  const own = pod.owner.labels[QUEUE_LABEL];
  if (typeof own === 'string') return own;
  if (!TEMPLATE_LABELLED.has(pod.resource.kind)) return undefined;
  const labels = pod.metadata.labels;
  const v = isObj(labels) ? labels[QUEUE_LABEL] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function requests(pod: PodSpecDocument, resource: string): boolean {
  for (const c of pod.containers) {
    const r = c.container.resources;
    if (!isObj(r)) continue;
    for (const part of [r.limits, r.requests]) if (isObj(part) && part[resource] !== undefined && Number(part[resource]) !== 0) return true;
  }
  return false;
}

/**
 * The LocalQueue Kueue gives a workload without the label when its namespace has one of this name
 * (LocalQueueDefaulting: alpha in 0.10, on by default from 0.12, GA in 0.17).
 */
const DEFAULT_LOCAL_QUEUE = 'default';

/**
 * `group/Kind` of the workloads Kueue gives that queue in a default install: the defaulting is done by
 * each integration's webhook, and the integrations on are those of Kueue's release manifests
 * (`integrations.frameworks`: batch/job, MPIJob, RayJob, RayCluster, JobSet, the Kubeflow training
 * jobs, TrainJob, AppWrapper). A CronJob's Jobs pass the Job webhook. Pod, Deployment, StatefulSet and
 * LeaderWorkerSet need the pod integration, off there (and in the built-in default, batch/job alone);
 * no integration takes a DaemonSet or ReplicaSet.
 */
const DEFAULTED_KINDS = new Set([
  'batch/Job',
  'batch/CronJob',
  'jobset.x-k8s.io/JobSet',
  'ray.io/RayJob',
  'ray.io/RayCluster',
  'kubeflow.org/MPIJob',
  'kubeflow.org/PyTorchJob',
  'kubeflow.org/TFJob',
  'kubeflow.org/PaddleJob',
  'kubeflow.org/XGBoostJob',
  'kubeflow.org/JAXJob',
  'kubeflow.org/MXJob',
  'trainer.kubeflow.org/TrainJob',
  'workload.codeflare.dev/AppWrapper',
]);

/** The queue Kueue gives the workload of a pod spec that names none, or undefined. */
function defaultQueueOf(pod: PodSpecDocument): string | undefined {
  const apiVersion = pod.resource.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return DEFAULTED_KINDS.has(`${group}/${pod.resource.kind}`) ? DEFAULT_LOCAL_QUEUE : undefined;
}

/** True when every pod of the tenant that asks for the resource is admitted by a Kueue queue whose ClusterQueue caps it. */
function kueueCovers(local: Map<string, Set<string>> | undefined, t: Tenant, resource: string): boolean {
  if (!local) return false;
  return t.pods.every((p) => {
    if (!requests(p, resource)) return true;
    const q = queueOf(p) ?? defaultQueueOf(p);
    return q !== undefined && local.get(q)?.has(resource) === true;
  });
}

const WORKLOAD =
  'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: finetune\n  namespace: research\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: train\n        image: nvcr.io/nvidia/pytorch:24.08-py3\n        resources:\n          limits: {nvidia.com/gpu: 8}\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: compute\n  namespace: research\nspec:\n  hard:\n    requests.cpu: "64"\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0163',
    slug: 'namespace-without-gpu-quota',
    title: 'GPU namespace without a GPU quota',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'resource-policies' },
      { id: 'mitre-atlas', control: 'AML.T0034' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'GPUs are the scarcest and most expensive resource of an AI cluster. A namespace whose workloads request accelerators but whose ResourceQuota does not cap `requests.<resource>` (e.g. `requests.nvidia.com/gpu`) can take every GPU: one team starves the others, and a stolen token or an open notebook turns into cryptomining or cost harvesting at GPU prices. Kueue counts as the quota where it admits every workload of the namespace that asks for the resource: each carries `kueue.x-k8s.io/queue-name` (on the workload object; for a Pod, Deployment or StatefulSet also on its pod template, as Kueue\u2019s pod integration reads it there, while its Job, JobSet, RayJob and training-job integrations read the workload\u2019s own labels only) naming a LocalQueue of the namespace whose ClusterQueue, in the scan, has a `nominalQuota` for that resource; a Job, CronJob, JobSet, RayJob, RayCluster, Kubeflow training job or AppWrapper without the label is held by the namespace\u2019s LocalQueue named `default` when there is one (Kueue\u2019s webhook for that kind labels it for that queue: LocalQueueDefaulting, on by default since Kueue 0.12); any other workload without the label (a DaemonSet, and a Pod, Deployment or StatefulSet, whose pod integration Kueue\u2019s release manifests leave off) is not held by Kueue.',
    remediation:
      'Add `requests.nvidia.com/gpu` (and the equivalent for other accelerators or MIG profiles used, e.g. `requests.nvidia.com/mig-1g.10gb`) to the namespace\u2019s ResourceQuota. Extended resources only accept the `requests.` prefix in a quota. With Kueue, give the ClusterQueue a `nominalQuota` for the resource and label every GPU workload with its LocalQueue.',
    references: [
      'https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources',
      'https://atlas.mitre.org/techniques/AML.T0034',
      'https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/',
    ],
    examples: {
      bad: [{ path: 'research.yaml', content: WORKLOAD }],
      good: [{ path: 'research.yaml', content: WORKLOAD + '    requests.nvidia.com/gpu: "8"\n' }],
    },
  },
  check(set, ctx) {
    let kueue: Map<string, Map<string, Set<string>>> | undefined;
    for (const t of tenants(set).tenants) {
      if (notListed(set, t, '', 'ResourceQuota')) continue;
      let missing = [...t.gpuResources].filter((r) => !quotaCovers(t.quotas, r)).sort();
      if (missing.length === 0) continue;
      kueue ??= kueueQuotas(set);
      const local = kueue.get(t.name);
      missing = missing.filter((r) => !kueueCovers(local, t, r));
      if (missing.length === 0) continue;
      const { doc, at } = tenantLocation(t);
      const quotas = t.quotas.length
        ? `its ResourceQuota does not cap ${missing.map((r) => `requests.${r}`).join(', ')}`
        : 'it has no ResourceQuota';
      ctx.report({ doc, at, message: `${tenantName(t)} requests ${missing.join(', ')} but ${quotas}` });
    }
  },
});

import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument, PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { controllerReference, type ControllerReference } from '../../parsers/k8s/owner-references.js';
import { KUEUE_CONFIG_KEY, kueueConfigText } from '../../parsers/k8s/set-projection.js';
import { isMapping as isObj } from '../../parsers/yaml/position-table.js';
import { loadEmbeddedYaml } from './lib/embedded-yaml.js';
import { notListed, quotaCovers, tenantLocation, tenantName, tenants, type Tenant } from './lib/tenancy.js';

const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';

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

/**
 * What Kueue admits as one workload and what it asks for: a pod spec of the workload object (`pod`
 * set), or a workload without one (a TrainJob, whose `resourcesPerNode` is read).
 */
interface Asker {
  workload: K8sObjectDocument;
  pod?: PodSpecDocument;
}

/** The Kueue queue a workload is submitted to: the label on the workload, or on a Pod's, Deployment's or StatefulSet's pod template. */
function queueOf(a: Asker): string | undefined {
  const own = a.workload.labels[QUEUE_LABEL];
  return typeof own === 'string' ? own : templateQueueOf(a);
}

/** The queue label of a Pod's, Deployment's or StatefulSet's pod template (the pods carry it), or undefined. */
function templateQueueOf(a: Asker): string | undefined {
  if (!a.pod || !TEMPLATE_LABELLED.has(a.workload.resource.kind)) return undefined;
  const labels = a.pod.metadata.labels;
  const v = isObj(labels) ? labels[QUEUE_LABEL] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function asks(resources: unknown, resource: string): boolean {
  if (!isObj(resources)) return false;
  for (const part of [resources.limits, resources.requests])
    if (isObj(part) && part[resource] !== undefined && Number(part[resource]) !== 0) return true;
  return false;
}

function requests(t: Tenant, a: Asker, resource: string): boolean {
  if (!a.pod) return t.podlessGpus.get(a.workload)?.has(resource) === true;
  return a.pod.containers.some((c) => asks(c.container.resources, resource));
}

/**
 * The LocalQueue Kueue gives a workload without the label when its namespace has one of this name
 * (LocalQueueDefaulting: alpha in 0.10, on by default from 0.12, GA in 0.17).
 */
const DEFAULT_LOCAL_QUEUE = 'default';

/**
 * The Kueue integration (`integrations.frameworks` of its Configuration) that manages each `group/Kind`:
 * a CronJob's Jobs pass the Job integration; no integration takes a DaemonSet or ReplicaSet.
 */
const FRAMEWORK_OF_KIND: ReadonlyMap<string, string> = new Map([
  ['batch/Job', 'batch/job'],
  ['batch/CronJob', 'batch/job'],
  ['jobset.x-k8s.io/JobSet', 'jobset.x-k8s.io/jobset'],
  ['ray.io/RayJob', 'ray.io/rayjob'],
  ['ray.io/RayCluster', 'ray.io/raycluster'],
  ['kubeflow.org/MPIJob', 'kubeflow.org/mpijob'],
  ['kubeflow.org/PyTorchJob', 'kubeflow.org/pytorchjob'],
  ['kubeflow.org/TFJob', 'kubeflow.org/tfjob'],
  ['kubeflow.org/PaddleJob', 'kubeflow.org/paddlejob'],
  ['kubeflow.org/XGBoostJob', 'kubeflow.org/xgboostjob'],
  ['kubeflow.org/JAXJob', 'kubeflow.org/jaxjob'],
  ['kubeflow.org/MXJob', 'kubeflow.org/mxjob'],
  ['trainer.kubeflow.org/TrainJob', 'trainer.kubeflow.org/trainjob'],
  ['workload.codeflare.dev/AppWrapper', 'workload.codeflare.dev/appwrapper'],
  ['/Pod', 'pod'],
  ['apps/Deployment', 'deployment'],
  ['apps/StatefulSet', 'statefulset'],
  ['leaderworkerset.x-k8s.io/LeaderWorkerSet', 'leaderworkerset.x-k8s.io/leaderworkerset'],
]);

/**
 * The integrations on in Kueue's release manifests (`config/components/manager/controller_manager_config.yaml`),
 * assumed when the scan holds no Kueue Configuration: the job integrations, not pod, deployment,
 * statefulset nor leaderworkerset (Kueue's Helm chart turns those four on).
 */
const RELEASE_FRAMEWORKS: ReadonlySet<string> = new Set(
  [...FRAMEWORK_OF_KIND.values()].filter(
    (f) => !['pod', 'deployment', 'statefulset', 'leaderworkerset.x-k8s.io/leaderworkerset'].includes(f),
  ),
);

/** The ConfigMap the Kueue manager of its release manifests and of its chart (release `kueue`, namespace `kueue-system`) mounts. */
const KUEUE_DEFAULT_CONFIG = 'kueue-system/kueue-manager-config';

/** `integrations.frameworks` of a Kueue Configuration, or undefined when the text is not one the scan can read. */
function frameworksOf(text: string): ReadonlySet<string> | undefined {
  const loaded = loadEmbeddedYaml(text);
  if (!loaded.ok) return undefined;
  const config = loaded.value;
  if (!isObj(config) || typeof config.apiVersion !== 'string' || !config.apiVersion.startsWith('config.kueue.x-k8s.io/')) return undefined;
  const integrations = config.integrations;
  const frameworks = isObj(integrations) ? integrations.frameworks : undefined;
  // Without integrations.frameworks Kueue's built-in default is batch/job alone.
  if (!Array.isArray(frameworks)) return new Set(['batch/job']);
  return new Set(frameworks.filter((f): f is string => typeof f === 'string'));
}

/**
 * `integrations.frameworks` of the Kueue Configuration the scan's Kueue uses (the chart's
 * `managerConfig.controllerManagerConfigYaml`, rendered), or undefined when the scan holds none or
 * cannot read it: the release defaults are then assumed. Of several ConfigMaps holding one, the one a Deployment
 * of the scan mounts is used, else `kueue-system/kueue-manager-config`; when neither tells, an
 * integration counts as on only where every candidate turns it on.
 */
function kueueFrameworks(set: K8sSetDocument): ReadonlySet<string> | undefined {
  // A Configuration the scan cannot read is a candidate too: the Kueue that uses it is not visible.
  const candidates = new Map<string, ReadonlySet<string> | undefined>();
  for (const cm of set.ofKind('ConfigMap')) {
    if (cm.resource.apiVersion !== 'v1') continue;
    const data = cm.get(['data']);
    const text = isObj(data) ? data[KUEUE_CONFIG_KEY] : undefined;
    if (typeof text !== 'string' || !kueueConfigText(KUEUE_CONFIG_KEY, text)) continue;
    candidates.set(`${cm.namespace}/${cm.name}`, frameworksOf(text));
  }
  if (candidates.size <= 1) return candidates.values().next().value;
  const mounted = new Set<string>();
  for (const d of set.ofKind('Deployment'))
    for (const pod of d.pods) {
      const volumes = pod.spec.volumes;
      if (!Array.isArray(volumes)) continue;
      for (const v of volumes) {
        const name = isObj(v) && isObj(v.configMap) ? v.configMap.name : undefined;
        const key = typeof name === 'string' ? `${d.namespace}/${name}` : undefined;
        if (key !== undefined && candidates.has(key)) mounted.add(key);
      }
    }
  const used = mounted.size > 0 ? [...mounted] : candidates.has(KUEUE_DEFAULT_CONFIG) ? [KUEUE_DEFAULT_CONFIG] : [...candidates.keys()];
  const sets = used.map((k) => candidates.get(k));
  if (sets.some((s) => s === undefined)) return undefined;
  return new Set([...sets[0]!].filter((f) => sets.every((s) => s!.has(f))));
}

/** The integration that manages a workload, by its `group/Kind`. */
function frameworkOf(a: Asker): string | undefined {
  const apiVersion = a.workload.resource.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return FRAMEWORK_OF_KIND.get(`${group}/${a.workload.resource.kind}`);
}

/**
 * Whether Kueue admits the workload of a pod spec labelled for a queue: its integration is on (for a
 * Deployment's or StatefulSet's template label, the pod integration admits the pods too). With the
 * release defaults assumed, a labelled workload counts as before (whoever labels it runs the integration).
 */
function labelHonoured(a: Asker, frameworks: ReadonlySet<string> | undefined): boolean {
  if (!frameworks) return true;
  const framework = frameworkOf(a);
  if (framework !== undefined && frameworks.has(framework)) return true;
  // Only a label on the template reaches the pods; one on the Deployment's own metadata does not.
  return frameworks.has('pod') && templateQueueOf(a) !== undefined;
}

/**
 * The queue Kueue gives the workload of a pod spec that names none, or undefined: each integration's
 * webhook does the defaulting, so the workload's integration must be on (in the scan's Kueue
 * Configuration, else in the release defaults).
 */
function defaultQueueOf(a: Asker, frameworks: ReadonlySet<string> | undefined): string | undefined {
  const framework = frameworkOf(a);
  return framework !== undefined && (frameworks ?? RELEASE_FRAMEWORKS).has(framework) ? DEFAULT_LOCAL_QUEUE : undefined;
}

/**
 * True for the JobSet Kubeflow Trainer made from a TrainJob of the namespace (`trainJobs`, their
 * names): the Trainer names it after the TrainJob and makes the TrainJob its controller (an owner
 * reference; it sets no label of its own on the JobSet), and Kueue admits it with the TrainJob (its
 * JobSet integration leaves a job whose owner it manages to that owner), which is judged itself. A
 * cluster scan holds it beside the TrainJob, without the TrainJob's labels (the queue label among
 * them). A JobSet of the same name without that controller is no TrainJob's.
 */
function madeByTrainJob(o: K8sObjectDocument, trainJobs: ReadonlySet<string>): boolean {
  if (o.resource.kind !== 'JobSet' || !(o.resource.apiVersion ?? '').startsWith('jobset.x-k8s.io/') || !trainJobs.has(o.name)) return false;
  const isTrainJob = (r: ControllerReference) => r.group === 'trainer.kubeflow.org' && r.kind === 'TrainJob' && r.name === o.name;
  return controllerReference(o.get(['metadata', 'ownerReferences']), isTrainJob) !== undefined;
}

/** True when every pod of the tenant that asks for the resource is admitted by a Kueue queue whose ClusterQueue caps it. */
function kueueCovers(
  local: Map<string, Set<string>> | undefined,
  frameworks: ReadonlySet<string> | undefined,
  t: Tenant,
  resource: string,
): boolean {
  if (!local) return false;
  const trainJobs = new Set(t.podless.map((w) => w.name));
  const covered = (a: Asker) => {
    if (!requests(t, a, resource)) return true;
    const labelled = queueOf(a);
    const q = labelled !== undefined ? (labelHonoured(a, frameworks) ? labelled : undefined) : defaultQueueOf(a, frameworks);
    return q !== undefined && local.get(q)?.has(resource) === true;
  };
  return (
    t.pods.every((pod) => madeByTrainJob(pod.owner, trainJobs) || covered({ workload: pod.owner, pod })) &&
    t.podless.every((workload) => covered({ workload }))
  );
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
      'GPUs are the scarcest and most expensive resource of an AI cluster. A namespace whose workloads request accelerators (in their containers\u2019 resources; a Kubeflow Trainer TrainJob in its `spec.trainer.resourcesPerNode`, else in the template of the TrainingRuntime or ClusterTrainingRuntime its `runtimeRef` names, when that runtime is in the same directory, overlay or chart as the TrainJob, or, in a cluster scan, in the cluster) but whose ResourceQuota does not cap `requests.<resource>` (e.g. `requests.nvidia.com/gpu`) can take every GPU: one team starves the others, and a stolen token or an open notebook turns into cryptomining or cost harvesting at GPU prices. Kueue counts as the quota where it admits every workload of the namespace that asks for the resource (the JobSet Kubeflow Trainer makes from a TrainJob, named after it and with the TrainJob as its controller owner reference, is admitted with the TrainJob, which is judged instead: a cluster holds it without the TrainJob\u2019s queue label): each carries `kueue.x-k8s.io/queue-name` (on the workload object; for a Pod, Deployment or StatefulSet also on its pod template, as Kueue\u2019s pod integration reads it there, while its Job, JobSet, RayJob and training-job integrations read the workload\u2019s own labels only) naming a LocalQueue of the namespace whose ClusterQueue, in the scan, has a `nominalQuota` for that resource; a Job, CronJob, JobSet, RayJob, RayCluster, Kubeflow training job or AppWrapper without the label is held by the namespace\u2019s LocalQueue named `default` when there is one (Kueue\u2019s webhook for that kind labels it for that queue: LocalQueueDefaulting, on by default since Kueue 0.12); any other workload without the label (a DaemonSet, and a Pod, Deployment or StatefulSet, whose integrations Kueue\u2019s release manifests leave off) is not held by Kueue. When the scan holds Kueue\u2019s own Configuration (the `controller_manager_config.yaml` of its manager ConfigMap, `kueue-manager-config`, as the Helm chart renders it from `managerConfig.controllerManagerConfigYaml`: the chart turns the pod, deployment, statefulset and leaderworkerset integrations on), its `integrations.frameworks` decide instead: an unlabelled workload gets the `default` queue only when its integration is on, and a labelled one is held only when its integration (for a Pod\u2019s, Deployment\u2019s or StatefulSet\u2019s template label, or the pod integration) is on.',
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
    let frameworks: ReadonlySet<string> | undefined;
    for (const t of tenants(set).tenants) {
      if (notListed(set, t, '', 'ResourceQuota')) continue;
      let missing = [...t.gpuResources].filter((r) => !quotaCovers(t.quotas, r)).sort();
      if (missing.length === 0) continue;
      if (kueue === undefined) {
        kueue = kueueQuotas(set);
        frameworks = kueue.size > 0 ? kueueFrameworks(set) : undefined;
      }
      const local = kueue.get(t.name);
      missing = missing.filter((r) => !kueueCovers(local, frameworks, t, r));
      if (missing.length === 0) continue;
      const { doc, at } = tenantLocation(t);
      const quotas = t.quotas.length
        ? `its ResourceQuota does not cap ${missing.map((r) => `requests.${r}`).join(', ')}`
        : 'it has no ResourceQuota';
      ctx.report({ doc, at, message: `${tenantName(t)} requests ${missing.join(', ')} but ${quotas}` });
    }
  },
});

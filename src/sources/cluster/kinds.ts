/**
 * The API resources a cluster scan lists: every kind the Kubernetes rules read. Built-in groups name
 * their resources; AI operators' groups are listed whole (every kind of KServe, KubeRay, Kubeflow,
 * Kubeflow Trainer, Seldon, JobSet, LeaderWorkerSet and CodeFlare's AppWrapper carries pod templates,
 * serving configuration or what Kueue admits, which the rules read) when their CRDs are installed.
 */
export const WANTED_RESOURCES: ReadonlyMap<string, ReadonlySet<string> | 'all'> = new Map<string, ReadonlySet<string> | 'all'>([
  [
    '',
    new Set([
      'namespaces',
      'nodes',
      'pods',
      'podtemplates',
      'replicationcontrollers',
      'services',
      'serviceaccounts',
      'configmaps',
      'secrets',
      'resourcequotas',
      'limitranges',
    ]),
  ],
  ['apps', new Set(['deployments', 'statefulsets', 'daemonsets', 'replicasets'])],
  ['batch', new Set(['jobs', 'cronjobs'])],
  ['networking.k8s.io', new Set(['ingresses', 'networkpolicies'])],
  ['rbac.authorization.k8s.io', new Set(['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'])],
  ['admissionregistration.k8s.io', new Set(['validatingadmissionpolicies', 'validatingadmissionpolicybindings'])],
  ['gateway.networking.k8s.io', new Set(['gateways', 'httproutes', 'grpcroutes'])],
  ['inference.networking.k8s.io', new Set(['inferencepools'])],
  ['inference.networking.x-k8s.io', new Set(['inferencepools'])],
  ['security.istio.io', new Set(['authorizationpolicies', 'requestauthentications'])],
  ['gateway.envoyproxy.io', new Set(['securitypolicies'])],
  ['policy.networking.k8s.io', new Set(['adminnetworkpolicies', 'baselineadminnetworkpolicies'])],
  ['cilium.io', new Set(['ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies'])],
  ['crd.projectcalico.org', new Set(['networkpolicies', 'globalnetworkpolicies'])],
  ['projectcalico.org', new Set(['networkpolicies', 'globalnetworkpolicies'])],
  ['serving.kserve.io', 'all'],
  ['ray.io', 'all'],
  ['kubeflow.org', 'all'],
  // Kubeflow Trainer v2: TrainJobs (Kueue admits them) and the runtimes' JobSet templates.
  ['trainer.kubeflow.org', 'all'],
  ['machinelearning.seldon.io', 'all'],
  ['argoproj.io', new Set(['workflows', 'workflowtemplates', 'clusterworkflowtemplates', 'cronworkflows'])],
  // Kueue's queues: the GPU quota check counts a ClusterQueue's nominal quota.
  ['kueue.x-k8s.io', new Set(['localqueues', 'clusterqueues'])],
  ['jobset.x-k8s.io', 'all'],
  ['leaderworkerset.x-k8s.io', 'all'],
  // CodeFlare's AppWrapper: the objects it wraps, which Kueue admits as one workload.
  ['workload.codeflare.dev', 'all'],
  // Volcano's batch Jobs (the admission webhook is sent them too): their tasks' pod templates.
  ['batch.volcano.sh', new Set(['jobs'])],
]);

/** One listable resource of the cluster, at the version the server prefers. */
export interface ResourceType {
  /** `''` for the core group. */
  group: string;
  version: string;
  /** Plural resource name, as in URLs (`deployments`). */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
}

/** The URL path that lists a resource, in one namespace or in all. */
export function listPath(t: ResourceType, namespace?: string): string {
  const base = groupVersionPath(t);
  return t.namespaced && namespace !== undefined
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${t.resource}`
    : `${base}/${t.resource}`;
}

/** How findings and errors name a resource type: `deployments.apps`, `pods`. */
export function typeName(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

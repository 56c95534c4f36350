/**
 * Parity by construction, tested: for every rule that reads Kubernetes objects, the objects of its
 * examples yield the same findings (rule id, resource, message) whichever way they reach the rules.
 *
 * Each entry point is a leg: `file` (a manifest file, `sanctum scan`) is the reference; `cluster`
 * serves the objects from a fake API server and scans them with `scanCluster` (real client, real
 * wire format); `admission` sends each object as an AdmissionReview through the webhook's evaluator.
 */
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRule } from '../src/core/rule.js';
import { MemorySourceFile } from '../src/core/source-file.js';
import type { Finding } from '../src/core/types.js';
import { k8sClassifier, k8sSet } from '../src/parsers/k8s/k8s-classifier.js';
import { KUBE_SCHEMA } from '../src/parsers/yaml/yaml-parser.js';
import { allRules } from '../src/rules/index.js';
import { scanCluster } from '../src/scan-cluster.js';
import { scanSync } from '../src/scan.js';
import { AdmissionEvaluator } from '../src/server/webhook/admission-evaluator.js';
import type { AdmissionRequest } from '../src/server/webhook/admission-review.js';
import { AI_OPERATOR_RESOURCES, BUILTIN_RESOURCES, FakeApiServer, type FakeResource } from '../src/testing/fake-apiserver.js';

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> };

/** One entry point's view of a set of objects: the findings of `rule` as comparable keys. */
export interface ParityLeg {
  name: string;
  /** False for rules the entry point cannot run (an admission request holds one object: no cross-object rules). */
  covers(rule: AnyRule): boolean;
  findings(objects: K8sObject[], rule: AnyRule): Promise<string[]>;
}

/** What parity compares: rule, resource and message. */
export function parityKeys(findings: readonly Finding[], ruleId: string): string[] {
  return (
    findings
      // A suppressed finding is no decision at admission: every leg compares what stands.
      .filter((f) => f.ruleId === ruleId && f.status !== 'suppressed')
      .map((f) => {
        const r = f.location.resource;
        return `${f.ruleId} ${r ? `${r.apiVersion}/${r.kind} ${r.namespace ?? ''}/${r.name ?? ''}` : '-'}: ${f.message}`;
      })
      .sort()
  );
}

const K8S_KINDS: readonly string[] = [...k8sClassifier.produces, k8sSet.setKind];
const readsObjects = (r: AnyRule): boolean => r.meta.appliesTo.some((k) => K8S_KINDS.includes(k));

/**
 * Differences by design, not by accident: a cluster scan never reads Secret values (a cluster holds
 * Secrets to hold them; a repository must not), and a cluster, which lists every role, knows that a
 * role missing from it does not exist, where a file scan only knows it is not in the scan.
 */
const CLUSTER_EXCEPTIONS = new Map<string, string>([
  ['SEC-0017', 'Secret values are not read from a cluster'],
  ['K8S-0128', 'a role not in a file scan: a cluster that lists roles reports K8S-0200 instead'],
  ['K8S-0200', 'a role that does not exist: only a cluster, which lists every role, can tell'],
]);

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
}

const KNOWN_TYPES = [...BUILTIN_RESOURCES, ...AI_OPERATOR_RESOURCES];

/** The resource type an object is served as; kinds the fake server does not know become namespaced custom resources. */
function typeOf(o: K8sObject): FakeResource {
  const group = groupOf(o.apiVersion);
  const version = o.apiVersion.slice(group ? group.length + 1 : 0);
  const known = KNOWN_TYPES.find((t) => t.kind === o.kind && t.group === group);
  // Served at the object's own version (a real server converts between the versions of a CRD).
  if (known) return known.version === version ? known : { ...known, version };
  const clusterScoped = /^(Cluster|Global|BaselineAdmin|Admin)/.test(o.kind);
  return { group, version, name: plural(o.kind), kind: o.kind, namespaced: !clusterScoped, custom: true };
}

/** The plural a CRD would name its resource (`SecurityPolicy` → `securitypolicies`). */
function plural(kind: string): string {
  const k = kind.toLowerCase();
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return /(s|x|ch|sh)$/.test(k) ? `${k}es` : `${k}s`;
}

/**
 * The objects of a rule's examples as an API server would hold them: namespaced objects without a
 * namespace are in `default` (the server sets it; the file scan then reads the same object).
 */
function corpusOf(rule: AnyRule): K8sObject[][] {
  const sets: K8sObject[][] = [];
  for (const ex of [...rule.meta.examples.bad, ...rule.meta.examples.good]) {
    if (typeof ex.content !== 'string' || !/\.(ya?ml|json)$/.test(ex.path) || ex.options) continue;
    // Comments (inline suppressions) exist in files only.
    if (ex.content.includes('sanctum:ignore')) continue;
    let docs: unknown[];
    try {
      docs = yaml.loadAll(ex.content, null, { schema: KUBE_SCHEMA });
    } catch {
      continue;
    }
    const objects = docs.filter(
      (d): d is K8sObject =>
        typeof d === 'object' && d !== null && typeof (d as K8sObject).apiVersion === 'string' && typeof (d as K8sObject).kind === 'string',
    );
    if (objects.length === 0 || objects.length !== docs.filter((d) => d != null).length) continue;
    if (objects.some((o) => o.kind.endsWith('List'))) continue;
    sets.push(
      objects.map((o) => {
        const metadata = { ...((o.metadata as Record<string, unknown>) ?? {}) };
        if (typeOf(o).namespaced && typeof metadata.namespace !== 'string') metadata.namespace = 'default';
        return { ...o, metadata };
      }),
    );
  }
  return sets;
}

const fileLeg: ParityLeg = {
  name: 'file',
  covers: () => true,
  async findings(objects, rule) {
    const text = objects.map((o) => yaml.dump(o, { noRefs: true })).join('---\n');
    const result = scanSync({
      targets: ['parity'],
      files: [new MemorySourceFile('parity/objects.yaml', text)],
      rules: [rule.meta.id],
      config: false,
      renderers: false,
      today: '2026-01-01',
    });
    expect(result.errors).toEqual([]);
    return parityKeys(result.findings, rule.meta.id);
  },
};

let server: FakeApiServer | undefined;

const clusterLeg: ParityLeg = {
  name: 'cluster',
  covers: (rule) => !CLUSTER_EXCEPTIONS.has(rule.meta.id),
  async findings(objects, rule) {
    const resources = [...new Map(objects.map(typeOf).map((t) => [`${t.group}/${t.kind}`, t])).values()];
    server!.reset(objects, resources);
    const result = await scanCluster({ kubeconfig: server!.kubeconfigPath, rules: [rule.meta.id], config: false, today: '2026-01-01' });
    expect(result.errors).toEqual([]);
    return parityKeys(result.findings, rule.meta.id);
  },
};

let evaluator: AdmissionEvaluator | undefined;

/** Each object as an AdmissionReview CREATE through `sanctum webhook`'s evaluator, every finding audited. */
const admissionLeg: ParityLeg = {
  name: 'admission',
  // One request holds one object: the cross-object rules need the set.
  covers: (rule) => rule.meta.appliesTo.some((k) => k === 'k8s' || k === 'k8s-pod'),
  async findings(objects, rule) {
    evaluator ??= new AdmissionEvaluator({
      config: { webhook: { actions: { critical: 'audit', high: 'audit', medium: 'audit', low: 'audit', info: 'audit' } } },
      today: '2026-01-01',
    });
    const findings = objects.flatMap((object, i) => {
      const decision = evaluator!.evaluate(admissionRequest(object, i), 'validate');
      expect(decision.outcome, decision.failure).not.toBe('failure-policy');
      return decision.findings.map((d) => d.finding);
    });
    return parityKeys(findings, rule.meta.id);
  },
};

function admissionRequest(object: K8sObject, i: number): AdmissionRequest {
  const group = groupOf(object.apiVersion);
  const name = object.metadata.name;
  const namespace = object.metadata.namespace;
  return {
    uid: `parity-${i}`,
    kind: { group, version: object.apiVersion.slice(group ? group.length + 1 : 0), kind: object.kind },
    operation: 'CREATE',
    ...(typeof namespace === 'string' ? { namespace } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    userInfo: { username: 'parity', groups: ['system:authenticated'] },
    object,
  };
}

/** The entry points compared with the file scan. */
const LEGS: ParityLeg[] = [clusterLeg, admissionLeg];

describe('parity: the same objects give the same findings as a file and from every other entry point', () => {
  beforeAll(async () => {
    server = await new FakeApiServer().start();
  });
  afterAll(async () => {
    await server?.close();
  });

  const rules = allRules.filter(readsObjects);
  it('covers the rules that read Kubernetes objects', () => {
    expect(rules.length).toBeGreaterThan(60);
  });

  for (const rule of rules) {
    const corpus = corpusOf(rule);
    if (corpus.length === 0) continue;
    for (const leg of LEGS) {
      if (!leg.covers(rule)) continue;
      it(`${rule.meta.id} ${rule.meta.slug}: ${leg.name} = file`, async () => {
        for (const objects of corpus) {
          const expected = await fileLeg.findings(objects, rule);
          expect(await leg.findings(objects, rule)).toEqual(expected);
        }
      });
    }
  }
});

/** zero-to-jupyterhub's proxy and its proxy-public Service on a NodePort. */
const JHUB_PROXY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy, namespace: jhub}
spec:
  selector: {matchLabels: {component: proxy, release: jhub}}
  template:
    metadata: {labels: {component: proxy, release: jhub}}
    spec:
      containers:
      - name: chp
        image: quay.io/jupyterhub/configurable-http-proxy:4.6.3
        command: [configurable-http-proxy, --port=8000]
        ports: [{containerPort: 8000, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: proxy-public, namespace: jhub}
spec:
  type: NodePort
  selector: {component: proxy, release: jhub}
  ports: [{name: http, port: 80, targetPort: http}]
`;

/**
 * Configurations the cross-object rules read from ConfigMap strings (a cluster scan keeps these
 * values, see `setProjection`): each case reports as a file, so the cluster must too.
 */
const CONFIGMAP_CASES: Array<{ name: string; rule: string; yaml: string }> = [
  {
    name: "JupyterHub's DummyAuthenticator set in a ConfigMap's jupyterhub_config.py, the proxy on a NodePort",
    rule: 'K8S-0150',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: hub-config, namespace: jhub}
data:
  jupyterhub_config.py: |
    c.JupyterHub.authenticator_class = "dummy"
  notes.txt: not kept
---
${JHUB_PROXY}`,
  },
  {
    name: "a hub ConfigMap's values.yaml (github) before its jupyterhub_config.py (dummy): the API server returns keys by name, the Python wins either way",
    rule: 'K8S-0150',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: hub-config, namespace: jhub}
data:
  values.yaml: |
    hub: {config: {JupyterHub: {authenticator_class: github}}}
  jupyterhub_config.py: |
    c.JupyterHub.authenticator_class = "dummy"
---
${JHUB_PROXY}`,
  },
  {
    name: "zero-to-jupyterhub's autohttps proxy-public alone (Traefik and proxy not in the scan), dummy in the hub ConfigMap",
    rule: 'K8S-0150',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: hub, namespace: jhub}
data:
  values.yaml: |
    hub: {config: {JupyterHub: {authenticator_class: dummy}}}
---
apiVersion: v1
kind: Service
metadata: {name: proxy-public, namespace: jhub}
spec:
  type: LoadBalancer
  selector: {component: autohttps, app: jupyterhub, release: jhub}
  ports:
  - {name: https, port: 443, targetPort: https}
  - {name: http, port: 80, targetPort: http}
`,
  },
  {
    name: 'zero-to-jupyterhub with autohttps: proxy-public on a LoadBalancer selects Traefik, in front of the proxy; dummy in the hub ConfigMap',
    rule: 'K8S-0150',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: hub, namespace: jhub}
data:
  values.yaml: |
    hub: {config: {JupyterHub: {authenticator_class: dummy}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy, namespace: jhub}
spec:
  selector: {matchLabels: {component: proxy, app: jupyterhub, release: jhub}}
  template:
    metadata: {labels: {component: proxy, app: jupyterhub, release: jhub}}
    spec:
      containers:
      - name: chp
        image: quay.io/jupyterhub/configurable-http-proxy:4.6.3
        command: [configurable-http-proxy, --port=8000]
        ports: [{containerPort: 8000, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: autohttps, namespace: jhub}
spec:
  selector: {matchLabels: {component: autohttps, app: jupyterhub, release: jhub}}
  template:
    metadata: {labels: {component: autohttps, app: jupyterhub, release: jhub}}
    spec:
      containers:
      - name: traefik
        image: traefik:v3.3.5
        ports: [{name: http, containerPort: 8080}, {name: https, containerPort: 8443}]
---
apiVersion: v1
kind: Service
metadata: {name: proxy-public, namespace: jhub}
spec:
  type: LoadBalancer
  selector: {component: autohttps, app: jupyterhub, release: jhub}
  ports: [{name: https, port: 443, targetPort: https}, {name: http, port: 80, targetPort: http}]
`,
  },
  {
    name: "Kueue's queues and its manager Configuration (pod on, batch/job off): a labelled Deployment is held, an unlabelled Job is not",
    rule: 'K8S-0163',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: kueue-manager-config, namespace: kueue-system}
data:
  controller_manager_config.yaml: |
    apiVersion: config.kueue.x-k8s.io/v1beta1
    kind: Configuration
    integrations:
      frameworks: [pod]
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata: {name: cq}
spec:
  resourceGroups:
  - coveredResources: [nvidia.com/gpu]
    flavors:
    - name: a100
      resources: [{name: nvidia.com/gpu, nominalQuota: 8}]
${['research', 'serving']
  .map(
    (ns) =>
      `---\napiVersion: kueue.x-k8s.io/v1beta1\nkind: LocalQueue\nmetadata: {name: default, namespace: ${ns}}\nspec: {clusterQueue: cq}\n`,
  )
  .join('')}---
apiVersion: batch/v1
kind: Job
metadata: {name: train, namespace: research}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: train
        image: nvcr.io/nvidia/pytorch:24.08-py3
        resources: {limits: {nvidia.com/gpu: 4}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: serve, namespace: serving}
spec:
  selector: {matchLabels: {app: s}}
  template:
    metadata: {labels: {app: s, kueue.x-k8s.io/queue-name: default}}
    spec:
      containers:
      - name: s
        image: vllm/vllm-openai:v0.6.0
        resources: {limits: {nvidia.com/gpu: 1}}
`,
  },
];

/**
 * Kinds Kueue manages that no rule example holds: Kubeflow Trainer v2 (`trainer.kubeflow.org`: a
 * runtime's JobSet template) and CodeFlare's AppWrapper (the objects it wraps). A cluster scan must
 * list them to see what a file holding them shows.
 */
const KUEUE_KIND_CASES: Array<{ name: string; rule: string; yaml: string }> = [
  {
    name: 'an AppWrapper wrapping a Job that asks for 8 GPUs, in a namespace whose ResourceQuota does not cap them',
    rule: 'K8S-0163',
    yaml: `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: finetune, namespace: research}
spec:
  components:
  - template:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: finetune}
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: train
              image: nvcr.io/nvidia/pytorch:24.08-py3
              resources: {limits: {nvidia.com/gpu: 8}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: research}
spec: {hard: {requests.cpu: "64"}}
`,
  },
  {
    name: 'a Kubeflow Trainer TrainJob whose resourcesPerNode asks for 4 GPUs a node, in a namespace without a ResourceQuota',
    rule: 'K8S-0163',
    yaml: `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: llama, namespace: research}
spec:
  runtimeRef: {name: torch-distributed}
  trainer:
    numNodes: 2
    resourcesPerNode: {limits: {nvidia.com/gpu: 4}}
`,
  },
  {
    name: "a TrainJob without resourcesPerNode whose ClusterTrainingRuntime (runtimeRef's default kind) asks for GPUs, in a namespace without a ResourceQuota",
    rule: 'K8S-0163',
    yaml: `apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata: {name: torch-distributed}
spec:
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          spec:
            template:
              spec:
                containers:
                - {name: node, image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime, resources: {limits: {nvidia.com/gpu: 1}}}
---
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: llama, namespace: research}
spec:
  runtimeRef: {name: torch-distributed}
  trainer: {numNodes: 2}
`,
  },
  {
    name: 'an AppWrapper wrapping a Deployment whose server has no probes (the wrapped Deployment makes the pods)',
    rule: 'K8S-0109',
    yaml: `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: serve, namespace: serving}
spec:
  components:
  - template:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: vllm}
      spec:
        selector: {matchLabels: {app: vllm}}
        template:
          metadata: {labels: {app: vllm}}
          spec:
            containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
              ports: [{containerPort: 8000}]
`,
  },
  {
    name: "a Kubeflow Trainer ClusterTrainingRuntime whose JobSet template's trainer node runs privileged",
    rule: 'K8S-0003',
    yaml: `apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata: {name: torch-distributed}
spec:
  mlPolicy: {numNodes: 1, torch: {numProcPerNode: auto}}
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime
                  command: [/bin/bash, -c, torchrun /workspace/train.py]
                  securityContext: {privileged: true}
`,
  },
];

describe('parity: configurations held in ConfigMap strings, kinds Kueue manages', () => {
  beforeAll(async () => {
    server = await new FakeApiServer().start();
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  for (const c of [...CONFIGMAP_CASES, ...KUEUE_KIND_CASES]) {
    it(`${c.rule}: ${c.name}: cluster = file`, async () => {
      const rule = allRules.find((r) => r.meta.id === c.rule)!;
      const objects = yaml.loadAll(c.yaml, null, { schema: KUBE_SCHEMA }) as K8sObject[];
      const expected = await fileLeg.findings(objects, rule);
      expect(expected.length).toBeGreaterThan(0);
      expect(await clusterLeg.findings(objects, rule)).toEqual(expected);
    });
  }
});

/**
 * Kubeflow Trainer in namespace research: a namespaced TrainingRuntime whose node asks for a GPU, a
 * TrainJob naming it (`labels`: its metadata labels), and Kueue's queues capping nvidia.com/gpu for
 * LocalQueue team-a.
 */
const trainerObjects = (labels: string) => `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainingRuntime
metadata: {name: torch-distributed, namespace: research}
spec:
  mlPolicy: {numNodes: 1, torch: {numProcPerNode: auto}}
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime
                  resources: {limits: {nvidia.com/gpu: 1}}
---
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: llama, namespace: research, uid: 5b0c7f4e-trainjob-llama${labels}}
spec:
  runtimeRef: {name: torch-distributed, kind: TrainingRuntime}
  trainer:
    numNodes: 2
    resourcesPerNode: {limits: {nvidia.com/gpu: 1}}
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata: {name: team-a-cq}
spec:
  resourceGroups:
  - coveredResources: [nvidia.com/gpu]
    flavors:
    - name: a100
      resources: [{name: nvidia.com/gpu, nominalQuota: 8}]
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: LocalQueue
metadata: {name: team-a, namespace: research}
spec: {clusterQueue: team-a-cq}
`;

/**
 * The JobSet the Trainer controller makes from the TrainJob: the runtime's template with the
 * TrainJob's resourcesPerNode, owned by the TrainJob; the TrainJob's metadata labels (Kueue's queue
 * label) are not carried over, only its spec.labels.
 */
const TRAINER_JOBSET = `apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata:
  name: llama
  namespace: research
  ownerReferences:
  - {apiVersion: trainer.kubeflow.org/v1alpha1, kind: TrainJob, name: llama, uid: 5b0c7f4e-trainjob-llama, controller: true, blockOwnerDeletion: true}
spec:
  replicatedJobs:
  - name: node
    replicas: 1
    template:
      metadata:
        labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
      spec:
        parallelism: 2
        completions: 2
        template:
          spec:
            containers:
            - name: node
              image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime
              resources: {limits: {nvidia.com/gpu: 1}}
`;

/**
 * What an operator's controller makes from the objects of a file is in a cluster besides them: a
 * cluster scan of the cluster must report what the file scan of the file does.
 */
const CONTROLLER_MADE_CASES: Array<{ name: string; rule: string; file: string; made: string; findings: number }> = [
  {
    name: 'a TrainJob Kueue admits (its queue label), its runtime asking for GPUs; the cluster holds the JobSet the Trainer made, without the label',
    rule: 'K8S-0163',
    file: trainerObjects(', labels: {kueue.x-k8s.io/queue-name: team-a}'),
    made: TRAINER_JOBSET,
    findings: 0,
  },
  {
    name: 'a TrainJob without the queue label beside a LocalQueue not named default; the cluster holds the JobSet the Trainer made',
    rule: 'K8S-0163',
    file: trainerObjects(''),
    made: TRAINER_JOBSET,
    findings: 1,
  },
];

describe('parity: a JobSet named after a Kueue-admitted TrainJob', () => {
  beforeAll(async () => {
    server = await new FakeApiServer().start();
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  // The Trainer's JobSet (the TrainJob its controller) is admitted with the TrainJob; a hand-written one of the name is not.
  for (const [what, jobSet, findings] of [
    ["the Trainer's", TRAINER_JOBSET, 0],
    ['a hand-written one', TRAINER_JOBSET.replace(/ {2}ownerReferences:\n.*\n/, ''), 1],
  ] as const) {
    it(`K8S-0163: ${what}: cluster = file`, async () => {
      const rule = allRules.find((r) => r.meta.id === 'K8S-0163')!;
      const objects = yaml.loadAll(trainerObjects(', labels: {kueue.x-k8s.io/queue-name: team-a}') + '---\n' + jobSet, null, {
        schema: KUBE_SCHEMA,
      }) as K8sObject[];
      const expected = await fileLeg.findings(objects, rule);
      expect(expected).toHaveLength(findings);
      expect(await clusterLeg.findings(objects, rule)).toEqual(expected);
    });
  }
});

describe('parity: objects a controller makes from the objects of a file', () => {
  beforeAll(async () => {
    server = await new FakeApiServer().start();
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  for (const c of CONTROLLER_MADE_CASES) {
    it(`${c.rule}: ${c.name}: cluster = file`, async () => {
      const rule = allRules.find((r) => r.meta.id === c.rule)!;
      const load = (text: string) => yaml.loadAll(text, null, { schema: KUBE_SCHEMA }) as K8sObject[];
      const expected = await fileLeg.findings(load(c.file), rule);
      expect(expected).toHaveLength(c.findings);
      expect(await clusterLeg.findings([...load(c.file), ...load(c.made)], rule)).toEqual(expected);
    });
  }
});

/** A TrainJob whose trainer (image, command, env) the container rules read, set over its runtime's trainer container. */
const TRAINER_OVERRIDES = `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: llama, namespace: research}
spec:
  runtimeRef: {name: torch-distributed}
  trainer:
    image: docker.io/kubeflow/pytorch-llama:latest
    command: [torchrun, train.py, --trust-remote-code]
    env:
    - {name: HF_TOKEN, value: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789}
    numNodes: 2
`;

describe("parity: a TrainJob's trainer, read by the container rules", () => {
  beforeAll(async () => {
    server = await new FakeApiServer().start();
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  for (const id of ['K8S-0100', 'K8S-0108', 'K8S-0125']) {
    it(`${id}: cluster = file, admission = file`, async () => {
      const rule = allRules.find((r) => r.meta.id === id)!;
      const objects = yaml.loadAll(TRAINER_OVERRIDES, null, { schema: KUBE_SCHEMA }) as K8sObject[];
      const expected = await fileLeg.findings(objects, rule);
      expect(expected.length).toBeGreaterThan(0);
      expect(await clusterLeg.findings(objects, rule)).toEqual(expected);
      expect(await admissionLeg.findings(objects, rule)).toEqual(expected);
    });
  }
});

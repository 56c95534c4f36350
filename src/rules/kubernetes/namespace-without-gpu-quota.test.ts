import { testRule } from '../../testing/rule-tester.js';
import { CLUSTER_TRAINING_RUNTIME, TRAINING_RUNTIME, trainJob, trainJobOnRuntime } from '../../testing/kubeflow-trainer.js';
import rule from './namespace-without-gpu-quota.js';

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: research\n---\n';
const job = (limits: string) =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: train\n  namespace: research\nspec:\n  template:\n    spec:\n      containers:\n      - name: train\n        image: nvcr.io/nvidia/pytorch:24.08-py3\n        resources:\n          limits: ${limits}\n`;
const quota = (hard: string) =>
  `---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\n  namespace: research\nspec:\n  hard: ${hard}\n`;

/** Kueue's queues as a platform renders them: a ClusterQueue with a GPU nominal quota, a LocalQueue in the namespace. */
const KUEUE = `---
apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata:
  name: team-a-cq
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [cpu, memory, nvidia.com/gpu]
    flavors:
    - name: a100
      resources:
      - {name: cpu, nominalQuota: 64}
      - {name: memory, nominalQuota: 512Gi}
      - {name: nvidia.com/gpu, nominalQuota: 8}
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: LocalQueue
metadata:
  name: team-a
  namespace: research
spec:
  clusterQueue: team-a-cq
`;
const queued = (queue: string) =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: train\n  namespace: research\n  labels:\n    kueue.x-k8s.io/queue-name: ${queue}\nspec:\n  suspend: true\n  template:\n    spec:\n      containers:\n      - name: train\n        image: nvcr.io/nvidia/pytorch:24.08-py3\n        resources:\n          limits: {nvidia.com/gpu: 4}\n`;

/** A Job labelled for the queue on its pod template only: Kueue's Job integration reads the Job's own labels. */
const templateQueued = `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: train\n  namespace: research\nspec:\n  template:\n    metadata:\n      labels:\n        kueue.x-k8s.io/queue-name: team-a\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: train\n        image: nvcr.io/nvidia/pytorch:24.08-py3\n        resources:\n          limits: {nvidia.com/gpu: 4}\n`;
/** A Deployment labelled on its pod template: Kueue's pod integration admits each pod by its own label. */
const templateQueuedDeployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: serve\n  namespace: research\nspec:\n  selector:\n    matchLabels: {app: s}\n  template:\n    metadata:\n      labels:\n        app: s\n        kueue.x-k8s.io/queue-name: team-a\n    spec:\n      containers:\n      - name: s\n        image: vllm/vllm-openai:v0.6.0\n        resources:\n          limits: {nvidia.com/gpu: 1}\n`;

/** The same queues with the LocalQueue named `default`: Kueue (LocalQueueDefaulting, on by default since 0.12) labels a job without a queue for it. */
const KUEUE_DEFAULT = KUEUE.replace('  name: team-a\n', '  name: default\n');

/** GPU workloads without the queue label whose kinds no Kueue integration in a default install defaults: a DaemonSet (no integration) and a Deployment (pod integration off). */
const unlabelled = (kind: string): string =>
  `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: miner\n  namespace: research\nspec:\n  selector:\n    matchLabels: {app: m}\n  template:\n    metadata:\n      labels: {app: m}\n    spec:\n      containers:\n      - name: m\n        image: vllm/vllm-openai:v0.6.0\n        resources:\n          limits: {nvidia.com/gpu: 1}\n`;
/** A JobSet without the queue label: Kueue's JobSet integration (on in its release manifests) gives it the `default` queue. */
const unlabelledJobSet = `apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata:\n  name: train\n  namespace: research\nspec:\n  replicatedJobs:\n  - name: workers\n    replicas: 2\n    template:\n      spec:\n        template:\n          spec:\n            restartPolicy: Never\n            containers:\n            - name: w\n              image: nvcr.io/nvidia/pytorch:24.08-py3\n              resources:\n                limits: {nvidia.com/gpu: 8}\n`;

/** A JobSet named after the TrainJob `llama` with `owners` as its ownerReferences (the Trainer's JobSet has the TrainJob as its controller). */
const llamaJobSet = (owners: string): string =>
  unlabelledJobSet.replace('name: train\n  namespace: research\n', `name: llama\n  namespace: research\n${owners}`);
const TRAINER_OWNER =
  '  ownerReferences:\n  - {apiVersion: trainer.kubeflow.org/v1alpha1, kind: TrainJob, name: llama, uid: 5b0c7f4e, controller: true}\n';

/** Kueue's manager ConfigMap as its Helm chart renders it (`managerConfig.controllerManagerConfigYaml`), with the integrations given. */
const kueueConfig = (frameworks: string[], at = { namespace: 'kueue-system', name: 'kueue-manager-config' }): string =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${at.name}\n  namespace: ${at.namespace}\ndata:\n  controller_manager_config.yaml: |-\n    apiVersion: config.kueue.x-k8s.io/v1beta1\n    kind: Configuration\n    integrations:\n      frameworks:\n${frameworks.map((f) => `      - "${f}"\n`).join('')}`;
const CHART_FRAMEWORKS = [
  'batch/job',
  'jobset.x-k8s.io/jobset',
  'pod',
  'deployment',
  'statefulset',
  'leaderworkerset.x-k8s.io/leaderworkerset',
];

/** Kueue's manager Deployment as its chart renders it for a release `name`, mounting `<name>-manager-config`. */
const kueueManager = (namespace: string, name: string): string =>
  `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}-controller-manager\n  namespace: ${namespace}\nspec:\n  selector:\n    matchLabels: {control-plane: controller-manager}\n  template:\n    metadata:\n      labels: {control-plane: controller-manager}\n    spec:\n      containers:\n      - name: manager\n        image: registry.k8s.io/kueue/kueue:v0.13.4\n        args: [--config=/controller_manager_config.yaml]\n        volumeMounts:\n        - {name: manager-config, mountPath: /controller_manager_config.yaml, subPath: controller_manager_config.yaml}\n      volumes:\n      - name: manager-config\n        configMap: {name: ${name}-manager-config}\n`;
/** A copy of Kueue's Configuration that no Kueue of the scan mounts (a staging release's, kept in another namespace). */
const staging = (frameworks: string[]) => kueueConfig(frameworks, { namespace: 'kueue-staging', name: 'kueue-manager-config' });
const unlabelledDeployment = NS + unlabelled('Deployment') + KUEUE_DEFAULT;
const TRAIN_JOB_FINDING = {
  startLine: 5,
  startColumn: 3,
  endLine: 5,
  endColumn: 22,
  message: "Namespace 'research' (of TrainJob 'llama') requests nvidia.com/gpu but it has no ResourceQuota",
};

const GPU_FINDING = {
  startLine: 4,
  startColumn: 3,
  endLine: 4,
  endColumn: 17,
  message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
};

testRule(rule, {
  valid: [
    {
      name: "several Kueue Configurations: the one a Kueue manager Deployment of the scan mounts (release 'batch' in namespace kueue) turns deployment on, whatever comes first",
      path: 'a.yaml',
      content:
        unlabelledDeployment +
        kueueConfig(['batch/job']) +
        kueueConfig(CHART_FRAMEWORKS, { namespace: 'kueue', name: 'batch-manager-config' }) +
        kueueManager('kueue', 'batch'),
    },
    {
      name: 'several Kueue Configurations, none mounted nor the default: every one turns deployment on',
      path: 'a.yaml',
      content:
        unlabelledDeployment + staging(CHART_FRAMEWORKS) + kueueConfig(['batch/job', 'deployment'], { namespace: 'kueue', name: 'other' }),
    },
    ...['Deployment', 'StatefulSet'].map((kind) => ({
      name: `an unlabelled GPU ${kind} beside a LocalQueue named 'default', the scan's Kueue Configuration (the Helm chart's) turning its integration on`,
      path: 'a.yaml',
      content: NS + unlabelled(kind) + KUEUE_DEFAULT + kueueConfig(CHART_FRAMEWORKS),
    })),
    {
      name: "a Deployment labelled on its pod template, the scan's Kueue Configuration turning on the pod integration only",
      path: 'a.yaml',
      content: NS + templateQueuedDeployment + KUEUE + kueueConfig(['batch/job', 'pod']),
    },
    {
      name: "a Job without a queue label in a namespace whose LocalQueue is named 'default' (Kueue gives it that queue)",
      path: 'a.yaml',
      content: NS + job('{nvidia.com/gpu: 4}') + KUEUE_DEFAULT,
    },
    { name: 'a Deployment labelled for the queue on its pod template', path: 'a.yaml', content: NS + templateQueuedDeployment + KUEUE },
    {
      name: "a JobSet without a queue label in a namespace whose LocalQueue is named 'default' (Kueue's JobSet webhook gives it that queue)",
      path: 'a.yaml',
      content: NS + unlabelledJobSet + KUEUE_DEFAULT,
    },
    {
      name: 'a TrainJob whose resourcesPerNode asks for GPUs, the ResourceQuota capping them',
      path: 'a.yaml',
      content: trainJob('{limits: {nvidia.com/gpu: 4}}') + quota('{requests.nvidia.com/gpu: "8"}'),
    },
    {
      name: 'a TrainJob admitted by Kueue (its label), the ClusterQueue capping nvidia.com/gpu',
      path: 'a.yaml',
      content: trainJob('{limits: {nvidia.com/gpu: 4}}', '  labels: {kueue.x-k8s.io/queue-name: team-a}\n') + KUEUE,
    },
    {
      name: "a Kueue-admitted TrainJob beside its namespace's TrainingRuntime asking for GPUs: the runtime is a template, its GPUs are the TrainJob's",
      path: 'a.yaml',
      content:
        TRAINING_RUNTIME + '---\n' + trainJob('{limits: {nvidia.com/gpu: 1}}', '  labels: {kueue.x-k8s.io/queue-name: team-a}\n') + KUEUE,
    },
    { name: 'a TrainingRuntime asking for GPUs, no TrainJob: no workload', path: 'a.yaml', content: TRAINING_RUNTIME },
    {
      name: "a TrainJob without resourcesPerNode naming a ClusterTrainingRuntime (runtimeRef's default kind) not in the scan, beside a namespaced runtime of that name: its GPUs are unknown",
      path: 'a.yaml',
      content: TRAINING_RUNTIME + '---\n' + trainJobOnRuntime('{name: torch-distributed}'),
    },
    {
      name: 'a TrainJob without resourcesPerNode naming a TrainingRuntime of another namespace: not its runtime',
      path: 'a.yaml',
      content:
        TRAINING_RUNTIME.replace('namespace: research', 'namespace: other') +
        '---\n' +
        trainJobOnRuntime('{name: torch-distributed, kind: TrainingRuntime}'),
    },
    {
      name: "a TrainJob without resourcesPerNode, its ClusterTrainingRuntime's GPUs capped by the namespace's quota",
      path: 'a.yaml',
      content:
        CLUSTER_TRAINING_RUNTIME + '---\n' + trainJobOnRuntime('{name: torch-distributed}') + quota('{requests.nvidia.com/gpu: "8"}'),
    },
    {
      name: "a Kueue-admitted TrainJob without resourcesPerNode, its runtime's GPUs capped by the ClusterQueue",
      path: 'a.yaml',
      content:
        TRAINING_RUNTIME +
        '---\n' +
        trainJobOnRuntime('{name: torch-distributed, kind: TrainingRuntime}', '  labels: {kueue.x-k8s.io/queue-name: team-a}\n') +
        KUEUE,
    },
    {
      name: 'the JobSet the Trainer made from a Kueue-admitted TrainJob (named after it, without its queue label), as a cluster holds it: admitted with the TrainJob',
      path: 'a.yaml',
      content:
        trainJob('{limits: {nvidia.com/gpu: 1}}', '  labels: {kueue.x-k8s.io/queue-name: team-a}\n') +
        '---\n' +
        llamaJobSet(TRAINER_OWNER) +
        KUEUE,
    },
    {
      name: 'a TrainJob asking for no GPU',
      path: 'a.yaml',
      content: trainJob('{limits: {cpu: 8, nvidia.com/gpu: 0}}') + quota('{cpu: "64"}'),
    },
    { name: 'a Job admitted by Kueue, its ClusterQueue capping nvidia.com/gpu', path: 'a.yaml', content: NS + queued('team-a') + KUEUE },
    { name: 'GPU quota', path: 'a.yaml', content: NS + job('{nvidia.com/gpu: 4}') + quota('{requests.nvidia.com/gpu: "8"}') },
    { name: 'no GPU requested', path: 'a.yaml', content: NS + job('{cpu: "4", memory: 16Gi}') },
    { name: 'zero GPUs', path: 'a.yaml', content: NS + job('{nvidia.com/gpu: 0}') },
  ],
  invalid: [
    {
      name: 'GPU job, no quota',
      path: 'a.yaml',
      content: NS + job('{nvidia.com/gpu: 4}'),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          severity: 'medium',
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    },
    {
      name: "a TrainJob's GPUs are its resourcesPerNode's limits",
      path: 'a.yaml',
      content: trainJob('{limits: {nvidia.com/gpu: 4}}'),
      findings: [{ ...TRAIN_JOB_FINDING, severity: 'medium' }],
    },
    {
      name: "a TrainJob without resourcesPerNode asks for its TrainingRuntime's GPUs (runtimeRef kind TrainingRuntime, in its namespace)",
      path: 'a.yaml',
      content: TRAINING_RUNTIME + '---\n' + trainJobOnRuntime('{name: torch-distributed, kind: TrainingRuntime}'),
      findings: [{ ...TRAIN_JOB_FINDING, startLine: 20, endLine: 20 }],
    },
    {
      name: "a TrainJob without resourcesPerNode asks for its ClusterTrainingRuntime's GPUs (runtimeRef's default kind)",
      path: 'a.yaml',
      content: CLUSTER_TRAINING_RUNTIME + '---\n' + trainJobOnRuntime('{name: torch-distributed}'),
      findings: [{ ...TRAIN_JOB_FINDING, startLine: 20, endLine: 20 }],
    },
    {
      name: "a TrainJob's GPUs are its resourcesPerNode's requests too (AMD), its quota capping NVIDIA's",
      path: 'a.yaml',
      content: trainJob('{requests: {amd.com/gpu: 2}}') + quota('{requests.nvidia.com/gpu: "8"}'),
      findings: [
        {
          ...TRAIN_JOB_FINDING,
          message:
            "Namespace 'research' (of TrainJob 'llama') requests amd.com/gpu but its ResourceQuota does not cap requests.amd.com/gpu",
        },
      ],
    },
    {
      name: "a JobSet not named after the namespace's TrainJob, without the queue label: Kueue does not hold it",
      path: 'a.yaml',
      content:
        trainJob('{limits: {nvidia.com/gpu: 1}}', '  labels: {kueue.x-k8s.io/queue-name: team-a}\n') + '---\n' + unlabelledJobSet + KUEUE,
      findings: [TRAIN_JOB_FINDING],
    },
    ...[
      ['no owner', ''],
      ['another TrainJob its controller', TRAINER_OWNER.replace('name: llama', 'name: other')],
      ['the TrainJob an owner but not its controller', TRAINER_OWNER.replace('controller: true', 'controller: false')],
    ].map(([what, owners]) => ({
      name: `a hand-written JobSet named after a Kueue-admitted TrainJob, ${what}: Kueue does not hold it`,
      path: 'a.yaml',
      content:
        trainJob('{limits: {nvidia.com/gpu: 1}}', '  labels: {kueue.x-k8s.io/queue-name: team-a}\n') +
        '---\n' +
        llamaJobSet(owners) +
        KUEUE,
      findings: [TRAIN_JOB_FINDING],
    })),
    {
      name: 'a TrainJob without the queue label beside a Kueue queue not named default: Kueue does not hold it',
      path: 'a.yaml',
      content: trainJob('{limits: {nvidia.com/gpu: 4}}') + KUEUE,
      findings: [TRAIN_JOB_FINDING],
    },
    {
      name: 'quota without the GPU key, and a MIG profile',
      path: 'a.yaml',
      content: NS + job('{nvidia.com/gpu: 1, nvidia.com/mig-1g.10gb: 1}') + quota('{requests.cpu: "32", limits.nvidia.com/gpu: "8"}'),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          message:
            "Namespace 'research' requests nvidia.com/gpu, nvidia.com/mig-1g.10gb but its ResourceQuota does not cap requests.nvidia.com/gpu, requests.nvidia.com/mig-1g.10gb",
        },
      ],
    },
    {
      name: 'a GPU Job without the queue label beside a Kueue queue: Kueue does not hold it',
      path: 'a.yaml',
      content: NS + job('{nvidia.com/gpu: 4}') + KUEUE,
      findings: [
        { startLine: 4, startColumn: 3, endLine: 4, endColumn: 17, message: /requests nvidia.com\/gpu but it has no ResourceQuota/ },
      ],
    },
    {
      name: 'a Job labelled for the queue on its pod template only: Kueue does not read it there',
      path: 'a.yaml',
      content: NS + templateQueued + KUEUE,
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          severity: 'medium',
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    },
    {
      name: 'a Job admitted by a ClusterQueue with no nominal quota for nvidia.com/gpu',
      path: 'a.yaml',
      content:
        NS +
        queued('team-a') +
        KUEUE.replace('      - {name: nvidia.com/gpu, nominalQuota: 8}\n', '').replace('[cpu, memory, nvidia.com/gpu]', '[cpu, memory]'),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          severity: 'medium',
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    },
    {
      name: "a Job without a queue label, the namespace's LocalQueue not named 'default': Kueue does not hold it",
      path: 'a.yaml',
      content: NS + job('{nvidia.com/gpu: 4}') + KUEUE,
      findings: [
        { startLine: 4, startColumn: 3, endLine: 4, endColumn: 17, message: /requests nvidia.com\/gpu but it has no ResourceQuota/ },
      ],
    },
    {
      name: 'a Job labelled for a LocalQueue the scan does not hold',
      path: 'a.yaml',
      content: NS + queued('other') + KUEUE,
      findings: [
        { startLine: 4, startColumn: 3, endLine: 4, endColumn: 17, message: /requests nvidia.com\/gpu but it has no ResourceQuota/ },
      ],
    },
    ...['DaemonSet', 'Deployment'].map((kind) => ({
      name: `an unlabelled GPU ${kind} beside a LocalQueue named 'default': no Kueue integration on by default gives it the queue`,
      path: 'a.yaml',
      content: NS + unlabelled(kind) + KUEUE_DEFAULT,
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          severity: 'medium' as const,
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    })),
    {
      name: 'several Kueue Configurations, the first a staging copy turning deployment on: kueue-system/kueue-manager-config, the one Kueue uses by default, leaves it off',
      path: 'a.yaml',
      content: unlabelledDeployment + staging(CHART_FRAMEWORKS) + kueueConfig(['batch/job']),
      findings: [GPU_FINDING],
    },
    {
      name: "several Kueue Configurations: the one a Kueue manager Deployment of the scan mounts leaves deployment off, kueue-system's (first) turns it on",
      path: 'a.yaml',
      content:
        unlabelledDeployment +
        kueueConfig(CHART_FRAMEWORKS) +
        kueueConfig(['batch/job'], { namespace: 'kueue', name: 'batch-manager-config' }) +
        kueueManager('kueue', 'batch'),
      findings: [GPU_FINDING],
    },
    {
      name: 'several Kueue Configurations, none mounted nor the default: one leaves deployment off, so it is not taken as on',
      path: 'a.yaml',
      content: unlabelledDeployment + staging(CHART_FRAMEWORKS) + kueueConfig(['batch/job'], { namespace: 'kueue', name: 'other' }),
      findings: [GPU_FINDING],
    },
    {
      name: "an unlabelled GPU Deployment beside a LocalQueue named 'default', the scan's Kueue Configuration leaving deployment off",
      path: 'a.yaml',
      content: NS + unlabelled('Deployment') + KUEUE_DEFAULT + kueueConfig(['batch/job', 'pod']),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    },
    {
      name: "a Deployment labelled on its own metadata only, the scan's Kueue Configuration turning on the pod integration only (its pods carry no label)",
      path: 'a.yaml',
      content:
        NS +
        templateQueuedDeployment
          .replace('\n        kueue.x-k8s.io/queue-name: team-a', '')
          .replace('  namespace: research\n', '  namespace: research\n  labels:\n    kueue.x-k8s.io/queue-name: team-a\n') +
        KUEUE +
        kueueConfig(['batch/job', 'pod']),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    },
    {
      name: "an unlabelled JobSet beside a LocalQueue named 'default', the scan's Kueue Configuration leaving jobset off",
      path: 'a.yaml',
      content: NS + unlabelledJobSet + KUEUE_DEFAULT + kueueConfig(['batch/job']),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    },
    {
      name: "a Deployment labelled on its pod template, the scan's Kueue Configuration turning on neither pod nor deployment",
      path: 'a.yaml',
      content: NS + templateQueuedDeployment + KUEUE + kueueConfig(['batch/job']),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 17,
          message: "Namespace 'research' requests nvidia.com/gpu but it has no ResourceQuota",
        },
      ],
    },
  ],
});

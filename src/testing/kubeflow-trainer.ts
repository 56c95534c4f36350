/** Kubeflow Trainer v2 objects the tenancy rules' tests share (trainer.kubeflow.org/v1alpha1). */

/** A namespaced TrainingRuntime: a JobSet template whose node asks for a GPU; no pod runs from it, only from the TrainJobs that name it. */
export const TRAINING_RUNTIME =
  'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainingRuntime\nmetadata: {name: torch-distributed, namespace: research}\nspec:\n  template:\n    spec:\n      replicatedJobs:\n      - name: node\n        template:\n          spec:\n            template:\n              spec:\n                containers:\n                - {name: node, image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime, resources: {limits: {nvidia.com/gpu: 1}}}\n';

/** A TrainJob `llama` in namespace research (no Namespace object), `perNode` its trainer's resourcesPerNode, `labels` its metadata labels. */
export const trainJob = (perNode: string, labels = ''): string =>
  `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: llama
  namespace: research
${labels}spec:
  runtimeRef: {name: torch-distributed}
  trainer:
    image: docker.io/kubeflow/pytorch-llama:latest
    numNodes: 2
    resourcesPerNode: ${perNode}
`;

/** A TrainJob alone (no runtime in the scan), one GPU a node: a workload without a pod spec of its own. */
export const TRAIN_JOB_ONLY = trainJob('{limits: {nvidia.com/gpu: 1}}');

/** A TrainJob `llama` in namespace research whose `spec.trainer` holds `trainer` (lines indented by four spaces): its trainer's image, command, env. */
export const trainJobWithTrainer = (trainer: string): string =>
  `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: llama
  namespace: research
spec:
  runtimeRef: {name: torch-distributed}
  trainer:
${trainer}`;

/** The runtime of `TRAINING_RUNTIME` as a ClusterTrainingRuntime (cluster-scoped): the kind a TrainJob's runtimeRef names by default. */
export const CLUSTER_TRAINING_RUNTIME = TRAINING_RUNTIME.replace('kind: TrainingRuntime', 'kind: ClusterTrainingRuntime').replace(
  ', namespace: research}',
  '}',
);

/** A TrainJob `llama` in namespace research naming the runtime `runtimeRef`, without resourcesPerNode: its nodes ask for what the runtime's template does. */
export const trainJobOnRuntime = (runtimeRef: string, labels = ''): string =>
  `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: llama
  namespace: research
${labels}spec:
  runtimeRef: ${runtimeRef}
  trainer:
    numNodes: 2
`;

/** A TrainJob `llama` whose model initializer pulls from the Hub with a literal token, as the Kubeflow SDK writes it (`env` lines indented by six spaces). */
export const trainJobWithModelInitializer = (env: string): string =>
  `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: llama
  namespace: research
spec:
  runtimeRef: {name: torch-distributed}
  initializer:
    model:
      storageUri: hf://meta-llama/Llama-3.2-1B-Instruct
${env}`;

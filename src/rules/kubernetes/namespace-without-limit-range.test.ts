import { testRule } from '../../testing/rule-tester.js';
import rule from './namespace-without-limit-range.js';

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nb\n  namespace: notebooks\nspec:\n  containers:\n  - name: nb\n    image: quay.io/jupyter/base-notebook:2024-10-07\n';
const LR = (ns: string) =>
  `---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\n  namespace: ${ns}\nspec:\n  limits: [{type: Container, default: {memory: 4Gi}}]\n`;

/** A Kubeflow Trainer namespaced TrainingRuntime: a JobSet template whose node asks for a GPU; no pod runs from it, only from the TrainJobs that name it. */
const TRAINING_RUNTIME =
  'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainingRuntime\nmetadata: {name: torch-distributed, namespace: research}\nspec:\n  template:\n    spec:\n      replicatedJobs:\n      - name: node\n        template:\n          spec:\n            template:\n              spec:\n                containers:\n                - {name: node, image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime, resources: {limits: {nvidia.com/gpu: 1}}}\n';

/** A Kubeflow Trainer v2 TrainJob alone in namespace research (no Namespace object, no runtime in the scan): a workload without a pod spec of its own. */
const TRAIN_JOB_ONLY =
  'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata:\n  name: llama\n  namespace: research\nspec:\n  runtimeRef: {name: torch-distributed}\n  trainer:\n    image: docker.io/kubeflow/pytorch-llama:latest\n    numNodes: 2\n    resourcesPerNode: {limits: {nvidia.com/gpu: 1}}\n';

testRule(rule, {
  valid: [
    { name: 'LimitRange in the namespace', path: 'a.yaml', content: POD + LR('notebooks') },
    { name: 'a Kubeflow Trainer TrainingRuntime alone: a template, no workload', path: 'a.yaml', content: TRAINING_RUNTIME },
  ],
  invalid: [
    {
      name: 'a TrainJob alone: its namespace runs workloads',
      path: 'a.yaml',
      content: TRAIN_JOB_ONLY,
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 22,
          severity: 'low',
          message: "Namespace 'research' (of TrainJob 'llama') runs workloads without a LimitRange",
        },
      ],
    },
    {
      name: 'no LimitRange',
      path: 'a.yaml',
      content: POD,
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 23,
          severity: 'low',
          message: "Namespace 'notebooks' (of Pod 'nb') runs workloads without a LimitRange",
        },
      ],
    },
    {
      name: 'LimitRange elsewhere',
      path: 'a.yaml',
      content: POD + LR('other'),
      findings: [{ startLine: 5, startColumn: 3, endLine: 5, endColumn: 23 }],
    },
  ],
});

import { testRule } from '../../testing/rule-tester.js';
import { TRAINING_RUNTIME, TRAIN_JOB_ONLY } from '../../testing/kubeflow-trainer.js';
import rule from './namespace-without-resource-quota.js';

const JOB =
  'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: etl\n  namespace: data\nspec:\n  template:\n    spec:\n      containers:\n      - name: etl\n        image: ghcr.io/example/etl:2.0.1\n';
const QUOTA = (ns: string) =>
  `---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\n  namespace: ${ns}\nspec:\n  hard: {pods: "10"}\n`;

testRule(rule, {
  valid: [
    { name: 'a Kubeflow Trainer TrainingRuntime alone: a template, no workload', path: 'a.yaml', content: TRAINING_RUNTIME },
    { name: 'quota in the namespace', path: 'a.yaml', content: JOB + QUOTA('data') },
    {
      name: 'a KServe ServingRuntime is a template, not a workload',
      path: 'a.yaml',
      content:
        'apiVersion: serving.kserve.io/v1alpha1\nkind: ServingRuntime\nmetadata:\n  name: vllm\n  namespace: data\nspec:\n  containers:\n  - name: kserve-container\n    image: vllm/vllm-openai:v0.6.3\n',
    },
    {
      name: 'cluster-scoped template only',
      path: 'a.yaml',
      content:
        'apiVersion: argoproj.io/v1alpha1\nkind: ClusterWorkflowTemplate\nmetadata:\n  name: t\nspec:\n  templates:\n  - name: main\n    container: {image: "alpine:3.20"}\n',
    },
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
          message: "Namespace 'research' (of TrainJob 'llama') runs workloads without a ResourceQuota",
        },
      ],
    },
    {
      name: 'no quota',
      path: 'a.yaml',
      content: JOB,
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 18,
          message: "Namespace 'data' (of Job 'etl') runs workloads without a ResourceQuota",
        },
      ],
    },
    {
      name: 'quota in another namespace',
      path: 'a.yaml',
      content: JOB + QUOTA('other'),
      findings: [{ startLine: 5, startColumn: 3, endLine: 5, endColumn: 18 }],
    },
    {
      name: 'workload without a namespace: reported on its name',
      path: 'a.yaml',
      content: JOB.replace('  namespace: data\n', ''),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 12,
          message: "Namespace 'default' (of Job 'etl') runs workloads without a ResourceQuota",
        },
      ],
    },
  ],
});

import { testRule } from '../../testing/rule-tester.js';
import { TRAINING_RUNTIME, TRAIN_JOB_ONLY } from '../../testing/kubeflow-trainer.js';
import rule from './namespace-without-limit-range.js';

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nb\n  namespace: notebooks\nspec:\n  containers:\n  - name: nb\n    image: quay.io/jupyter/base-notebook:2024-10-07\n';
const LR = (ns: string) =>
  `---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\n  namespace: ${ns}\nspec:\n  limits: [{type: Container, default: {memory: 4Gi}}]\n`;

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

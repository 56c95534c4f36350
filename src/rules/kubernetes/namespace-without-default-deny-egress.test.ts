import { testRule } from '../../testing/rule-tester.js';
import { TRAIN_JOB_ONLY } from '../../testing/kubeflow-trainer.js';
import rule from './namespace-without-default-deny-egress.js';

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm\n---\n';
const pod = (container: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: llm\nspec:\n  containers:\n${container}`;
const OLLAMA = '  - name: ollama\n    image: ollama/ollama:0.3.12\n';
const GPU = '  - name: train\n    image: nvcr.io/nvidia/pytorch:24.08-py3\n    resources:\n      limits: {nvidia.com/gpu: 2}\n';
const np = (spec: string) =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: llm\nspec:\n${spec}`;

testRule(rule, {
  valid: [
    {
      name: 'default deny egress',
      path: 'a.yaml',
      content: NS + pod(OLLAMA) + np('  podSelector: {}\n  policyTypes: [Ingress, Egress]\n'),
    },
    {
      name: 'default deny egress that allows DNS',
      path: 'a.yaml',
      content:
        NS +
        pod(OLLAMA) +
        np(
          '  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]\n    ports: [{port: 53, protocol: UDP}]\n',
        ),
    },
    { name: 'a namespace without AI services or GPUs', path: 'a.yaml', content: NS + pod('  - name: web\n    image: nginx:1.27\n') },
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
          message:
            "Namespace 'research' (of TrainJob 'llama') requests nvidia.com/gpu without a default-deny egress NetworkPolicy: its pods can connect anywhere",
        },
      ],
    },
    {
      name: 'Ollama with an ingress-only default deny',
      path: 'a.yaml',
      content: NS + pod(OLLAMA) + np('  podSelector: {}\n'),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 12,
          severity: 'low',
          message: "Namespace 'llm' runs AI services without a default-deny egress NetworkPolicy: its pods can connect anywhere",
        },
      ],
    },
    {
      name: 'GPU job, egress allowed to everything',
      path: 'a.yaml',
      content: pod(GPU) + np('  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - {}\n'),
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 17,
          message:
            "Namespace 'llm' (of Pod 'p') requests nvidia.com/gpu without a default-deny egress NetworkPolicy: its pods can connect anywhere",
        },
      ],
    },
  ],
});

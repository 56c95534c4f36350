import { testRule } from '../../testing/rule-tester.js';
import { TRAINING_RUNTIME, TRAIN_JOB_ONLY } from '../../testing/kubeflow-trainer.js';
import rule from './namespace-without-default-deny-ingress.js';

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm\n---\n';
const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\n  namespace: llm\nspec:\n  template:\n    metadata:\n      labels: {app: vllm}\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n';
const np = (spec: string, ns = 'llm') =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: ${ns}\nspec:\n${spec}`;

testRule(rule, {
  valid: [
    { name: 'a Kubeflow Trainer TrainingRuntime alone: a template, no workload', path: 'a.yaml', content: TRAINING_RUNTIME },
    { name: 'default deny ingress', path: 'a.yaml', content: NS + DEPLOY + np('  podSelector: {}\n  policyTypes: [Ingress]\n') },
    { name: 'default deny with policyTypes implied', path: 'a.yaml', content: NS + DEPLOY + np('  podSelector: {}\n') },
    {
      name: 'namespace-wide policy that allows only the ingress controller',
      path: 'a.yaml',
      content:
        NS +
        DEPLOY +
        np('  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]\n'),
    },
    { name: 'a Namespace without workloads is not judged', path: 'a.yaml', content: NS.replace('---\n', '') },
    {
      name: 'Cilium clusterwide policy in the scan',
      path: 'a.yaml',
      content:
        DEPLOY +
        '---\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: deny\nspec:\n  endpointSelector: {}\n  ingress: [{}]\n',
    },
    { name: 'system namespace', path: 'a.yaml', content: DEPLOY.replace('namespace: llm', 'namespace: kube-system') },
    {
      name: 'unset namespaces on both sides',
      path: 'a.yaml',
      content: DEPLOY.replace('  namespace: llm\n', '') + np('  podSelector: {}\n').replace('  namespace: llm\n', ''),
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
          message:
            "Namespace 'research' (of TrainJob 'llama') runs workloads without a default-deny ingress NetworkPolicy: it has no NetworkPolicy",
        },
      ],
    },
    {
      name: 'no NetworkPolicy: reported on the Namespace',
      path: 'a.yaml',
      content: NS + DEPLOY,
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 12,
          objectPath: '/metadata/name',
          message: "Namespace 'llm' runs workloads without a default-deny ingress NetworkPolicy: it has no NetworkPolicy",
        },
      ],
    },
    {
      name: 'no Namespace object: reported on the first workload',
      path: 'a.yaml',
      content: DEPLOY,
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 17,
          objectPath: '/metadata/namespace',
          message:
            "Namespace 'llm' (of Deployment 'vllm') runs workloads without a default-deny ingress NetworkPolicy: it has no NetworkPolicy",
        },
      ],
    },
    {
      name: 'policy for some pods only, and a default deny in another namespace',
      path: 'a.yaml',
      content: NS + DEPLOY + np('  podSelector: {matchLabels: {app: vllm}}\n') + np('  podSelector: {}\n', 'other'),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 4,
          endColumn: 12,
          message: /its 1 NetworkPolicies select only some pods or allow everything$/,
        },
      ],
    },
    {
      name: 'namespace-wide policy that allows everything',
      path: 'a.yaml',
      content: NS + DEPLOY + np('  podSelector: {}\n  ingress:\n  - {}\n'),
      findings: [{ startLine: 4, startColumn: 3, endLine: 4, endColumn: 12 }],
    },
    {
      name: 'egress-only default deny',
      path: 'a.yaml',
      content: NS + DEPLOY + np('  podSelector: {}\n  policyTypes: [Egress]\n'),
      findings: [{ startLine: 4, startColumn: 3, endLine: 4, endColumn: 12 }],
    },
  ],
});

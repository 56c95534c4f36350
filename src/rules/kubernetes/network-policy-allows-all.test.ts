import { testRule } from '../../testing/rule-tester.js';
import rule from './network-policy-allows-all.js';

const np = (spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: llm\nspec:\n${spec}`;
const NB =
  '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: nb\n  namespace: llm\n  labels: {app: nb}\nspec:\n  containers:\n  - name: nb\n    image: quay.io/jupyter/base-notebook:2024-10-07\n    args: [start-notebook.py, "--ServerApp.token=\'\'"]\n';

testRule(rule, {
  valid: [
    { name: 'default deny', path: 'a.yaml', content: np('  podSelector: {}\n  policyTypes: [Ingress, Egress]\n') },
    {
      name: 'allow from the same namespace',
      path: 'a.yaml',
      content: np('  podSelector: {}\n  ingress:\n  - from: [{podSelector: {}}]\n'),
    },
    { name: 'allow from anywhere on one port', path: 'a.yaml', content: np('  podSelector: {}\n  ingress:\n  - ports: [{port: 8443}]\n') },
    {
      name: 'ipBlock with exceptions',
      path: 'a.yaml',
      content: np('  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]\n'),
    },
    {
      name: 'allow-all ingress to a web pod',
      path: 'a.yaml',
      content: np('  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - {}\n') + NB,
    },
    {
      name: 'egress rules ignored when policyTypes is Ingress only',
      path: 'a.yaml',
      content: np('  podSelector: {}\n  policyTypes: [Ingress]\n  egress:\n  - {}\n'),
    },
  ],
  invalid: [
    {
      name: 'allow-all ingress for every pod',
      path: 'a.yaml',
      content: np('  podSelector: {}\n  ingress:\n  - {}\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 7,
          severity: 'medium',
          objectPath: '/spec/ingress/0',
          message:
            "NetworkPolicy 'np' allows all ingress for every pod of namespace 'llm': an ingress rule with no from and no ports allows all traffic",
        },
      ],
    },
    {
      name: 'namespaceSelector {} and 0.0.0.0/0',
      path: 'a.yaml',
      content: np('  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n  - from:\n    - ipBlock: {cidr: 0.0.0.0/0}\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 10,
          endColumn: 28,
          message: /namespaceSelector: \{\} on every port allows every pod of every namespace$/,
        },
        {
          startLine: 11,
          startColumn: 5,
          endLine: 12,
          endColumn: 33,
          message: /from ipBlock 0\.0\.0\.0\/0 on every port allows all traffic$/,
        },
      ],
    },
    {
      name: 'allow-all egress for every pod',
      path: 'a.yaml',
      content: np('  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - {}\n'),
      findings: [{ startLine: 10, startColumn: 5, endLine: 10, endColumn: 7, severity: 'low', message: /allows all egress for every pod/ }],
    },
    {
      name: 'allow-all ingress to a Jupyter pod without a token',
      path: 'a.yaml',
      content: np('  podSelector: {matchLabels: {app: nb}}\n  ingress:\n  - {}\n') + NB,
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 7,
          severity: 'medium',
          message:
            "NetworkPolicy 'np' allows all ingress to pods running Jupyter (Pod 'nb'): an ingress rule with no from and no ports allows all traffic",
        },
      ],
    },
  ],
});

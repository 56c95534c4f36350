import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-nodes-proxy.js';

const role = (rules: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
rules:
${rules}`;

testRule(rule, {
  valid: [
    { path: 'rbac.yaml', content: role('- apiGroups: [""]\n  resources: ["nodes", "nodes/metrics", "nodes/stats"]\n  verbs: ["get"]\n') },
    {
      name: 'another API group',
      path: 'rbac.yaml',
      content: role('- apiGroups: ["metrics.k8s.io"]\n  resources: ["nodes/proxy"]\n  verbs: ["get"]\n'),
    },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: role('- apiGroups: [""]\n  resources: ["nodes", "nodes/proxy"]\n  verbs: ["get", "list"]\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 24,
          endLine: 7,
          endColumn: 37,
          message: "ClusterRole 'r' grants get, list on nodes/proxy: the kubelet API of every node (rule 0)",
          objectPath: '/rules/0/resources/1',
          severity: 'high',
        },
      ],
    },
    {
      name: 'nodes/* in every group',
      path: 'rbac.yaml',
      content: role('- apiGroups: ["*"]\n  resources:\n  - nodes/*\n  verbs: ["get"]\n'),
      findings: [{ startLine: 8, startColumn: 5, endLine: 8, endColumn: 12 }],
    },
  ],
});

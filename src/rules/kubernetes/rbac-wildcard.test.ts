import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-wildcard.js';

const role = (rules: string, extra = '') => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
${extra}rules:
${rules}`;

testRule(rule, {
  valid: [
    { path: 'rbac.yaml', content: role('- apiGroups: ["ray.io"]\n  resources: ["rayclusters"]\n  verbs: ["get", "list"]\n') },
    {
      name: 'aggregated ClusterRole: rules written by the controller',
      path: 'rbac.yaml',
      content: role(
        '- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["*"]\n',
        'aggregationRule:\n  clusterRoleSelectors: [{matchLabels: {agg: "true"}}]\n',
      ),
    },
    {
      name: 'built-in role from a cluster export',
      path: 'rbac.yaml',
      content: role('- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["*"]\n').replace(
        '  name: r\n',
        '  name: cluster-admin\n  labels: {kubernetes.io/bootstrapping: rbac-defaults}\n',
      ),
    },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: role('- apiGroups: ["ray.io"]\n  resources: ["*"]\n  verbs: ["*"]\n'),
      findings: [
        {
          startLine: 8,
          startColumn: 11,
          endLine: 8,
          endColumn: 14,
          message: "ClusterRole 'r' grants every verb on every resource in API group 'ray.io' (rule 0)",
          objectPath: '/rules/0/verbs/0',
          severity: 'critical',
        },
      ],
    },
    {
      name: 'wildcard verb, resource, group and URL in separate rules',
      path: 'rbac.yaml',
      content: role(
        '- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["get", "*"]\n' +
          '- apiGroups: ["", "apps"]\n  resources: ["*"]\n  verbs: ["get"]\n' +
          '- apiGroups:\n  - "*"\n  resources: ["configmaps"]\n  verbs: ["get"]\n' +
          '- nonResourceURLs: ["*"]\n  verbs: ["get"]\n',
      ),
      findings: [
        {
          startLine: 8,
          startColumn: 18,
          endLine: 8,
          endColumn: 21,
          message: "ClusterRole 'r' grants every verb on pods (rule 0)",
          objectPath: '/rules/0/verbs/1',
          severity: 'high',
        },
        {
          startLine: 10,
          startColumn: 15,
          endLine: 10,
          endColumn: 18,
          message: "ClusterRole 'r' grants get on every resource in API groups '', 'apps' (rule 1)",
          severity: 'high',
        },
        {
          startLine: 13,
          startColumn: 5,
          endLine: 13,
          endColumn: 8,
          message: "ClusterRole 'r' matches configmaps in every API group (rule 2)",
          objectPath: '/rules/2/apiGroups/0',
          severity: 'low',
        },
        {
          startLine: 16,
          startColumn: 21,
          endLine: 16,
          endColumn: 24,
          message: "ClusterRole 'r' grants get on every non-resource URL (rule 3)",
          severity: 'low',
        },
      ],
    },
  ],
});

import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-escalation-verbs.js';

const role = (rules: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
rules:
${rules}`;

testRule(rule, {
  valid: [
    {
      path: 'rbac.yaml',
      content: role('- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["rolebindings"]\n  verbs: ["create", "get"]\n'),
    },
    {
      name: '"bind" on something else is not the RBAC verb',
      path: 'rbac.yaml',
      content: role('- apiGroups: ["example.com"]\n  resources: ["volumes"]\n  verbs: ["bind"]\n'),
    },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: role(
        '- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["clusterroles", "rolebindings"]\n  verbs: ["create", "bind", "escalate"]\n',
      ),
      findings: [
        {
          startLine: 8,
          startColumn: 21,
          endLine: 8,
          endColumn: 27,
          message: "ClusterRole 'r' grants 'bind': it can bind roles with permissions it does not hold (rule 0)",
          objectPath: '/rules/0/verbs/1',
          severity: 'high',
        },
        {
          startLine: 8,
          startColumn: 29,
          endLine: 8,
          endColumn: 39,
          message: "ClusterRole 'r' grants 'escalate': it can add permissions it does not hold to roles (rule 0)",
          objectPath: '/rules/0/verbs/2',
        },
      ],
    },
    {
      name: 'impersonation, even limited by name',
      path: 'rbac.yaml',
      content: role('- apiGroups: [""]\n  resources: ["serviceaccounts"]\n  resourceNames: ["builder"]\n  verbs:\n  - impersonate\n'),
      findings: [
        {
          startLine: 10,
          startColumn: 5,
          endLine: 10,
          endColumn: 16,
          message:
            "ClusterRole 'r' grants 'impersonate': it can act as other users, groups or service accounts (limited to builder) (rule 0)",
        },
      ],
    },
  ],
});

import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-secrets-read.js';

const role = (kind: string, rules: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: r
  namespace: llm
rules:
${rules}`;

testRule(rule, {
  valid: [
    { path: 'rbac.yaml', content: role('ClusterRole', '- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: ["get", "list"]\n') },
    {
      name: 'named secrets only',
      path: 'rbac.yaml',
      content: role('Role', '- apiGroups: [""]\n  resources: ["secrets"]\n  resourceNames: ["hf-token"]\n  verbs: ["get"]\n'),
    },
    {
      name: 'write-only',
      path: 'rbac.yaml',
      content: role('Role', '- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["create", "delete"]\n'),
    },
    {
      name: 'another API group',
      path: 'rbac.yaml',
      content: role('ClusterRole', '- apiGroups: ["secrets-store.csi.x-k8s.io"]\n  resources: ["secrets"]\n  verbs: ["get"]\n'),
    },
    {
      name: 'the built-in view role',
      path: 'rbac.yaml',
      content:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: v}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: Group, name: analysts}\n',
    },
    {
      name: 'a ClusterRole named edit defined in the scan is judged by its rules',
      path: 'rbac.yaml',
      content:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: edit}\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: e}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects:\n- {kind: Group, name: analysts}\n',
    },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: role('ClusterRole', '- apiGroups: [""]\n  resources: ["configmaps", "secrets"]\n  verbs: ["get", "list", "watch"]\n'),
      findings: [
        {
          startLine: 8,
          startColumn: 29,
          endLine: 8,
          endColumn: 38,
          message: "ClusterRole 'r' can get, list, watch Secrets (rule 0)",
          objectPath: '/rules/0/resources/1',
          severity: 'high',
        },
      ],
    },
    {
      name: 'Role with a wildcard verb: medium',
      path: 'rbac.yaml',
      content: role('Role', '- apiGroups: ["*"]\n  resources:\n  - secrets\n  verbs: ["*"]\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 12,
          message: "Role 'r' can * Secrets in namespace 'llm' (rule 0)",
          severity: 'medium',
        },
      ],
    },
    {
      name: 'a binding of the built-in edit role',
      path: 'rbac.yaml',
      content:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: nb-edit, namespace: research}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects:\n- {kind: ServiceAccount, name: notebook, namespace: research}\n',
      findings: [
        {
          startLine: 4,
          startColumn: 67,
          endLine: 4,
          endColumn: 77,
          message:
            "RoleBinding 'nb-edit' grants ClusterRole 'edit', which can read Secrets, in namespace 'research' to ServiceAccount research/notebook",
          objectPath: '/roleRef/name',
          severity: 'medium',
        },
      ],
    },
  ],
});

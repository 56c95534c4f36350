import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-pod-exec-attach.js';

const role = (kind: string, rules: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: r
  namespace: llm
rules:
${rules}`;

testRule(rule, {
  valid: [
    { path: 'rbac.yaml', content: role('Role', '- apiGroups: [""]\n  resources: ["pods", "pods/log"]\n  verbs: ["get", "list"]\n') },
    {
      name: 'read-only verbs that cannot open a stream',
      path: 'rbac.yaml',
      content: role('ClusterRole', '- apiGroups: [""]\n  resources: ["pods/exec"]\n  verbs: ["list", "watch"]\n'),
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
      content: role('Role', '- apiGroups: [""]\n  resources: ["pods", "pods/exec", "pods/attach"]\n  verbs: ["get", "create"]\n'),
      findings: [
        {
          startLine: 8,
          startColumn: 23,
          endLine: 8,
          endColumn: 34,
          message: "Role 'r' grants get, create on pods/exec in namespace 'llm' (rule 0)",
          objectPath: '/rules/0/resources/1',
          severity: 'medium',
        },
        {
          startLine: 8,
          startColumn: 36,
          endLine: 8,
          endColumn: 49,
          message: "Role 'r' grants get, create on pods/attach in namespace 'llm' (rule 0)",
          severity: 'medium',
        },
      ],
    },
    {
      name: 'ClusterRole with every pod subresource',
      path: 'rbac.yaml',
      content: role('ClusterRole', '- apiGroups: [""]\n  resources: ["pods/*"]\n  verbs: ["*"]\n'),
      findings: [
        {
          startLine: 8,
          startColumn: 15,
          endLine: 8,
          endColumn: 23,
          message: "ClusterRole 'r' grants * on every pod subresource, exec and attach included (rule 0)",
          severity: 'high',
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
            "RoleBinding 'nb-edit' grants ClusterRole 'edit', which can exec and attach into pods, in namespace 'research' to ServiceAccount research/notebook",
          objectPath: '/roleRef/name',
          severity: 'medium',
        },
      ],
    },
  ],
});

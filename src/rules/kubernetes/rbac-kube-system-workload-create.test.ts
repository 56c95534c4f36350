import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-kube-system-workload-create.js';

const binding = (kind: string, ns: string, refKind: string, ref: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: b
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ${refKind}
  name: ${ref}
subjects:
- kind: ServiceAccount
  name: op
  namespace: ops
`;
const role = (kind: string, ns: string, name: string, rules: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${ns}
rules:
${rules}---
`;
const CREATE_DEPLOYMENTS = '- apiGroups: ["apps"]\n  resources: ["deployments"]\n  verbs: ["get", "create"]\n';

testRule(rule, {
  valid: [
    { path: 'rbac.yaml', content: binding('RoleBinding', 'kube-system', 'ClusterRole', 'view') },
    { name: 'edit outside kube-system', path: 'rbac.yaml', content: binding('RoleBinding', 'llm', 'ClusterRole', 'edit') },
    { name: 'a Role in another namespace', path: 'rbac.yaml', content: role('Role', 'llm', 'deployer', CREATE_DEPLOYMENTS) },
    { name: 'cluster-admin is K8S-0111', path: 'rbac.yaml', content: binding('ClusterRoleBinding', '', 'ClusterRole', 'cluster-admin') },
    {
      name: 'a ClusterRole of the scan that only reads',
      path: 'rbac.yaml',
      content:
        role('ClusterRole', '', 'reader', '- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["get"]\n') +
        binding('RoleBinding', 'kube-system', 'ClusterRole', 'reader'),
    },
    {
      name: 'an unknown role is not guessed',
      path: 'rbac.yaml',
      content: binding('RoleBinding', 'kube-system', 'ClusterRole', 'somewhere-else'),
    },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: binding('RoleBinding', 'kube-system', 'ClusterRole', 'edit'),
      findings: [
        {
          startLine: 9,
          startColumn: 3,
          endLine: 9,
          endColumn: 13,
          message: "RoleBinding 'b' grants ClusterRole 'edit', which creates workloads, in kube-system",
          objectPath: '/roleRef/name',
          severity: 'high',
        },
      ],
    },
    {
      name: 'a Role in kube-system',
      path: 'rbac.yaml',
      content: role('Role', 'kube-system', 'deployer', CREATE_DEPLOYMENTS) + binding('RoleBinding', 'kube-system', 'Role', 'deployer'),
      findings: [
        {
          startLine: 9,
          startColumn: 18,
          endLine: 9,
          endColumn: 26,
          message: "Role 'deployer' in kube-system grants create on deployments (rule 0)",
          objectPath: '/rules/0/verbs/1',
          severity: 'high',
        },
      ],
    },
    {
      name: 'a ClusterRole of the scan bound cluster-wide: low',
      path: 'rbac.yaml',
      content:
        role('ClusterRole', '', 'kuberay', '- apiGroups: [""]\n  resources: ["pods", "services"]\n  verbs: ["*"]\n') +
        binding('ClusterRoleBinding', '', 'ClusterRole', 'kuberay'),
      findings: [
        {
          startLine: 19,
          startColumn: 3,
          endLine: 19,
          endColumn: 16,
          message: "ClusterRoleBinding 'b' grants ClusterRole 'kuberay', which creates workloads, in every namespace including kube-system",
          severity: 'low',
        },
      ],
    },
  ],
});

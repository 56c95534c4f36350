import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-binding-role-not-in-scan.js';

const binding = (kind: string, roleKind: string, role: string, ns = '  namespace: ml\n') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: b\n${ns}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: ${role}\nsubjects:\n- kind: ServiceAccount\n  name: runner\n  namespace: ml\n`;
const role = (kind: string, name: string, ns = '  namespace: ml\n') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns}rules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]\n---\n`;

testRule(rule, {
  valid: [
    { name: 'the Role is in the scan', path: 'rbac.yaml', content: role('Role', 'reader') + binding('RoleBinding', 'Role', 'reader') },
    {
      name: 'the ClusterRole is in the scan',
      path: 'rbac.yaml',
      content: role('ClusterRole', 'reader', '') + binding('ClusterRoleBinding', 'ClusterRole', 'reader', ''),
    },
    {
      name: 'a RoleBinding of a ClusterRole in the scan',
      path: 'rbac.yaml',
      content: role('ClusterRole', 'reader', '') + binding('RoleBinding', 'ClusterRole', 'reader'),
    },
    { name: 'built-in view', path: 'rbac.yaml', content: binding('RoleBinding', 'ClusterRole', 'view') },
    { name: 'built-in system role', path: 'rbac.yaml', content: binding('ClusterRoleBinding', 'ClusterRole', 'system:auth-delegator', '') },
    {
      name: 'a binding Kubernetes creates itself',
      path: 'rbac.yaml',
      content: binding('RoleBinding', 'Role', 'x').replace(
        '  name: b\n',
        '  name: b\n  labels: {kubernetes.io/bootstrapping: rbac-defaults}\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'a Role of another namespace does not count',
      path: 'rbac.yaml',
      content: role('Role', 'reader', '  namespace: other\n') + binding('RoleBinding', 'Role', 'reader'),
      findings: [
        {
          startLine: 19,
          startColumn: 3,
          endLine: 19,
          endColumn: 15,
          message:
            "RoleBinding 'b' grants Role 'reader' in namespace 'ml', which is not defined in the scan: what it grants in namespace 'ml' to ServiceAccount ml/runner cannot be checked",
          objectPath: '/roleRef/name',
          severity: 'info',
        },
      ],
    },
    {
      name: 'a ClusterRoleBinding of a ClusterRole from another chart',
      path: 'rbac.yaml',
      content: binding('ClusterRoleBinding', 'ClusterRole', 'gpu-operator', ''),
      findings: [
        {
          startLine: 8,
          startColumn: 3,
          endLine: 8,
          endColumn: 21,
          message:
            "ClusterRoleBinding 'b' grants ClusterRole 'gpu-operator', which is not defined in the scan: what it grants in every namespace to ServiceAccount ml/runner cannot be checked",
        },
      ],
    },
  ],
});

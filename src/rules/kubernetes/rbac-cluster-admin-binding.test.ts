import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-cluster-admin-binding.js';

const binding = (kind: string, role: string, subjects: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: b
  namespace: ml
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${role}
subjects:
${subjects}`;
const SA = '- kind: ServiceAccount\n  name: pipeline-runner\n  namespace: kubeflow\n';

testRule(rule, {
  valid: [
    { path: 'rbac.yaml', content: binding('ClusterRoleBinding', 'view', SA) },
    {
      name: 'the built-in binding for system:masters',
      path: 'rbac.yaml',
      content: binding('ClusterRoleBinding', 'cluster-admin', '- kind: Group\n  name: system:masters\n'),
    },
    {
      name: 'a Role that happens to be named cluster-admin',
      path: 'rbac.yaml',
      content: binding('RoleBinding', 'x', SA).replace('kind: ClusterRole\n  name: x', 'kind: Role\n  name: cluster-admin'),
    },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: binding('ClusterRoleBinding', 'cluster-admin', SA),
      findings: [
        {
          startLine: 9,
          startColumn: 3,
          endLine: 9,
          endColumn: 22,
          message: "ClusterRoleBinding 'b' grants cluster-admin on the whole cluster to ServiceAccount kubeflow/pipeline-runner",
          objectPath: '/roleRef/name',
          severity: 'high',
        },
      ],
    },
    {
      name: 'RoleBinding: namespace admin, medium',
      path: 'rbac.yaml',
      content: binding('RoleBinding', 'cluster-admin', '- {kind: User, name: alice}\n- {kind: Group, name: system:masters}\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 3,
          endLine: 9,
          endColumn: 22,
          message: "RoleBinding 'b' grants cluster-admin over namespace 'ml' to User alice, Group system:masters",
          severity: 'medium',
        },
      ],
    },
  ],
});

import { expect, it } from 'vitest';
import { testRule } from '../../testing/rule-tester.js';
import rule from './rbac-anonymous-binding.js';

const binding = (kind: string, role: string, subject: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: b
  namespace: ml
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${role}
subjects:
- kind: ServiceAccount
  name: runner
  namespace: ml
${subject}`;

testRule(rule, {
  valid: [
    {
      name: 'the service accounts of one namespace (system:serviceaccounts:<namespace>)',
      path: 'rbac.yaml',
      content: binding('RoleBinding', 'edit', '- {kind: Group, name: "system:serviceaccounts:ml"}\n'),
    },
    { path: 'rbac.yaml', content: binding('ClusterRoleBinding', 'view', '') },
    {
      name: 'public discovery roles are meant for everyone',
      path: 'rbac.yaml',
      content: binding('ClusterRoleBinding', 'system:public-info-viewer', '- kind: Group\n  name: system:unauthenticated\n'),
    },
    {
      name: 'system:service-account-issuer-discovery (the OIDC discovery URLs) to every service account, without the bootstrapping label',
      path: 'rbac.yaml',
      content: binding('ClusterRoleBinding', 'system:service-account-issuer-discovery', '- kind: Group\n  name: system:serviceaccounts\n'),
    },
    {
      name: 'a user whose name only looks similar',
      path: 'rbac.yaml',
      content: binding('RoleBinding', 'view', '- kind: User\n  name: system:anonymous-reader\n'),
    },
    {
      name: 'not RBAC',
      path: 'x.yaml',
      content: 'apiVersion: example.com/v1\nkind: RoleBinding\nmetadata: {name: x}\nsubjects:\n- kind: User\n  name: system:anonymous\n',
    },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: binding('ClusterRoleBinding', 'view', '- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: system:anonymous\n'),
      findings: [
        {
          startLine: 16,
          startColumn: 3,
          endLine: 16,
          endColumn: 25,
          message: "ClusterRoleBinding 'b' grants ClusterRole 'view' to unauthenticated requests (User system:anonymous)",
          objectPath: '/subjects/1/name',
          severity: 'critical',
        },
      ],
    },
    {
      name: 'unauthenticated and authenticated groups',
      path: 'rbac.yaml',
      content: binding(
        'RoleBinding',
        'edit',
        '- {kind: Group, name: system:unauthenticated}\n- {kind: Group, name: system:authenticated}\n',
      ),
      findings: [
        { startLine: 14, startColumn: 17, endLine: 14, endColumn: 45, severity: 'critical' },
        {
          startLine: 15,
          startColumn: 17,
          endLine: 15,
          endColumn: 43,
          severity: 'high',
          message: "RoleBinding 'b' grants ClusterRole 'edit' to every authenticated identity (Group system:authenticated)",
        },
      ],
    },
    {
      name: "every service account of the cluster (Group system:serviceaccounts): every tenant's notebook pod holds such a token",
      path: 'rbac.yaml',
      content: binding(
        'ClusterRoleBinding',
        'edit',
        '- {kind: Group, name: system:serviceaccounts, apiGroup: rbac.authorization.k8s.io}\n',
      ),
      findings: [
        {
          startLine: 14,
          startColumn: 17,
          endLine: 14,
          endColumn: 45,
          severity: 'high',
          objectPath: '/subjects/1/name',
          message:
            "ClusterRoleBinding 'b' grants ClusterRole 'edit' to every service account of every namespace (Group system:serviceaccounts)",
        },
      ],
    },
  ],
});

it('applies to single objects, so that the admission webhook (which runs no cross-object rule) denies such a binding', () => {
  expect(rule.meta.appliesTo).toEqual(['k8s']);
});

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

const pspRole = (rules: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: psp:privileged
rules:
${rules}---
`;
const pspBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: default:privileged
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: psp:privileged
subjects:
- kind: Group
  apiGroup: rbac.authorization.k8s.io
  name: system:serviceaccounts
`;

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
    {
      name: 'a psp:* role of the scan that only uses PodSecurityPolicies (removed in 1.25), bound to every service account: low',
      path: 'rbac.yaml',
      content:
        pspRole("- apiGroups: ['policy']\n  resources: ['podsecuritypolicies']\n  verbs: ['use']\n  resourceNames: ['privileged']\n") +
        pspBinding,
      findings: [
        {
          startLine: 22,
          startColumn: 3,
          endLine: 22,
          endColumn: 31,
          severity: 'low',
          message:
            "ClusterRoleBinding 'default:privileged' grants ClusterRole 'psp:privileged' (only `use` of PodSecurityPolicies, an API removed in Kubernetes 1.25) to every service account of every namespace (Group system:serviceaccounts)",
        },
      ],
    },
    {
      name: 'the psp:* role is not in the scan: judged by the binding alone',
      path: 'rbac.yaml',
      content: pspBinding,
      findings: [{ startLine: 12, startColumn: 3, endLine: 12, endColumn: 31, severity: 'high' }],
    },
    {
      name: 'a psp:* role that also reads Secrets is not use-only',
      path: 'rbac.yaml',
      content:
        pspRole(
          "- apiGroups: ['policy']\n  resources: ['podsecuritypolicies']\n  verbs: ['use']\n- apiGroups: ['']\n  resources: ['secrets']\n  verbs: ['get']\n",
        ) + pspBinding,
      findings: [{ startLine: 24, startColumn: 3, endLine: 24, endColumn: 31, severity: 'high' }],
    },
    {
      name: 'use of every resource of the policy group is not use-only',
      path: 'rbac.yaml',
      content: pspRole("- apiGroups: ['policy']\n  resources: ['*']\n  verbs: ['use']\n") + pspBinding,
      findings: [{ startLine: 21, startColumn: 3, endLine: 21, endColumn: 31, severity: 'high' }],
    },
  ],
});

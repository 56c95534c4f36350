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
    { name: 'read-only verbs that cannot open a stream', path: 'rbac.yaml', content: role('ClusterRole', '- apiGroups: [""]\n  resources: ["pods/exec"]\n  verbs: ["list", "watch"]\n') },
  ],
  invalid: [
    {
      path: 'rbac.yaml',
      content: role('Role', '- apiGroups: [""]\n  resources: ["pods", "pods/exec", "pods/attach"]\n  verbs: ["get", "create"]\n'),
      findings: [
        { startLine: 8, startColumn: 23, endLine: 8, endColumn: 34, message: "Role 'r' grants get, create on pods/exec in namespace 'llm' (rule 0)", objectPath: '/rules/0/resources/1', severity: 'medium' },
        { startLine: 8, startColumn: 36, endLine: 8, endColumn: 49, message: "Role 'r' grants get, create on pods/attach in namespace 'llm' (rule 0)", severity: 'medium' },
      ],
    },
    {
      name: 'ClusterRole with every pod subresource',
      path: 'rbac.yaml',
      content: role('ClusterRole', '- apiGroups: [""]\n  resources: ["pods/*"]\n  verbs: ["*"]\n'),
      findings: [{ startLine: 8, startColumn: 15, endLine: 8, endColumn: 23, message: "ClusterRole 'r' grants * on every pod subresource, exec and attach included (rule 0)", severity: 'high' }],
    },
  ],
});

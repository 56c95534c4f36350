import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { coversGroup, entryPath, isCheckableRole, policyRules, roleLabel } from './lib/rbac.js';

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0116',
    slug: 'rbac-nodes-proxy',
    title: 'Role can use the nodes/proxy subresource',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.10' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      '`nodes/proxy` forwards requests to the kubelet API of any node: it can run commands in every container on the node (`/exec`, `/run`), read logs and pod specs, and those requests bypass admission control and most audit logging. Monitoring agents (GPU exporters, metrics collectors) often ask for it when `nodes/metrics` or `nodes/stats` would do; even `get` is enough to exec over WebSockets.',
    remediation:
      'Grant `nodes/metrics`, `nodes/stats` or `nodes/log` instead, which serve the read-only endpoints, and remove `nodes/proxy` (and `nodes/*`).',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: gpu-metrics\nrules:\n- apiGroups: [""]\n  resources: ["nodes", "nodes/proxy"]\n  verbs: ["get", "list"]\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: gpu-metrics\nrules:\n- apiGroups: [""]\n  resources: ["nodes", "nodes/metrics"]\n  verbs: ["get", "list"]\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!isCheckableRole(doc)) return;
    for (const r of policyRules(doc)) {
      if (!coversGroup(r, '') || r.verbs.values.length === 0) continue;
      r.resources.values.forEach((res, i) => {
        if (res !== 'nodes/proxy' && res !== 'nodes/*') return;
        ctx.report({
          message: `${roleLabel(doc)} grants ${r.verbs.values.join(', ')} on ${res}: the kubelet API of every node (rule ${r.index})`,
          at: entryPath(r.resources, i),
        });
      });
    }
  },
});

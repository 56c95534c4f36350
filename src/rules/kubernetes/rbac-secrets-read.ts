import { defineRule, type RuleContext } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { reportBuiltinGrant, coversGroup, entryPath, isCheckableRole, matchingVerbs, policyRules, roleLabel } from './lib/rbac.js';

const READ_VERBS = ['get', 'list', 'watch'];

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0113',
    slug: 'rbac-secrets-read',
    title: 'Role can read Secrets',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.2' },
      { id: 'nsa-cisa', control: 'secrets' },
    ],
    rationale:
      '`get`, `list` or `watch` on `secrets` returns their values: model hub tokens, provider API keys, object-store credentials, database passwords and every service account token stored as a Secret. `list` and `watch` return all of them at once. A ClusterRole (which can be bound cluster-wide) is high, a Role medium. Bindings of the built-in `admin` and `edit` ClusterRoles, which read Secrets, are reported on the binding (a ClusterRoleBinding high, a RoleBinding medium). Rules limited by `resourceNames` are not reported; `resources: ["*"]` is K8S-0112\'s finding.',
    remediation:
      'Remove Secret access, or limit it with `resourceNames` to the Secrets the workload needs; better, mount those Secrets into the pod instead of reading them through the API.',
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/#least-privilege-secrets',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: notebook-controller\nrules:\n- apiGroups: [""]\n  resources: ["configmaps", "secrets"]\n  verbs: ["get", "list", "watch"]\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: notebook-controller\nrules:\n- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: ["get", "list", "watch"]\n- apiGroups: [""]\n  resources: ["secrets"]\n  resourceNames: ["notebook-tls"]\n  verbs: ["get"]\n',
        },
      ],
    },
  },
  check(set, ctx) {
    for (const doc of set.ofKind('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding')) {
      if (reportBuiltinGrant(doc, set.objects, 'secrets', 'can read Secrets', (r) => ctx.report(r))) continue;
      checkRole(doc, ctx);
    }
  },
});

function checkRole(doc: K8sObjectDocument, ctx: RuleContext): void {
  if (!isCheckableRole(doc)) return;
  const cluster = doc.object.kind === 'ClusterRole';
  for (const r of policyRules(doc)) {
    if (!coversGroup(r, '') || r.resourceNames.length > 0) continue;
    const i = r.resources.values.indexOf('secrets');
    const verbs = matchingVerbs(r, READ_VERBS);
    if (i < 0 || verbs.length === 0) continue;
    ctx.report({
      doc,
      message: `${roleLabel(doc)} can ${verbs.join(', ')} Secrets${cluster ? '' : ` in namespace '${doc.namespace}'`} (rule ${r.index})`,
      at: entryPath(r.resources, i),
      severity: cluster ? 'high' : 'medium',
    });
  }
}

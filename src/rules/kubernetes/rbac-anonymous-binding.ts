import { defineRule } from '../../core/rule.js';
import type { RuleContext } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { isBinding, isBootstrapDefault, onlyUsesPodSecurityPolicies, resolveRole, roleRefOf, subjectsOf } from './lib/rbac.js';

/**
 * Default ClusterRoles that exist to be granted to everyone (health, version and API discovery, and
 * `system:service-account-issuer-discovery`: the OIDC discovery URLs of the service account issuer).
 */
const PUBLIC_ROLES = new Set([
  'system:public-info-viewer',
  'system:discovery',
  'system:basic-user',
  'system:service-account-issuer-discovery',
]);

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0110',
    slug: 'rbac-anonymous-binding',
    title: 'Role granted to anonymous or all authenticated users',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'authentication-authorization' },
      { id: 'nsa-cisa', control: 'control-plane-hardening' },
    ],
    rationale:
      'A binding to the user `system:anonymous` or the group `system:unauthenticated` grants its role to anyone who can reach the API server, without credentials. Exposed AI clusters have been taken over this way to mine on their GPUs. A binding to `system:authenticated` (high) grants the role to every identity the API server accepts: every service account token of every namespace, and on some providers any account of the identity provider. So does one to `system:serviceaccounts` (high): every pod of every namespace holds such a token, every tenant\u2019s notebook included, so the role crosses every namespace boundary. Bindings of the default roles meant for everyone are not reported: `system:public-info-viewer`, `system:discovery`, `system:basic-user` and `system:service-account-issuer-discovery` (the service account issuer\u2019s OIDC discovery URLs). A role of the scan whose every rule is `use` of `podsecuritypolicies` (the `psp:*` roles of PodSecurityPolicy setups) is low: it only let the PodSecurityPolicy admission plugin admit pods under those policies, an API removed in Kubernetes 1.25, and lets no one create a pod; a role not in the scan is judged by the binding alone.',
    remediation:
      'Delete the subject from the binding and grant the role to the specific users, groups or service accounts that need it. Keep `--anonymous-auth=false` on the API server unless health checks need it, and then allow anonymous requests to the health endpoints only.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects',
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ray-dashboard-view\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: system:anonymous\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ray-dashboard-view\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: ml-platform-oncall\n',
        },
      ],
    },
  },
  check(set, ctx) {
    for (const doc of set.ofKind('RoleBinding', 'ClusterRoleBinding')) checkBinding(doc, set, ctx);
  },
});

function checkBinding(doc: K8sObjectDocument, set: K8sSetDocument, ctx: RuleContext): void {
  if (!isBinding(doc) || isBootstrapDefault(doc)) return;
  const ref = roleRefOf(doc);
  if (ref && ref.kind === 'ClusterRole' && PUBLIC_ROLES.has(ref.name)) return;
  const role = ref ? `${ref.kind} '${ref.name}'` : 'its role';
  let pspOnly: boolean | undefined;
  for (const s of subjectsOf(doc)) {
    const anonymous = (s.kind === 'User' && s.name === 'system:anonymous') || (s.kind === 'Group' && s.name === 'system:unauthenticated');
    const everyone = s.kind === 'Group' && s.name === 'system:authenticated';
    const everyAccount = s.kind === 'Group' && s.name === 'system:serviceaccounts';
    if (!anonymous && !everyone && !everyAccount) continue;
    if (pspOnly === undefined) {
      const resolved = ref ? resolveRole(doc, ref, set.objects) : undefined;
      pspOnly = resolved !== undefined && onlyUsesPodSecurityPolicies(resolved);
    }
    const grant = pspOnly ? `${role} (only \`use\` of PodSecurityPolicies, an API removed in Kubernetes 1.25)` : role;
    ctx.report({
      doc,
      message: anonymous
        ? `${doc.object.kind} '${doc.name}' grants ${grant} to unauthenticated requests (${s.kind} ${s.name})`
        : everyone
          ? `${doc.object.kind} '${doc.name}' grants ${grant} to every authenticated identity (Group system:authenticated)`
          : `${doc.object.kind} '${doc.name}' grants ${grant} to every service account of every namespace (Group system:serviceaccounts)`,
      at: [...s.path, 'name'],
      severity: pspOnly ? 'low' : anonymous ? 'critical' : 'high',
    });
  }
}

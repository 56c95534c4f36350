import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { isBinding, isBootstrapDefault, roleRefOf, subjectsOf } from './lib/rbac.js';

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

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0110',
    slug: 'rbac-anonymous-binding',
    title: 'Role granted to anonymous or all authenticated users',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'nsa-cisa', control: 'authentication-authorization' },
      { id: 'nsa-cisa', control: 'control-plane-hardening' },
    ],
    rationale:
      'A binding to the user `system:anonymous` or the group `system:unauthenticated` grants its role to anyone who can reach the API server, without credentials. Exposed AI clusters have been taken over this way to mine on their GPUs. A binding to `system:authenticated` (high) grants the role to every identity the API server accepts: every service account token of every namespace, and on some providers any account of the identity provider. So does one to `system:serviceaccounts` (high): every pod of every namespace holds such a token, every tenant\u2019s notebook included, so the role crosses every namespace boundary. Bindings of the default roles meant for everyone are not reported: `system:public-info-viewer`, `system:discovery`, `system:basic-user` and `system:service-account-issuer-discovery` (the service account issuer\u2019s OIDC discovery URLs).',
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
  check(doc, ctx) {
    if (!isBinding(doc) || isBootstrapDefault(doc)) return;
    const ref = roleRefOf(doc);
    if (ref && ref.kind === 'ClusterRole' && PUBLIC_ROLES.has(ref.name)) return;
    const role = ref ? `${ref.kind} '${ref.name}'` : 'its role';
    for (const s of subjectsOf(doc)) {
      const anonymous = (s.kind === 'User' && s.name === 'system:anonymous') || (s.kind === 'Group' && s.name === 'system:unauthenticated');
      const everyone = s.kind === 'Group' && s.name === 'system:authenticated';
      const everyAccount = s.kind === 'Group' && s.name === 'system:serviceaccounts';
      if (!anonymous && !everyone && !everyAccount) continue;
      ctx.report({
        message: anonymous
          ? `${doc.object.kind} '${doc.name}' grants ${role} to unauthenticated requests (${s.kind} ${s.name})`
          : everyone
            ? `${doc.object.kind} '${doc.name}' grants ${role} to every authenticated identity (Group system:authenticated)`
            : `${doc.object.kind} '${doc.name}' grants ${role} to every service account of every namespace (Group system:serviceaccounts)`,
        at: [...s.path, 'name'],
        severity: anonymous ? 'critical' : 'high',
      });
    }
  },
});

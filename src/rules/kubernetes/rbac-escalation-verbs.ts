import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { coversGroup, entryPath, findEntry, isCheckableRole, policyRules, roleLabel, type PolicyRule } from './lib/rbac.js';

/** The verbs that step around RBAC, with the resources they apply to. */
const ESCALATIONS: ReadonlyArray<{ verb: string; groups: readonly string[]; resources: readonly string[]; effect: string }> = [
  {
    verb: 'escalate',
    groups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'clusterroles'],
    effect: 'add permissions it does not hold to roles',
  },
  {
    verb: 'bind',
    groups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'clusterroles'],
    effect: 'bind roles with permissions it does not hold',
  },
  {
    verb: 'impersonate',
    groups: ['', 'authentication.k8s.io'],
    resources: ['users', 'groups', 'serviceaccounts', 'uids', 'userextras/*'],
    effect: 'act as other users, groups or service accounts',
  },
];

function appliesTo(r: PolicyRule, e: (typeof ESCALATIONS)[number]): boolean {
  return e.groups.some((g) => coversGroup(r, g)) && findEntry(r.resources, e.resources) >= 0;
}

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0115',
    slug: 'rbac-escalation-verbs',
    title: 'Role with escalate, bind or impersonate',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.8' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      "RBAC prevents a subject from granting more than it holds, except through three verbs: `escalate` lets it edit roles to add any permission, `bind` lets it bind roles it does not hold (cluster-admin included), `impersonate` lets it send requests as any user, group (`system:masters`) or service account. Each is a path to cluster-admin. Rules limited by `resourceNames` are reported too, since the named roles or identities may be powerful; review them. A wildcard verb is K8S-0112's finding.",
    remediation:
      'Remove these verbs from roles of workloads and operators. Where an operator must create bindings, give it `bind` with `resourceNames` listing the roles it hands out; give impersonation only to the proxy that needs it, restricted by `resourceNames`.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: profiles-controller\nrules:\n- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["clusterroles", "rolebindings"]\n  verbs: ["create", "bind", "escalate"]\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: profiles-controller\nrules:\n- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["rolebindings"]\n  verbs: ["create", "get", "list"]\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!isCheckableRole(doc)) return;
    for (const r of policyRules(doc)) {
      for (const [i, verb] of r.verbs.values.entries()) {
        const e = ESCALATIONS.find((x) => x.verb === verb);
        if (!e || !appliesTo(r, e)) continue;
        const scoped = r.resourceNames.length > 0 ? ` (limited to ${r.resourceNames.join(', ')})` : '';
        ctx.report({
          message: `${roleLabel(doc)} grants '${e.verb}': it can ${e.effect}${scoped} (rule ${r.index})`,
          at: entryPath(r.verbs, i),
        });
      }
    }
  },
});

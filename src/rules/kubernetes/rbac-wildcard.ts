import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { entryPath, isCheckableRole, policyRules, roleLabel } from './lib/rbac.js';

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0112',
    slug: 'rbac-wildcard',
    title: 'Wildcard in a Role or ClusterRole',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.3' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      'A `*` grants everything that exists and everything added later: `verbs: ["*"]` includes `escalate`, `bind`, `impersonate` and `delete`; `resources: ["*"]` includes Secrets, `pods/exec` and every custom resource an operator installs later (InferenceServices, RayClusters, their credentials). Every verb on every resource is critical: it is cluster-admin (or namespace admin) under another name. A wildcard verb or resource alone is high; a wildcard API group with named resources, or a wildcard non-resource URL, is low.',
    remediation:
      'List the verbs, resources and API groups the subject uses. `kubectl auth can-i --list --as=system:serviceaccount:NS:NAME` and the audit log show what is actually exercised.',
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ray-operator\nrules:\n- apiGroups: ["ray.io"]\n  resources: ["*"]\n  verbs: ["*"]\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ray-operator\nrules:\n- apiGroups: ["ray.io"]\n  resources: ["rayclusters", "rayjobs", "rayservices"]\n  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!isCheckableRole(doc)) return;
    const role = roleLabel(doc);
    for (const r of policyRules(doc)) {
      const verb = r.verbs.values.indexOf('*');
      const resource = r.resources.values.indexOf('*');
      const group = r.apiGroups.values.indexOf('*');
      const groups =
        group >= 0
          ? 'in every API group'
          : `in API group${r.apiGroups.values.length === 1 ? '' : 's'} ${r.apiGroups.values.map((g) => `'${g}'`).join(', ')}`;
      if (verb >= 0 && resource >= 0) {
        ctx.report({
          message: `${role} grants every verb on every resource ${groups} (rule ${r.index})`,
          at: entryPath(r.verbs, verb),
          severity: 'critical',
        });
        continue;
      }
      if (verb >= 0)
        ctx.report({
          message: `${role} grants every verb on ${r.resources.values.join(', ') || 'its resources'} (rule ${r.index})`,
          at: entryPath(r.verbs, verb),
          severity: 'high',
        });
      if (resource >= 0)
        ctx.report({
          message: `${role} grants ${r.verbs.values.join(', ')} on every resource ${groups} (rule ${r.index})`,
          at: entryPath(r.resources, resource),
          severity: 'high',
        });
      else if (group >= 0 && r.resources.values.length > 0)
        ctx.report({
          message: `${role} matches ${r.resources.values.join(', ')} in every API group (rule ${r.index})`,
          at: entryPath(r.apiGroups, group),
          severity: 'low',
        });
      const url = r.nonResourceURLs.values.indexOf('*');
      if (url >= 0 && verb < 0)
        ctx.report({
          message: `${role} grants ${r.verbs.values.join(', ')} on every non-resource URL (rule ${r.index})`,
          at: entryPath(r.nonResourceURLs, url),
          severity: 'low',
        });
    }
  },
});

import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  BUILTIN_WORKLOAD_CREATORS,
  entryPath,
  grantsWorkloadCreate,
  isBinding,
  isBootstrapDefault,
  isCheckableRole,
  policyRules,
  resolveRole,
  roleLabel,
  roleRefOf,
} from './lib/rbac.js';

const KUBE_SYSTEM = 'kube-system';

/** Whether a role lets its holder create workloads: from its rules when the scan has it, else from the built-in roles. */
function createsWorkloads(role: K8sObjectDocument | undefined, name: string, kind: string): boolean | undefined {
  if (role) return isCheckableRole(role) ? policyRules(role).some((r) => grantsWorkloadCreate(r) !== undefined) : undefined;
  return kind === 'ClusterRole' && BUILTIN_WORKLOAD_CREATORS.has(name) ? true : undefined;
}

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0117',
    slug: 'rbac-kube-system-workload-create',
    title: 'Permission to create workloads in kube-system',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.4' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      "Whoever can create a pod (or a Deployment, DaemonSet, Job…) in `kube-system` can run it as any service account there, the controllers' and the CNI's included, and mount their tokens: that is cluster-admin in all but name. Reported on Roles in `kube-system` that grant it and on RoleBindings in `kube-system` whose role (from the scan, or the built-in `admin`/`edit`) grants it. A ClusterRoleBinding to a role that creates workloads (other than cluster-admin, K8S-0111's finding) grants it in every namespace including `kube-system` (low: operators commonly need it, but review them).",
    remediation:
      "Deploy add-ons with their own namespace and service account. Keep create rights in `kube-system` to the cluster's own controllers and break-glass administrators; give operators namespaced Roles in the namespaces they manage.",
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: gpu-operator-edit\n  namespace: kube-system\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n- kind: ServiceAccount\n  name: gpu-operator\n  namespace: gpu-operator\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: gpu-operator-view\n  namespace: kube-system\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: gpu-operator\n  namespace: gpu-operator\n',
        },
      ],
    },
  },
  check(set, ctx) {
    for (const o of set.ofKind('Role', 'RoleBinding', 'ClusterRoleBinding')) {
      if (isBootstrapDefault(o)) continue;
      if (o.object.kind === 'Role' && isCheckableRole(o) && o.namespace === KUBE_SYSTEM) {
        for (const r of policyRules(o)) {
          const hit = grantsWorkloadCreate(r);
          if (!hit) continue;
          ctx.report({
            doc: o,
            message: `${roleLabel(o)} in kube-system grants create on ${r.resources.values[hit.resource]} (rule ${r.index})`,
            at: entryPath(r.verbs, hit.verb),
          });
        }
        continue;
      }
      if (!isBinding(o)) continue;
      const ref = roleRefOf(o);
      if (!ref || (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin')) continue;
      const clusterWide = o.object.kind === 'ClusterRoleBinding';
      if (!clusterWide && o.namespace !== KUBE_SYSTEM) continue;
      const role = resolveRole(o, ref, set.objects);
      // A Role bound in kube-system is reported on the Role itself.
      if (!clusterWide && ref.kind === 'Role') continue;
      if (!createsWorkloads(role, ref.name, ref.kind)) continue;
      ctx.report({
        doc: o,
        message: clusterWide
          ? `ClusterRoleBinding '${o.name}' grants ${ref.kind} '${ref.name}', which creates workloads, in every namespace including kube-system`
          : `RoleBinding '${o.name}' grants ${ref.kind} '${ref.name}', which creates workloads, in kube-system`,
        at: ref.path,
        severity: clusterWide ? 'low' : 'high',
      });
    }
  },
});

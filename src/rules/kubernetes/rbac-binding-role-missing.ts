import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { bindingScope, isBinding, isBootstrapDefault, resolveRole, roleRefOf, subjectList } from './lib/rbac.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

const BINDING =
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: model-registry-reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: model-registry-reader\nsubjects:\n- kind: ServiceAccount\n  name: inference\n  namespace: llm\n';
const ROLE =
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: model-registry-reader\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n---\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0200',
    slug: 'rbac-binding-role-missing',
    title: 'Binding grants a role that does not exist in the cluster',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [{ id: 'nsa-cisa', control: 'authentication-authorization' }],
    rationale:
      'A RoleBinding or ClusterRoleBinding whose Role or ClusterRole does not exist grants nothing today, but it is a standing grant to whatever role is created under that name later: anyone who may create Roles (or ClusterRoles), or an operator or chart that installs one, decides what the binding\u2019s subjects can do, without touching the binding that reviewers would look at. Such dangling bindings are left behind when a chart or operator is removed without its bindings, or come from a typo. A cluster scan lists every Role and ClusterRole, so a missing one is known not to exist (a file scan cannot tell: K8S-0128 reports it there as not defined in the scan). Bindings the API server creates itself (`kubernetes.io/bootstrapping: rbac-defaults`) are not reported.',
    remediation:
      'Delete the binding when what it was for is gone (`kubectl delete rolebinding|clusterrolebinding NAME`), or create the role it was meant to grant. Limit who may create Roles and ClusterRoles, and bind only roles that are managed with the binding (the same chart or kustomization).',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    ],
    examples: {
      bad: [{ path: 'cluster.yaml', content: BINDING, cluster: true }],
      good: [{ path: 'cluster.yaml', content: ROLE + BINDING, cluster: true }],
    },
  },
  check(set, ctx) {
    const cluster = set.cluster;
    if (!cluster) return;
    for (const binding of set.ofKind('RoleBinding', 'ClusterRoleBinding')) {
      if (!isBinding(binding) || isBootstrapDefault(binding)) continue;
      const ref = roleRefOf(binding);
      if (!ref || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')) continue;
      // Only a kind listed in full (in the binding's namespace for a Role) tells that a role does not exist.
      if (!cluster.listed(RBAC_GROUP, ref.kind, ref.kind === 'Role' ? binding.namespace : undefined)) continue;
      if (resolveRole(binding, ref, set.objects)) continue;
      const where = ref.kind === 'Role' ? ` in namespace '${binding.namespace}'` : '';
      ctx.report({
        doc: binding,
        at: ref.path,
        message: `${binding.object.kind} '${binding.name}' grants ${ref.kind} '${ref.name}'${where}, which does not exist: whoever creates a ${ref.kind} of that name decides what ${subjectList(binding)} can do ${bindingScope(binding)}`,
      });
    }
  },
});

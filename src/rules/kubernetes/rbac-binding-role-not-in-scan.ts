import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { bindingScope, isBinding, isBootstrapDefault, resolveRole, roleRefOf, subjectList } from './lib/rbac.js';

/** ClusterRoles every cluster defines (RBAC defaults); `system:` names are defaults or reserved for components. */
const BUILT_IN = new Set(['cluster-admin', 'admin', 'edit', 'view']);

const BINDING =
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: trainer\n  namespace: ml\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: trainer\nsubjects:\n- kind: ServiceAccount\n  name: trainer\n  namespace: ml\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0128',
    slug: 'rbac-binding-role-not-in-scan',
    title: 'Binding grants a role the scan does not define',
    severity: 'info',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [{ id: 'nsa-cisa', control: 'authentication-authorization' }],
    rationale:
      'A RoleBinding or ClusterRoleBinding grants whatever its role holds, but when the Role or ClusterRole is not among the scanned manifests (it comes from another chart, an operator, a manual `kubectl apply`, or a typo), what the binding grants cannot be judged: the RBAC rules stay silent about it. A binding to a role that does not exist yet also grants its permissions the moment someone creates a role of that name. The built-in ClusterRoles (`cluster-admin`, `admin`, `edit`, `view`, `system:*`) are known and not reported here. In file scans this is informational: a cluster scan sees every role.',
    remediation:
      'Scan the manifests that define the role together with the binding (the same kustomization, chart or directory), or check the role in the cluster with `kubectl describe role|clusterrole NAME`. Remove bindings to roles that no longer exist.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings',
    ],
    examples: {
      bad: [{ path: 'rbac.yaml', content: BINDING }],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: trainer\n  namespace: ml\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n---\n' +
            BINDING,
        },
      ],
    },
  },
  check(set, ctx) {
    for (const binding of set.ofKind('RoleBinding', 'ClusterRoleBinding')) {
      if (!isBinding(binding) || isBootstrapDefault(binding)) continue;
      const ref = roleRefOf(binding);
      if (!ref || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')) continue;
      if (ref.kind === 'ClusterRole' && (BUILT_IN.has(ref.name) || ref.name.startsWith('system:'))) continue;
      // A cluster that listed the role's kind knows whether it exists (K8S-0200 reports it when it does not).
      if (set.cluster?.listed('rbac.authorization.k8s.io', ref.kind, ref.kind === 'Role' ? binding.namespace : undefined)) continue;
      if (resolveRole(binding, ref, set.objects)) continue;
      const where = ref.kind === 'Role' ? ` in namespace '${binding.namespace}'` : '';
      ctx.report({
        doc: binding,
        at: ref.path,
        message: `${binding.object.kind} '${binding.name}' grants ${ref.kind} '${ref.name}'${where}, which is not defined in the scan: what it grants ${bindingScope(binding)} to ${subjectList(binding)} cannot be checked`,
      });
    }
  },
});

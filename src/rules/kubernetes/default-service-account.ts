import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { setValueEdit } from '../../parsers/yaml/yaml-edit.js';
import { isBinding, roleRefOf, subjectsOf } from './lib/rbac.js';
import { acceptsPodFields, identityDecidedHere, namespaceOf, podLabel, serviceAccountOf, tokenMount } from './lib/workload.js';

/** Bindings of the scan that grant a role to the `default` service account of a namespace, by namespace. */
function bindingsOfDefault(objects: readonly K8sObjectDocument[]): Map<string, K8sObjectDocument[]> {
  const out = new Map<string, K8sObjectDocument[]>();
  for (const o of objects) {
    if (!isBinding(o)) continue;
    const namespaces = new Set<string>();
    for (const s of subjectsOf(o)) {
      if (s.kind !== 'ServiceAccount' || s.name !== 'default') continue;
      const ns = s.namespace ?? (o.object.kind === 'RoleBinding' ? o.namespace : undefined);
      if (ns !== undefined) namespaces.add(ns);
    }
    for (const ns of namespaces) {
      const list = out.get(ns);
      if (list) list.push(o);
      else out.set(ns, [o]);
    }
  }
  return out;
}

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0106',
    slug: 'default-service-account',
    title: 'Pod runs as the default service account with its token mounted',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.5' },
      { id: 'cis-k8s', control: '5.1.6' },
      { id: 'nsa-cisa', control: 'service-account-tokens' },
    ],
    rationale:
      "Every pod that names no service account runs as its namespace's `default` account. Its identity is shared by everything in the namespace: a permission granted to it for one workload is granted to all, and every pod that mounts its token can use them. The finding is medium when the scan contains a RoleBinding that grants the namespace's `default` account a role, and high when that grant is cluster-wide (a ClusterRoleBinding) or cluster-admin.",
    remediation:
      'Give each workload its own ServiceAccount (`serviceAccountName`), grant roles to that account only, and set `automountServiceAccountToken: false` on the `default` ServiceAccount or in pods that do not call the API.',
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
    ],
    fixable: true,
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: notebook\n  namespace: research\nspec:\n  containers:\n  - name: jupyter\n    image: quay.io/jupyter/base-notebook:2024-10-07\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: notebook\n  namespace: research\nspec:\n  automountServiceAccountToken: false\n  containers:\n  - name: jupyter\n    image: quay.io/jupyter/base-notebook:2024-10-07\n',
        },
      ],
    },
  },
  check(set, ctx) {
    let byNamespace: Map<string, K8sObjectDocument[]> | undefined;
    for (const pod of set.pods) {
      if (!identityDecidedHere(pod)) continue;
      const t = tokenMount(pod, set.objects);
      if (!t.mounted || t.serviceAccount !== 'default') continue;
      byNamespace ??= bindingsOfDefault(set.ofKind('RoleBinding', 'ClusterRoleBinding'));
      const bindings = byNamespace.get(namespaceOf(pod)) ?? [];
      const granted = bindings
        .slice(0, 3)
        .map((b) => `${b.object.kind} '${b.name}' (${roleRefOf(b)?.name ?? '?'})`)
        .join(', ');
      const edit = acceptsPodFields(pod) && setValueEdit(pod.owner, pod.at('automountServiceAccountToken'), false);
      ctx.report({
        doc: pod,
        message:
          `${podLabel(pod)} runs as the default service account of namespace '${namespaceOf(pod)}' with its API token mounted` +
          (granted ? `, and that account is granted roles by ${granted}` : ''),
        at: (t.explicit ? t.explicitPath : undefined) ?? serviceAccountOf(pod).path ?? pod.specPath,
        // Wherever it is shown, the finding is about the token the pod gets (a written `true` is shown at it).
        ...(t.explicit ? {} : { subject: pod.at('automountServiceAccountToken') }),
        severity: bindings.some((b) => b.object.kind === 'ClusterRoleBinding' || roleRefOf(b)?.name === 'cluster-admin')
          ? 'high'
          : bindings.length > 0
            ? 'medium'
            : 'low',
        ...(edit ? { fix: { description: 'Set automountServiceAccountToken: false in the pod spec', edits: [edit] } } : {}),
      });
    }
  },
});

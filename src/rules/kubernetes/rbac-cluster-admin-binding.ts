import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { isBinding, isBootstrapDefault, roleRefOf, subjectList, subjectsOf } from './lib/rbac.js';

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0111',
    slug: 'rbac-cluster-admin-binding',
    title: 'Binding to cluster-admin',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.1' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      '`cluster-admin` allows every verb on every resource. Granted cluster-wide by a ClusterRoleBinding it is full control of the cluster: every Secret, every node through privileged pods, the RBAC itself. ML operators, notebook controllers and CI service accounts are often given it for convenience, so compromising a notebook or a pipeline step compromises the cluster. Granted in one namespace by a RoleBinding it is full control of that namespace, including its Secrets and RBAC (medium).',
    remediation:
      'Replace the binding with a Role or ClusterRole that lists only the resources and verbs the subject uses (audit logs or `kubectl auth can-i --list` show them); keep cluster-admin to break-glass accounts.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: kubeflow-pipelines-admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: pipeline-runner\n  namespace: kubeflow\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: pipeline-runner\n  namespace: kubeflow\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: pipeline-runner\nsubjects:\n- kind: ServiceAccount\n  name: pipeline-runner\n  namespace: kubeflow\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!isBinding(doc) || isBootstrapDefault(doc)) return;
    const ref = roleRefOf(doc);
    if (!ref || ref.kind !== 'ClusterRole' || ref.name !== 'cluster-admin') return;
    const subjects = subjectsOf(doc);
    // The built-in binding for system:masters, which bypasses RBAC anyway.
    if (subjects.length > 0 && subjects.every((s) => s.kind === 'Group' && s.name === 'system:masters')) return;
    const list = subjectList(doc);
    const cluster = doc.object.kind === 'ClusterRoleBinding';
    ctx.report({
      message: cluster
        ? `ClusterRoleBinding '${doc.name}' grants cluster-admin on the whole cluster to ${list}`
        : `RoleBinding '${doc.name}' grants cluster-admin over namespace '${doc.namespace}' to ${list}`,
      at: ref.path,
      severity: cluster ? 'high' : 'medium',
    });
  },
});

import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { asList, describeActor, isObj } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';
import { kindOf, roleName, writtenRbac } from './lib/rbac.js';

const binding = (role: string) =>
  auditEvent({
    verb: 'create',
    resource: 'clusterrolebindings',
    apiGroup: 'rbac.authorization.k8s.io',
    name: 'notebook-admin',
    requestObject: {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'notebook-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: 'jupyter', namespace: 'ml' }],
    },
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0008',
    slug: 'cluster-admin-binding-created',
    title: 'Binding to cluster-admin created',
    severity: 'critical',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.1' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
      { id: 'mitre-atlas', control: 'AML.T0012' },
    ],
    rationale:
      "A RoleBinding or ClusterRoleBinding to `cluster-admin` gives its subjects every right on every object (cluster-wide, or in the namespace for a RoleBinding). Attackers who reach an identity allowed to bind roles make this their first step to persistence; tooling that binds it for convenience leaves the same door open. The API server's own bootstrap of the `cluster-admin` binding is not reported.",
    remediation:
      'Remove the binding unless it was an approved change; bind the narrowest role that does the job, and restrict the `bind` and `escalate` verbs on roles.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    ],
    examples: lazyExamples(() => ({ bad: [auditLog(binding('cluster-admin'))], good: [auditLog(binding('view'))] })),
  },
  check(doc, ctx) {
    const written = writtenRbac(doc, ['clusterrolebindings', 'rolebindings']);
    if (!written) return;
    const ref = isObj(written.object.roleRef) ? written.object.roleRef : undefined;
    if (ref?.kind !== 'ClusterRole' || ref.name !== 'cluster-admin') return;
    const subjects = asList(written.object.subjects)
      .filter(isObj)
      .map((s) => `${String(s.kind)} ${s.namespace ? `${String(s.namespace)}/` : ''}${String(s.name)}`);
    ctx.report({
      at: [written.key, 'roleRef', 'name'],
      message: `${describeActor(doc)} bound cluster-admin to ${subjects.join(', ') || 'no subjects'} (${roleName(doc, kindOf(doc))})`,
    });
  },
});

import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';
import { kindOf, roleName, roleRules, writtenRbac } from './lib/rbac.js';

const INTERACTIVE = new Set(['pods/exec', 'pods/attach', 'pods/portforward', 'pods/ephemeralcontainers', 'pods/*']);

const role = (resources: string[]) =>
  auditEvent({
    verb: 'create',
    resource: 'roles',
    apiGroup: 'rbac.authorization.k8s.io',
    namespace: 'ml',
    name: 'notebook-debugger',
    requestObject: {
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'notebook-debugger', namespace: 'ml' },
      rules: [{ apiGroups: [''], resources, verbs: ['get', 'create'] }],
    },
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0010',
    slug: 'exec-granting-role-created',
    title: 'Role granting exec, attach or port-forward created',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.8' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      "Rights on `pods/exec`, `pods/attach`, `pods/portforward` or `pods/ephemeralcontainers` let the subject run commands in any pod of the scope, with the pods' service accounts and secrets: in a namespace of notebooks and model servers that includes their provider API keys and model stores. Wildcard roles are reported by RT-0009.",
    remediation:
      'Keep these rights in a separate break-glass role bound for a limited time; grant `get` on `pods/log` for troubleshooting instead.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation'],
    examples: lazyExamples(() => ({ bad: [auditLog(role(['pods', 'pods/exec']))], good: [auditLog(role(['pods', 'pods/log']))] })),
  },
  check(doc, ctx) {
    const written = writtenRbac(doc, ['roles', 'clusterroles']);
    if (!written) return;
    for (const r of roleRules(written.object)) {
      if (r.verbs.includes('*') || r.resources.includes('*')) continue;
      const granted = r.resources.filter((x) => INTERACTIVE.has(x));
      if (granted.length === 0 || !r.verbs.some((v) => v === 'create' || v === 'get' || v === 'update' || v === 'patch')) continue;
      ctx.report({
        at: [written.key, 'rules', r.index, 'resources'],
        message: `${describeActor(doc)} wrote ${roleName(doc, kindOf(doc))} granting ${r.verbs.join(', ')} on ${granted.join(', ')}`,
      });
    }
  },
});

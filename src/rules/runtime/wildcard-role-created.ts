import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';
import { kindOf, roleName, roleRules, writtenRbac } from './lib/rbac.js';

const role = (rule: Record<string, unknown>) =>
  auditEvent({
    verb: 'create',
    resource: 'clusterroles',
    apiGroup: 'rbac.authorization.k8s.io',
    name: 'ml-platform',
    requestObject: { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'ml-platform' }, rules: [rule] },
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0009',
    slug: 'wildcard-role-created',
    title: 'Role with wildcard verbs or resources created',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.3' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      "`*` in a rule's verbs or resources grants everything there is, including subresources and custom resources added later (an operator's CRDs, KServe InferenceServices). A role written at runtime with wildcards is either a shortcut that outlives its reason or an attacker preparing persistence. The API server's bootstrap roles are not reported.",
    remediation: 'List the verbs and resources the subject needs; review who may create roles (`escalate`) and bind them (`bind`).',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege'],
    examples: lazyExamples(() => ({
      bad: [auditLog(role({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }))],
      good: [auditLog(role({ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['get', 'list', 'watch'] }))],
    })),
  },
  check(doc, ctx) {
    const written = writtenRbac(doc, ['roles', 'clusterroles']);
    if (!written) return;
    for (const r of roleRules(written.object)) {
      const verbs = r.verbs.includes('*');
      const resources = r.resources.includes('*');
      if (!verbs && !resources) continue;
      ctx.report({
        at: [written.key, 'rules', r.index, verbs ? 'verbs' : 'resources'],
        message: `${describeActor(doc)} wrote ${roleName(doc, kindOf(doc))} granting ${verbs ? 'every verb' : r.verbs.join(', ')} on ${resources ? 'every resource' : r.resources.join(', ')}`,
      });
    }
  },
});

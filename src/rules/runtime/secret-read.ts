import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { actorOf, describeActor, isRequest, isSystemIdentity, objectName } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0011',
    slug: 'secret-read',
    title: 'Secret read by a person, or secrets listed across the cluster',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.2' },
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'Workloads read their secrets through mounts and controllers through their own accounts; a person reading a Secret through the API (`kubectl get secret -o yaml`) has its value in a terminal and a shell history, and listing secrets of every namespace is what credential harvesting looks like. Reads by the control plane and nodes, and service accounts reading one secret of their own namespace, are not reported; the AI-specific reads are RT-0016 and RT-0019.',
    remediation:
      'Confirm the read was needed; give people `get` on specific secrets (`resourceNames`) instead of `list`/`watch` on all, and use a secret manager with its own audit trail.',
    references: ['https://kubernetes.io/docs/concepts/security/secrets-good-practices/#least-privilege-secrets'],
    examples: lazyExamples(() => ({
      bad: [auditLog(auditEvent({ verb: 'get', resource: 'secrets', namespace: 'llm', name: 'openai-api-key' }))],
      good: [auditLog(auditEvent({ verb: 'get', resource: 'secrets', namespace: 'llm', name: 'openai-api-key', code: 403 }))],
    })),
  },
  check(doc, ctx) {
    if (!isRequest(doc, ['get', 'list', 'watch'], 'secrets')) return;
    const user = actorOf(doc.audit);
    if (isSystemIdentity(user)) return;
    const ref = doc.audit.objectRef!;
    const clusterWide = !ref.namespace && doc.audit.verb !== 'get';
    if (user.startsWith('system:serviceaccount:') && !clusterWide) return;
    ctx.report({
      at: ['objectRef'],
      severity: clusterWide ? 'high' : 'medium',
      message: clusterWide
        ? `${describeActor(doc)} ${doc.audit.verb === 'watch' ? 'watched' : 'listed'} the secrets of every namespace`
        : `${describeActor(doc)} read secret ${objectName(doc)} (${doc.audit.verb})`,
    });
  },
});

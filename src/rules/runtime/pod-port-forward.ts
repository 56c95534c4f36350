import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeAccess, describeActor, interactiveAccess, objectName } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0003',
    slug: 'pod-port-forward',
    title: 'Port-forward into a pod',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'nsa-cisa', control: 'network-separation' },
      { id: 'mitre-atlas', control: 'AML.T0040' },
    ],
    rationale:
      '`kubectl port-forward` tunnels a port of a pod to the caller through the API server, around Services, Ingresses, NetworkPolicies and their authentication. It reaches admin ports that were never meant to leave the pod. Port-forwards to notebooks, model servers and Ray heads are reported by RT-0015.',
    remediation:
      'Confirm the session was expected; restrict `pods/portforward` to operators who need it, and expose what users need through an authenticated Ingress.',
    references: ['https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/'],
    examples: lazyExamples(() => ({
      bad: [
        auditLog(
          auditEvent({
            verb: 'create',
            resource: 'pods',
            subresource: 'portforward',
            namespace: 'data',
            name: 'postgres-0',
            code: 101,
            requestURI: '/api/v1/namespaces/data/pods/postgres-0/portforward?ports=5432',
          }),
        ),
      ],
      good: [auditLog(auditEvent({ verb: 'get', resource: 'pods', namespace: 'data', name: 'postgres-0' }))],
    })),
  },
  check(doc, ctx) {
    if (interactiveAccess(doc) !== 'portforward' || doc.facts.target) return;
    ctx.report({
      at: ['objectRef'],
      message: `${describeActor(doc)} opened ${describeAccess(doc, 'portforward')} of pod ${objectName(doc)}`,
      evidence: doc.audit.requestURI,
    });
  },
});

import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeAccess, describeActor, interactiveAccess, isSystemIdentity, objectName, actorOf } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0002',
    slug: 'pod-exec-or-attach',
    title: 'Shell or attach into a running pod',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'nsa-cisa', control: 'audit-logging' },
      { id: 'mitre-atlas', control: 'AML.T0050' },
    ],
    rationale:
      '`kubectl exec` and `kubectl attach` run commands inside a running container with its service account, its mounted secrets and its network position, outside any deployment pipeline. In production they are break-glass actions worth a record and a look; attackers with stolen credentials use them to move between workloads. Exec into notebooks, model servers and Ray heads is reported by RT-0015 instead, with a higher severity.',
    remediation:
      'Confirm the session was expected. Restrict `pods/exec` and `pods/attach` (verbs `create` and `get`) to a break-glass group, and prefer ephemeral debug containers or logs for troubleshooting.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb',
      'https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/',
    ],
    examples: lazyExamples(() => ({
      bad: [
        auditLog(
          auditEvent({
            verb: 'create',
            resource: 'pods',
            subresource: 'exec',
            namespace: 'shop',
            name: 'checkout-7d4b9c6f8-x2k4q',
            code: 101,
            requestURI:
              '/api/v1/namespaces/shop/pods/checkout-7d4b9c6f8-x2k4q/exec?command=sh&container=app&stdin=true&stdout=true&tty=true',
          }),
        ),
      ],
      good: [
        auditLog(auditEvent({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'shop', name: 'checkout-7d4b9c6f8-x2k4q' })),
      ],
    })),
  },
  check(doc, ctx) {
    const access = interactiveAccess(doc);
    if ((access !== 'exec' && access !== 'attach') || doc.facts.target) return;
    // The kubelet and control plane never exec; a node identity doing so is itself suspicious, but it is not a user session.
    if (isSystemIdentity(actorOf(doc.audit)) && !actorOf(doc.audit).startsWith('system:node:')) return;
    ctx.report({
      at: ['objectRef'],
      message: `${describeActor(doc)} opened ${describeAccess(doc, access)} of pod ${objectName(doc)}`,
      evidence: doc.audit.requestURI,
    });
  },
});

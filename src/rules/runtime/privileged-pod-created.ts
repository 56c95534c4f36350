import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor, isObj } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';
import { createdPod, trustedImagesOption } from './lib/pods.js';

const create = (privileged: boolean) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'ml',
    name: 'trainer',
    user: 'system:serviceaccount:ml:pipeline-runner',
    requestObject: pod('trainer', 'ml', {
      containers: [{ name: 'train', image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime', securityContext: { privileged } }],
    }),
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0005',
    slug: 'privileged-pod-created',
    title: 'Privileged pod created',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.2.2' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    options: trustedImagesOption,
    rationale:
      'A privileged container has every capability and every device of the node, GPUs included: escaping to the node is one mount away. Seen at runtime, the create is the moment the API server admitted it, whatever manifests and admission policies said. Pods a kubelet mirrors (static pods) and node agents that need privilege by design (GPU operator, CNI, kube-proxy; option `trustedImages`) are not reported.',
    remediation:
      'Find who created it and why; enforce Pod Security `baseline` or `restricted` on the namespace; GPU workloads get their devices from the device plugin through `nvidia.com/gpu` requests, never from privilege.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
    examples: lazyExamples(() => ({ bad: [auditLog(create(true))], good: [auditLog(create(false))] })),
  },
  check(doc, ctx) {
    const created = createdPod(doc, ctx.options);
    if (!created) return;
    for (const c of created.containers) {
      const sc = isObj(c.container.securityContext) ? c.container.securityContext : undefined;
      if (sc?.privileged !== true) continue;
      ctx.report({
        at: [...c.path, 'securityContext', 'privileged'],
        message: `${describeActor(doc)} created pod ${created.name} with privileged container '${c.name}'`,
        evidence: `image: ${String(c.container.image)}`,
      });
    }
  },
});

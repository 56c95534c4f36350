import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';
import { createdPod, trustedImagesOption } from './lib/pods.js';

const create = (extra: Record<string, unknown>) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'ml',
    name: 'ray-worker-x',
    requestObject: pod('ray-worker-x', 'ml', { ...extra, containers: [{ name: 'ray', image: 'rayproject/ray:2.34.0-gpu' }] }),
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0007',
    slug: 'host-namespace-pod-created',
    title: "Pod sharing the node's network, PID or IPC namespace created",
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.2.3' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    options: trustedImagesOption,
    rationale:
      "`hostNetwork` puts the pod on the node's interfaces (cloud metadata, kubelet, every port of the node), `hostPID` lets it see and signal every process of the node and read their environment, `hostIPC` shares the node's shared memory, which GPU jobs use for NCCL. Static pods and trusted node agents are not reported.",
    remediation:
      'Remove the host namespaces; NCCL and distributed training work over the pod network (with `shareProcessNamespace` or a shared memory emptyDir within the pod).',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
    examples: lazyExamples(() => ({ bad: [auditLog(create({ hostNetwork: true, hostIPC: true }))], good: [auditLog(create({}))] })),
  },
  check(doc, ctx) {
    const created = createdPod(doc, ctx.options);
    if (!created) return;
    const shared = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => created.spec[k] === true);
    if (shared.length === 0) return;
    ctx.report({
      at: [...created.base, shared[0]],
      message: `${describeActor(doc)} created pod ${created.name} with ${shared.join(', ')}`,
    });
  },
});

import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { createdPodSpec, describeActor, objectName } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';

const gpuPod = (ns: string, name: string, time: string) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: ns,
    name,
    time,
    user: 'system:serviceaccount:kube-system:job-controller',
    requestObject: pod(name, ns, {
      containers: [
        { name: 'main', image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime', resources: { limits: { 'nvidia.com/gpu': '8' } } },
      ],
    }),
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0018',
    slug: 'gpu-request-in-new-namespace',
    title: 'GPU requested in a namespace that never used GPUs',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0034' },
      { id: 'nsa-cisa', control: 'resource-policies' },
    ],
    rationale:
      'GPUs are the most expensive and most stolen resource of an AI cluster: cryptominers and unsanctioned training jobs take them from namespaces nobody watches. A pod asking for GPUs (`nvidia.com/gpu`, `amd.com/gpu`, Intel, MIG profiles) in a namespace that had none since Sanctum started learning (the warm-up period, or the baselines file) is new spending, or new abuse, worth a look.',
    remediation:
      'Confirm the namespace should use GPUs; give namespaces a ResourceQuota on GPU resources (zero where none are meant) so that the next one is refused, not just reported.',
    references: ['https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources'],
    examples: lazyExamples(() => ({
      bad: [auditLog(gpuPod('research', 'train-a', '2026-03-02T08:00:00.000000Z'), gpuPod('web', 'job-x', '2026-03-02T10:30:00.000000Z'))],
      good: [
        auditLog(
          gpuPod('research', 'train-a', '2026-03-02T08:00:00.000000Z'),
          gpuPod('research', 'train-b', '2026-03-02T10:30:00.000000Z'),
        ),
      ],
    })),
  },
  check(doc, ctx) {
    if (!doc.facts.firstGpuInNamespace) return;
    const created = createdPodSpec(doc);
    ctx.report({
      at: created ? [...created.path, 'containers'] : ['objectRef'],
      message: `${describeActor(doc)} created pod ${objectName(doc)} asking for GPUs in namespace '${doc.audit.objectRef?.namespace ?? 'default'}', which never used GPUs before`,
    });
  },
});

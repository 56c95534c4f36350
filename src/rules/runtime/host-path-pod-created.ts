import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { asList, describeActor, isObj } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';
import { createdPod, trustedImagesOption } from './lib/pods.js';

/** Host paths that hand over the node: its root, runtime sockets, kubelet credentials, config. */
const SENSITIVE =
  /^\/(?:$|proc|sys|etc|root|home|boot|dev|var\/run\/docker\.sock|run\/docker\.sock|var\/run\/crio|run\/containerd|var\/run\/containerd|var\/lib\/kubelet|var\/lib\/docker|var\/lib\/containerd|etc\/kubernetes)(?:\/|$)/;

const create = (volume: Record<string, unknown>) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'ml',
    name: 'notebook-debug',
    requestObject: pod('notebook-debug', 'ml', {
      containers: [{ name: 'nb', image: 'jupyter/base-notebook:2024-05-27', volumeMounts: [{ name: 'v', mountPath: '/mnt' }] }],
      volumes: [{ name: 'v', ...volume }],
    }),
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0006',
    slug: 'host-path-pod-created',
    title: 'Pod with a hostPath volume created',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [{ id: 'nsa-cisa', control: 'pod-security' }],
    options: trustedImagesOption,
    rationale:
      'A hostPath volume mounts a directory of the node into the pod. The node root, `/proc`, `/etc`, kubelet credentials and container runtime sockets are a node takeover (high); other host directories leak or let the pod tamper with what other pods read (medium). Static pods and trusted node agents are not reported.',
    remediation:
      'Use persistent volumes, CSI drivers or projected volumes instead; enforce Pod Security `baseline`, which forbids hostPath.',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
    examples: lazyExamples(() => ({
      bad: [auditLog(create({ hostPath: { path: '/', type: 'Directory' } }))],
      good: [auditLog(create({ emptyDir: {} }))],
    })),
  },
  check(doc, ctx) {
    const created = createdPod(doc, ctx.options);
    if (!created) return;
    asList(created.spec.volumes).forEach((v, i) => {
      if (!isObj(v) || !isObj(v.hostPath)) return;
      const path = typeof v.hostPath.path === 'string' ? v.hostPath.path : '';
      const sensitive = SENSITIVE.test(path.replace(/\/+$/, '') || '/');
      ctx.report({
        at: [...created.base, 'volumes', i, 'hostPath', 'path'],
        severity: sensitive ? 'high' : 'medium',
        message: `${describeActor(doc)} created pod ${created.name} mounting host path '${path}'${sensitive ? ' (node takeover)' : ''}`,
      });
    });
  },
});

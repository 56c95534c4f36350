import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor, describeWorkload, isObj, isRequest, objectName, writtenObject } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';

const WORKLOADS = ['pods', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicasets'];

const server = (): Record<string, unknown> =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'llm',
    name: 'tgi-0',
    user: 'system:serviceaccount:kube-system:statefulset-controller',
    requestObject: pod('tgi-0', 'llm', {
      serviceAccountName: 'tgi',
      containers: [{ name: 'tgi', image: 'ghcr.io/huggingface/text-generation-inference:2.4.0', ports: [{ containerPort: 80 }] }],
    }),
  });
const create = (user: string) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'llm',
    name: 'x',
    user,
    userAgent: 'python-requests/2.32.3',
    requestObject: pod('x', 'llm', { containers: [{ name: 'x', image: 'alpine:3.20', command: ['sh', '-c', 'sleep 1d'] }] }),
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0017',
    slug: 'ai-service-account-creates-pods',
    title: 'Notebook or model server service account creates workloads',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0050' },
      { id: 'cis-k8s', control: '5.1.4' },
      { id: 'owasp-llm-2025', control: 'LLM06' },
    ],
    rationale:
      'A model server never creates pods; a notebook rarely should. A pod created with their account is code running in them reaching for persistence or more privilege: a pod of its choosing can mount any secret of the namespace and run any image. A Ray head creating Ray worker pods is its autoscaler at work and is not reported.',
    remediation:
      "Find what ran in the workload; remove `create` on pods and workloads from the account, and send notebook users' jobs through a pipeline with its own account.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation'],
    examples: lazyExamples(() => ({
      bad: [auditLog(server(), create('system:serviceaccount:llm:tgi'))],
      good: [auditLog(server(), create('system:serviceaccount:llm:deployer'))],
    })),
  },
  check(doc, ctx) {
    const actor = doc.facts.actor;
    const resource = doc.audit.objectRef?.resource;
    if (!actor || !resource || !WORKLOADS.includes(resource) || !isRequest(doc, ['create'], resource)) return;
    const written = writtenObject(doc);
    const labels = written && isObj(written.object.metadata) && isObj(written.object.metadata.labels) ? written.object.metadata.labels : {};
    if ((actor.kind === 'ray-head' || actor.kind === 'ray-worker') && typeof labels['ray.io/cluster'] === 'string') return;
    ctx.report({
      at: ['user', 'username'],
      severity: actor.kind === 'notebook' ? 'medium' : 'high',
      message: `${describeActor(doc)} of a ${describeWorkload(actor)} created ${resource === 'pods' ? 'pod' : resource.replace(/s$/, '')} ${objectName(doc)}`,
    });
  },
});

import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeAccess, describeActor, describeWorkload, interactiveAccess, objectName } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';

const vllmPod = (): Record<string, unknown> =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'llm',
    name: 'vllm-6c9f7d5b8-q2w3e',
    user: 'system:serviceaccount:kube-system:replicaset-controller',
    userAgent: 'kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3905d6c/system:serviceaccount:kube-system:replicaset-controller',
    requestObject: pod('vllm-6c9f7d5b8-q2w3e', 'llm', {
      serviceAccountName: 'vllm',
      containers: [
        {
          name: 'vllm',
          image: 'vllm/vllm-openai:v0.6.3',
          args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
          ports: [{ containerPort: 8000 }],
        },
      ],
    }),
  });
const exec = (pod: string) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    subresource: 'exec',
    namespace: 'llm',
    name: pod,
    code: 101,
    requestURI: `/api/v1/namespaces/llm/pods/${pod}/exec?command=bash&container=vllm&stdin=true&stdout=true&tty=true`,
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0015',
    slug: 'ai-workload-interactive-access',
    title: 'Exec, attach or port-forward into a notebook, model server or Ray head',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0044' },
      { id: 'mitre-atlas', control: 'AML.T0050' },
      { id: 'nsa-cisa', control: 'audit-logging' },
    ],
    rationale:
      'A shell in a model server holds the weights, the provider API keys and the GPU; a port-forward to a notebook or a Ray head reaches an interface that runs arbitrary code, around the Ingress and its authentication. These pods are recognised from their pod specs seen in the audit stream (image, command, ports, Ray labels), from a scan result given with `--context`, and failing both from the pod name.',
    remediation:
      'Confirm the session; restrict `pods/exec`, `pods/attach` and `pods/portforward` in AI namespaces to a break-glass group, and give data scientists notebooks through an authenticated gateway instead of port-forwards.',
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
      'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/kuberay-auth.html',
    ],
    examples: lazyExamples(() => ({
      bad: [auditLog(vllmPod(), exec('vllm-6c9f7d5b8-q2w3e'))],
      good: [auditLog(vllmPod(), exec('checkout-7d4b9c6f8-x2k4q'))],
    })),
  },
  check(doc, ctx) {
    const access = interactiveAccess(doc);
    const target = doc.facts.target;
    if (!access || !target || target.kind === 'ray-worker') return;
    ctx.report({
      at: ['objectRef'],
      severity: access === 'portforward' && target.kind === 'model-server' ? 'medium' : 'high',
      message: `${describeActor(doc)} opened ${describeAccess(doc, access)} of ${describeWorkload(target)} pod ${objectName(doc)} (recognised by ${target.via})`,
      evidence: doc.audit.requestURI,
    });
  },
});

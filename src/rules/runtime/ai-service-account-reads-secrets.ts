import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor, describeWorkload, isRequest, objectName } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';

const notebook = (): Record<string, unknown> =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'ml',
    name: 'jupyter-alice-0',
    user: 'system:serviceaccount:kube-system:statefulset-controller',
    requestObject: pod('jupyter-alice-0', 'ml', {
      serviceAccountName: 'notebook-alice',
      containers: [{ name: 'notebook', image: 'quay.io/jupyter/scipy-notebook:2024-10-07', ports: [{ containerPort: 8888 }] }],
    }),
  });
const read = (verb: string, code = 200) =>
  auditEvent({
    verb,
    resource: 'secrets',
    namespace: 'ml',
    user: 'system:serviceaccount:ml:notebook-alice',
    userAgent: 'python-requests/2.32.3',
    code,
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0016',
    slug: 'ai-service-account-reads-secrets',
    title: 'Notebook or model server service account reads secrets through the API',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0055' },
      { id: 'cis-k8s', control: '5.1.2' },
      { id: 'owasp-llm-2025', control: 'LLM06' },
    ],
    rationale:
      "Model servers and notebooks get their credentials through mounted Secrets; they have no reason to call the API for them. When their service account lists or reads secrets, someone is running code in them with the account's token: a prompt-injected agent with a shell tool, a malicious model loaded with pickle, a notebook used to pivot. The account is tied to its workload from the pod specs seen in the audit stream or a scan result (`--context`).",
    remediation:
      "Find what ran the request in the pod (Falco or Tetragon events, the notebook's history); remove secret rights from the account, set `automountServiceAccountToken: false` on pods that do not call the API, and rotate what was read.",
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/',
    ],
    examples: lazyExamples(() => ({ bad: [auditLog(notebook(), read('list'))], good: [auditLog(notebook(), read('list', 403))] })),
  },
  check(doc, ctx) {
    const actor = doc.facts.actor;
    if (!actor || !isRequest(doc, ['get', 'list', 'watch'], 'secrets')) return;
    const what =
      doc.audit.verb === 'get'
        ? `read secret ${objectName(doc)}`
        : `${doc.audit.verb === 'list' ? 'listed' : 'watched'} the secrets of ${doc.audit.objectRef?.namespace ? `namespace ${doc.audit.objectRef.namespace}` : 'every namespace'}`;
    ctx.report({
      at: ['user', 'username'],
      severity: doc.audit.verb === 'get' ? 'high' : 'critical',
      message: `${describeActor(doc)} of a ${describeWorkload(actor)} ${what}`,
    });
  },
});

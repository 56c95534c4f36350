import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { asList, describeActor, isObj, isRequest, objectName, writtenObject } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

const ingress = (tls: unknown[] | undefined) =>
  auditEvent({
    verb: 'create',
    resource: 'ingresses',
    apiGroup: 'networking.k8s.io',
    namespace: 'llm',
    name: 'chat',
    requestObject: {
      kind: 'Ingress',
      apiVersion: 'networking.k8s.io/v1',
      metadata: { name: 'chat', namespace: 'llm' },
      spec: {
        ...(tls ? { tls } : {}),
        rules: [
          {
            host: 'chat.example.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'open-webui', port: { number: 8080 } } } }] },
          },
        ],
      },
    },
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0014',
    slug: 'ingress-without-tls-created',
    title: 'Ingress without TLS created',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [{ id: 'nsa-cisa', control: 'network-separation' }],
    rationale:
      'An Ingress without a `tls` section serves its hosts over plain HTTP: prompts, completions, API keys in headers and session cookies cross the network readable and changeable by anyone on the path.',
    remediation: 'Add a `tls` entry with a certificate for each host (cert-manager issues them) and redirect HTTP to HTTPS.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#tls'],
    examples: lazyExamples(() => ({
      bad: [auditLog(ingress(undefined))],
      good: [auditLog(ingress([{ hosts: ['chat.example.com'], secretName: 'chat-tls' }]))],
    })),
  },
  check(doc, ctx) {
    if (!isRequest(doc, ['create', 'update', 'patch'], 'ingresses')) return;
    const written = writtenObject(doc);
    const spec = written && isObj(written.object.spec) ? written.object.spec : undefined;
    if (!written || !spec || asList(spec.tls).length > 0) return;
    const hosts = asList(spec.rules)
      .filter(isObj)
      .map((r) => (typeof r.host === 'string' ? r.host : '*'));
    ctx.report({
      at: [written.key, 'spec'],
      message: `${describeActor(doc)} wrote Ingress ${objectName(doc)} serving ${hosts.join(', ') || 'every host'} without TLS`,
    });
  },
});

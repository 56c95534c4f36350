import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { asList, describeActor, isObj, isRequest, objectName, writtenObject } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

const service = (type: string) =>
  auditEvent({
    verb: 'create',
    resource: 'services',
    namespace: 'ml',
    name: 'jupyter',
    requestObject: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'jupyter', namespace: 'ml' },
      spec: { type, selector: { app: 'jupyter' }, ports: [{ port: 8888, targetPort: 8888 }] },
    },
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0012',
    slug: 'nodeport-service-created',
    title: 'NodePort Service created',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'nsa-cisa', control: 'network-separation' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
    ],
    rationale:
      'A NodePort Service opens a port on every node of the cluster, outside Ingress authentication and often outside the firewall rules people assume. Notebooks and model servers published this way are found by internet scanners within hours.',
    remediation:
      "Use a ClusterIP Service behind an authenticated Ingress or Gateway; where a NodePort is required, restrict the nodes' security groups to known sources.",
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport'],
    examples: lazyExamples(() => ({ bad: [auditLog(service('NodePort'))], good: [auditLog(service('ClusterIP'))] })),
  },
  check(doc, ctx) {
    if (!isRequest(doc, ['create', 'update', 'patch'], 'services')) return;
    const written = writtenObject(doc);
    const spec = written && isObj(written.object.spec) ? written.object.spec : undefined;
    if (!written || spec?.type !== 'NodePort') return;
    const ports = asList(spec.ports)
      .filter(isObj)
      .map((p) => `${String(p.port)}${p.nodePort !== undefined ? `→node ${String(p.nodePort)}` : ''}`);
    ctx.report({
      at: [written.key, 'spec', 'type'],
      message: `${describeActor(doc)} published Service ${objectName(doc)} on every node (NodePort${ports.length ? `, ports ${ports.join(', ')}` : ''})`,
    });
  },
});

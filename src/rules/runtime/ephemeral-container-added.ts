import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor, isRequest, objectName, writtenObject, isObj, asList } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0004',
    slug: 'ephemeral-container-added',
    title: 'Ephemeral container added to a running pod',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'nsa-cisa', control: 'pod-security' },
      { id: 'mitre-atlas', control: 'AML.T0050' },
    ],
    rationale:
      "An ephemeral container (`kubectl debug`) joins a running pod with an image and command of the caller's choice, shares its namespaces and volumes, and is not in any manifest or admission review of the workload. It is how an attacker with `pods/ephemeralcontainers` rights gets a tool-filled shell next to a model server or its secrets.",
    remediation:
      'Confirm the debugging session; grant `pods/ephemeralcontainers` only to a break-glass group and enforce Pod Security on the namespace (it applies to ephemeral containers too).',
    references: ['https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/'],
    examples: lazyExamples(() => ({
      bad: [
        auditLog(
          auditEvent({
            verb: 'patch',
            resource: 'pods',
            subresource: 'ephemeralcontainers',
            namespace: 'llm',
            name: 'vllm-0',
            responseObject: {
              kind: 'Pod',
              apiVersion: 'v1',
              metadata: { name: 'vllm-0', namespace: 'llm' },
              spec: {
                containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.3' }],
                ephemeralContainers: [{ name: 'debugger-x7k2p', image: 'nicolaka/netshoot', targetContainerName: 'vllm' }],
              },
            },
          }),
        ),
      ],
      good: [
        auditLog(
          auditEvent({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'llm', name: 'vllm-0', code: 403 }),
        ),
      ],
    })),
  },
  check(doc, ctx) {
    if (!isRequest(doc, ['update', 'patch'], 'pods', 'ephemeralcontainers')) return;
    const written = writtenObject(doc);
    const spec = written && isObj(written.object.spec) ? written.object.spec : undefined;
    const list = asList(spec?.ephemeralContainers).filter(isObj);
    const last = list[list.length - 1];
    const image = last && typeof last.image === 'string' ? ` (image '${last.image}')` : '';
    ctx.report({
      at: written && last ? [written.key, 'spec', 'ephemeralContainers', list.length - 1] : ['objectRef'],
      message: `${describeActor(doc)} added an ephemeral container${image} to pod ${objectName(doc)}`,
    });
  },
});

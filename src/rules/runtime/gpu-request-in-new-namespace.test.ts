import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './gpu-request-in-new-namespace.js';
import { auditEvent, pod } from './lib/examples.js';

const gpu = (ns: string, time: string, resources: Record<string, unknown> = { limits: { 'nvidia.com/gpu': 1 } }) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: ns,
    name: 'p',
    time,
    requestObject: pod('p', ns, { containers: [{ name: 'c', image: 'pytorch/pytorch:2.4.0', resources }] }),
  });

testRule(rule, {
  valid: [
    validEvents('first GPU pod while learning', [gpu('web', '2026-03-02T08:00:00.000000Z')]),
    validEvents('zero GPUs is no request', [
      gpu('research', '2026-03-02T08:00:00.000000Z'),
      gpu('web', '2026-03-02T10:00:00.000000Z', { limits: { 'nvidia.com/gpu': '0' } }),
    ]),
  ],
  invalid: [
    invalidEvents(
      'AMD GPU in a new namespace after learning',
      [
        gpu('research', '2026-03-02T08:00:00.000000Z'),
        gpu('web', '2026-03-02T09:30:00.000000Z', { requests: { 'amd.com/gpu': 2 } }),
        gpu('web', '2026-03-02T09:40:00.000000Z'),
      ],
      [
        {
          line: 2,
          objectPath: '/requestObject/spec/containers',
          message: "'alice@example.com' created pod web/p asking for GPUs in namespace 'web', which never used GPUs before",
        },
      ],
    ),
  ],
});

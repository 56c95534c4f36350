import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './pod-port-forward.js';
import { auditEvent, pod } from './lib/examples.js';

const pf = (name: string, code = 101) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    subresource: 'portforward',
    namespace: 'data',
    name,
    code,
    requestURI: `/api/v1/namespaces/data/pods/${name}/portforward?ports=5432`,
  });

testRule(rule, {
  valid: [
    validEvents('refused', [pf('postgres-0', 403)]),
    validEvents('port-forward to a Ray head is RT-0015', [
      auditEvent({
        verb: 'create',
        resource: 'pods',
        namespace: 'data',
        name: 'raycluster-head-abcde',
        requestObject: pod(
          'raycluster-head-abcde',
          'data',
          { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.34.0' }] },
          { 'ray.io/node-type': 'head' },
        ),
      }),
      pf('raycluster-head-abcde'),
    ]),
  ],
  invalid: [
    invalidEvents(
      'database port-forward',
      [pf('postgres-0')],
      [{ line: 1, message: "'alice@example.com' opened port-forward to port 5432 of pod data/postgres-0", severity: 'medium' }],
    ),
  ],
});

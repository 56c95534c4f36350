import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './secret-read.js';
import { auditEvent } from './lib/examples.js';

testRule(rule, {
  valid: [
    validEvents('controller', [
      auditEvent({
        verb: 'get',
        resource: 'secrets',
        namespace: 'ml',
        name: 's',
        user: 'system:serviceaccount:kube-system:generic-garbage-collector',
      }),
    ]),
    validEvents('service account in its namespace', [
      auditEvent({ verb: 'get', resource: 'secrets', namespace: 'ml', name: 's', user: 'system:serviceaccount:ml:operator' }),
    ]),
    validEvents('node', [auditEvent({ verb: 'watch', resource: 'secrets', namespace: 'ml', name: 's', user: 'system:node:gpu-1' })]),
  ],
  invalid: [
    invalidEvents(
      'person reads one secret',
      [auditEvent({ verb: 'get', resource: 'secrets', namespace: 'ml', name: 'hf-token' })],
      [{ line: 1, severity: 'medium', message: "'alice@example.com' read secret ml/hf-token (get)" }],
    ),
    invalidEvents(
      'service account lists every namespace',
      [auditEvent({ verb: 'list', resource: 'secrets', user: 'system:serviceaccount:ml:operator' })],
      [{ line: 1, severity: 'high', message: 'service account ml/operator listed the secrets of every namespace' }],
    ),
  ],
});

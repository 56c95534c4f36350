import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './host-namespace-pod-created.js';
import { auditEvent, pod } from './lib/examples.js';

const create = (extra: Record<string, unknown>) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'ml',
    name: 'p',
    requestObject: pod('p', 'ml', { ...extra, containers: [{ name: 'a', image: 'python:3.12' }] }),
  });

testRule(rule, {
  valid: [
    validEvents('none', [create({ hostNetwork: false })]),
    validEvents('not a create', [auditEvent({ verb: 'get', resource: 'pods', namespace: 'ml', name: 'p' })]),
  ],
  invalid: [
    invalidEvents(
      'hostPID',
      [create({ hostPID: true })],
      [{ line: 1, objectPath: '/requestObject/spec/hostPID', message: "'alice@example.com' created pod ml/p with hostPID" }],
    ),
  ],
});

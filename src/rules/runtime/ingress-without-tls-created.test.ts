import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './ingress-without-tls-created.js';
import { auditEvent } from './lib/examples.js';

const ing = (spec: Record<string, unknown>) =>
  auditEvent({
    verb: 'create',
    resource: 'ingresses',
    apiGroup: 'networking.k8s.io',
    namespace: 'llm',
    name: 'chat',
    requestObject: { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'chat' }, spec },
  });

testRule(rule, {
  valid: [validEvents('with tls', [ing({ tls: [{ hosts: ['a.example.com'] }], rules: [{ host: 'a.example.com' }] })])],
  invalid: [
    invalidEvents(
      'empty tls list',
      [ing({ tls: [], rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }] })],
      [
        {
          line: 1,
          objectPath: '/requestObject/spec',
          message: "'alice@example.com' wrote Ingress llm/chat serving a.example.com, b.example.com without TLS",
        },
      ],
    ),
  ],
});

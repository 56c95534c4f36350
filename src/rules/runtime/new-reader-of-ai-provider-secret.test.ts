import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './new-reader-of-ai-provider-secret.js';
import { auditEvent } from './lib/examples.js';

const read = (user: string, time: string, name = 'anthropic-api-key') =>
  auditEvent({ verb: 'get', resource: 'secrets', namespace: 'llm', name, user, time });

testRule(rule, {
  valid: [
    validEvents('known reader', [
      read('system:serviceaccount:llm:gw', '2026-03-02T08:00:00.000000Z'),
      read('system:serviceaccount:llm:gw', '2026-03-02T11:00:00.000000Z'),
    ]),
    validEvents('new reader of a database password', [
      read('system:serviceaccount:llm:gw', '2026-03-02T08:00:00.000000Z', 'postgres'),
      read('bob', '2026-03-02T11:00:00.000000Z', 'postgres'),
    ]),
    validEvents('first read while learning', [read('bob', '2026-03-02T08:00:00.000000Z')]),
  ],
  invalid: [
    invalidEvents(
      'new reader after learning, once',
      [
        read('system:serviceaccount:llm:gw', '2026-03-02T08:00:00.000000Z'),
        read('bob', '2026-03-02T11:00:00.000000Z'),
        read('bob', '2026-03-02T11:05:00.000000Z'),
      ],
      [{ line: 2, objectPath: '/objectRef/name', message: "'bob' read AI provider key secret llm/anthropic-api-key for the first time" }],
    ),
  ],
});

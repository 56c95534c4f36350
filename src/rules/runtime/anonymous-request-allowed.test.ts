import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './anonymous-request-allowed.js';
import { auditEvent } from './lib/examples.js';

const anon = { user: 'system:anonymous', groups: ['system:unauthenticated'], userAgent: 'curl/8.5.0', sourceIPs: ['203.0.113.50'] };

testRule(rule, {
  valid: [
    validEvents('health probe', [auditEvent({ ...anon, verb: 'get', requestURI: '/readyz?verbose' })]),
    validEvents('denied anonymous request', [auditEvent({ ...anon, verb: 'list', resource: 'secrets', code: 403 })]),
    validEvents('authenticated user', [auditEvent({ verb: 'list', resource: 'pods', namespace: 'ml' })]),
  ],
  invalid: [
    invalidEvents(
      'anonymous list of secrets',
      [
        auditEvent({ verb: 'get', resource: 'pods', namespace: 'ml', user: 'bob' }),
        auditEvent({ ...anon, verb: 'list', resource: 'secrets' }),
      ],
      [{ line: 2, message: 'Unauthenticated request allowed: list /api/v1/secrets from 203.0.113.50', objectPath: '/user/username' }],
    ),
  ],
});

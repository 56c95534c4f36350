import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './identity-baseline-departure.js';
import { auditEvent } from './lib/examples.js';

const ev = (time: string, extra: Record<string, unknown> = {}) =>
  auditEvent({
    verb: 'get',
    resource: 'configmaps',
    namespace: 'shop',
    name: 'c',
    user: 'carol@example.com',
    sourceIPs: ['192.0.2.10'],
    time,
    ...extra,
  });

testRule(rule, {
  valid: [
    validEvents('all new values fall in the warm-up', [
      ev('2026-03-02T08:00:00Z'),
      ev('2026-03-02T08:40:00Z', { verb: 'delete', namespace: 'prod' }),
    ]),
    validEvents('same values later, kubectl upgraded, same /24', [
      ev('2026-03-02T08:00:00Z'),
      ev('2026-03-02T12:00:00Z', { sourceIPs: ['192.0.2.77'], userAgent: 'kubectl/v1.31.0 (darwin/arm64) kubernetes/abc' }),
    ]),
  ],
  invalid: [
    invalidEvents(
      'new verb and namespace, each reported once',
      [
        ev('2026-03-02T08:00:00Z'),
        ev('2026-03-02T09:30:00Z', { verb: 'delete', namespace: 'prod' }),
        ev('2026-03-02T09:31:00Z', { verb: 'delete', namespace: 'prod' }),
      ],
      [
        {
          line: 2,
          severity: 'medium',
          objectPath: '/user/username',
          message: "'carol@example.com' used a new verb 'delete' (baseline: get); namespace 'prod' (baseline: shop)",
        },
      ],
    ),
  ],
});

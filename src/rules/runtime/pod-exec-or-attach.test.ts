import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './pod-exec-or-attach.js';
import { auditEvent, pod } from './lib/examples.js';

const exec = (extra: Record<string, unknown> = {}) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    subresource: 'exec',
    namespace: 'shop',
    name: 'checkout-7d4b9c6f8-x2k4q',
    code: 101,
    requestURI: '/api/v1/namespaces/shop/pods/checkout-7d4b9c6f8-x2k4q/exec?command=sh&command=-c&command=id&container=app&stdout=true',
    ...extra,
  });

testRule(rule, {
  valid: [
    validEvents('denied exec', [exec({ code: 403 })]),
    validEvents('log read', [
      auditEvent({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'shop', name: 'checkout-7d4b9c6f8-x2k4q' }),
    ]),
    validEvents('exec into a notebook is RT-0015', [
      auditEvent({
        verb: 'create',
        resource: 'pods',
        namespace: 'ml',
        name: 'nb-0',
        requestObject: pod('nb-0', 'ml', {
          containers: [{ name: 'nb', image: 'quay.io/jupyter/base-notebook:2024-10-07', ports: [{ containerPort: 8888 }] }],
        }),
      }),
      auditEvent({ verb: 'get', resource: 'pods', subresource: 'exec', namespace: 'ml', name: 'nb-0', code: 101 }),
    ]),
    validEvents('request received stage only', [exec({ stage: 'RequestReceived' })]),
  ],
  invalid: [
    invalidEvents(
      'exec with a command',
      [exec()],
      [
        {
          line: 1,
          message: "'alice@example.com' opened exec 'sh -c id' in container 'app' of pod shop/checkout-7d4b9c6f8-x2k4q",
          objectPath: '/objectRef',
        },
      ],
    ),
    invalidEvents(
      'websocket attach, judged once across stages',
      [
        auditEvent({
          auditID: 'a1',
          verb: 'get',
          resource: 'pods',
          subresource: 'attach',
          namespace: 'shop',
          name: 'web-0',
          code: 101,
          stage: 'ResponseStarted',
        }),
        auditEvent({
          auditID: 'a1',
          verb: 'get',
          resource: 'pods',
          subresource: 'attach',
          namespace: 'shop',
          name: 'web-0',
          code: 101,
          stage: 'ResponseComplete',
        }),
      ],
      [{ line: 1, message: "'alice@example.com' opened attach of pod shop/web-0" }],
    ),
  ],
});

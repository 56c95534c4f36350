import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './privileged-pod-created.js';
import { auditEvent, pod } from './lib/examples.js';

const create = (containers: Array<Record<string, unknown>>, user = 'bob@example.com') =>
  auditEvent({ verb: 'create', resource: 'pods', namespace: 'ml', name: 'p', user, requestObject: pod('p', 'ml', { containers }) });

testRule(rule, {
  valid: [
    validEvents('unprivileged', [create([{ name: 'a', image: 'python:3.12', securityContext: { privileged: false } }])]),
    validEvents('static pod mirrored by a kubelet', [
      create([{ name: 'a', image: 'x', securityContext: { privileged: true } }], 'system:node:gpu-node-1'),
    ]),
    validEvents('GPU device plugin', [
      create([{ name: 'plugin', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', securityContext: { privileged: true } }]),
    ]),
  ],
  invalid: [
    invalidEvents(
      'second container privileged',
      [
        create([
          { name: 'a', image: 'python:3.12' },
          { name: 'b', image: 'alpine:3.20', securityContext: { privileged: true } },
        ]),
      ],
      [
        {
          line: 1,
          message: "'bob@example.com' created pod ml/p with privileged container 'b'",
          objectPath: '/requestObject/spec/containers/1/securityContext/privileged',
          evidence: 'image: alpine:3.20',
        },
      ],
    ),
    {
      ...invalidEvents(
        'trusted image option emptied',
        [create([{ name: 'plugin', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', securityContext: { privileged: true } }])],
        [{ line: 1 }],
      ),
      options: { trustedImages: [] },
    },
  ],
});

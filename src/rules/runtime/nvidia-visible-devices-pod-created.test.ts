import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './nvidia-visible-devices-pod-created.js';
import { auditEvent, pod } from './lib/examples.js';

const create = (env: Array<Record<string, unknown>>, resources: Record<string, unknown> = {}) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'a',
    name: 'p',
    requestObject: pod('p', 'a', { containers: [{ name: 'c', image: 'python:3.12', env, resources }] }),
  });

testRule(rule, {
  valid: [
    validEvents('void', [create([{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' }])]),
    validEvents('with a GPU limit', [create([{ name: 'NVIDIA_VISIBLE_DEVICES', value: '0,1' }], { limits: { 'nvidia.com/gpu': 2 } })]),
  ],
  invalid: [
    invalidEvents(
      'device indexes',
      [
        create([
          { name: 'PATH', value: '/bin' },
          { name: 'NVIDIA_VISIBLE_DEVICES', value: '0,1' },
        ]),
      ],
      [
        {
          line: 1,
          objectPath: '/requestObject/spec/containers/0/env/1/value',
          message: /takes GPUs '0,1' through NVIDIA_VISIBLE_DEVICES without requesting any$/,
        },
      ],
    ),
  ],
});

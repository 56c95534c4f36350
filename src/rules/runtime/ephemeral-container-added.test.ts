import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './ephemeral-container-added.js';
import { auditEvent } from './lib/examples.js';

const debug = (code = 200, withObject = true) =>
  auditEvent({
    verb: 'patch',
    resource: 'pods',
    subresource: 'ephemeralcontainers',
    namespace: 'llm',
    name: 'vllm-0',
    code,
    ...(withObject
      ? {
          responseObject: {
            kind: 'Pod',
            apiVersion: 'v1',
            metadata: { name: 'vllm-0' },
            spec: {
              containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.3' }],
              ephemeralContainers: [
                { name: 'old', image: 'busybox' },
                { name: 'debugger', image: 'nicolaka/netshoot' },
              ],
            },
          },
        }
      : {}),
  });

testRule(rule, {
  valid: [
    validEvents('forbidden', [debug(403)]),
    validEvents('a pod update', [auditEvent({ verb: 'patch', resource: 'pods', namespace: 'llm', name: 'vllm-0' })]),
  ],
  invalid: [
    invalidEvents(
      'with the pod in the response',
      [debug()],
      [
        {
          line: 1,
          message: "'alice@example.com' added an ephemeral container (image 'nicolaka/netshoot') to pod llm/vllm-0",
          objectPath: '/responseObject/spec/ephemeralContainers/1',
        },
      ],
    ),
    invalidEvents(
      'metadata level',
      [debug(200, false)],
      [{ line: 1, objectPath: '/objectRef', message: "'alice@example.com' added an ephemeral container to pod llm/vllm-0" }],
    ),
  ],
});

import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './host-path-pod-created.js';
import { auditEvent, pod } from './lib/examples.js';

const create = (volumes: Array<Record<string, unknown>>) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'ml',
    name: 'p',
    requestObject: pod('p', 'ml', { containers: [{ name: 'a', image: 'python:3.12' }], volumes }),
  });

testRule(rule, {
  valid: [
    validEvents('emptyDir and secret', [
      create([
        { name: 'a', emptyDir: {} },
        { name: 'b', secret: { secretName: 's' } },
      ]),
    ]),
  ],
  invalid: [
    invalidEvents(
      'container socket and a data directory',
      [
        create([
          { name: 'a', hostPath: { path: '/run/containerd/containerd.sock' } },
          { name: 'b', hostPath: { path: '/data/datasets' } },
        ]),
      ],
      [
        {
          line: 1,
          severity: 'high',
          objectPath: '/requestObject/spec/volumes/0/hostPath/path',
          message: "'alice@example.com' created pod ml/p mounting host path '/run/containerd/containerd.sock' (node takeover)",
        },
        { line: 1, severity: 'medium', objectPath: '/requestObject/spec/volumes/1/hostPath/path' },
      ],
    ),
  ],
});

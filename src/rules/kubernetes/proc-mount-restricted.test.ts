import { testRule } from '../../testing/rule-tester.js';
import rule from './proc-mount-restricted.js';

const pod = (hostUsers: string, procMount: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${hostUsers}  containers:
  - name: app
    image: app:1.0
    securityContext:
      procMount: ${procMount}
  initContainers:
  - name: init
    image: app:1.0
`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('  hostUsers: false\n', 'Default') },
    { name: 'host user namespace is K8S-0009, not reported twice', path: 'pod.yaml', content: pod('', 'Unmasked') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('  hostUsers: false\n', 'Unmasked'),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 26,
          message: "Container 'app' sets procMount 'Unmasked'",
          objectPath: '/spec/containers/0/securityContext/procMount',
        },
      ],
    },
  ],
});

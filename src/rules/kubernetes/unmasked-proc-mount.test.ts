import { testRule } from '../../testing/rule-tester.js';
import rule from './unmasked-proc-mount.js';

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
    { path: 'pod.yaml', content: pod('', 'Default') },
    { name: 'user-namespaced pods may unmask (baseline)', path: 'pod.yaml', content: pod('  hostUsers: false\n', 'Unmasked') },
    { name: 'null procMount is unset', path: 'pod.yaml', content: pod('', '~') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('', 'Unmasked'),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 26,
          message: "Container 'app' sets procMount 'Unmasked' in the host user namespace",
          objectPath: '/spec/containers/0/securityContext/procMount',
        },
      ],
    },
    {
      name: 'hostUsers: true',
      path: 'pod.yaml',
      content: pod('  hostUsers: true\n', 'Unmasked'),
      findings: [{ startLine: 11, startColumn: 7, endLine: 11, endColumn: 26 }],
    },
    {
      name: 'any value but Default',
      path: 'pod.yaml',
      content: pod('', 'default'),
      findings: [{ startLine: 10, startColumn: 7, endLine: 10, endColumn: 25 }],
    },
  ],
});

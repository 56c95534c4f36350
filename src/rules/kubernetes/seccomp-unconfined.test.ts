import { testRule } from '../../testing/rule-tester.js';
import rule from './seccomp-unconfined.js';

const pod = (podSc: string, sc: string, initSc = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${podSc}  containers:
  - name: app
    image: app:1.0
${sc}  initContainers:
  - name: init
    image: app:1.0
${initSc}`;

testRule(rule, {
  valid: [
    { name: "unset is the restricted rule's business (K8S-0017)", path: 'pod.yaml', content: pod('', '') },
    {
      path: 'pod.yaml',
      content: pod(
        '  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n',
        '    securityContext:\n      seccompProfile:\n        type: Localhost\n        localhostProfile: profiles/vllm.json\n',
        '    securityContext: {}\n',
      ),
    },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(
        '  securityContext:\n    seccompProfile:\n      type: Unconfined\n',
        '',
        '    securityContext:\n      seccompProfile: {}\n',
      ),
      findings: [
        {
          startLine: 8,
          startColumn: 7,
          endLine: 8,
          endColumn: 23,
          message: "Pod sets seccomp profile type 'Unconfined'",
          objectPath: '/spec/securityContext/seccompProfile/type',
          evidence: 'type: Unconfined',
        },
        {
          startLine: 16,
          startColumn: 7,
          endLine: 16,
          endColumn: 25,
          message: "Init container 'init' sets a seccomp profile without a type (RuntimeDefault or Localhost)",
        },
      ],
    },
    {
      name: 'container level, any unknown type',
      path: 'pod.yaml',
      content: pod('', '    securityContext:\n      seccompProfile: {type: runtime/default}\n'),
      findings: [
        {
          startLine: 10,
          startColumn: 24,
          endLine: 10,
          endColumn: 45,
          message: "Container 'app' sets seccomp profile type 'runtime/default'",
        },
      ],
    },
  ],
});

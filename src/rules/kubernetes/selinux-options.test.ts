import { testRule } from '../../testing/rule-tester.js';
import rule from './selinux-options.js';

const pod = (podSc: string, sc: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${podSc}  containers:
  - name: app
    image: app:1.0
${sc}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('', '') },
    {
      name: 'container types, a level and empty options',
      path: 'pod.yaml',
      content: pod(
        '  securityContext:\n    seLinuxOptions:\n      type: container_t\n      level: "s0:c1,c2"\n',
        '    securityContext:\n      seLinuxOptions: {type: container_engine_t, user: "", role: ""}\n',
      ),
    },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(
        '  securityContext:\n    seLinuxOptions:\n      type: spc_t\n      user: system_u\n',
        '    securityContext:\n      seLinuxOptions:\n        type: my_t\n        role: system_r\n',
      ),
      findings: [
        {
          startLine: 8,
          startColumn: 7,
          endLine: 8,
          endColumn: 18,
          message: "Pod sets SELinux type 'spc_t'",
          severity: 'high',
          objectPath: '/spec/securityContext/seLinuxOptions/type',
        },
        { startLine: 9, startColumn: 7, endLine: 9, endColumn: 21, message: "Pod sets SELinux user 'system_u'", severity: 'medium' },
        {
          startLine: 15,
          startColumn: 9,
          endLine: 15,
          endColumn: 19,
          message: "Container 'app' sets SELinux type 'my_t'",
          severity: 'medium',
        },
        { startLine: 16, startColumn: 9, endLine: 16, endColumn: 23, message: "Container 'app' sets SELinux role 'system_r'" },
      ],
    },
  ],
});

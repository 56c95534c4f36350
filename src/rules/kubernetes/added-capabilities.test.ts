import { testRule } from '../../testing/rule-tester.js';
import rule from './added-capabilities.js';

const pod = (sc: string, initSc = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
${sc}  initContainers:
  - name: init
    image: app:1.0
${initSc}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('') },
    {
      name: 'the thirteen baseline capabilities',
      path: 'pod.yaml',
      content: pod(
        '    securityContext:\n      capabilities:\n        add: [AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT]\n',
        '    securityContext:\n      capabilities: {}\n',
      ),
    },
    {
      name: 'dropping is always fine',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      capabilities:\n        drop: [ALL, SYS_ADMIN]\n'),
    },
  ],
  invalid: [
    {
      name: 'one finding per capability, severity by capability',
      path: 'pod.yaml',
      content: pod(
        '    securityContext:\n      capabilities:\n        add:\n        - SYS_ADMIN\n        - CHOWN\n        - NET_RAW\n        - NET_ADMIN\n',
      ),
      findings: [
        {
          startLine: 12,
          startColumn: 11,
          endLine: 12,
          endColumn: 20,
          message: "Container 'app' adds capability 'SYS_ADMIN', outside the baseline set",
          severity: 'critical',
          objectPath: '/spec/containers/0/securityContext/capabilities/add/0',
          evidence: 'SYS_ADMIN',
        },
        {
          startLine: 14,
          startColumn: 11,
          endLine: 14,
          endColumn: 18,
          severity: 'medium',
          objectPath: '/spec/containers/0/securityContext/capabilities/add/2',
        },
        { startLine: 15, startColumn: 11, endLine: 15, endColumn: 20, severity: 'high' },
      ],
    },
    {
      name: 'names must be exact: lower case and CAP_ prefix are rejected',
      path: 'pod.yaml',
      content: pod('', '    securityContext:\n      capabilities:\n        add: [chown, CAP_CHOWN, cap_sys_admin]\n'),
      findings: [
        {
          startLine: 14,
          startColumn: 15,
          endLine: 14,
          endColumn: 20,
          message: "Init container 'init' adds capability 'chown': Pod Security Admission accepts only the exact name 'CHOWN'",
          severity: 'low',
        },
        { startLine: 14, startColumn: 22, endLine: 14, endColumn: 31, severity: 'low' },
        { startLine: 14, startColumn: 33, endLine: 14, endColumn: 46, severity: 'critical' },
      ],
    },
  ],
});

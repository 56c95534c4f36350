import { testRule } from '../../testing/rule-tester.js';
import rule from './unsafe-sysctls.js';

const pod = (sysctls: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    sysctls:
${sysctls}  containers:
  - name: app
    image: app:1.0
`;

testRule(rule, {
  valid: [
    {
      path: 'pod.yaml',
      content: pod(
        '    - name: net.ipv4.tcp_syncookies\n      value: "1"\n    - name: net.ipv4.ip_local_port_range\n      value: "1024 65535"\n',
      ),
    },
    {
      name: 'added in policy v1.32 and v1.37',
      path: 'pod.yaml',
      content: pod(
        '    - {name: net.ipv4.tcp_rmem, value: "4096 87380 16777216"}\n    - {name: net.ipv4.tcp_notsent_lowat, value: "16384"}\n',
      ),
    },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(
        '    - name: kernel.shmmax\n      value: "1"\n    - name: net.ipv4.tcp_syncookies\n      value: "1"\n    - name: net/ipv4/tcp_syncookies\n      value: "1"\n',
      ),
      findings: [
        {
          startLine: 8,
          startColumn: 7,
          endLine: 8,
          endColumn: 26,
          message: "Pod sets sysctl 'kernel.shmmax', outside the safe set",
          objectPath: '/spec/securityContext/sysctls/0/name',
        },
        { startLine: 12, startColumn: 7, endLine: 12, endColumn: 36, message: /net\/ipv4\/tcp_syncookies/ },
      ],
    },
  ],
});

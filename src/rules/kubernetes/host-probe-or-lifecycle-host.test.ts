import { testRule } from '../../testing/rule-tester.js';
import rule from './host-probe-or-lifecycle-host.js';

const pod = (c: string, init = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
${c}  initContainers:
  - name: init
    image: app:1.0
${init}`;

testRule(rule, {
  valid: [
    {
      path: 'pod.yaml',
      content: pod('    livenessProbe:\n      httpGet:\n        port: 8080\n    readinessProbe:\n      tcpSocket:\n        port: 8080\n'),
    },
    {
      name: 'empty host and Host header',
      path: 'pod.yaml',
      content: pod(
        '    startupProbe:\n      httpGet:\n        host: ""\n        port: 8080\n        httpHeaders: [{name: Host, value: a.example.com}]\n    lifecycle:\n      preStop:\n        exec: {command: [sleep, "5"]}\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'probes and hooks, httpGet and tcpSocket, loopback included',
      path: 'pod.yaml',
      content: pod(
        '    livenessProbe:\n      httpGet:\n        host: 127.0.0.1\n        port: 8080\n    lifecycle:\n      postStart:\n        tcpSocket:\n          host: db.internal\n          port: 5432\n',
        '    restartPolicy: Always\n    readinessProbe:\n      tcpSocket: {host: "::1", port: 8080}\n',
      ),
      findings: [
        {
          startLine: 11,
          startColumn: 9,
          endLine: 11,
          endColumn: 24,
          message: "Container 'app' livenessProbe (httpGet) targets host '127.0.0.1'",
          objectPath: '/spec/containers/0/livenessProbe/httpGet/host',
        },
        {
          startLine: 16,
          startColumn: 11,
          endLine: 16,
          endColumn: 28,
          message: "Container 'app' postStart hook (tcpSocket) targets host 'db.internal'",
        },
        {
          startLine: 23,
          startColumn: 19,
          endLine: 23,
          endColumn: 30,
          message: "Init container 'init' readinessProbe (tcpSocket) targets host '::1'",
        },
      ],
    },
  ],
});

import { testRule } from '../../testing/rule-tester.js';
import rule from './host-port.js';

const pod = (ports: string, initPorts = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
${ports}  initContainers:
  - name: init
    image: app:1.0
${initPorts}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    ports:\n    - containerPort: 8080\n') },
    { name: 'hostPort 0 means none', path: 'pod.yaml', content: pod('    ports:\n    - containerPort: 8080\n      hostPort: 0\n') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(
        '    ports:\n    - containerPort: 8080\n      hostPort: 80\n    - containerPort: 9090\n',
        '    ports: [{containerPort: 53, hostPort: 53, protocol: UDP}]\n',
      ),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 19,
          message: "Container 'app' binds host port 80",
          objectPath: '/spec/containers/0/ports/0/hostPort',
          evidence: 'hostPort: 80',
        },
        { startLine: 16, startColumn: 33, endLine: 16, endColumn: 45, message: "Init container 'init' binds host port 53" },
      ],
    },
  ],
});

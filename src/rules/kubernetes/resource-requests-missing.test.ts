import { testRule } from '../../testing/rule-tester.js';
import rule from './resource-requests-missing.js';

const pod = (resources: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
${resources}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    resources:\n      requests: {cpu: 500m, memory: 1Gi}\n') },
    { name: 'limits default the requests', path: 'pod.yaml', content: pod('    resources:\n      limits: {cpu: "1", memory: 1Gi}\n') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(''),
      findings: [{ startLine: 7, startColumn: 5, endLine: 7, endColumn: 14, message: "Container 'app' has no memory or CPU request", severity: 'low' }],
    },
    {
      name: 'memory request only',
      path: 'pod.yaml',
      content: pod('    resources:\n      requests:\n        memory: 1Gi\n'),
      findings: [{ startLine: 10, startColumn: 7, endLine: 11, endColumn: 20, message: "Container 'app' has no CPU request", objectPath: '/spec/containers/0/resources/requests' }],
    },
  ],
});

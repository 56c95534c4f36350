import { testRule } from '../../testing/rule-tester.js';
import rule from './shm-memory-volume-unbounded.js';

const pod = (resources: string, emptyDir: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: vllm
    image: vllm/vllm-openai:v0.6.3
${resources}    volumeMounts:
    - name: shm
      mountPath: /dev/shm
  volumes:
  - name: shm
    emptyDir:
${emptyDir}`;
const LIMIT = '    resources:\n      limits:\n        memory: 32Gi\n';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod(LIMIT, '      medium: Memory\n      sizeLimit: 8Gi\n') },
    { name: 'disk-backed emptyDir', path: 'pod.yaml', content: pod('', '      sizeLimit: 8Gi\n') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('', '      medium: Memory\n'),
      findings: [
        {
          startLine: 14,
          startColumn: 5,
          endLine: 15,
          endColumn: 21,
          message:
            "Memory-backed emptyDir 'shm' mounted at /dev/shm has no sizeLimit, and 'vllm' has no memory limit: it can fill the node's RAM",
          objectPath: '/spec/volumes/0/emptyDir',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'memory limit on the container: low',
      path: 'pod.yaml',
      content: pod(LIMIT, '      medium: Memory\n'),
      findings: [
        {
          startLine: 17,
          startColumn: 5,
          endLine: 18,
          endColumn: 21,
          message: "Memory-backed emptyDir 'shm' mounted at /dev/shm has no sizeLimit",
          severity: 'low',
        },
      ],
    },
  ],
});

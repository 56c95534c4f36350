import { testRule } from '../../testing/rule-tester.js';
import rule from './privileged-container.js';

const pod = (sc: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
${sc}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('') },
    { path: 'pod.yaml', content: pod('    securityContext:\n      privileged: false\n') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('    securityContext:\n      privileged: true\n'),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 23,
          message: "Container 'app' runs privileged",
          objectPath: '/spec/containers/0/securityContext/privileged',
          evidence: 'privileged: true',
        },
      ],
    },
    {
      name: 'YAML 1.1 boolean, as Kubernetes reads it',
      path: 'pod.yaml',
      content: pod('    securityContext: {privileged: yes}\n'),
      findings: [{ startLine: 9, startColumn: 23, endLine: 9, endColumn: 38 }],
    },
    {
      name: 'init and ephemeral containers too',
      path: 'pod.yaml',
      content: `${pod('')}  initContainers:\n  - name: init\n    image: app:1.0\n    securityContext: {privileged: true}\n  ephemeralContainers:\n  - name: debug\n    image: busybox:1.36\n    securityContext:\n      privileged: true\n`,
      findings: [
        { startLine: 12, startColumn: 23, endLine: 12, endColumn: 39, message: "Init container 'init' runs privileged" },
        {
          startLine: 17,
          startColumn: 7,
          endLine: 17,
          endColumn: 23,
          message: "Ephemeral container 'debug' runs privileged",
          objectPath: '/spec/ephemeralContainers/0/securityContext/privileged',
        },
      ],
    },
    {
      name: 'Deployment pod template in a multi-document file',
      path: 'deploy.yaml',
      content: `apiVersion: v1
kind: Namespace
metadata:
  name: llm
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
  namespace: llm
spec:
  template:
    spec:
      initContainers:
      - name: fetch
        image: busybox:1.36
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.6.3
        securityContext:
          privileged: true # GPU access
`,
      findings: [
        {
          startLine: 21,
          startColumn: 11,
          endLine: 21,
          endColumn: 27,
          objectPath: '/spec/template/spec/containers/0/securityContext/privileged',
        },
      ],
    },
  ],
});

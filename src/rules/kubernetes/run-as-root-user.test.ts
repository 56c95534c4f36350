import { testRule } from '../../testing/rule-tester.js';
import rule from './run-as-root-user.js';

const pod = (spec: string, sc: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${spec}  containers:
  - name: app
    image: app:1.0
${sc}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('', '') },
    { path: 'pod.yaml', content: pod('  securityContext:\n    runAsUser: 1000\n', '    securityContext:\n      runAsUser: 65532\n') },
    {
      name: 'user namespace: UID 0 is not node root',
      path: 'pod.yaml',
      content: pod('  hostUsers: false\n  securityContext:\n    runAsUser: 0\n', ''),
    },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('  securityContext:\n    runAsUser: 0\n', '    securityContext:\n      runAsUser: 0\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 17,
          message: 'Pod runs as root (runAsUser: 0)',
          objectPath: '/spec/securityContext/runAsUser',
        },
        { startLine: 12, startColumn: 7, endLine: 12, endColumn: 19, message: "Container 'app' runs as root (runAsUser: 0)" },
      ],
    },
    {
      name: 'Argo: a workflow securityContext shared by two templates is reported once',
      path: 'wf.yaml',
      content: `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: pipeline
spec:
  securityContext:
    runAsUser: 0
  templates:
  - name: a
    container: {image: a:1}
  - name: b
    container: {image: b:1}
  - name: c
    securityContext: {runAsUser: 1000}
    container: {image: c:1}
`,
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 17,
          message: 'Pod runs as root (runAsUser: 0)',
          objectPath: '/spec/securityContext/runAsUser',
        },
      ],
    },
  ],
});
